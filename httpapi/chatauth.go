package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/chathome"
	"github.com/chatlift/chatlift/httpapi/api"
)

// chatCaller is who a chat API request acts for and where its account's
// chat data lives now.
type chatCaller struct {
	token *chatlift.OAuthToken
	// agent is the enabled agent the token acts for, as authenticated.
	agent   *chatlift.Agent
	account *chatlift.ChatAccount
	// store is the legacy chat store, or the platform's once the account
	// has been upgraded.
	store chatlift.ChatStore
	// platform is set when store is the platform's.
	platform bool
	server   *Server
	// legacy is the legacy store while the platform's import of the
	// account's history runs: reads merge it with the platform's rows.
	// It and importing are set by loadHistory.
	historyLoaded bool
	legacy        chatlift.ChatStore
	// importing is the import's progress while it runs, nil after.
	importing *chatlift.ImportProgress
	// now is when the request arrived, in UTC.
	now time.Time
}

// retryAfter is what a frozen account's clients are told to wait.
const retryAfter = 5 * time.Second

// chatHandler is a chat API handler; a returned error is sent in the error shape.
type chatHandler func(w http.ResponseWriter, r *http.Request, c *chatCaller) error

// chat authenticates a chat API request by its bearer token and serves it
// from the store that holds the token's account. Reads need the read scope,
// writes the write scope. While the account is frozen for its upgrade every
// request answers 503 with Retry-After.
func (s *Server) chat(h chatHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := s.chatCaller(r)
		if err == nil {
			err = h(w, r, c)
		}
		if chatlift.ErrorCode(err) == chatlift.EUNAVAILABLE {
			w.Header().Set("Retry-After", strconv.Itoa(int(retryAfter.Seconds())))
		}
		if err != nil {
			api.WriteError(w, r, s.Logger, err)
		}
	}
}

func (s *Server) chatCaller(r *http.Request) (*chatCaller, error) {
	bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || bearer == "" {
		return nil, chatlift.Errorf(chatlift.EUNAUTHORIZED, "a bearer access token is required")
	}
	ctx, homes := r.Context(), s.chatHomes()
	tok, home, err := homes.Token(ctx, chatlift.HashSecret(bearer))
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND || err == nil && !tok.Active(s.now()) {
		return nil, chatlift.Errorf(chatlift.EUNAUTHORIZED, "the access token is invalid, expired or revoked")
	} else if err != nil {
		return nil, err
	}
	if err := home.Serving(); err != nil {
		return nil, err
	}
	store := s.storeOf(home.Side)
	agent, err := tokenAgent(ctx, store, tok)
	if err != nil {
		return nil, err
	}
	if need := scopeFor(r.Method); !hasScope(tok.Scopes, need) {
		return nil, chatlift.Errorf(chatlift.EFORBIDDEN, "the token lacks the %s scope", need)
	}
	return &chatCaller{token: tok, agent: agent, account: home.Account, store: store, platform: home.Side == chathome.Platform,
		server: s, now: s.now().UTC()}, nil
}

// chatHomes is the one place that decides where an account's chat lives,
// for the chat API and the OAuth server alike.
func (s *Server) chatHomes() *chathome.Router {
	return &chathome.Router{Legacy: s.Legacy, Platform: s.Platform, Imports: s.Platform}
}

// storeOf is the store of a serving side.
func (s *Server) storeOf(side chathome.Side) chatlift.ChatStore {
	if side == chathome.Platform {
		return s.Platform
	}
	return s.Legacy
}

// tokenAgent returns the agent tok acts for, read on every request so that
// a disabled agent's tokens stop working at once: EUNAUTHORIZED if the
// agent is disabled or gone.
func tokenAgent(ctx context.Context, store chatlift.ChatStore, tok *chatlift.OAuthToken) (*chatlift.Agent, error) {
	agent, err := store.Agent(ctx, tok.AccountID, tok.AgentID)
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND || err == nil && !agent.Enabled {
		return nil, chatlift.Errorf(chatlift.EUNAUTHORIZED, "the access token's agent is disabled or gone")
	}
	return agent, err
}

// may lets the request through only if the caller's role allows action.
func may(action chatlift.ChatAction, h chatHandler) chatHandler {
	return func(w http.ResponseWriter, r *http.Request, c *chatCaller) error {
		if err := chatlift.CanChat(c.agent, action); err != nil {
			return err
		}
		return h(w, r, c)
	}
}

// loadHistory finds out, once per request and only for the requests that
// read history, whether the account's history import still runs.
func (c *chatCaller) loadHistory(ctx context.Context) error {
	if !c.platform || c.historyLoaded {
		return nil
	}
	c.historyLoaded = true
	return c.server.historyImport(ctx, c)
}

// historyImport gives c the legacy store's history and the import's
// progress until the account's history is imported and verified.
func (s *Server) historyImport(ctx context.Context, c *chatCaller) error {
	p, err := s.chatHomes().Importing(ctx, c.account.ID)
	if err != nil || p == nil {
		return err
	}
	c.legacy, c.importing = s.Legacy, p
	return nil
}

func scopeFor(method string) string {
	if method == http.MethodGet || method == http.MethodHead {
		return "read"
	}
	return "write"
}

func hasScope(scopes []string, want string) bool {
	for _, s := range scopes {
		if s == want {
			return true
		}
	}
	return false
}
