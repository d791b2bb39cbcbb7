package oauthserver

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/chathome"
	"github.com/chatlift/chatlift/httpapi/api"
)

// TokenResponse is the token endpoint's answer (RFC 6749 §5.1).
type TokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope"`
}

// OAuthErrorResponse is the body of the token endpoint's errors (RFC 6749
// §5.2), the one place that does not use api.ErrorResponse.
type OAuthErrorResponse struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// oauthError is an error in the OAuth shape: its RFC 6749 code, and the
// HTTP status it answers with at the token endpoint.
type oauthError struct {
	status      int
	code        string
	description string
	// retryAfter, when set, says when to try again.
	retryAfter *api.Throttled
}

func (e *oauthError) Error() string { return e.code + ": " + e.description }

func oauthErrorf(status int, code, format string, args ...any) *oauthError {
	return &oauthError{status: status, code: code, description: fmt.Sprintf(format, args...)}
}

func invalidGrant(format string, args ...any) *oauthError {
	return oauthErrorf(http.StatusBadRequest, "invalid_grant", format, args...)
}

var errInvalidClient = oauthErrorf(http.StatusUnauthorized, "invalid_client", "client authentication failed")

// token serves the token endpoints' POST.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	resp, err := s.grant(w, r)
	if err != nil {
		s.writeOAuthError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, resp)
}

func (s *Server) grant(w http.ResponseWriter, r *http.Request) (*TokenResponse, error) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return nil, oauthErrorf(http.StatusBadRequest, "invalid_request", "the body must be a form (application/x-www-form-urlencoded) of at most 64 KiB")
	}
	form := r.PostForm
	for k, v := range form {
		if len(v) > 1 {
			return nil, oauthErrorf(http.StatusBadRequest, "invalid_request", "parameter %s is repeated", k)
		}
	}
	t, err := s.authenticateClient(r, form)
	if err != nil {
		return nil, err
	}
	resp, err := s.grantTo(r, t, form)
	if t.serving() == nil && chathome.Refused(err) {
		// The account froze after the client was authenticated, and the
		// grant's write was refused whole: grant again, held.
		if t, err = s.authenticateClient(r, form); err != nil {
			return nil, err
		}
		resp, err = s.grantTo(r, t, form)
	}
	return resp, err
}

// grantTo runs the form's grant for the authenticated client t.
func (s *Server) grantTo(r *http.Request, t *oauthTarget, form url.Values) (*TokenResponse, error) {
	if err := t.serving(); err != nil {
		return nil, err
	}
	ctx := r.Context()
	switch g := form.Get("grant_type"); g {
	case "authorization_code":
		return s.codeGrant(ctx, t, form)
	case "password":
		return s.passwordGrant(r, t, form)
	case "client_credentials":
		return s.clientCredentialsGrant(ctx, t, form)
	case "refresh_token":
		return s.refreshGrant(ctx, t, form)
	case "":
		return nil, oauthErrorf(http.StatusBadRequest, "invalid_request", "grant_type is required")
	default:
		return nil, oauthErrorf(http.StatusBadRequest, "unsupported_grant_type", "grant_type %q is not supported", g)
	}
}

// authenticateClient identifies the client by HTTP Basic or by the form's
// client_id and client_secret (not both). Confidential clients must give
// their secret; public clients have none. An authenticated client's
// request is held while its account is frozen.
func (s *Server) authenticateClient(r *http.Request, form url.Values) (*oauthTarget, error) {
	id, secret, basic := r.BasicAuth()
	if basic {
		var err1, err2 error
		id, err1 = url.QueryUnescape(id)
		secret, err2 = url.QueryUnescape(secret)
		if errors.Join(err1, err2) != nil {
			return nil, errInvalidClient
		}
		if form.Has("client_secret") || form.Get("client_id") != "" && form.Get("client_id") != id {
			return nil, oauthErrorf(http.StatusBadRequest, "invalid_request", "authenticate the client one way: HTTP Basic or the form, not both")
		}
	} else {
		id, secret = form.Get("client_id"), form.Get("client_secret")
	}
	t, err := s.oauthClient(r.Context(), id, func(c *chatlift.OAuthClient) error {
		if c.ClientType == chatlift.ClientConfidential {
			if secret == "" || c.SecretHash == "" || subtle.ConstantTimeCompare([]byte(chatlift.HashSecret(secret)), []byte(c.SecretHash)) != 1 {
				return errInvalidClient
			}
		} else if secret != "" {
			return errInvalidClient
		}
		return nil
	})
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		return nil, errInvalidClient
	}
	return t, err
}

// codeGrant redeems an authorization code. The code is spent by any
// attempt, successful or not.
func (s *Server) codeGrant(ctx context.Context, t *oauthTarget, form url.Values) (*TokenResponse, error) {
	code := form.Get("code")
	if code == "" {
		return nil, oauthErrorf(http.StatusBadRequest, "invalid_request", "code is required")
	}
	var resp *TokenResponse
	var refused error
	err := t.store.InAccountWrite(ctx, t.client.AccountID, func(tx chatlift.ChatStore) error {
		c, err := tx.TakeOAuthCode(ctx, chatlift.HashSecret(code))
		if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
			refused = invalidGrant("the code is invalid, expired or already used")
			return nil
		} else if err != nil {
			return err
		}
		if refused = s.checkCode(c, t.client, form); refused != nil {
			return nil // commit: the code is spent all the same
		}
		if refused = enabledAgent(ctx, tx, c.AccountID, c.AgentID); refused != nil {
			return nil
		}
		resp, err = s.newToken(ctx, tx, t.client, c.AgentID, c.Scopes, true)
		return err
	})
	if err != nil {
		return nil, err
	}
	return resp, refused
}

// checkCode checks that the code is the client's, alive, asked for with the
// redirect URI given now, and that the PKCE verifier matches its challenge.
func (s *Server) checkCode(c *chatlift.OAuthCode, client *chatlift.OAuthClient, form url.Values) error {
	verifier := form.Get("code_verifier")
	switch {
	case c.AccountID != client.AccountID || c.ClientID != client.ID:
		return invalidGrant("the code was issued to another client")
	case !s.now().Before(c.ExpiresAt):
		return invalidGrant("the code is invalid, expired or already used")
	case c.RedirectURI != "" && form.Get("redirect_uri") != c.RedirectURI:
		return invalidGrant("redirect_uri differs from the authorization request's")
	case c.Challenge == "" && verifier != "":
		return invalidGrant("code_verifier given, but the authorization request had no code_challenge")
	case c.Challenge != "" && !validPKCE(verifier):
		return invalidGrant("code_verifier is required: 43 to 128 characters of [A-Za-z0-9-._~]")
	case c.Challenge != "" && subtle.ConstantTimeCompare([]byte(challengeS256(verifier)), []byte(c.Challenge)) != 1:
		return invalidGrant("code_verifier does not match the code_challenge")
	}
	return nil
}

// challengeS256 is the S256 code challenge of a verifier (RFC 7636 §4.2).
func challengeS256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// validPKCE reports whether s has the form of a code verifier or an S256
// challenge: 43 to 128 unreserved characters.
func validPKCE(s string) bool {
	if len(s) < 43 || len(s) > 128 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_' || r == '~') {
			return false
		}
	}
	return true
}

func confidentialOnly(c *chatlift.OAuthClient, grant string) error {
	if c.ClientType != chatlift.ClientConfidential {
		return oauthErrorf(http.StatusBadRequest, "unauthorized_client", "only confidential clients may use the %s grant", grant)
	}
	return nil
}

// passwordGrant issues a token for the agent whose email and password the
// (confidential) client gives.
func (s *Server) passwordGrant(r *http.Request, t *oauthTarget, form url.Values) (*TokenResponse, error) {
	if err := confidentialOnly(t.client, "password"); err != nil {
		return nil, err
	}
	username, password := form.Get("username"), form.Get("password")
	if username == "" || password == "" {
		return nil, oauthErrorf(http.StatusBadRequest, "invalid_request", "username and password are required")
	}
	scopes, err := clientScopes(form.Get("scope"), t.client)
	if err != nil {
		return nil, err
	}
	agent, err := s.signIn(r, t.store, t.client.AccountID, username, password)
	var th *api.Throttled
	if errors.As(err, &th) {
		return nil, &oauthError{status: http.StatusTooManyRequests, code: "slow_down", description: th.Error(), retryAfter: th}
	} else if chatlift.ErrorCode(err) == chatlift.EUNAUTHORIZED {
		return nil, invalidGrant("wrong username or password")
	} else if err != nil {
		return nil, err
	}
	return s.issue(r.Context(), t, agent.ID, scopes, true)
}

// clientCredentialsGrant issues a (confidential) client a token that acts
// for the agent who created the client. It comes without a refresh token:
// the client can always ask again.
func (s *Server) clientCredentialsGrant(ctx context.Context, t *oauthTarget, form url.Values) (*TokenResponse, error) {
	if err := confidentialOnly(t.client, "client_credentials"); err != nil {
		return nil, err
	}
	scopes, err := clientScopes(form.Get("scope"), t.client)
	if err != nil {
		return nil, err
	}
	return s.issue(ctx, t, t.client.AgentID, scopes, false)
}

// refreshGrant rotates a refresh token: the token it belongs to is revoked
// (access and refresh alike) and a new pair is issued, with the same scopes
// or fewer.
func (s *Server) refreshGrant(ctx context.Context, t *oauthTarget, form url.Values) (*TokenResponse, error) {
	refresh := form.Get("refresh_token")
	if refresh == "" {
		return nil, oauthErrorf(http.StatusBadRequest, "invalid_request", "refresh_token is required")
	}
	var resp *TokenResponse
	err := t.store.InAccountWrite(ctx, t.client.AccountID, func(tx chatlift.ChatStore) error {
		old, err := tx.OAuthTokenByRefreshHash(ctx, chatlift.HashSecret(refresh))
		if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
			return invalidGrant("the refresh token is invalid")
		} else if err != nil {
			return err
		}
		now := s.now()
		switch {
		case old.AccountID != t.client.AccountID || old.ClientID != t.client.ID:
			return invalidGrant("the refresh token was issued to another client")
		case old.RevokedAt != nil:
			return invalidGrant("the refresh token was revoked or already used")
		case !now.Before(old.CreatedAt.Add(refreshTokenLifetime)):
			return invalidGrant("the refresh token expired")
		}
		scopes, err := grantScopes(form.Get("scope"), old.Scopes, "token")
		if err != nil {
			return err
		}
		if err := enabledAgent(ctx, tx, old.AccountID, old.AgentID); err != nil {
			return err
		}
		if revoked, err := tx.RevokeOAuthToken(ctx, old.AccountID, old.ID, now.UTC()); err != nil {
			return err
		} else if !revoked {
			return invalidGrant("the refresh token was revoked or already used")
		}
		resp, err = s.newToken(ctx, tx, t.client, old.AgentID, scopes, true)
		return err
	})
	return resp, err
}

// writeOAuthError sends err in the OAuth error shape.
func (s *Server) writeOAuthError(w http.ResponseWriter, r *http.Request, err error) {
	var oe *oauthError
	if !errors.As(err, &oe) {
		msg := chatlift.ErrorMessage(err)
		switch chatlift.ErrorCode(err) {
		case chatlift.EUNAVAILABLE:
			api.RetryLater(w)
			oe = oauthErrorf(http.StatusServiceUnavailable, "temporarily_unavailable", "%s", msg)
		case chatlift.EINVALID:
			oe = oauthErrorf(http.StatusBadRequest, "invalid_request", "%s", msg)
		default:
			s.Logger.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "error", err)
			oe = oauthErrorf(http.StatusInternalServerError, "server_error", "internal error")
		}
	}
	if oe.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="chatlift"`)
	}
	if oe.retryAfter != nil {
		oe.retryAfter.SetRetryAfter(w)
	}
	api.WriteJSON(w, oe.status, OAuthErrorResponse{Error: oe.code, Description: oe.description})
}
