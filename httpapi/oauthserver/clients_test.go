package oauthserver_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi"
	"github.com/chatlift/chatlift/httpapi/oauthserver"
)

func TestOAuthClients(t *testing.T) {
	t.Parallel()
	e := setup(t, 2, 0)
	me, other := e.account(0), e.account(1)
	c := e.NewClient(t, me.token, nil)
	if c.ClientSecret == "" || !strings.HasPrefix(c.ClientIdentifier, "chatlift_") || c.ClientType != chatlift.ClientConfidential ||
		!slices.Equal(c.Scopes, []string{"read", "write"}) || c.AgentID != 1 {
		t.Fatalf("created %+v", c)
	}
	path := "/api/v2/chat/oauth/clients/" + itoa(c.ID)
	t.Run("SecretShownOnce", func(t *testing.T) {
		var shown map[string]any
		e.Call(t, "GET", path, me.token, nil, http.StatusOK, &shown)
		var list []map[string]any
		e.Call(t, "GET", "/api/v2/chat/oauth/clients", me.token, nil, http.StatusOK, &list)
		for _, m := range append(list, shown) {
			b, _ := json.Marshal(m)
			if _, ok := m["client_secret"]; ok || strings.Contains(string(b), c.ClientSecret) || strings.Contains(string(b), "secret_hash") {
				t.Fatalf("a client shows its secret: %s", b)
			}
		}
		if len(list) < 2 || shown["client_identifier"] != c.ClientIdentifier {
			t.Fatalf("list %v, shown %v", list, shown)
		}
	})
	t.Run("Update", func(t *testing.T) {
		var got oauthserver.OAuthClient
		e.Call(t, "PUT", path, me.token, map[string]any{"name": "CRM 2", "scopes": []string{"read"}, "client_type": "confidential"}, http.StatusOK, &got)
		if got.Name != "CRM 2" || !slices.Equal(got.Scopes, []string{"read"}) || got.ClientIdentifier != c.ClientIdentifier {
			t.Fatalf("after update %+v", got)
		}
		e.Call(t, "PUT", path, me.token, map[string]any{"client_type": "public"}, http.StatusBadRequest, nil)
		e.Call(t, "PUT", path, me.token, map[string]any{"client_identifier": "renamed"}, http.StatusBadRequest, nil)
		tok, err := (&clientcredentials.Config{ClientID: c.ClientIdentifier, ClientSecret: c.ClientSecret,
			TokenURL: e.URL + "/oauth2/chat/token"}).Token(context.Background())
		if err != nil || tok.Extra("scope") != "read" {
			t.Fatalf("after narrowing the client's scopes: %v, %v", err, tok)
		}
	})
	t.Run("ErrIdentifierTaken", func(t *testing.T) {
		e.NewClient(t, me.token, map[string]any{"client_identifier": "acme.app-1"})
		e.Call(t, "POST", "/api/v2/chat/oauth/clients", me.token, map[string]any{"name": "x", "client_identifier": "acme.app-1"}, http.StatusConflict, nil)
		e.Call(t, "POST", "/api/v2/chat/oauth/clients", other.token, map[string]any{"name": "x", "client_identifier": "acme.app-1"}, http.StatusConflict, nil)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, body := range []map[string]any{
			{"company": "no name"},
			{"name": "x", "redirect_uris": []string{"http://app.example.test/cb"}},
			{"name": "x", "redirect_uris": []string{"javascript:alert(1)"}},
			{"name": "x", "redirect_uris": []string{"https://app.example.test/cb#frag"}},
			{"name": "x", "redirect_uris": []string{"/relative"}},
			{"name": "x", "scopes": []string{"admin"}},
			{"name": "x", "scopes": []string{}},
			{"name": "x", "client_type": "secret"},
			{"name": "x", "client_identifier": "has space"},
			{"name": "x", "client_secret": "chosen"},
		} {
			e.Call(t, "POST", "/api/v2/chat/oauth/clients", me.token, body, http.StatusBadRequest, nil)
		}
		e.NewClient(t, me.token, map[string]any{"redirect_uris": []string{"http://127.0.0.1:8765/cb", "com.example.app:/oauth"}})
	})
	t.Run("ErrAnotherAccountsClient", func(t *testing.T) {
		theirs := e.NewClient(t, other.token, nil)
		for e.hasClient(t, me.token, theirs.ID) {
			theirs = e.NewClient(t, other.token, nil)
		}
		p := "/api/v2/chat/oauth/clients/" + itoa(theirs.ID)
		e.Call(t, "GET", p, me.token, nil, http.StatusNotFound, nil)
		e.Call(t, "PUT", p, me.token, map[string]any{"name": "mine"}, http.StatusNotFound, nil)
		e.Call(t, "DELETE", p, me.token, nil, http.StatusNotFound, nil)
		e.Call(t, "GET", p, other.token, nil, http.StatusOK, nil)
	})
	t.Run("ErrNotAnAdmin", func(t *testing.T) {
		token := e.agentToken(t, me.id)
		e.Call(t, "GET", "/api/v2/chat/oauth/clients", token, nil, http.StatusForbidden, nil)
		e.Call(t, "GET", "/api/v2/chat/oauth/tokens", token, nil, http.StatusForbidden, nil)
	})
	t.Run("Delete", func(t *testing.T) {
		conf := oauthConfig(e.URL, c, oauth2.AuthStyleInHeader)
		conf.Scopes = []string{"read"}
		tok, err := conf.PasswordCredentialsToken(context.Background(), me.email, me.password)
		if err != nil {
			t.Fatal(err)
		}
		e.Call(t, "DELETE", path, me.token, nil, http.StatusNoContent, nil)
		e.Call(t, "GET", path, me.token, nil, http.StatusNotFound, nil)
		e.Call(t, "GET", "/api/v2/chat/account", tok.AccessToken, nil, http.StatusUnauthorized, nil)
		_, err = conf.PasswordCredentialsToken(context.Background(), me.email, me.password)
		wantOAuthError(t, err, "invalid_client", http.StatusUnauthorized)
	})
}

// hasClient reports whether the token's account has a client with the id.
func (e *env) hasClient(t *testing.T, token string, id int64) bool {
	t.Helper()
	var list []oauthserver.OAuthClient
	e.Call(t, "GET", "/api/v2/chat/oauth/clients", token, nil, http.StatusOK, &list)
	return slices.ContainsFunc(list, func(c oauthserver.OAuthClient) bool { return c.ID == id })
}

// agentToken creates a plain agent in the account and returns a token of it.
func (e *env) agentToken(t *testing.T, accountID int64) string {
	t.Helper()
	ctx := context.Background()
	var a chatlift.Agent
	e.Call(t, "POST", "/api/v2/chat/agents", e.account(0).token, map[string]any{"email": "plain.agent@acme.test"}, http.StatusCreated, &a)
	id, err := e.Legacy.NextIDs(ctx, "oauth_tokens/"+itoa(accountID), 1)
	if err != nil {
		t.Fatal(err)
	}
	secret, exp := chatlift.NewSecret(), time.Now().Add(time.Hour)
	err = e.Legacy.PutOAuthTokens(ctx, []*chatlift.OAuthToken{{ID: id, AccountID: accountID, ClientID: 1, AgentID: a.ID,
		TokenHash: chatlift.HashSecret(secret), Scopes: []string{"read", "write"}, CreatedAt: time.Now(), ExpiresAt: &exp}})
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

func TestOAuthTokens(t *testing.T) {
	t.Parallel()
	e := setup(t, 2, 0)
	me, other := e.account(0), e.account(1)
	ctx := context.Background()
	password := func(who accountCreds) (*oauth2.Token, *chatlift.OAuthToken) {
		t.Helper()
		conf := oauthConfig(e.URL, e.NewClient(t, who.token, nil), oauth2.AuthStyleInHeader)
		tok, err := conf.PasswordCredentialsToken(ctx, who.email, who.password)
		if err != nil {
			t.Fatal(err)
		}
		stored, err := e.Legacy.OAuthTokenByHash(ctx, chatlift.HashSecret(tok.AccessToken))
		if err != nil {
			t.Fatal(err)
		}
		return tok, stored
	}
	tok, stored := password(me)
	var raw json.RawMessage
	e.Call(t, "GET", "/api/v2/chat/oauth/tokens", me.token, nil, http.StatusOK, &raw)
	var list []oauthserver.OAuthToken
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(list, func(x oauthserver.OAuthToken) bool {
		return x.ID == stored.ID && x.AgentID == 1 && x.ClientID == stored.ClientID
	}) {
		t.Fatalf("token %d not listed: %s", stored.ID, raw)
	}
	for _, secret := range []string{tok.AccessToken, tok.RefreshToken, stored.TokenHash, stored.RefreshHash} {
		if strings.Contains(string(raw), secret) {
			t.Fatalf("the token list shows a secret or its hash: %s", raw)
		}
	}
	t.Run("Revoke", func(t *testing.T) {
		e.wantAccount(t, tok.AccessToken, me.id)
		e.Call(t, "DELETE", "/api/v2/chat/oauth/tokens/"+itoa(stored.ID), me.token, nil, http.StatusNoContent, nil)
		e.Call(t, "GET", "/api/v2/chat/account", tok.AccessToken, nil, http.StatusUnauthorized, nil)
		e.Call(t, "DELETE", "/api/v2/chat/oauth/tokens/"+itoa(stored.ID), me.token, nil, http.StatusNoContent, nil)
		e.Call(t, "DELETE", "/api/v2/chat/oauth/tokens/999999", me.token, nil, http.StatusNotFound, nil)
	})
	t.Run("ErrAnotherAccountsToken", func(t *testing.T) {
		theirs, row := password(other)
		for e.hasToken(t, me.token, row.ID) {
			theirs, row = password(other)
		}
		e.Call(t, "DELETE", "/api/v2/chat/oauth/tokens/"+itoa(row.ID), me.token, nil, http.StatusNotFound, nil)
		e.wantAccount(t, theirs.AccessToken, other.id)
	})
}

// hasToken reports whether the token's account has a token with the id.
func (e *env) hasToken(t *testing.T, token string, id int64) bool {
	t.Helper()
	var list []oauthserver.OAuthToken
	e.Call(t, "GET", "/api/v2/chat/oauth/tokens", token, nil, http.StatusOK, &list)
	return slices.ContainsFunc(list, func(x oauthserver.OAuthToken) bool { return x.ID == id })
}

// TestOAuthMaintenance: past the longest hold the token endpoint and the
// OAuth resources of a frozen account answer 503 with Retry-After; the
// consent page, which a person reads, is not held.
func TestOAuthMaintenance(t *testing.T) {
	t.Parallel()
	e := setup(t, 1, 0, func(s *httpapi.Server) { s.Hold.For = 20 * time.Millisecond })
	me := e.account(0)
	conf := oauthConfig(e.URL, e.NewClient(t, me.token, nil), oauth2.AuthStyleInHeader)
	ctx := context.Background()
	if _, err := e.Legacy.SetChatAccountState(ctx, me.id, chatlift.ChatAccountMaintenance); err != nil {
		t.Fatal(err)
	}
	_, err := conf.PasswordCredentialsToken(ctx, me.email, me.password)
	re := wantOAuthError(t, err, "temporarily_unavailable", http.StatusServiceUnavailable)
	if re.Response.Header.Get("Retry-After") == "" {
		t.Fatal("token endpoint: 503 without Retry-After")
	}
	if a := fetch(t, newBrowser(t), "GET", conf.AuthCodeURL("st"), nil); a.status != http.StatusServiceUnavailable || a.header.Get("Retry-After") == "" {
		t.Fatalf("consent page during maintenance: %d %v", a.status, a.header)
	}
	for _, method := range []string{"GET", "POST"} {
		h := e.Call(t, method, "/api/v2/chat/oauth/clients", me.token, map[string]any{"name": "x"}, http.StatusServiceUnavailable, nil)
		if h.Get("Retry-After") == "" {
			t.Fatalf("%s clients: 503 without Retry-After", method)
		}
	}
	if _, err := e.Legacy.SetChatAccountState(ctx, me.id, chatlift.ChatAccountActive); err != nil {
		t.Fatal(err)
	}
	if _, err := conf.PasswordCredentialsToken(ctx, me.email, me.password); err != nil {
		t.Fatalf("after maintenance: %v", err)
	}
}

// TestOAuthUpgradedAccount checks that once an account is upgraded its
// clients (copied to the platform) get tokens from, and kept in, the
// platform store, and that tokens of the legacy store stop working.
func TestOAuthUpgradedAccount(t *testing.T) {
	t.Parallel()
	e := setup(t, 1, 0)
	me := e.account(0)
	c := e.NewClient(t, me.token, nil)
	ctx := context.Background()
	account, err := e.Legacy.ChatAccount(ctx, me.id)
	if err != nil {
		t.Fatal(err)
	}
	agents, err := e.Legacy.Agents(ctx, me.id)
	if err != nil {
		t.Fatal(err)
	}
	clients, err := e.Legacy.OAuthClients(ctx, me.id)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Platform.PutChatAccount(ctx, account); err != nil {
		t.Fatal(err)
	}
	if err := e.Platform.PutAgents(ctx, agents); err != nil {
		t.Fatal(err)
	}
	for _, oc := range clients {
		if err := e.Platform.PutOAuthClient(ctx, oc); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.Legacy.SetChatAccountState(ctx, me.id, chatlift.ChatAccountUpgraded); err != nil {
		t.Fatal(err)
	}
	e.Call(t, "GET", "/api/v2/chat/account", me.token, nil, http.StatusUnauthorized, nil)
	tok, err := oauthConfig(e.URL, c, oauth2.AuthStyleInHeader).PasswordCredentialsToken(ctx, me.email, me.password)
	if err != nil {
		t.Fatal(err)
	}
	e.wantAccount(t, tok.AccessToken, me.id)
	if _, err := e.Platform.OAuthTokenByHash(ctx, chatlift.HashSecret(tok.AccessToken)); err != nil {
		t.Fatalf("the token is not in the platform store: %v", err)
	}
	var created oauthserver.OAuthClient
	e.Call(t, "POST", "/api/v2/chat/oauth/clients", tok.AccessToken, map[string]any{"name": "After"}, http.StatusCreated, &created)
	if _, err := e.Platform.OAuthClientByIdentifier(ctx, created.ClientIdentifier); err != nil {
		t.Fatalf("a client made after the upgrade is not in the platform store: %v", err)
	}
	e.Call(t, "POST", "/api/v2/chat/oauth/clients", tok.AccessToken, map[string]any{"name": "Dup", "client_identifier": c.ClientIdentifier}, http.StatusConflict, nil)
}

// TestOAuthResourceShapes reads and writes clients and tokens in the
// reference's shape: scopes and redirect_uris as space-separated strings,
// create_date and update_date, tokens naming their client's identifier.
func TestOAuthResourceShapes(t *testing.T) {
	t.Parallel()
	e := setup(t, 1, 0)
	me := e.account(0)
	var created map[string]any
	e.Call(t, "POST", "/api/v2/chat/oauth/clients", me.token, map[string]any{"name": "Sync", "company": "Acme",
		"redirect_uris": redirectURI + " http://localhost:8080", "scopes": "read write"}, http.StatusCreated, &created)
	if created["scopes"] != "read write" || created["redirect_uris"] != redirectURI+" http://localhost:8080" ||
		created["client_secret"] == "" || created["create_date"] == nil || created["update_date"] != created["create_date"] {
		t.Fatalf("created %v", created)
	}
	path := "/api/v2/chat/oauth/clients/" + itoa(int64(created["id"].(float64)))
	t.Run("ReadChangeSendBack", func(t *testing.T) {
		var shown map[string]any
		e.Call(t, "GET", path, me.token, nil, http.StatusOK, &shown)
		shown["scopes"] = "read"
		var got map[string]any
		e.Call(t, "PUT", path, me.token, shown, http.StatusOK, &got)
		if got["scopes"] != "read" || got["name"] != "Sync" {
			t.Fatalf("after update %v", got)
		}
	})
	t.Run("ErrScopesOfAnotherType", func(t *testing.T) {
		e.Call(t, "PUT", path, me.token, map[string]any{"scopes": 3}, http.StatusBadRequest, nil)
	})
	t.Run("Tokens", func(t *testing.T) {
		cc := clientcredentials.Config{ClientID: created["client_identifier"].(string), ClientSecret: created["client_secret"].(string),
			TokenURL: e.URL + "/oauth2/token"}
		if _, err := cc.Token(context.Background()); err != nil {
			t.Fatal(err)
		}
		var list []map[string]any
		e.Call(t, "GET", "/api/v2/chat/oauth/tokens", me.token, nil, http.StatusOK, &list)
		i := slices.IndexFunc(list, func(m map[string]any) bool { return m["client_identifier"] == created["client_identifier"] })
		if i < 0 {
			t.Fatalf("no token of the client listed: %v", list)
		}
		if tok := list[i]; tok["scopes"] != "read" || tok["token_type"] != "Bearer" || tok["expire_date"] == nil || tok["create_date"] == nil {
			t.Fatalf("token shown as %v", tok)
		}
	})
}
