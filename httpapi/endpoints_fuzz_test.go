package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/conversation"
	"github.com/chatlift/chatlift/httpapi"
	"github.com/chatlift/chatlift/httpapi/api"
	"github.com/chatlift/chatlift/upgrade"
)

// fakeUpgrades answers the upgrade API without a workflow engine.
type fakeUpgrades struct{}

func (fakeUpgrades) Request(ctx context.Context, accountID int64, by string) (*chatlift.Upgrade, error) {
	return &chatlift.Upgrade{ID: "u", AccountID: accountID, State: chatlift.UpgradeRequested, Attempt: 1}, nil
}
func (fakeUpgrades) Act(ctx context.Context, id, action string) (*chatlift.Upgrade, error) {
	return nil, chatlift.Errorf(chatlift.ENOTFOUND, "upgrade %s not found", id)
}
func (fakeUpgrades) Reschedule(ctx context.Context, id string, at time.Time) (*chatlift.Upgrade, error) {
	return nil, chatlift.Errorf(chatlift.ENOTFOUND, "upgrade %s not found", id)
}
func (fakeUpgrades) Enroll(ctx context.Context, e upgrade.Enrollment, deadline bool) (*upgrade.Enrollment, error) {
	return &e, nil
}

// FuzzJSONEndpoints sends every body to every endpoint that takes JSON, as
// an authorized caller: bad input must always be a 4xx in the error shape,
// never a 500 (and never a panic).
func FuzzJSONEndpoints(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `null`, `"x"`, `{"name":"Ventes","email":"a@b.test"}`, `{"user":{"email":"x@y.test","role":"agent"}}`,
		`{"ticket":{"subject":"s","comment":{"body":"b"}}}`, `{"account_id":1}`, `{"account_ids":[1,-2]}`, `{"at":"2030-01-01T00:00:00Z"}`,
		`{"scheduled_for":"yesterday"}`, `{"data":{"routing_mode":"broadcast"}}`, `{"msg":"hi","sender_type":"Visitor"}`, `{"client_message_id":"c1","msg":"hi"}`, `{"visitor":{"name":"V","email":"v@x.test"}}`, `{"app_id":1e99}`,
		`{"name":"c","redirect_uris":["javascript:alert(1)"]}`, `{"email":"` + string(bytes.Repeat([]byte("a"), 5000)) + `@x.test"}`, `{`, "\x00"} {
		f.Add([]byte(s))
	}
	e := setup(f, 1, 2)
	srv := &httpapi.Server{Logger: slog.New(slog.DiscardHandler), Ready: func(context.Context) error { return nil }, OperatorToken: e.Op,
		Legacy: e.Legacy, Platform: e.Platform, Registry: prometheus.NewRegistry(), Upgrades: fakeUpgrades{}}
	h := srv.Handler()
	c := e.Creds[0]
	chats, err := e.Legacy.Chats(context.Background(), chatlift.ChatFilter{AccountID: c.AccountID, Limit: 1})
	if err != nil || len(chats) == 0 {
		f.Fatalf("no chat to post to: %v", err)
	}
	chatAuth, op := "Bearer "+c.ChatAccessToken, "Bearer "+e.Op
	req, _ := http.NewRequest("GET", "/", nil)
	req.SetBasicAuth(c.SupportOwnerEmail+"/token", c.SupportAPIToken)
	support := req.Header.Get("Authorization")
	targets := []struct{ method, path, auth string }{
		{"POST", "/api/v2/chat/agents", chatAuth}, {"PUT", "/api/v2/chat/agents/1", chatAuth},
		{"PUT", "/api/v2/chat/routing_settings/account", chatAuth}, {"POST", "/api/v2/chat/chats", chatAuth},
		{"POST", "/api/v2/chat/chats/" + chats[0].ID + "/messages", chatAuth},
		{"POST", "/api/v2/chat/oauth/clients", chatAuth}, {"PUT", "/api/v2/chat/oauth/clients/1", chatAuth},
		{"POST", "/api/v2/users", support}, {"PUT", "/api/v2/users/1", support}, {"POST", "/api/v2/tickets", support},
		{"PUT", "/api/v2/tickets/1.json", support}, {"POST", "/api/v2/groups", support}, {"POST", "/api/v2/organizations", support},
		{"POST", "/api/v2/apps/installations", support}, {"POST", "/api/v2/billing/consolidation/preview", support},
		{"POST", "/api/v2/upgrades", support}, {"POST", "/api/v2/upgrades", op},
		{"POST", "/api/ops/upgrades/u/reschedule", op}, {"POST", "/api/ops/faults", op},
		{"POST", "/api/ops/upgrades/enroll", op}, {"POST", "/api/ops/fleet/deadline", op},
		{"PUT", "/api/ops/import/settings", op},
	}
	conv := &conversation.Service{}
	key, err := conv.WidgetKey(context.Background(), e.Legacy, c.AccountID)
	if err != nil {
		f.Fatal(err)
	}
	live, token, err := conv.Start(context.Background(), e.Legacy, c.AccountID, chatlift.ChatVisitor{}, chatlift.ChatSession{})
	if err != nil {
		f.Fatal(err)
	}
	widget := "/api/v2/chat/widget/" + key + "/conversations"
	targets = append(targets, struct{ method, path, auth string }{"POST", widget, ""},
		struct{ method, path, auth string }{"POST", widget + "/" + live.ID + "/messages", "Bearer " + token},
		struct{ method, path, auth string }{"POST", "/api/v2/chat/conversations/" + live.ID + "/messages", chatAuth})
	for _, kind := range []string{"roles", "departments", "skills", "triggers", "shortcuts", "bans", "goals"} {
		targets = append(targets, struct{ method, path, auth string }{"POST", "/api/v2/chat/" + kind, chatAuth})
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, target := range targets {
			req := httptest.NewRequest(target.method, target.path, bytes.NewReader(body))
			req.Header.Set("Authorization", target.auth)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("%s %s with %q: %d %s", target.method, target.path, body, rec.Code, rec.Body)
			}
			if rec.Code >= 400 {
				var shape api.ErrorResponse
				if json.Unmarshal(rec.Body.Bytes(), &shape) != nil || shape.Error == "" || shape.Description == "" {
					t.Fatalf("%s %s: %d not in the error shape: %s", target.method, target.path, rec.Code, rec.Body)
				}
			}
		}
	})
}
