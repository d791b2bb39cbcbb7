package api

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/chathome"
)

// ChatCallerStore is what authenticating a chat API caller reads of the
// store that serves its account, beside what chathome reads.
type ChatCallerStore interface {
	chathome.Store
	Agent(ctx context.Context, accountID, id int64) (*chatlift.Agent, error)
}

// ChatCaller is who a request authenticated by a chat OAuth access token
// acts for, and the store that serves its account now (as S, the store
// interface of the API serving the request).
type ChatCaller[S ChatCallerStore] struct {
	Token *chatlift.OAuthToken
	// Agent is the enabled agent the token acts for, as authenticated.
	Agent   *chatlift.Agent
	Account *chatlift.ChatAccount
	// Store is the legacy chat store, or the platform's once the account
	// has been upgraded; Platform is set when it is the platform's.
	Store    S
	Platform bool
	// Now is when the request arrived, in UTC.
	Now time.Time
}

// ChatHandler serves a request of a chat API caller; a returned error is
// sent in the error shape.
type ChatHandler[S ChatCallerStore] func(w http.ResponseWriter, r *http.Request, c *ChatCaller[S]) error

// ChatRetryAfter is what the clients of an unavailable answer (a frozen
// account held past the hold's bounds, an engine that did not answer in
// time) are told to wait.
const ChatRetryAfter = 5 * time.Second

// ChatAuth authenticates chat API callers by their bearer access tokens,
// on the side chathome says serves their account: the chat API's and the
// OAuth server's resources alike.
type ChatAuth[S ChatCallerStore] struct {
	// Homes decides where an account's chat lives.
	Homes  *chathome.Router[S]
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (a *ChatAuth[S]) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// Serve authenticates a chat API request by its bearer token and serves it
// from the store that holds the token's account. Reads need the read
// scope, writes the write scope. While the account is frozen for its
// upgrade a request is held until the freeze ends (Homes.Hold), then
// served by the side that serves the account; past the hold's bounds it
// answers 503 with Retry-After. A request whose write the freeze refused
// (authenticated just before it) is held and served again. A held
// request's body is read (within the body limit) before it waits.
func (a *ChatAuth[S]) Serve(h ChatHandler[S]) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := ServeHeld(r, a.caller, func(c *ChatCaller[S]) error { return h(w, r, c) })
		if err != nil {
			WriteError(w, r, a.Logger, err)
		}
	}
}

// ServeHeld finds r's caller (held while its account is frozen, see
// chathome.Router.Await) and serves it with h. When the account froze
// after the caller was found and the freeze refused h's write whole
// (chathome.Refused), the caller is found again, held, and h serves the
// request again from its start: r's body is kept for that.
func ServeHeld[C any](r *http.Request, find func(*http.Request) (*C, error), h func(*C) error) error {
	body := NewReplayBody(r.Body)
	r.Body = body
	c, err := find(r)
	if err == nil {
		err = h(c)
	}
	if c != nil && chathome.Refused(err) {
		body.Rewind()
		if c, err = find(r); err == nil {
			err = h(c)
		}
	}
	return err
}

// May is Serve for the callers whose role allows action.
func (a *ChatAuth[S]) May(action chatlift.ChatAction, h ChatHandler[S]) http.HandlerFunc {
	return a.Serve(func(w http.ResponseWriter, r *http.Request, c *ChatCaller[S]) error {
		if err := chatlift.CanChat(c.Agent, action); err != nil {
			return err
		}
		return h(w, r, c)
	})
}

func (a *ChatAuth[S]) caller(r *http.Request) (*ChatCaller[S], error) {
	bearer, ok := BearerToken(r)
	if !ok {
		return nil, chatlift.Errorf(chatlift.EUNAUTHORIZED, "a bearer access token is required")
	}
	ctx := r.Context()
	var tok *chatlift.OAuthToken
	home, err := a.Homes.Await(ctx, func() (home *chathome.Home, err error) {
		tok, home, err = a.Homes.Token(ctx, chatlift.HashSecret(bearer))
		if chatlift.ErrorCode(err) == chatlift.ENOTFOUND || err == nil && !tok.Active(a.now()) {
			return nil, chatlift.Errorf(chatlift.EUNAUTHORIZED, "the access token is invalid, expired or revoked")
		}
		if err == nil && home.Side == chathome.Frozen {
			err = ReadAhead(r)
		}
		return home, err
	})
	if err != nil {
		return nil, err
	}
	if err := home.Serving(); err != nil {
		return nil, err
	}
	store := a.Homes.Store(home.Side)
	agent, err := tokenAgent(ctx, store, tok)
	if err != nil {
		return nil, err
	}
	if need := scopeFor(r.Method); !slices.Contains(tok.Scopes, need) {
		return nil, chatlift.Errorf(chatlift.EFORBIDDEN, "the token lacks the %s scope", need)
	}
	return &ChatCaller[S]{Token: tok, Agent: agent, Account: home.Account, Store: store,
		Platform: home.Side == chathome.Platform, Now: a.now().UTC()}, nil
}

// ReplayBody records what is read of a request's body (within the body
// limit), so that the request can be served again.
type ReplayBody struct {
	src  io.ReadCloser
	read bytes.Buffer
	// replay, once rewound, is what was read before, read again first.
	replay *bytes.Reader
}

// NewReplayBody records what is read of body.
func NewReplayBody(body io.ReadCloser) *ReplayBody { return &ReplayBody{src: body} }

func (b *ReplayBody) Read(p []byte) (int, error) {
	if b.replay != nil && b.replay.Len() > 0 {
		return b.replay.Read(p)
	}
	n, err := b.src.Read(p)
	b.read.Write(p[:n])
	return n, err
}

// Close closes the request's body.
func (b *ReplayBody) Close() error { return b.src.Close() }

// Rewind starts the body again from its start.
func (b *ReplayBody) Rewind() { b.replay = bytes.NewReader(b.read.Bytes()) }

// ReadAhead reads the rest of r's body now, when it is a ReplayBody, for
// its handler to read from the start. A request is read before it is held:
// the server notices a client that goes away only once the body is read.
func ReadAhead(r *http.Request) error {
	b, ok := r.Body.(*ReplayBody)
	if !ok {
		return nil
	}
	if _, err := ReadBody(r); err != nil {
		return err
	}
	b.Rewind()
	return nil
}

// BearerToken is the request's bearer token; false when it has none.
func BearerToken(r *http.Request) (string, bool) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return token, ok && token != ""
}

// tokenAgent returns the agent tok acts for, read on every request so that
// a disabled agent's tokens stop working at once: EUNAUTHORIZED if the
// agent is disabled or gone.
func tokenAgent(ctx context.Context, store ChatCallerStore, tok *chatlift.OAuthToken) (*chatlift.Agent, error) {
	agent, err := store.Agent(ctx, tok.AccountID, tok.AgentID)
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND || err == nil && !agent.Enabled {
		return nil, chatlift.Errorf(chatlift.EUNAUTHORIZED, "the access token's agent is disabled or gone")
	}
	return agent, err
}

func scopeFor(method string) string {
	if method == http.MethodGet || method == http.MethodHead {
		return "read"
	}
	return "write"
}
