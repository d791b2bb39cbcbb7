// Package apitest starts chatlift's HTTP server over fresh, seeded stores
// for the tests of its APIs, and calls it as clients do.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi"
	"github.com/chatlift/chatlift/httpapi/api"
	"github.com/chatlift/chatlift/seed"
	"github.com/chatlift/chatlift/sqlstore"
)

// Env is a running HTTP server over fresh stores with seeded accounts.
type Env struct {
	// URL is the server's base URL.
	URL      string
	Legacy   *sqlstore.DB
	Platform *sqlstore.DB
	// Creds are the seeded accounts' credentials, in account order.
	Creds []*seed.Credentials
	// Op is the operator's token.
	Op string
}

// Setup starts a server with `accounts` generated accounts of `chats` chats;
// each configure function adjusts the server before it opens.
func Setup(t testing.TB, accounts, chats int, configure ...func(*httpapi.Server)) *Env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	open := func(name, role string) *sqlstore.DB {
		db, err := sqlstore.Open(ctx, sqlstore.Config{Path: filepath.Join(dir, name), Role: role})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	e := &Env{Legacy: open("legacy.db", sqlstore.RoleChat), Platform: open("platform.db", sqlstore.RolePlatform), Op: "op-secret"}
	creds, err := seed.Fleet(ctx, e.Legacy, e.Platform, seed.Spec{Accounts: accounts, ChatsPerAccount: chats, Seed: 7, Start: seed.DefaultStart}, time.Now().UTC(), nil)
	if err != nil {
		t.Fatal(err)
	}
	e.Creds = creds
	srv := &httpapi.Server{Logger: slog.New(slog.DiscardHandler), Ready: func(context.Context) error { return nil },
		OperatorToken: e.Op, Legacy: e.Legacy, Platform: e.Platform, Registry: prometheus.NewRegistry()}
	for _, c := range configure {
		c(srv)
	}
	if err := srv.Open("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(context.Background()) })
	e.URL = srv.URL()
	return e
}

// Call sends a request with a bearer token and decodes the JSON answer into
// out (if not nil), failing unless the status is want.
func (e *Env) Call(t *testing.T, method, path, token string, body any, want int, out any) http.Header {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, ok := body.([]byte)
		if !ok {
			var err error
			if b, err = json.Marshal(body); err != nil {
				t.Fatal(err)
			}
		}
		rd = bytes.NewReader(b)
	}
	url := path
	if len(path) > 0 && path[0] == '/' {
		url = e.URL + path
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, b := Do(t, req)
	if resp.StatusCode != want {
		t.Fatalf("%s %s = %d, want %d: %s", method, path, resp.StatusCode, want, b)
	}
	if resp.StatusCode >= 400 {
		var e api.ErrorResponse
		if err := json.Unmarshal(b, &e); err != nil || e.Error == "" || e.Description == "" {
			t.Fatalf("%s %s: error body not in the error shape: %s", method, path, b)
		}
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
	return resp.Header
}

// Do sends req and returns the response with its body read.
func Do(t testing.TB, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// IssueToken stores a live token for the account's first agent with scopes.
func (e *Env) IssueToken(t *testing.T, accountID int64, expires time.Time, scopes ...string) string {
	t.Helper()
	ctx := context.Background()
	id, err := e.Legacy.NextIDs(ctx, "oauth_tokens/"+Itoa(accountID), 1)
	if err != nil {
		t.Fatal(err)
	}
	secret := chatlift.NewSecret()
	tok := &chatlift.OAuthToken{ID: id, AccountID: accountID, ClientID: 1, AgentID: 1, TokenHash: chatlift.HashSecret(secret),
		Scopes: scopes, CreatedAt: time.Now(), ExpiresAt: &expires}
	if err := e.Legacy.PutOAuthTokens(ctx, []*chatlift.OAuthToken{tok}); err != nil {
		t.Fatal(err)
	}
	return secret
}

// Itoa is n in decimal, for paths.
func Itoa(n int64) string { return strconv.FormatInt(n, 10) }
