package oauthserver_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/chatlift/chatlift/httpapi/oauthserver"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// product is one product's OAuth endpoints, as its clients know them.
type product struct {
	name               string
	authorize, tokenAt string
}

var (
	legacyProduct     = product{"Legacy", "/oauth2/authorizations/new", "/oauth2/token"}
	integratedProduct = product{"Integrated", "/oauth2/chat/authorizations/new", "/oauth2/chat/token"}
)

// config is client c's golang.org/x/oauth2 configuration on the product's paths.
func (p product) config(base string, c *oauthserver.OAuthClient, scopes ...string) *oauth2.Config {
	return &oauth2.Config{ClientID: c.ClientIdentifier, ClientSecret: c.ClientSecret, RedirectURL: redirectURI, Scopes: scopes,
		Endpoint: oauth2.Endpoint{AuthURL: base + p.authorize, TokenURL: base + p.tokenAt, AuthStyle: oauth2.AuthStyleInParams}}
}

var formAction = regexp.MustCompile(`<form method="post" action="([^"]+)">`)

// approve opens the consent page at authURL, signs in as who and allows,
// posting the form where the page says; it returns where the browser is sent.
func approve(t *testing.T, base, authURL string, who accountCreds) *url.URL {
	t.Helper()
	b := newBrowser(t)
	a := fetch(t, b, "GET", authURL, nil)
	action := formAction.FindStringSubmatch(a.body)
	if a.status != http.StatusOK || action == nil {
		t.Fatalf("consent page: %d: %s", a.status, a.body)
	}
	form := url.Values{}
	for _, m := range hiddenField.FindAllStringSubmatch(a.body, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	form.Set("email", who.email)
	form.Set("password", who.password)
	form.Set("decision", "approve")
	return redirect(t, fetch(t, b, "POST", base+action[1], form))
}

// grantsOn completes every grant on the product's paths with the same
// confidential client c and public client pub, each token reading the
// account through the chat API.
func grantsOn(t *testing.T, e *env, p product, c, pub *oauthserver.OAuthClient, me accountCreds) {
	t.Helper()
	ctx := context.Background()
	conf := p.config(e.URL, c, "read", "write", "chat") // as the published examples ask
	t.Run(p.name+"/AuthorizationCode", func(t *testing.T) {
		u := approve(t, e.URL, conf.AuthCodeURL("st-c"), me)
		if u.Query().Get("state") != "st-c" || u.Query().Get("code") == "" {
			t.Fatalf("redirected to %s", u)
		}
		tok, err := conf.Exchange(ctx, u.Query().Get("code"))
		if err != nil {
			t.Fatal(err)
		}
		if tok.Extra("scope") != "read write chat" {
			t.Fatalf("scope %v", tok.Extra("scope"))
		}
		e.wantAccount(t, tok.AccessToken, me.id)
		t.Run("Refresh", func(t *testing.T) {
			tok.AccessToken = "" // forces the token source to refresh
			next, err := conf.TokenSource(ctx, tok).Token()
			if err != nil {
				t.Fatal(err)
			}
			if next.RefreshToken == tok.RefreshToken {
				t.Fatal("the refresh token did not rotate")
			}
			e.wantAccount(t, next.AccessToken, me.id)
		})
	})
	t.Run(p.name+"/Implicit", func(t *testing.T) {
		pc := p.config(e.URL, pub, "read")
		u := approve(t, e.URL, pc.AuthCodeURL("st-i", oauth2.SetAuthURLParam("response_type", "token")), me)
		f, err := url.ParseQuery(u.Fragment)
		if err != nil || f.Get("access_token") == "" || f.Get("state") != "st-i" {
			t.Fatalf("redirected to %s", u)
		}
		e.wantAccount(t, f.Get("access_token"), me.id)
	})
	t.Run(p.name+"/Password", func(t *testing.T) {
		tok, err := conf.PasswordCredentialsToken(ctx, me.email, me.password)
		if err != nil {
			t.Fatal(err)
		}
		e.wantAccount(t, tok.AccessToken, me.id)
	})
	t.Run(p.name+"/ClientCredentials", func(t *testing.T) {
		cc := clientcredentials.Config{ClientID: c.ClientIdentifier, ClientSecret: c.ClientSecret, Scopes: []string{"read"},
			TokenURL: e.URL + p.tokenAt, AuthStyle: oauth2.AuthStyleInHeader}
		tok, err := cc.Token(ctx)
		if err != nil {
			t.Fatal(err)
		}
		e.wantAccount(t, tok.AccessToken, me.id)
	})
}

// upgradeKeepingClients moves the account to the platform as the cutover
// does, its OAuth clients kept.
func (e *env) upgradeKeepingClients(t *testing.T, id int64) {
	t.Helper()
	ctx := context.Background()
	e.UpgradeForImport(t, id)
	clients, err := e.Legacy.OAuthClients(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range clients {
		if err := e.Platform.PutOAuthClient(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
}

// TestOAuthBothProducts completes every grant on the legacy product's paths,
// then, with the same clients, on the integrated product's paths after the
// account's upgrade.
func TestOAuthBothProducts(t *testing.T) {
	t.Parallel()
	e := setup(t, 1, 0)
	me := e.account(0)
	c := e.NewClient(t, me.token, nil)
	pub := e.NewClient(t, me.token, map[string]any{"client_type": "public", "scopes": []string{"read"}})
	grantsOn(t, e, legacyProduct, c, pub, me)
	before, err := legacyProduct.config(e.URL, c, "read").PasswordCredentialsToken(context.Background(), me.email, me.password)
	if err != nil {
		t.Fatal(err)
	}
	e.upgradeKeepingClients(t, me.id)
	grantsOn(t, e, integratedProduct, c, pub, me)
	t.Run("ErrTokenFromBeforeTheUpgrade", func(t *testing.T) {
		e.Call(t, "GET", "/api/v2/chat/account", before.AccessToken, nil, http.StatusUnauthorized, nil)
	})
	t.Run("LegacyPathsAfterTheUpgrade", func(t *testing.T) {
		tok, err := legacyProduct.config(e.URL, c, "read").PasswordCredentialsToken(context.Background(), me.email, me.password)
		if err != nil {
			t.Fatal(err)
		}
		e.wantAccount(t, tok.AccessToken, me.id)
	})
}

// TestOAuthScopes asks for the scope strings of the published examples and
// for ones the reference refuses.
func TestOAuthScopes(t *testing.T) {
	t.Parallel()
	e := setup(t, 1, 0)
	me := e.account(0)
	c := e.NewClient(t, me.token, nil)
	ctx := context.Background()
	token := func(scope string) (*oauth2.Token, error) {
		cc := clientcredentials.Config{ClientID: c.ClientIdentifier, ClientSecret: c.ClientSecret,
			TokenURL: e.URL + legacyProduct.tokenAt, EndpointParams: url.Values{"scope": {scope}}}
		return cc.Token(ctx)
	}
	for scope, want := range map[string]string{
		"read write chat": "read write chat", "read write": "read write", "read": "read", "write": "write",
		"chat": "chat", "chat read": "read chat", "": "read write", "read  read": "read",
	} {
		t.Run("OK/"+scope, func(t *testing.T) {
			tok, err := token(scope)
			if err != nil {
				t.Fatal(err)
			}
			if tok.Extra("scope") != want {
				t.Fatalf("scope %q granted %v, want %q", scope, tok.Extra("scope"), want)
			}
		})
	}
	t.Run("ChatAloneReadsNothing", func(t *testing.T) {
		tok, err := token("chat")
		if err != nil {
			t.Fatal(err)
		}
		e.Call(t, "GET", "/api/v2/chat/account", tok.AccessToken, nil, http.StatusForbidden, nil)
	})
	for _, scope := range []string{"admin", "read,write", "read write impersonate", "READ"} {
		t.Run("ErrInvalidScope/"+scope, func(t *testing.T) {
			_, err := token(scope)
			wantOAuthError(t, err, "invalid_scope", http.StatusBadRequest)
		})
	}
	t.Run("ErrBeyondTheClient", func(t *testing.T) {
		ro := e.NewClient(t, me.token, map[string]any{"scopes": []string{"read"}})
		cc := clientcredentials.Config{ClientID: ro.ClientIdentifier, ClientSecret: ro.ClientSecret, Scopes: []string{"read", "write"},
			TokenURL: e.URL + legacyProduct.tokenAt}
		_, err := cc.Token(ctx)
		wantOAuthError(t, err, "invalid_scope", http.StatusBadRequest)
	})
}
