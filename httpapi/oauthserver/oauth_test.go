package oauthserver_test

import (
	"context"
	"encoding/json"
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi"
	"github.com/chatlift/chatlift/httpapi/oauthserver"
)

// oauthConfig is the golang.org/x/oauth2 configuration of client c against
// the server at base, authenticating the client the given way.
func oauthConfig(base string, c *oauthserver.OAuthClient, style oauth2.AuthStyle) *oauth2.Config {
	return &oauth2.Config{ClientID: c.ClientIdentifier, ClientSecret: c.ClientSecret, RedirectURL: redirectURI,
		Scopes:   []string{"read", "write"},
		Endpoint: oauth2.Endpoint{AuthURL: base + "/oauth2/chat/authorize", TokenURL: base + "/oauth2/chat/token", AuthStyle: style}}
}

// newBrowser is a user agent that keeps cookies and does not follow redirects.
func newBrowser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var hiddenField = regexp.MustCompile(`<input type="hidden" name="([a-z_]+)" value="([^"]*)">`)

// consentForm opens the consent page at authURL and returns its hidden fields.
func consentForm(t *testing.T, b *http.Client, authURL string) url.Values {
	t.Helper()
	a := fetch(t, b, "GET", authURL, nil)
	if a.status != http.StatusOK {
		t.Fatalf("consent page: %d: %s", a.status, a.body)
	}
	form := url.Values{}
	for _, m := range hiddenField.FindAllStringSubmatch(a.body, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	if form.Get("csrf") == "" {
		t.Fatalf("consent page without a csrf field: %s", a.body)
	}
	return form
}

// consent opens the consent page at authURL, signs in and decides.
func consent(t *testing.T, b *http.Client, base, authURL, email, password, decision string) answer {
	t.Helper()
	form := consentForm(t, b, authURL)
	form.Set("email", email)
	form.Set("password", password)
	form.Set("decision", decision)
	return fetch(t, b, "POST", base+"/oauth2/chat/authorize", form)
}

// answer is an HTTP response, read.
type answer struct {
	status int
	body   string
	header http.Header
}

// fetch sends a request (a form when form is not nil) and returns the answer.
func fetch(t *testing.T, b *http.Client, method, target string, form url.Values) answer {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	page, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, string(page), resp.Header}
}

// redirect returns where a 302 or 303 answer sends the browser.
func redirect(t *testing.T, a answer) *url.URL {
	t.Helper()
	if a.status != http.StatusSeeOther && a.status != http.StatusFound {
		t.Fatalf("status %d, want a redirect: %s", a.status, a.body)
	}
	u, err := url.Parse(a.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// authorizeCode runs the consent flow as the account's owner and returns the code.
func authorizeCode(t *testing.T, base string, conf *oauth2.Config, creds accountCreds, opts ...oauth2.AuthCodeOption) string {
	t.Helper()
	u := redirect(t, consent(t, newBrowser(t), base, conf.AuthCodeURL("st-1", opts...), creds.email, creds.password, "approve"))
	if u.Scheme+"://"+u.Host+u.Path != redirectURI || u.Query().Get("state") != "st-1" || u.Query().Get("code") == "" {
		t.Fatalf("redirected to %s", u)
	}
	return u.Query().Get("code")
}

type accountCreds struct {
	id              int64
	token           string // the owner's seeded access token
	email, password string // the owner's sign-in
}

func (e *env) account(i int) accountCreds {
	c := e.Creds[i]
	return accountCreds{c.AccountID, c.ChatAccessToken, c.ChatOwnerEmail, c.ChatOwnerPassword}
}

// wantAccount fails unless token reads the account id.
func (e *env) wantAccount(t *testing.T, token string, id int64) {
	t.Helper()
	var a struct {
		ID int64 `json:"id"`
	}
	e.Call(t, "GET", "/api/v2/chat/account", token, nil, http.StatusOK, &a)
	if a.ID != id {
		t.Fatalf("token reads account %d, want %d", a.ID, id)
	}
}

// wantOAuthError fails unless err is the token endpoint's error code with status.
func wantOAuthError(t *testing.T, err error, code string, status int) *oauth2.RetrieveError {
	t.Helper()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v, want a token endpoint error %s", err, code)
	}
	if re.ErrorCode != code || re.Response.StatusCode != status || re.ErrorDescription == "" {
		t.Fatalf("token endpoint answered %d %q (%q), want %d %q", re.Response.StatusCode, re.ErrorCode, re.ErrorDescription, status, code)
	}
	return re
}

// clock is a settable clock for a server.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

func TestOAuthAuthorizationCode(t *testing.T) {
	t.Parallel()
	e := setup(t, 2, 0)
	me := e.account(0)
	conf := oauthConfig(e.URL, e.NewClient(t, me.token, nil), oauth2.AuthStyleInHeader)
	ctx := context.Background()
	verifier := oauth2.GenerateVerifier()
	code := authorizeCode(t, e.URL, conf, me, oauth2.S256ChallengeOption(verifier))
	tok, err := conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	if tok.TokenType != "Bearer" || tok.RefreshToken == "" || tok.Extra("scope") != "read write" ||
		time.Until(tok.Expiry) < 119*time.Minute || time.Until(tok.Expiry) > 121*time.Minute {
		t.Fatalf("token %+v, scope %v", tok, tok.Extra("scope"))
	}
	e.wantAccount(t, tok.AccessToken, me.id)
	t.Run("ErrCodeReused", func(t *testing.T) {
		_, err := conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
		wantOAuthError(t, err, "invalid_grant", http.StatusBadRequest)
	})
	t.Run("ErrWrongVerifierSpendsTheCode", func(t *testing.T) {
		code := authorizeCode(t, e.URL, conf, me, oauth2.S256ChallengeOption(verifier))
		_, err := conf.Exchange(ctx, code, oauth2.VerifierOption(oauth2.GenerateVerifier()))
		wantOAuthError(t, err, "invalid_grant", http.StatusBadRequest)
		_, err = conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
		wantOAuthError(t, err, "invalid_grant", http.StatusBadRequest)
	})
	t.Run("ErrOtherRedirectURI", func(t *testing.T) {
		code := authorizeCode(t, e.URL, conf, me)
		other := *conf
		other.RedirectURL = "https://app.example.test/other"
		_, err := other.Exchange(ctx, code)
		wantOAuthError(t, err, "invalid_grant", http.StatusBadRequest)
	})
	t.Run("ErrWrongSecret", func(t *testing.T) {
		code := authorizeCode(t, e.URL, conf, me)
		wrong := *conf
		wrong.ClientSecret = "not-the-secret"
		_, err := wrong.Exchange(ctx, code)
		re := wantOAuthError(t, err, "invalid_client", http.StatusUnauthorized)
		if re.Response.Header.Get("WWW-Authenticate") == "" {
			t.Fatal("401 without WWW-Authenticate")
		}
	})
	t.Run("Deny", func(t *testing.T) {
		u := redirect(t, consent(t, newBrowser(t), e.URL, conf.AuthCodeURL("st-2"), "", "", "deny"))
		if u.Query().Get("error") != "access_denied" || u.Query().Get("state") != "st-2" || u.Query().Has("code") {
			t.Fatalf("denied: redirected to %s", u)
		}
	})
	t.Run("ErrWrongPasswordShowsTheFormAgain", func(t *testing.T) {
		other := e.account(1) // another account's owner is no agent of this client's account
		for _, who := range []accountCreds{{email: me.email, password: "wrong"}, {email: "nobody@acme.test", password: me.password}, other} {
			a := consent(t, newBrowser(t), e.URL, conf.AuthCodeURL("st"), who.email, who.password, "approve")
			if a.status != http.StatusOK || !strings.Contains(a.body, "Wrong email or password") || a.header.Get("Location") != "" {
				t.Fatalf("sign-in as %s: %d %s", who.email, a.status, a.body)
			}
		}
	})
	t.Run("ErrFormFromAnotherBrowser", func(t *testing.T) {
		form := consentForm(t, newBrowser(t), conf.AuthCodeURL("st"))
		form.Set("email", me.email)
		form.Set("password", me.password)
		form.Set("decision", "approve")
		if a := fetch(t, newBrowser(t), "POST", e.URL+"/oauth2/chat/authorize", form); a.status != http.StatusForbidden {
			t.Fatalf("forged form: %d %s", a.status, a.body)
		}
	})
	t.Run("ErrUnregisteredRedirectIsNotFollowed", func(t *testing.T) {
		a := fetch(t, newBrowser(t), "GET", conf.AuthCodeURL("st", oauth2.SetAuthURLParam("redirect_uri", "https://evil.test/cb")), nil)
		if a.status != http.StatusBadRequest || a.header.Get("Location") != "" || !strings.Contains(a.body, "not registered") {
			t.Fatalf("unregistered redirect_uri: %d %s", a.status, a.body)
		}
	})
	t.Run("ErrScopeGoesBackToTheClient", func(t *testing.T) {
		u := redirect(t, fetch(t, newBrowser(t), "GET", conf.AuthCodeURL("st", oauth2.SetAuthURLParam("scope", "read admin")), nil))
		if u.Query().Get("error") != "invalid_scope" || u.Query().Get("state") != "st" {
			t.Fatalf("redirected to %s", u)
		}
	})
}

func TestOAuthImplicit(t *testing.T) {
	t.Parallel()
	e := setup(t, 1, 0)
	me := e.account(0)
	c := e.NewClient(t, me.token, map[string]any{"client_type": "public", "scopes": []string{"read"}})
	if c.ClientSecret != "" {
		t.Fatal("a public client was given a secret")
	}
	conf := oauthConfig(e.URL, c, oauth2.AuthStyleInHeader)
	conf.Scopes = []string{"read"}
	authURL := conf.AuthCodeURL("st-i", oauth2.SetAuthURLParam("response_type", "token"))
	u := redirect(t, consent(t, newBrowser(t), e.URL, authURL, me.email, me.password, "approve"))
	f, err := url.ParseQuery(u.Fragment)
	if err != nil {
		t.Fatal(err)
	}
	if u.RawQuery != "" || f.Get("access_token") == "" || f.Get("token_type") != "Bearer" || f.Get("expires_in") != "7200" ||
		f.Get("scope") != "read" || f.Get("state") != "st-i" || f.Has("refresh_token") {
		t.Fatalf("implicit grant redirected to %s", u)
	}
	e.wantAccount(t, f.Get("access_token"), me.id)
	e.Call(t, "POST", "/api/v2/chat/departments", f.Get("access_token"), map[string]any{"name": "X"}, http.StatusForbidden, nil)
	t.Run("ErrPublicCodeWithoutPKCE", func(t *testing.T) {
		if u := redirect(t, fetch(t, newBrowser(t), "GET", conf.AuthCodeURL("st"), nil)); u.Query().Get("error") != "invalid_request" {
			t.Fatalf("redirected to %s", u)
		}
	})
	t.Run("PublicCodeWithPKCE", func(t *testing.T) {
		verifier := oauth2.GenerateVerifier()
		tok, err := conf.Exchange(context.Background(), authorizeCode(t, e.URL, conf, me, oauth2.S256ChallengeOption(verifier)), oauth2.VerifierOption(verifier))
		if err != nil {
			t.Fatal(err)
		}
		e.wantAccount(t, tok.AccessToken, me.id)
	})
}

func TestOAuthPassword(t *testing.T) {
	t.Parallel()
	e := setup(t, 1, 0)
	me := e.account(0)
	conf := oauthConfig(e.URL, e.NewClient(t, me.token, nil), oauth2.AuthStyleInParams)
	ctx := context.Background()
	tok, err := conf.PasswordCredentialsToken(ctx, strings.ToUpper(me.email), me.password)
	if err != nil {
		t.Fatal(err)
	}
	e.wantAccount(t, tok.AccessToken, me.id)
	t.Run("ReadScopeOnly", func(t *testing.T) {
		ro := *conf
		ro.Scopes = []string{"read"}
		tok, err := ro.PasswordCredentialsToken(ctx, me.email, me.password)
		if err != nil {
			t.Fatal(err)
		}
		e.Call(t, "POST", "/api/v2/chat/departments", tok.AccessToken, map[string]any{"name": "X"}, http.StatusForbidden, nil)
	})
	t.Run("ErrWrongPassword", func(t *testing.T) {
		_, err := conf.PasswordCredentialsToken(ctx, me.email, "nope")
		wantOAuthError(t, err, "invalid_grant", http.StatusBadRequest)
	})
	t.Run("ErrScopeBeyondTheClient", func(t *testing.T) {
		wide := *conf
		wide.Scopes = []string{"read", "admin"}
		_, err := wide.PasswordCredentialsToken(ctx, me.email, me.password)
		wantOAuthError(t, err, "invalid_scope", http.StatusBadRequest)
	})
	t.Run("ErrPublicClient", func(t *testing.T) {
		pub := oauthConfig(e.URL, e.NewClient(t, me.token, map[string]any{"client_type": "public"}), oauth2.AuthStyleInParams)
		_, err := pub.PasswordCredentialsToken(ctx, me.email, me.password)
		wantOAuthError(t, err, "unauthorized_client", http.StatusBadRequest)
	})
}

func TestOAuthClientCredentials(t *testing.T) {
	t.Parallel()
	e := setup(t, 1, 0)
	me := e.account(0)
	c := e.NewClient(t, me.token, nil)
	ctx := context.Background()
	cc := clientcredentials.Config{ClientID: c.ClientIdentifier, ClientSecret: c.ClientSecret, Scopes: []string{"read"},
		TokenURL: e.URL + "/oauth2/chat/token", AuthStyle: oauth2.AuthStyleInHeader}
	tok, err := cc.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken != "" {
		t.Fatal("client_credentials gave a refresh token")
	}
	e.wantAccount(t, tok.AccessToken, me.id)
	stored, err := e.Legacy.OAuthTokenByHash(ctx, chatlift.HashSecret(tok.AccessToken))
	if err != nil {
		t.Fatal(err)
	}
	if stored.AgentID != c.AgentID || stored.ClientID != c.ID || len(stored.Scopes) != 1 {
		t.Fatalf("stored token %+v for client %+v", stored, c)
	}
	t.Run("ErrWrongSecret", func(t *testing.T) {
		wrong := cc
		wrong.ClientSecret = "nope"
		_, err := wrong.Token(ctx)
		wantOAuthError(t, err, "invalid_client", http.StatusUnauthorized)
		wrong.ClientID = "no-such-client"
		_, err = wrong.Token(ctx)
		wantOAuthError(t, err, "invalid_client", http.StatusUnauthorized)
	})
	t.Run("ErrPublicClient", func(t *testing.T) {
		pub := e.NewClient(t, me.token, map[string]any{"client_type": "public"})
		_, err := (&clientcredentials.Config{ClientID: pub.ClientIdentifier, TokenURL: cc.TokenURL}).Token(ctx)
		wantOAuthError(t, err, "unauthorized_client", http.StatusBadRequest)
	})
	t.Run("ErrMalformedRequests", func(t *testing.T) {
		for name, form := range map[string]url.Values{
			"unsupported_grant_type": {"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}},
			"invalid_request":        {"grant_type": {"client_credentials", "password"}},
		} {
			form.Set("client_id", c.ClientIdentifier)
			form.Set("client_secret", c.ClientSecret)
			a := fetch(t, http.DefaultClient, "POST", cc.TokenURL, form)
			var got oauthserver.OAuthErrorResponse
			if err := json.Unmarshal([]byte(a.body), &got); err != nil || a.status != http.StatusBadRequest || got.Error != name || got.Description == "" {
				t.Fatalf("%v: %d %s", form, a.status, a.body)
			}
		}
	})
}

func TestOAuthRefresh(t *testing.T) {
	t.Parallel()
	e := setup(t, 1, 0)
	me := e.account(0)
	base := e.Server(t, func(s *httpapi.Server) { s.AccessTokenLifetime = time.Second })
	conf := oauthConfig(base, e.NewClient(t, me.token, nil), oauth2.AuthStyleInHeader)
	ctx := context.Background()
	first, err := conf.PasswordCredentialsToken(ctx, me.email, me.password)
	if err != nil {
		t.Fatal(err)
	}
	// The token lives a second, less than the client's margin: the token
	// source refreshes it at once.
	next, err := conf.TokenSource(ctx, first).Token()
	if err != nil {
		t.Fatal(err)
	}
	if next.AccessToken == first.AccessToken || next.RefreshToken == "" || next.RefreshToken == first.RefreshToken {
		t.Fatalf("refresh did not rotate: %+v after %+v", next, first)
	}
	e.wantAccount(t, next.AccessToken, me.id)
	t.Run("ErrOldPairRevoked", func(t *testing.T) {
		e.Call(t, "GET", "/api/v2/chat/account", first.AccessToken, nil, http.StatusUnauthorized, nil)
		_, err := conf.TokenSource(ctx, &oauth2.Token{RefreshToken: first.RefreshToken}).Token()
		wantOAuthError(t, err, "invalid_grant", http.StatusBadRequest)
	})
	t.Run("ErrOtherClient", func(t *testing.T) {
		other := oauthConfig(base, e.NewClient(t, me.token, nil), oauth2.AuthStyleInHeader)
		_, err := other.TokenSource(ctx, &oauth2.Token{RefreshToken: next.RefreshToken}).Token()
		wantOAuthError(t, err, "invalid_grant", http.StatusBadRequest)
	})
}

func TestOAuthExpiry(t *testing.T) {
	t.Parallel()
	e := setup(t, 1, 0)
	me := e.account(0)
	now := &clock{t: time.Now()}
	base := e.Server(t, func(s *httpapi.Server) { s.Now = now.Now })
	conf := oauthConfig(base, e.NewClient(t, me.token, nil), oauth2.AuthStyleInHeader)
	ctx := context.Background()
	tok, err := conf.PasswordCredentialsToken(ctx, me.email, me.password)
	if err != nil {
		t.Fatal(err)
	}
	code := authorizeCode(t, base, conf, me)
	call := func(token string, want int) {
		t.Helper()
		e.Call(t, "GET", base+"/api/v2/chat/account", token, nil, want, nil)
	}
	call(tok.AccessToken, http.StatusOK)
	now.Add(2*time.Hour + time.Second)
	call(tok.AccessToken, http.StatusUnauthorized)
	_, err = conf.Exchange(ctx, code)
	wantOAuthError(t, err, "invalid_grant", http.StatusBadRequest) // codes live 10 minutes
	fresh, err := conf.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if err != nil {
		t.Fatal(err)
	}
	call(fresh.AccessToken, http.StatusOK)
	now.Add(31 * 24 * time.Hour)
	_, err = conf.TokenSource(ctx, &oauth2.Token{RefreshToken: fresh.RefreshToken}).Token()
	wantOAuthError(t, err, "invalid_grant", http.StatusBadRequest) // refresh tokens live 30 days
}
