package api

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/chatlift/chatlift"
)

// SupportStore is what authenticating a support account's caller reads.
type SupportStore interface {
	APITokenByHash(ctx context.Context, hash string) (*chatlift.APIToken, error)
	SupportAccount(ctx context.Context, id int64) (*chatlift.SupportAccount, error)
	User(ctx context.Context, accountID, id int64) (*chatlift.User, error)
	UserByEmail(ctx context.Context, accountID int64, email string) (*chatlift.User, error)
}

// SupportCaller is who a request authenticated by a support account's API
// token acts for.
type SupportCaller struct {
	Account *chatlift.SupportAccount
	User    *chatlift.User
	Token   *chatlift.APIToken
	// Now is when the request arrived, in UTC.
	Now time.Time
}

// Admin reports whether the caller administers the account.
func (c *SupportCaller) Admin() bool { return c.User.Role == chatlift.UserRoleAdmin }

// RequireAdmin is EFORBIDDEN unless the caller is an admin.
func (c *SupportCaller) RequireAdmin(what string) error {
	if !c.Admin() {
		return chatlift.Errorf(chatlift.EFORBIDDEN, "only admins may %s", what)
	}
	return nil
}

// SupportHandler serves a request of a support account's caller; a
// returned error is sent in the error shape.
type SupportHandler func(w http.ResponseWriter, r *http.Request, c *SupportCaller) error

// DefaultSupportRequestsPerMinute is the support API's rate limit per API
// token when the server sets none.
const DefaultSupportRequestsPerMinute = 6000

// supportRateKeys bounds the API tokens the rate limiter remembers.
const supportRateKeys = 100000

// SupportAuth authenticates the callers of the support API and of the
// account-facing operator endpoints (billing, notifications, upgrades), and
// holds the one rate limit per API token they share.
type SupportAuth struct {
	Store    SupportStore
	Operator *Operator
	Logger   *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// RequestsPerMinute is how many requests one API token may make a
	// minute, in bursts of as many; 0 means DefaultSupportRequestsPerMinute.
	RequestsPerMinute int

	rate RateLimit
}

func (a *SupportAuth) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// Serve authenticates a request by its API token, spends one request of
// the token's rate and serves it for the caller.
func (a *SupportAuth) Serve(h SupportHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := a.Caller(r)
		if err == nil && !a.takeRate(w, c) {
			return
		}
		if err == nil {
			err = h(w, r, c)
		}
		if err != nil {
			WriteError(w, r, a.Logger, err)
		}
	}
}

// takeRate spends one request of the caller's API token; past the limit it
// answers 429 with Retry-After and returns false.
func (a *SupportAuth) takeRate(w http.ResponseWriter, c *SupportCaller) bool {
	return a.rate.Take(w, a.rateConfig, strconv.FormatInt(c.Token.AccountID, 10)+"/"+strconv.FormatInt(c.Token.ID, 10), a.now(),
		"rate limit of this API token exceeded")
}

// rateConfig is the support API's rate limit per API token.
func (a *SupportAuth) rateConfig() RateConfig {
	perMinute := a.RequestsPerMinute
	if perMinute <= 0 {
		perMinute = DefaultSupportRequestsPerMinute
	}
	return RateConfig{PerMinute: perMinute, Keys: supportRateKeys}
}

var errSupportAuth = chatlift.Errorf(chatlift.EUNAUTHORIZED, "couldn't authenticate you: use Basic email/token:API_TOKEN or a Bearer API token")

// Caller authenticates by an API token, either as Basic
// "email/token:TOKEN" (acting as that user of the token's account) or as
// "Bearer TOKEN" (acting as the token's own user). The user must be an
// active agent or admin: unknown, suspended or mismatched users are 401,
// end users 403.
func (a *SupportAuth) Caller(r *http.Request) (*SupportCaller, error) {
	email, secret, err := supportCredentials(r)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	tok, err := a.Store.APITokenByHash(ctx, chatlift.HashSecret(secret))
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND || err == nil && tok.RevokedAt != nil {
		return nil, errSupportAuth
	} else if err != nil {
		return nil, err
	}
	account, err := a.Store.SupportAccount(ctx, tok.AccountID)
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		return nil, errSupportAuth
	} else if err != nil {
		return nil, err
	}
	var u *chatlift.User
	if email != "" {
		u, err = a.Store.UserByEmail(ctx, tok.AccountID, email)
	} else {
		u, err = a.Store.User(ctx, tok.AccountID, tok.UserID)
	}
	switch {
	case chatlift.ErrorCode(err) == chatlift.ENOTFOUND || err == nil && !u.Active:
		return nil, errSupportAuth
	case err != nil:
		return nil, err
	case u.Role != chatlift.UserRoleAgent && u.Role != chatlift.UserRoleAdmin:
		return nil, chatlift.Errorf(chatlift.EFORBIDDEN, "the API is for agents and admins")
	}
	return &SupportCaller{Account: account, User: u, Token: tok, Now: a.now().UTC()}, nil
}

// supportCredentials returns the email (empty for a bearer token) and the
// API token of the request.
func supportCredentials(r *http.Request) (email, secret string, err error) {
	if user, pass, ok := r.BasicAuth(); ok {
		email, isToken := strings.CutSuffix(user, "/token")
		if !isToken || email == "" || pass == "" {
			return "", "", errSupportAuth
		}
		return email, pass, nil
	}
	if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && bearer != "" {
		return "", bearer, nil
	}
	return "", "", errSupportAuth
}

// AdminOrOperator lets through the operator (c is nil) and the admins of
// an account (c is the caller), authenticated from the request's headers
// before the handler reads its body or looks anything up; what names the
// action for a refused agent.
func (a *SupportAuth) AdminOrOperator(what string, h SupportHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := a.AdminOrOperatorCaller(r, what)
		if err == nil {
			err = h(w, r, c)
		}
		if err != nil {
			WriteError(w, r, a.Logger, err)
		}
	}
}

// AdminOrOperatorCaller is nil for the operator, else the caller, who must
// be an admin of its account.
func (a *SupportAuth) AdminOrOperatorCaller(r *http.Request, what string) (*SupportCaller, error) {
	if a.Operator.Is(r) {
		return nil, nil
	}
	c, err := a.Caller(r)
	if err != nil {
		return nil, err
	}
	if err := c.RequireAdmin(what); err != nil {
		return nil, err
	}
	return c, nil
}
