package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi"
	"github.com/chatlift/chatlift/httpapi/api"
	"github.com/chatlift/chatlift/internal/apitest"
)

// handler is the routes of a server over e's stores with a fake upgrade
// service, changed by tweak (if not nil).
func handler(e *apitest.Env, tweak func(*httpapi.Server)) http.Handler {
	srv := &httpapi.Server{Logger: slog.New(slog.DiscardHandler), Ready: func(context.Context) error { return nil }, OperatorToken: e.Op,
		Legacy: e.Legacy, Platform: e.Platform, Registry: prometheus.NewRegistry(), Upgrades: fakeUpgrades{}}
	if tweak != nil {
		tweak(srv)
	}
	return srv.Handler()
}

// putUpgrade stores an upgrade of the account, as requesting it would.
func putUpgrade(t *testing.T, e *apitest.Env, id string, accountID int64) {
	t.Helper()
	u := &chatlift.Upgrade{ID: id, AccountID: accountID, State: chatlift.UpgradeRequested, Attempt: 1, RequestedBy: "operator",
		CreatedAt: time.Now().UTC(), UpdatedAt: time.Now().UTC()}
	if err := e.Platform.CreateUpgrade(context.Background(), u); err != nil {
		t.Fatal(err)
	}
}

// recordingBody is a request body that records whether anything read it.
type recordingBody struct {
	io.Reader
	read atomic.Bool
}

func (b *recordingBody) Read(p []byte) (int, error) {
	b.read.Store(true)
	return b.Reader.Read(p)
}

func (b *recordingBody) Close() error { return nil }

// serve sends one request to h and returns the answer.
func serve(h http.Handler, method, path, auth string, body io.ReadCloser) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, nil)
	if body != nil {
		req.Body, req.ContentLength = body, -1
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestAuthenticateFirst checks that every route that takes a body or an id
// knows its caller before it reads the body or looks the id up: anonymous
// and wrongly authenticated callers get 401 and learn nothing.
func TestAuthenticateFirst(t *testing.T) {
	t.Parallel()
	e := setup(t, 2, 1)
	putUpgrade(t, e.Env, "upg_exists", 1)
	h := handler(e.Env, nil)
	ctx := context.Background()
	chats, err := e.Legacy.Chats(ctx, chatlift.ChatFilter{AccountID: 1, Limit: 1})
	if err != nil || len(chats) == 0 {
		t.Fatalf("no chat: %v", err)
	}
	strangers := map[string]string{"Anonymous": "", "WrongBearer": "Bearer nope", "WrongBasic": "Basic " + "bm9ib2R5L3Rva2VuOm5vcGU="}
	t.Run("BodyUnread", func(t *testing.T) {
		writes := []string{"POST /api/v2/upgrades", "POST /api/v2/chat/agents", "PUT /api/v2/chat/agents/1",
			"PUT /api/v2/chat/routing_settings/account", "POST /api/v2/chat/chats", "POST /api/v2/chat/chats/" + chats[0].ID + "/messages",
			"POST /api/v2/chat/departments", "PUT /api/v2/chat/departments/1", "POST /api/v2/chat/oauth/clients",
			"PUT /api/v2/chat/oauth/clients/1", "POST /api/v2/users", "PUT /api/v2/users/1", "POST /api/v2/tickets",
			"POST /api/v2/apps/installations", "POST /api/v2/billing/consolidation/preview", "POST /api/v2/notifications/1/read",
			"POST /api/ops/upgrades/upg_exists/reschedule", "POST /api/ops/faults", "POST /api/ops/upgrades/enroll",
			"POST /api/ops/fleet/deadline", "PUT /api/ops/import/settings", "POST /api/v2/chat/conversations/cv_x/messages"}
		for name, auth := range strangers {
			for _, route := range writes {
				method, path, _ := strings.Cut(route, " ")
				body := &recordingBody{Reader: bytes.NewReader(bytes.Repeat([]byte("x"), 2<<20))}
				rec := serve(h, method, path, auth, body)
				if rec.Code != http.StatusUnauthorized || body.read.Load() {
					t.Errorf("%s %s: %d (body read: %t), want 401 with the body unread: %s", name, route, rec.Code, body.read.Load(), rec.Body)
				}
			}
		}
	})
	t.Run("SameAnswerForEveryID", func(t *testing.T) {
		routes := map[string][2]string{ // an id that exists, one that does not
			"GET /api/v2/upgrades/%s":                       {"upg_exists", "upg_missing"},
			"GET /api/v2/chat/agents/%s":                    {"1", "999"},
			"GET /api/v2/chat/chats/%s":                     {chats[0].ID, "2601.1.MISSING"},
			"GET /api/v2/chat/departments/%s":               {"1", "999"},
			"GET /api/v2/chat/oauth/clients/%s":             {"1", "999"},
			"GET /api/v2/users/%s":                          {"1", "999"},
			"GET /api/v2/tickets/%s":                        {"1", "999"},
			"POST /api/v2/notifications/%s/read":            {"1", "999"},
			"POST /api/ops/upgrades/%s/cancel":              {"upg_exists", "upg_missing"},
			"POST /api/ops/accounts/%s/billing/consolidate": {"1", "999"},
		}
		for name, auth := range strangers {
			for route, ids := range routes {
				method, path, _ := strings.Cut(route, " ")
				exists := serve(h, method, strings.Replace(path, "%s", ids[0], 1), auth, nil)
				missing := serve(h, method, strings.Replace(path, "%s", ids[1], 1), auth, nil)
				if exists.Code != http.StatusUnauthorized || exists.Body.String() != missing.Body.String() {
					t.Errorf("%s %s: %d %s for an id that exists, %d %s for one that does not; want the same 401",
						name, route, exists.Code, exists.Body, missing.Code, missing.Body)
				}
			}
		}
	})
}

// TestShowUpgrade checks who may read an upgrade: the account's admins and
// the operator.
func TestShowUpgrade(t *testing.T) {
	t.Parallel()
	e := setupSupport(t)
	putUpgrade(t, e.Env, "upg_one", 1)
	at := time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC)
	ask := &chatlift.PostponeRequest{UpgradeID: "upg_one", AccountID: 1, RequestedBy: "ann@example.com", From: at,
		Until: at.AddDate(0, 0, 14), Reason: "busy season", Status: chatlift.PostponePending, CreatedAt: at.AddDate(0, 0, -7)}
	if err := e.Platform.AddPostponeRequest(context.Background(), ask); err != nil {
		t.Fatal(err)
	}
	var out struct {
		Upgrade          chatlift.Upgrade
		PostponeRequests []*chatlift.PostponeRequest `json:"postpone_requests"`
	}
	t.Run("OK", func(t *testing.T) {
		e.Call(t, "GET", e.AsOwner("/api/v2/upgrades/upg_one"), "", nil, http.StatusOK, &out)
		if out.Upgrade.ID != "upg_one" || out.Upgrade.AccountID != 1 {
			t.Fatalf("upgrade = %+v", out.Upgrade)
		}
		if len(out.PostponeRequests) != 1 || out.PostponeRequests[0].Reason != "busy season" || out.PostponeRequests[0].Status != chatlift.PostponePending {
			t.Fatalf("postpone requests = %+v", out.PostponeRequests)
		}
	})
	t.Run("OKOperator", func(t *testing.T) {
		e.Call(t, "GET", "/api/v2/upgrades/upg_one", e.Op, nil, http.StatusOK, &out)
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		e.Call(t, "GET", e.AsAgent("/api/v2/upgrades/upg_one"), "", nil, http.StatusForbidden, nil)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		other := e.Creds[1]
		e.Call(t, "GET", e.As(other.SupportOwnerEmail, other.SupportAPIToken, "/api/v2/upgrades/upg_one"), "", nil, http.StatusNotFound, nil)
		e.Call(t, "GET", "/api/v2/upgrades/upg_missing", e.Op, nil, http.StatusNotFound, nil)
	})
}

// TestBodyLimit checks that an authenticated caller's body over the limit
// answers 413 in the error shape, on every way a handler reads a body.
func TestBodyLimit(t *testing.T) {
	t.Parallel()
	e := setup(t, 1, 1)
	c := e.Creds[0]
	chatAuth, op := "Bearer "+c.ChatAccessToken, "Bearer "+e.Op
	req := httptest.NewRequest("GET", "/", nil)
	req.SetBasicAuth(c.SupportOwnerEmail+"/token", c.SupportAPIToken)
	support := req.Header.Get("Authorization")
	targets := []struct{ method, path, auth string }{
		{"POST", "/api/v2/upgrades", op}, {"POST", "/api/v2/chat/agents", chatAuth}, {"POST", "/api/v2/chat/departments", chatAuth},
		{"POST", "/api/v2/billing/consolidation/preview", support}, {"POST", "/api/v2/tickets", support},
	}
	// padded is a JSON object that asks for account 1's upgrade, padded with
	// spaces to n bytes.
	padded := func(n int) io.ReadCloser {
		obj := `{"account_id": 1}`
		return io.NopCloser(strings.NewReader(obj + strings.Repeat(" ", n-len(obj))))
	}
	tooLarge := func(t *testing.T, h http.Handler, limit int) {
		t.Helper()
		for _, target := range targets {
			rec := serve(h, target.method, target.path, target.auth, padded(limit+1))
			var shape api.ErrorResponse
			if err := json.Unmarshal(rec.Body.Bytes(), &shape); err != nil || rec.Code != http.StatusRequestEntityTooLarge || shape.Error != chatlift.ETOOLARGE {
				t.Errorf("%s %s with %d bytes: %d %s, want 413 too_large", target.method, target.path, limit+1, rec.Code, rec.Body)
			}
		}
	}
	t.Run("ErrTooLarge", func(t *testing.T) {
		tooLarge(t, handler(e.Env, nil), int(httpapi.DefaultLimits().MaxBodyBytes))
	})
	t.Run("ErrTooLargeConfigured", func(t *testing.T) {
		tooLarge(t, handler(e.Env, func(s *httpapi.Server) { s.Limits.MaxBodyBytes = 100 }), 100)
	})
	t.Run("OKAtTheLimit", func(t *testing.T) {
		rec := serve(handler(e.Env, nil), "POST", "/api/v2/upgrades", op, padded(int(httpapi.DefaultLimits().MaxBodyBytes)))
		if rec.Code != http.StatusCreated {
			t.Fatalf("a body of exactly the limit: %d %s, want 201", rec.Code, rec.Body)
		}
	})
}
