package httpapi

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/ratelimit"
	"github.com/chatlift/chatlift/support"
)

// supportCaller is who a support API request acts for.
type supportCaller struct {
	store   chatlift.PlatformStore
	account *chatlift.SupportAccount
	user    *chatlift.User
	token   *chatlift.APIToken
	// desk applies the support desk's rules.
	desk *support.Service
	// now is when the request arrived, in UTC.
	now time.Time
}

// admin reports whether the caller administers the account.
func (c *supportCaller) admin() bool { return c.user.Role == chatlift.UserRoleAdmin }

// requireAdmin is EFORBIDDEN unless the caller is an admin.
func (c *supportCaller) requireAdmin(what string) error {
	if !c.admin() {
		return chatlift.Errorf(chatlift.EFORBIDDEN, "only admins may %s", what)
	}
	return nil
}

// supportHandler is a support API handler; a returned error is sent in the
// error shape.
type supportHandler func(w http.ResponseWriter, r *http.Request, c *supportCaller) error

// support authenticates a support API request and serves it for the caller.
func (s *Server) support(h supportHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := s.supportCaller(r)
		if err == nil && !s.takeSupportRate(w, r, c) {
			return
		}
		if err == nil {
			err = h(w, r, c)
		}
		if err != nil {
			writeError(w, r, s.Logger, err)
		}
	}
}

// DefaultSupportRequestsPerMinute is the support API's rate limit per API
// token when the server sets none.
const DefaultSupportRequestsPerMinute = 6000

// supportRateKeys bounds the API tokens the rate limiter remembers.
const supportRateKeys = 100000

func newSupportRate(perMinute int) *ratelimit.Keyed {
	if perMinute <= 0 {
		perMinute = DefaultSupportRequestsPerMinute
	}
	return ratelimit.New(time.Minute/time.Duration(perMinute), perMinute, supportRateKeys)
}

// takeSupportRate spends one request of the caller's API token; past the
// limit it answers 429 with Retry-After and returns false.
func (s *Server) takeSupportRate(w http.ResponseWriter, r *http.Request, c *supportCaller) bool {
	ok, wait := s.supportRate.Take(strconv.FormatInt(c.token.AccountID, 10)+"/"+strconv.FormatInt(c.token.ID, 10), s.now())
	if ok {
		return true
	}
	th := &throttled{wait}
	th.setRetryAfter(w)
	writeJSON(w, http.StatusTooManyRequests, ErrorResponse{Error: "too_many_requests",
		Description: fmt.Sprintf("rate limit of this API token exceeded; retry in %d seconds", th.seconds())})
	return false
}

var errSupportAuth = chatlift.Errorf(chatlift.EUNAUTHORIZED, "couldn't authenticate you: use Basic email/token:API_TOKEN or a Bearer API token")

// supportCaller authenticates by an API token, either as Basic
// "email/token:TOKEN" (acting as that user of the token's account) or as
// "Bearer TOKEN" (acting as the token's own user). The user must be an
// active agent or admin: unknown, suspended or mismatched users are 401,
// end users 403.
func (s *Server) supportCaller(r *http.Request) (*supportCaller, error) {
	email, secret, err := supportCredentials(r)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	tok, err := s.Platform.APITokenByHash(ctx, chatlift.HashSecret(secret))
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND || err == nil && tok.RevokedAt != nil {
		return nil, errSupportAuth
	} else if err != nil {
		return nil, err
	}
	account, err := s.Platform.SupportAccount(ctx, tok.AccountID)
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		return nil, errSupportAuth
	} else if err != nil {
		return nil, err
	}
	var u *chatlift.User
	if email != "" {
		u, err = s.Platform.UserByEmail(ctx, tok.AccountID, email)
	} else {
		u, err = s.Platform.User(ctx, tok.AccountID, tok.UserID)
	}
	switch {
	case chatlift.ErrorCode(err) == chatlift.ENOTFOUND || err == nil && !u.Active:
		return nil, errSupportAuth
	case err != nil:
		return nil, err
	case u.Role != chatlift.UserRoleAgent && u.Role != chatlift.UserRoleAdmin:
		return nil, chatlift.Errorf(chatlift.EFORBIDDEN, "the API is for agents and admins")
	}
	desk := &support.Service{Store: s.Platform, Now: s.Now}
	return &supportCaller{store: s.Platform, account: account, user: u, token: tok, now: s.now().UTC(), desk: desk}, nil
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

// adminHandler serves a request of the operator (c is nil) or of an admin
// of a support account (c is the caller); a returned error is sent in the
// error shape.
type adminHandler func(w http.ResponseWriter, r *http.Request, c *supportCaller) error

// adminOrOperator lets through the operator and the admins of an account,
// authenticated from the request's headers before the handler reads its
// body or looks anything up; what names the action for a refused agent.
func (s *Server) adminOrOperator(what string, h adminHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := s.adminOrOperatorCaller(r, what)
		if err == nil {
			err = h(w, r, c)
		}
		if err != nil {
			writeError(w, r, s.Logger, err)
		}
	}
}

// adminOrOperatorCaller is nil for the operator, else the caller, who must
// be an admin of its account.
func (s *Server) adminOrOperatorCaller(r *http.Request, what string) (*supportCaller, error) {
	if s.isOperator(r) {
		return nil, nil
	}
	c, err := s.supportCaller(r)
	if err != nil {
		return nil, err
	}
	if err := c.requireAdmin(what); err != nil {
		return nil, err
	}
	return c, nil
}
