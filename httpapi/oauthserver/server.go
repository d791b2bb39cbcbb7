package oauthserver

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/chathome"
	"github.com/chatlift/chatlift/httpapi/api"
)

// Lifetimes of what the OAuth server issues.
const (
	defaultAccessTokenLifetime = 2 * time.Hour
	refreshTokenLifetime       = 30 * 24 * time.Hour
	codeLifetime               = 10 * time.Minute
)

// authorizePaths are the authorization endpoints: the legacy product's,
// the integrated product's, and chatlift's own first one. tokenPaths are
// the token endpoints: the legacy product's, and the integrated product's,
// which was chatlift's own too. Every path serves every account, wherever
// its chat lives (see docs/oauth.md).
var (
	authorizePaths = []string{"/oauth2/authorizations/new", "/oauth2/chat/authorizations/new", "/oauth2/chat/authorize"}
	tokenPaths     = []string{"/oauth2/token", "/oauth2/chat/token"}
)

// Store is what the OAuth server reads of the store that serves a client's
// account (the legacy product's, or the platform's once upgraded); it
// writes in InAccountWrite's transaction.
type Store interface {
	api.ChatCallerStore
	InAccountWrite(ctx context.Context, accountID int64, fn func(chatlift.ChatStore) error) error
	AgentByEmail(ctx context.Context, accountID int64, email string) (*chatlift.Agent, error)
	OAuthClients(ctx context.Context, accountID int64) ([]*chatlift.OAuthClient, error)
	OAuthClient(ctx context.Context, accountID, id int64) (*chatlift.OAuthClient, error)
	OAuthTokens(ctx context.Context, accountID int64) ([]*chatlift.OAuthToken, error)
}

// Server is the OAuth 2 server of the chat API: the authorization and
// token endpoints, and the chat API's resources of its clients and tokens.
type Server struct {
	Logger *slog.Logger
	// Auth authenticates the callers of the client and token resources;
	// its Homes decides which store serves a client's account.
	Auth *api.ChatAuth[Store]
	// AccessTokenLifetime is how long access tokens live; 0 means 2 hours.
	AccessTokenLifetime time.Duration
	// ComparePassword checks a password against its bcrypt hash; nil means
	// bcrypt.CompareHashAndPassword.
	ComparePassword func(hash, password []byte) error
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	guard *signInGuard
}

// Routes registers the authorization and token endpoints and the chat
// API's OAuth resources.
func (s *Server) Routes(handle func(string, http.HandlerFunc)) {
	s.guard = newSignInGuard(s.ComparePassword)
	for _, p := range authorizePaths {
		handle("GET "+p, s.authorizePage)
		handle("POST "+p, s.authorizeSubmit)
	}
	for _, p := range tokenPaths {
		handle("POST "+p, s.token)
	}
	const p = "/api/v2/chat/oauth"
	manage := func(h api.ChatHandler[Store]) http.HandlerFunc { return s.Auth.May(chatlift.ChatManageOAuth, h) }
	handle("GET "+p+"/clients", manage(listOAuthClients))
	handle("POST "+p+"/clients", manage(s.createOAuthClient))
	handle("GET "+p+"/clients/{id}", manage(getOAuthClient))
	handle("PUT "+p+"/clients/{id}", manage(updateOAuthClient))
	handle("DELETE "+p+"/clients/{id}", manage(deleteOAuthClient))
	handle("GET "+p+"/tokens", manage(listOAuthTokens))
	handle("DELETE "+p+"/tokens/{id}", manage(revokeOAuthToken))
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) accessTokenLifetime() time.Duration {
	if s.AccessTokenLifetime > 0 {
		return s.AccessTokenLifetime
	}
	return defaultAccessTokenLifetime
}

// oauthTarget is an OAuth client and where its account's chat lives.
type oauthTarget struct {
	client *chatlift.OAuthClient
	home   *chathome.Home
	store  Store // the store serving the account; nil while it is frozen
}

// serving fails with EUNAVAILABLE while the client's account is frozen.
func (t *oauthTarget) serving() error { return t.home.Serving() }

// oauthClient finds the client with the identifier, as the store serving its
// account holds it (chathome decides which); ENOTFOUND if there is none.
// With authenticate set the client must pass it, and then, while its
// account is frozen, the request is held until the freeze ends and the
// client found and authenticated again (chathome.Router.Await).
func (s *Server) oauthClient(ctx context.Context, identifier string, authenticate func(*chatlift.OAuthClient) error) (*oauthTarget, error) {
	t := &oauthTarget{}
	find := func() (*chathome.Home, error) {
		c, home, err := s.Auth.Homes.Client(ctx, identifier)
		if err == nil && authenticate != nil {
			err = authenticate(c)
		}
		t.client = c
		return home, err
	}
	var home *chathome.Home
	var err error
	if authenticate == nil {
		home, err = find()
	} else {
		home, err = s.Auth.Homes.Await(ctx, find)
	}
	if err != nil {
		return nil, err
	}
	if t.home = home; home.Serving() == nil {
		t.store = s.Auth.Homes.Store(home.Side)
	}
	return t, nil
}

// newToken stores a new access token (and, if refresh, a refresh token) of
// the client for the agent, in tx, and returns the secrets to hand out.
func (s *Server) newToken(ctx context.Context, tx chatlift.ChatStore, client *chatlift.OAuthClient, agentID int64, scopes []string, refresh bool) (*TokenResponse, error) {
	id, err := tx.NextIDs(ctx, "oauth_tokens/"+strconv.FormatInt(client.AccountID, 10), 1)
	if err != nil {
		return nil, err
	}
	now, lifetime := s.now().UTC(), s.accessTokenLifetime()
	expires := now.Add(lifetime)
	access := chatlift.NewSecret()
	tok := &chatlift.OAuthToken{ID: id, AccountID: client.AccountID, ClientID: client.ID, AgentID: agentID,
		TokenHash: chatlift.HashSecret(access), Scopes: scopes, CreatedAt: now, ExpiresAt: &expires}
	resp := &TokenResponse{AccessToken: access, TokenType: "Bearer", ExpiresIn: int64(lifetime / time.Second), Scope: strings.Join(scopes, " ")}
	if refresh {
		resp.RefreshToken = chatlift.NewSecret()
		tok.RefreshHash = chatlift.HashSecret(resp.RefreshToken)
	}
	if err := tx.PutOAuthTokens(ctx, []*chatlift.OAuthToken{tok}); err != nil {
		return nil, err
	}
	return resp, nil
}

// issue stores a new token of t's client for the agent, provided the agent
// is still enabled, in a write of the account.
func (s *Server) issue(ctx context.Context, t *oauthTarget, agentID int64, scopes []string, refresh bool) (*TokenResponse, error) {
	var resp *TokenResponse
	err := t.store.InAccountWrite(ctx, t.client.AccountID, func(tx chatlift.ChatStore) error {
		if err := enabledAgent(ctx, tx, t.client.AccountID, agentID); err != nil {
			return err
		}
		var err error
		resp, err = s.newToken(ctx, tx, t.client, agentID, scopes, refresh)
		return err
	})
	return resp, err
}

// enabledAgent fails with invalid_grant unless the account has the agent
// and it is enabled.
func enabledAgent(ctx context.Context, store Store, accountID, agentID int64) error {
	a, err := store.Agent(ctx, accountID, agentID)
	if err == nil && a.Enabled {
		return nil
	} else if err != nil && chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
		return err
	}
	return oauthErrorf(http.StatusBadRequest, "invalid_grant", "the agent this grant acts for is disabled or gone")
}
