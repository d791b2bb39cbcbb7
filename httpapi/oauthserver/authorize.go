package oauthserver

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
)

//go:embed consent.html
var consentHTML string

// consentPages renders the consent page ("consent") and the page that says
// why a request cannot be authorized ("error").
var consentPages = template.Must(template.New("oauth").Parse(consentHTML))

// authRequest is an authorization request (RFC 6749 §4.1.1 and §4.2.1, with
// RFC 7636's PKCE challenge), as received and once checked.
type authRequest struct {
	ResponseType, ClientID, RedirectURI, Scope, State, CodeChallenge, CodeChallengeMethod string

	repeated string       // a parameter given more than once
	target   *oauthTarget // the client, once found
	redirect string       // where the answer goes: RedirectURI or the client's only one
	scopes   []string     // the scopes granted on approval
}

// authParams are the parameters of an authorization request, in the order of
// authRequest's fields.
var authParams = []string{"response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method"}

func parseAuthRequest(v url.Values) *authRequest {
	q := &authRequest{}
	for i, p := range q.fields() {
		*p = v.Get(authParams[i])
		if len(v[authParams[i]]) > 1 && q.repeated == "" {
			q.repeated = authParams[i]
		}
	}
	return q
}

func (q *authRequest) fields() []*string {
	return []*string{&q.ResponseType, &q.ClientID, &q.RedirectURI, &q.Scope, &q.State, &q.CodeChallenge, &q.CodeChallengeMethod}
}

// resolve checks q. Until the client and its redirect URI are known an error
// is a chatlift error, shown on a page; after, an *oauthError, sent back to
// the client at its redirect URI.
func (s *Server) resolve(ctx context.Context, q *authRequest) error {
	if q.repeated != "" {
		return chatlift.Errorf(chatlift.EINVALID, "parameter %s is repeated", q.repeated)
	}
	t, err := s.oauthClient(ctx, q.ClientID, nil)
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		return chatlift.Errorf(chatlift.EINVALID, "unknown client_id %q", q.ClientID)
	} else if err != nil {
		return err
	}
	if err := t.serving(); err != nil {
		return err
	}
	q.target = t
	if q.redirect, err = redirectFor(t.client, q.RedirectURI); err != nil {
		return err
	}
	switch q.ResponseType {
	case "code", "token":
	case "":
		return oauthErrorf(http.StatusBadRequest, "invalid_request", "response_type is required")
	default:
		return oauthErrorf(http.StatusBadRequest, "unsupported_response_type", "response_type must be code or token")
	}
	if q.scopes, err = clientScopes(q.Scope, t.client); err != nil {
		return err
	}
	if q.ResponseType == "code" {
		return checkChallenge(q, t.client)
	}
	return nil
}

// checkChallenge checks the PKCE challenge of a code request: S256 only,
// and required of public clients, which have no secret to prove who they are.
func checkChallenge(q *authRequest, c *chatlift.OAuthClient) error {
	switch {
	case q.CodeChallenge == "" && c.ClientType == chatlift.ClientPublic:
		return oauthErrorf(http.StatusBadRequest, "invalid_request", "public clients must send a code_challenge (PKCE, S256)")
	case q.CodeChallenge == "" && q.CodeChallengeMethod != "":
		return oauthErrorf(http.StatusBadRequest, "invalid_request", "code_challenge_method without code_challenge")
	case q.CodeChallenge != "" && q.CodeChallengeMethod != "S256":
		return oauthErrorf(http.StatusBadRequest, "invalid_request", "code_challenge_method must be S256")
	case q.CodeChallenge != "" && !validPKCE(q.CodeChallenge):
		return oauthErrorf(http.StatusBadRequest, "invalid_request", "code_challenge is malformed")
	}
	return nil
}

// redirectFor returns where to send the answer: the redirect URI given,
// which must be one the client registered, or the client's only one.
func redirectFor(c *chatlift.OAuthClient, given string) (string, error) {
	switch {
	case given == "" && len(c.RedirectURIs) == 1:
		return c.RedirectURIs[0], nil
	case given == "":
		return "", chatlift.Errorf(chatlift.EINVALID, "redirect_uri is required: the client has %d registered", len(c.RedirectURIs))
	case !slices.Contains(c.RedirectURIs, given):
		return "", chatlift.Errorf(chatlift.EINVALID, "redirect_uri %q is not registered for this client", given)
	}
	return given, nil
}

// answer is the URL that sends params (and the state) back to the client:
// in the query for the code flow, in the fragment for the implicit one.
func (q *authRequest) answer(params url.Values) string {
	if q.State != "" {
		params.Set("state", q.State)
	}
	if q.ResponseType == "token" {
		return q.redirect + "#" + params.Encode()
	}
	sep := "?"
	if u, err := url.Parse(q.redirect); err == nil && u.RawQuery != "" {
		sep = "&"
	}
	return q.redirect + sep + params.Encode()
}

// authorizePage serves the authorization endpoints' GET: the consent page.
func (s *Server) authorizePage(w http.ResponseWriter, r *http.Request) {
	q := parseAuthRequest(r.URL.Query())
	if err := s.resolve(r.Context(), q); err != nil {
		s.authorizeFailed(w, r, q, err)
		return
	}
	s.renderConsent(w, r, http.StatusOK, q, csrfNonce(w, r), "", "")
}

// authorizeSubmit serves the authorization endpoints' POST: the consent form. On
// approval by a signed-in agent it redirects to the client with a code or,
// for the implicit grant, a token.
func (s *Server) authorizeSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, chatlift.Errorf(chatlift.EINVALID, "the form could not be read"))
		return
	}
	form := r.PostForm
	q := parseAuthRequest(form)
	if err := s.resolve(r.Context(), q); err != nil {
		s.authorizeFailed(w, r, q, err)
		return
	}
	nonce, ok := checkCSRF(r, q)
	if !ok {
		s.renderError(w, r, chatlift.Errorf(chatlift.EFORBIDDEN, "this form has expired or was not opened in this browser; start again from the application"))
		return
	}
	if form.Get("decision") != "approve" {
		http.Redirect(w, r, q.answer(url.Values{"error": {"access_denied"}, "error_description": {"the agent denied the request"}}), http.StatusSeeOther)
		return
	}
	email := form.Get("email")
	agent, err := s.signIn(r, q.target.store, q.target.client.AccountID, email, form.Get("password"))
	var th *api.Throttled
	if errors.As(err, &th) {
		th.SetRetryAfter(w)
		s.renderConsent(w, r, http.StatusTooManyRequests, q, nonce, email, "Too many sign-in attempts. Try again in "+strconv.Itoa(th.Seconds())+" seconds.")
		return
	} else if chatlift.ErrorCode(err) == chatlift.EUNAUTHORIZED {
		s.renderConsent(w, r, http.StatusOK, q, nonce, email, "Wrong email or password.")
		return
	} else if err != nil {
		s.renderError(w, r, err)
		return
	}
	loc, err := s.authorize(r.Context(), q, agent)
	if err != nil {
		s.authorizeFailed(w, r, q, err)
		return
	}
	http.Redirect(w, r, loc, http.StatusSeeOther)
}

// authorize grants q for the agent and returns where to send the agent.
func (s *Server) authorize(ctx context.Context, q *authRequest, agent *chatlift.Agent) (string, error) {
	t := q.target
	if q.ResponseType == "token" {
		resp, err := s.issue(ctx, t, agent.ID, q.scopes, false)
		if err != nil {
			return "", err
		}
		return q.answer(url.Values{"access_token": {resp.AccessToken}, "token_type": {resp.TokenType},
			"expires_in": {strconv.FormatInt(resp.ExpiresIn, 10)}, "scope": {resp.Scope}}), nil
	}
	code, now := chatlift.NewSecret(), s.now().UTC()
	c := &chatlift.OAuthCode{AccountID: t.client.AccountID, CodeHash: chatlift.HashSecret(code), ClientID: t.client.ID,
		AgentID: agent.ID, RedirectURI: q.RedirectURI, Scopes: q.scopes, Challenge: q.CodeChallenge,
		CreatedAt: now, ExpiresAt: now.Add(codeLifetime)}
	err := t.store.InAccountWrite(ctx, c.AccountID, func(tx chatlift.ChatStore) error { return tx.PutOAuthCode(ctx, c) })
	if err != nil {
		return "", err
	}
	return q.answer(url.Values{"code": {code}}), nil
}

// authorizeFailed sends an OAuth error back to the client when its redirect
// URI is known, and shows any other error on a page.
func (s *Server) authorizeFailed(w http.ResponseWriter, r *http.Request, q *authRequest, err error) {
	var oe *oauthError
	if errors.As(err, &oe) && q.redirect != "" {
		http.Redirect(w, r, q.answer(url.Values{"error": {oe.code}, "error_description": {oe.description}}), http.StatusFound)
		return
	}
	s.renderError(w, r, err)
}

// csrfCookie holds a random nonce of the browser; the consent form carries
// an HMAC of the request under it, which a page of another site can neither
// read nor make.
const csrfCookie = "chatlift_oauth_csrf"

// csrfNonce returns the browser's nonce, setting a new one if it has none.
func csrfNonce(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	nonce := chatlift.NewSecret()
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: nonce, Path: "/oauth2/", MaxAge: 3600,
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	return nonce
}

// csrfToken binds the consent form to the browser's nonce and to the request.
func (q *authRequest) csrfToken(nonce string) string {
	m := hmac.New(sha256.New, []byte(nonce))
	for _, f := range q.fields() {
		m.Write([]byte(*f))
		m.Write([]byte{0})
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkCSRF reports whether the posted form carries the token of this
// browser's nonce, and returns the nonce.
func checkCSRF(r *http.Request, q *authRequest) (string, bool) {
	c, err := r.Cookie(csrfCookie)
	if err != nil || len(c.Value) < 32 {
		return "", false
	}
	return c.Value, hmac.Equal([]byte(q.csrfToken(c.Value)), []byte(r.PostForm.Get("csrf")))
}

// scopeText explains each scope on the consent page.
var scopeText = map[string]string{
	"read":  "see chats, visitors, agents and settings",
	"write": "change them: answer chats, edit agents and settings",
	"chat":  "take part in chats",
}

type consentPage struct {
	Client       *chatlift.OAuthClient
	Scopes       []struct{ Name, Text string }
	Fields       []struct{ Name, Value string }
	Email        string
	Error        string
	RedirectHost string
	// Action is the path the page was asked for: the form goes back there.
	Action string
}

func (s *Server) renderConsent(w http.ResponseWriter, r *http.Request, status int, q *authRequest, nonce, email, problem string) {
	p := consentPage{Client: q.target.client, Email: email, Error: problem, RedirectHost: q.redirect, Action: r.URL.Path}
	if u, err := url.Parse(q.redirect); err == nil && u.Host != "" {
		p.RedirectHost = u.Host
	}
	for _, sc := range q.scopes {
		p.Scopes = append(p.Scopes, struct{ Name, Text string }{sc, scopeText[sc]})
	}
	for i, f := range q.fields() {
		if *f != "" {
			p.Fields = append(p.Fields, struct{ Name, Value string }{authParams[i], *f})
		}
	}
	p.Fields = append(p.Fields, struct{ Name, Value string }{"csrf", q.csrfToken(nonce)})
	s.renderPage(w, r, status, "consent", p)
}

// renderError shows err on a page with its status.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	code := chatlift.ErrorCode(err)
	if code == chatlift.EINTERNAL {
		s.Logger.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	}
	if code == chatlift.EUNAVAILABLE {
		api.RetryLater(w)
	}
	status, ok := api.StatusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	s.renderPage(w, r, status, "error", chatlift.ErrorMessage(err))
}

func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var b bytes.Buffer
	if err := consentPages.ExecuteTemplate(&b, name, data); err != nil {
		s.Logger.ErrorContext(r.Context(), "render page", "page", name, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	w.Write(b.Bytes()) // the client may be gone; nothing to do about it here
}
