// Package convapi is the live conversations' HTTP API: the widget's side,
// where a visitor starts a conversation with the account's public widget
// key, sends messages and follows the replies as server-sent events, and
// the agents' side in the chat API, where agents list, read, answer, end
// and follow conversations with their OAuth tokens. Both find where the
// account's chat lives through the same chathome.Router as the chat API;
// docs/conversations.md is the protocol.
package convapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/chathome"
	"github.com/chatlift/chatlift/conversation"
	"github.com/chatlift/chatlift/httpapi/api"
	"github.com/chatlift/chatlift/ratelimit"
)

// Store is what the conversations' API reads and writes of the store that
// serves an account's chat.
type Store interface {
	api.ChatCallerStore
	conversation.Store
	WidgetKeyAccount(ctx context.Context, key string) (int64, error)
	Conversations(ctx context.Context, f chatlift.ConversationFilter) ([]*chatlift.Conversation, error)
	ConversationMessages(ctx context.Context, accountID int64, id string, afterSeq int64, limit int) ([]*chatlift.ConversationMessage, error)
	ConversationChanges(ctx context.Context, accountID, afterChange int64, limit int) ([]*chatlift.Conversation, error)
}

// Defaults of the API's limits (docs/limits.md).
const (
	// DefaultVisitorRequestsPerMinute is how many requests one client
	// address may make a minute on one widget, in bursts of
	// VisitorBurst.
	DefaultVisitorRequestsPerMinute = 120
	VisitorBurst                    = 30
	// MaxVisitorBodyBytes bounds a visitor request's body.
	MaxVisitorBodyBytes = 16 << 10
	// DefaultPollInterval is how often a stream reads the store when no
	// message of this process woke it.
	DefaultPollInterval = time.Second
	// DefaultStreamLifetime is how long one stream is served before the
	// server ends it (the client reconnects with Last-Event-ID).
	DefaultStreamLifetime = 5 * time.Minute
	// keepAlive is how often an idle stream sends a comment.
	keepAlive = 15 * time.Second
	// visitorRateKeys bounds the rate limiter's memory.
	visitorRateKeys = 100_000
)

// API serves live conversations.
type API struct {
	// Auth authenticates agents by their chat OAuth tokens; its Homes
	// decides where an account's chat lives for widget requests too.
	Auth    *api.ChatAuth[Store]
	Service *conversation.Service
	Logger  *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// VisitorRequestsPerMinute is 0 for DefaultVisitorRequestsPerMinute.
	VisitorRequestsPerMinute int
	// Closing, when closed, ends every stream (the server shuts down).
	Closing <-chan struct{}
	// PollInterval and StreamLifetime are 0 for their defaults.
	PollInterval, StreamLifetime time.Duration

	rate api.RateLimit
}

func (a *API) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// Routes registers the widget's endpoints and the agents' under
// /api/v2/chat.
func (a *API) Routes(handle func(string, http.HandlerFunc)) {
	const w = "/api/v2/chat/widget/{key}/conversations"
	handle("POST "+w, a.widget(a.startConversation))
	handle("GET "+w+"/{id}", a.visitor(a.getVisitorConversation))
	handle("POST "+w+"/{id}/messages", a.visitor(a.sendVisitorMessage))
	handle("POST "+w+"/{id}/end", a.visitor(a.endVisitorConversation))
	handle("GET "+w+"/{id}/events", a.visitor(a.visitorEvents))
	handle("OPTIONS /api/v2/chat/widget/", preflight)

	const p = "/api/v2/chat/conversations"
	handle("GET /api/v2/chat/widget", a.Auth.Serve(a.getWidgetKey))
	handle("GET "+p, a.Auth.Serve(a.listConversations))
	handle("GET "+p+"/events", a.Auth.Serve(a.accountEvents))
	handle("GET "+p+"/{id}", a.Auth.Serve(a.getConversation))
	handle("POST "+p+"/{id}/messages", a.Auth.May(chatlift.ChatConverse, a.sendAgentMessage))
	handle("POST "+p+"/{id}/end", a.Auth.May(chatlift.ChatConverse, a.endAgentConversation))
	handle("GET "+p+"/{id}/events", a.Auth.Serve(a.agentEvents))
}

// widgetCaller is a widget request: the account whose widget key it
// carries and the store serving the account's chat now.
type widgetCaller struct {
	Account *chatlift.ChatAccount
	Store   Store
	Side    chathome.Side
	// Conversation is the visitor's, for requests on one.
	Conversation *chatlift.Conversation
}

type widgetHandler func(w http.ResponseWriter, r *http.Request, c *widgetCaller) error

// widget serves a widget request: rate-limited per widget key and client
// address, then routed by the key to the side serving the account, before
// its body (capped at MaxVisitorBodyBytes) is read.
func (a *API) widget(h widgetHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		key := r.PathValue("key")
		if !a.takeRate(w, key, r.RemoteAddr) {
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, MaxVisitorBodyBytes)
		find := func(r *http.Request) (*widgetCaller, error) { return a.widgetCaller(r, key) }
		if err := api.ServeHeld(r, find, func(c *widgetCaller) error { return h(w, r, c) }); err != nil {
			api.WriteError(w, r, a.Logger, err)
		}
	}
}

// widgetCaller is the caller of a widget request, once its account is
// served (held while it is frozen).
func (a *API) widgetCaller(r *http.Request, key string) (*widgetCaller, error) {
	home, err := a.WidgetHome(r, key)
	if err != nil {
		return nil, err
	}
	return &widgetCaller{Account: home.Account, Store: a.Auth.Homes.Store(home.Side), Side: home.Side}, nil
}

// WidgetHome is where the chat of the account whose widget has the key
// lives, as the chat API's requests find it (chathome.Router.Home):
// ENOTFOUND for an unknown key. While the account is frozen the request
// is held until the freeze ends (chathome.Router.Await); past the hold's
// bounds EUNAVAILABLE. Every widget request is routed here, and nowhere
// else.
func (a *API) WidgetHome(r *http.Request, key string) (*chathome.Home, error) {
	ctx := r.Context()
	notFound := chatlift.Errorf(chatlift.ENOTFOUND, "no widget has this key")
	if !chatlift.ValidKey(key) {
		return nil, notFound
	}
	homes := a.Auth.Homes
	id, err := homes.Legacy.WidgetKeyAccount(ctx, key)
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		id, err = homes.Platform.WidgetKeyAccount(ctx, key)
	}
	if err != nil {
		return nil, err
	}
	home, err := homes.Await(ctx, func() (*chathome.Home, error) {
		home, err := homes.Home(ctx, id)
		if err == nil && home.Side == chathome.Frozen {
			err = api.ReadAhead(r)
		}
		return home, err
	})
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		return nil, notFound
	} else if err != nil {
		return nil, err
	}
	return home, home.Serving()
}

// preflight answers browsers asking whether a widget on any site may call
// the widget's endpoints. Any origin may: the requests carry no cookies,
// only the conversation's token, which the page holds anyway.
func preflight(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "GET, POST")
	h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Last-Event-ID")
	h.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
}

// takeRate spends one request of the client address on the widget; past
// the limit it answers 429 with Retry-After and returns false.
func (a *API) takeRate(w http.ResponseWriter, key, remote string) bool {
	if len(key) > chatlift.MaxKeyBytes {
		key = key[:chatlift.MaxKeyBytes]
	}
	return a.rate.Take(w, a.rateConfig, key+"|"+ratelimit.ClientKey(remote), a.now(), "too many requests from this address on this widget")
}

// rateConfig is the widget's rate limit per address and widget.
func (a *API) rateConfig() api.RateConfig {
	perMinute := a.VisitorRequestsPerMinute
	if perMinute <= 0 {
		perMinute = DefaultVisitorRequestsPerMinute
	}
	return api.RateConfig{PerMinute: perMinute, Burst: VisitorBurst, Keys: visitorRateKeys}
}

// visitor serves a request on one conversation: a widget request whose
// bearer token (or, for the event stream, token parameter) is the
// conversation's visitor token.
func (a *API) visitor(h widgetHandler) http.HandlerFunc {
	return a.widget(func(w http.ResponseWriter, r *http.Request, c *widgetCaller) error {
		token, ok := api.BearerToken(r)
		if !ok && r.Method == http.MethodGet {
			token = r.URL.Query().Get("token")
		}
		if token == "" {
			return chatlift.Errorf(chatlift.EUNAUTHORIZED, "the conversation's token is required")
		}
		conv, err := a.Service.Visitor(r.Context(), c.Store, c.Account.ID, r.PathValue("id"), token)
		if err != nil {
			return err
		}
		c.Conversation = conv
		return h(w, r, c)
	})
}
