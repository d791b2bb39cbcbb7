package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi"
)

// listCounter is a store that counts the calls listing a whole account's
// agents, users or OAuth clients.
type listCounter struct {
	chatlift.PlatformStore
	lists atomic.Int64
}

func (c *listCounter) Agents(ctx context.Context, accountID int64) ([]*chatlift.Agent, error) {
	c.lists.Add(1)
	return c.PlatformStore.Agents(ctx, accountID)
}

func (c *listCounter) Users(ctx context.Context, accountID int64) ([]*chatlift.User, error) {
	c.lists.Add(1)
	return c.PlatformStore.Users(ctx, accountID)
}

func (c *listCounter) OAuthClients(ctx context.Context, accountID int64) ([]*chatlift.OAuthClient, error) {
	c.lists.Add(1)
	return c.PlatformStore.OAuthClients(ctx, accountID)
}

// TestLookupsByID: a request that names one agent, user or OAuth client
// (its own token's agent or user included) reads that row alone, never the
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
	for _, tc := range []struct {
		name string
		req  *http.Request
		want int
	}{
		{"TokenAgent", chat("/api/v2/chat/account"), http.StatusOK},
		{"Agent", chat("/api/v2/chat/agents/1"), http.StatusOK},
		{"AgentErrNotFound", chat("/api/v2/chat/agents/9999"), http.StatusNotFound},
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
