package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi"
)

// listCounter is a store that counts the calls listing a whole account's
// agents, users, OAuth clients or chat objects of a kind.
type listCounter struct {
	chatlift.PlatformStore
	lists atomic.Int64
}

func (c *listCounter) Agents(ctx context.Context, accountID int64) ([]*chatlift.Agent, error) {
	c.lists.Add(1)
	return c.PlatformStore.Agents(ctx, accountID)
}

// InAccountWrite counts the lists of the transaction's view too.
func (c *listCounter) InAccountWrite(ctx context.Context, accountID int64, fn func(chatlift.ChatStore) error) error {
	return c.PlatformStore.InAccountWrite(ctx, accountID, func(tx chatlift.ChatStore) error {
		return fn(&txCounter{ChatStore: tx, lists: &c.lists})
	})
}

// txCounter counts a transaction's lists of agents and chat objects.
type txCounter struct {
	chatlift.ChatStore
	lists *atomic.Int64
}

func (c *txCounter) Agents(ctx context.Context, accountID int64) ([]*chatlift.Agent, error) {
	c.lists.Add(1)
	return c.ChatStore.Agents(ctx, accountID)
}

func (c *txCounter) Objects(ctx context.Context, accountID int64, kind chatlift.ObjectKind) ([]*chatlift.Object, error) {
	c.lists.Add(1)
	return c.ChatStore.Objects(ctx, accountID, kind)
}

func (c *listCounter) Objects(ctx context.Context, accountID int64, kind chatlift.ObjectKind) ([]*chatlift.Object, error) {
	c.lists.Add(1)
	return c.PlatformStore.Objects(ctx, accountID, kind)
}

func (c *listCounter) Users(ctx context.Context, accountID int64) ([]*chatlift.User, error) {
	c.lists.Add(1)
	return c.PlatformStore.Users(ctx, accountID)
}

func (c *listCounter) OAuthClients(ctx context.Context, accountID int64) ([]*chatlift.OAuthClient, error) {
	c.lists.Add(1)
	return c.PlatformStore.OAuthClients(ctx, accountID)
}

// TestLookupsByID: a request that names one agent (by id or, signing in or
// changing an agent, by email), user, OAuth client or chat object (its own
// token's agent or user included) reads that row alone, never the
// account's whole table, and answers as before.
func TestLookupsByID(t *testing.T) {
	t.Parallel()
	e := setup(t, 1, 0)
	token := e.Creds[0].ChatAccessToken
	client := e.NewClient(t, token, nil)
	legacy, platform := &listCounter{PlatformStore: e.Legacy}, &listCounter{PlatformStore: e.Platform}
	h := handler(e.Env, func(s *httpapi.Server) { s.Legacy, s.Platform = legacy, platform })
	support := func(path string) *http.Request {
		req := httptest.NewRequest("GET", path, nil)
		req.SetBasicAuth(e.Creds[0].SupportOwnerEmail+"/token", e.Creds[0].SupportAPIToken)
		return req
	}
	chat := func(path string) *http.Request {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		return req
	}
	agent2, err := e.Legacy.Agent(context.Background(), e.Creds[0].AccountID, 2)
	if err != nil {
		t.Fatal(err)
	}
	depts, err := e.Legacy.Objects(context.Background(), e.Creds[0].AccountID, chatlift.KindDepartment)
	if err != nil || len(depts) == 0 {
		t.Fatalf("the seeded account has %d departments (%v)", len(depts), err)
	}
	dept := fmt.Sprint("/api/v2/chat/departments/", depts[0].ID)
	signIn := func(email string) *http.Request {
		form := url.Values{"grant_type": {"password"}, "username": {email}, "password": {e.Creds[0].ChatOwnerPassword},
			"client_id": {client.ClientIdentifier}, "client_secret": {client.ClientSecret}}
		req := httptest.NewRequest("POST", "/oauth2/chat/token", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return req
	}
	chatPut := func(path, body string) *http.Request {
		req := chat(path)
		req.Method, req.Body = "PUT", io.NopCloser(strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		return req
	}
	for _, tc := range []struct {
		name string
		req  *http.Request
		want int
	}{
		{"TokenAgent", chat("/api/v2/chat/account"), http.StatusOK},
		{"Agent", chat("/api/v2/chat/agents/1"), http.StatusOK},
		{"AgentErrNotFound", chat("/api/v2/chat/agents/9999"), http.StatusNotFound},
		{"Object", chat(dept), http.StatusOK},
		{"ObjectUpdate", chatPut(dept, `{"description": "Renamed"}`), http.StatusOK},
		{"ObjectErrNotFound", chat("/api/v2/chat/bans/9999"), http.StatusNotFound},
		{"AgentEmail", chatPut("/api/v2/chat/agents/1", fmt.Sprintf(`{"email": %q}`, strings.ToUpper(e.Creds[0].ChatOwnerEmail))), http.StatusOK},
		{"AgentEmailErrConflict", chatPut("/api/v2/chat/agents/1", fmt.Sprintf(`{"email": %q}`, strings.ToUpper(agent2.Email))), http.StatusConflict},
		{"SignIn", signIn(strings.ToLower(e.Creds[0].ChatOwnerEmail)), http.StatusOK},
		{"SignInErrUnknownEmail", signIn("nobody@example.test"), http.StatusBadRequest},
		{"OAuthClient", chat(fmt.Sprint("/api/v2/chat/oauth/clients/", client.ID)), http.StatusOK},
		{"OAuthClientErrNotFound", chat("/api/v2/chat/oauth/clients/9999"), http.StatusNotFound},
		{"Me", support("/api/v2/users/me"), http.StatusOK},
		{"User", support("/api/v2/users/1"), http.StatusOK},
		{"UserErrNotFound", support("/api/v2/users/9999"), http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := legacy.lists.Load() + platform.lists.Load()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, tc.req)
			if rec.Code != tc.want {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.want, rec.Body)
			}
			if n := legacy.lists.Load() + platform.lists.Load() - before; n != 0 {
				t.Fatalf("listed a whole table %d times", n)
			}
		})
	}
}
