package chatapi_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi"
	"github.com/chatlift/chatlift/httpapi/chatapi"
)

// busyAccount returns the credentials index of an account that has chats.
func (e *env) busyAccount(t *testing.T) (int64, string) {
	t.Helper()
	for _, c := range e.Creds {
		n, err := e.Legacy.CountHistory(context.Background(), c.AccountID)
		if err != nil {
			t.Fatal(err)
		}
		if n.Chats > 0 {
			return c.AccountID, c.ChatAccessToken
		}
	}
	t.Fatal("no seeded account has chats")
	return 0, ""
}

func TestChatAuth(t *testing.T) {
	t.Parallel()
	e := setup(t, 2, 3)
	id, token := e.busyAccount(t)
	t.Run("OK", func(t *testing.T) {
		var a chatapi.AccountDoc
		e.Call(t, "GET", "/api/v2/chat/account", token, nil, http.StatusOK, &a)
		if a.ID != id || a.AccountKey != itoa(id) || a.Status != "active" || a.Plan.Name == "" || a.CreatedAt.IsZero() {
			t.Fatalf("account %d, want the token's %d", a.ID, id)
		}
	})
	t.Run("ErrNoToken", func(t *testing.T) {
		h := e.Call(t, "GET", "/api/v2/chat/account", "", nil, http.StatusUnauthorized, nil)
		if h.Get("WWW-Authenticate") == "" {
			t.Fatal("401 without WWW-Authenticate")
		}
	})
	t.Run("ErrUnknownToken", func(t *testing.T) {
		e.Call(t, "GET", "/api/v2/chat/agents", "not-a-token", nil, http.StatusUnauthorized, nil)
	})
	t.Run("ErrExpired", func(t *testing.T) {
		old := e.IssueToken(t, id, time.Now().Add(-time.Minute), "read", "write")
		e.Call(t, "GET", "/api/v2/chat/agents", old, nil, http.StatusUnauthorized, nil)
	})
	t.Run("ErrRevoked", func(t *testing.T) {
		tok := e.IssueToken(t, id, time.Now().Add(time.Hour), "read")
		e.Call(t, "GET", "/api/v2/chat/agents", tok, nil, http.StatusOK, nil)
		if _, err := e.Legacy.RevokeOAuthTokens(context.Background(), id, time.Now()); err != nil {
			t.Fatal(err)
		}
		e.Call(t, "GET", "/api/v2/chat/agents", tok, nil, http.StatusUnauthorized, nil)
	})
	t.Run("ErrReadScopeCannotWrite", func(t *testing.T) {
		ro := e.IssueToken(t, id, time.Now().Add(time.Hour), "read")
		e.Call(t, "POST", "/api/v2/chat/departments", ro, map[string]any{"name": "X"}, http.StatusForbidden, nil)
	})
}

func TestChatIsolation(t *testing.T) {
	t.Parallel()
	e := setup(t, 3, 4)
	mine, token := e.busyAccount(t)
	for _, other := range e.Creds {
		if other.AccountID == mine {
			continue
		}
		list, err := e.Legacy.Chats(context.Background(), chatlift.ChatFilter{AccountID: other.AccountID, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 0 {
			continue
		}
		e.Call(t, "GET", "/api/v2/chat/chats/"+list[0].ID, token, nil, http.StatusNotFound, nil)
		e.Call(t, "POST", "/api/v2/chat/chats/"+list[0].ID+"/messages", token,
			map[string]any{"msg": "hi", "sender_type": "Visitor"}, http.StatusNotFound, nil)
		return
	}
	t.Fatal("no other account with chats to try")
}

func TestChatAgents(t *testing.T) {
	t.Parallel()
	e := setup(t, 1, 0)
	token := e.Creds[0].ChatAccessToken
	var before []chatlift.Agent
	e.Call(t, "GET", "/api/v2/chat/agents", token, nil, http.StatusOK, &before)
	var a chatlift.Agent
	e.Call(t, "POST", "/api/v2/chat/agents", token, map[string]any{"email": "New.Agent@acme.test", "display_name": "Nu 新人"}, http.StatusCreated, &a)
	if a.ID <= before[len(before)-1].ID || a.Role != chatlift.ChatRoleAgent || !a.Enabled {
		t.Fatalf("created %+v after %d agents", a, len(before))
	}
	t.Run("ErrDuplicateEmailIgnoresCase", func(t *testing.T) {
		e.Call(t, "POST", "/api/v2/chat/agents", token, map[string]any{"email": "new.agent@ACME.test"}, http.StatusConflict, nil)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		e.Call(t, "POST", "/api/v2/chat/agents", token, map[string]any{"email": "nope"}, http.StatusBadRequest, nil)
		e.Call(t, "POST", "/api/v2/chat/agents", token, map[string]any{"email": "x@acme.test", "bogus": 1}, http.StatusBadRequest, nil)
		e.Call(t, "POST", "/api/v2/chat/agents", token, []byte(`{"email": `), http.StatusBadRequest, nil)
	})
	t.Run("ErrForbiddenSecondOwner", func(t *testing.T) {
		e.Call(t, "POST", "/api/v2/chat/agents", token, map[string]any{"email": "o@acme.test", "role": "owner"}, http.StatusForbidden, nil)
	})
	t.Run("Update", func(t *testing.T) {
		var got chatlift.Agent
		e.Call(t, "PUT", "/api/v2/chat/agents/"+itoa(a.ID), token, map[string]any{"enabled": false}, http.StatusOK, &got)
		if got.Enabled || got.Email != a.Email {
			t.Fatalf("after update %+v", got)
		}
		e.Call(t, "GET", "/api/v2/chat/agents/999999", token, nil, http.StatusNotFound, nil)
	})
	var after []chatlift.Agent
	e.Call(t, "GET", "/api/v2/chat/agents", token, nil, http.StatusOK, &after)
	if len(after) != len(before)+1 {
		t.Fatalf("%d agents after one create and rejected ones; had %d", len(after), len(before))
	}
}

func TestChatObjects(t *testing.T) {
	t.Parallel()
	e := setup(t, 1, 0)
	token := e.Creds[0].ChatAccessToken
	var d chatapi.DepartmentDoc
	e.Call(t, "POST", "/api/v2/chat/departments", token, map[string]any{"name": "Ventes", "enabled": true, "members": []int{1}}, http.StatusCreated, &d)
	e.Call(t, "PUT", "/api/v2/chat/departments/"+itoa(d.ID), token, map[string]any{"description": "EMEA"}, http.StatusOK, &d)
	if d.Name != "Ventes" || d.Description != "EMEA" {
		t.Fatalf("department after update: %+v", d)
	}
	var list []chatapi.DepartmentDoc
	e.Call(t, "GET", "/api/v2/chat/departments", token, nil, http.StatusOK, &list)
	if list[len(list)-1].ID != d.ID {
		t.Fatalf("new department not listed last: %+v", list)
	}
	e.Call(t, "DELETE", "/api/v2/chat/departments/"+itoa(d.ID), token, nil, http.StatusNoContent, nil)
	e.Call(t, "GET", "/api/v2/chat/departments/"+itoa(d.ID), token, nil, http.StatusNotFound, nil)
	for path, body := range map[string]any{
		"bans":      map[string]any{"type": "ip_address", "ip_address": "999.1.1.1"},
		"triggers":  map[string]any{"name": "t", "definition": map[string]any{"event": "chat_requested"}},
		"shortcuts": map[string]any{"name": "hi"},
		"skills":    map[string]any{"name": ""},
		"goals":     []byte(`[]`),
	} {
		e.Call(t, "POST", "/api/v2/chat/"+path, token, body, http.StatusBadRequest, nil)
	}
	var ban chatlift.Ban
	e.Call(t, "POST", "/api/v2/chat/bans", token, map[string]any{"type": "ip_address", "ip_address": "203.0.113.9", "reason": "spam"}, http.StatusCreated, &ban)
	for _, path := range []string{"roles", "skills", "triggers", "shortcuts", "bans", "goals", "integrations", "message_channels"} {
		e.Call(t, "GET", "/api/v2/chat/"+path, token, nil, http.StatusOK, nil)
	}
	e.Call(t, "POST", "/api/v2/chat/integrations", token, map[string]any{"type": "slack"}, http.StatusNotFound, nil)
	var routing struct{ Data chatapi.RoutingDoc }
	e.Call(t, "PUT", "/api/v2/chat/routing_settings/account", token, map[string]any{"data": map[string]any{"routing_mode": "broadcast", "chat_limit": 4}}, http.StatusOK, &routing)
	e.Call(t, "GET", "/api/v2/chat/routing_settings/account", token, nil, http.StatusOK, &routing)
	if routing.Data.RoutingMode != "broadcast" || routing.Data.ChatLimit.Limit != 4 {
		t.Fatalf("routing after a flat update = %+v", routing.Data)
	}
	e.Call(t, "PUT", "/api/v2/chat/routing_settings/account", token, map[string]any{"data": map[string]any{
		"chat_limit": map[string]any{"enabled": true, "limit": 6}, "reassignment": map[string]any{"enabled": true, "timeout": 30}}}, http.StatusOK, &routing)
	e.Call(t, "GET", "/api/v2/chat/routing_settings/account", token, nil, http.StatusOK, &routing)
	if d := routing.Data; d.RoutingMode != "broadcast" || !d.ChatLimit.Enabled || d.ChatLimit.Limit != 6 || d.Reassignment.Timeout != 30 {
		t.Fatalf("routing after a nested update = %+v", d)
	}
	e.Call(t, "PUT", "/api/v2/chat/routing_settings/account", token, map[string]any{"data": map[string]any{"chat_limit": map[string]any{"limit": "six"}}}, http.StatusBadRequest, nil)
	e.Call(t, "PUT", "/api/v2/chat/routing_settings/account", token, map[string]any{"data": map[string]any{"routing_mode": "random"}}, http.StatusBadRequest, nil)
}

func TestChatChats(t *testing.T) {
	t.Parallel()
	e := setup(t, 2, 25)
	id, token := e.busyAccount(t)
	count, err := e.Legacy.CountHistory(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("PagingSeesEveryChatOnce", func(t *testing.T) {
		seen := map[string]bool{}
		next := "/api/v2/chat/chats?limit=7"
		for next != "" {
			var page struct {
				Chats   []chatlift.Chat
				NextURL *string `json:"next_url"`
			}
			e.Call(t, "GET", next, token, nil, http.StatusOK, &page)
			for _, c := range page.Chats {
				if seen[c.ID] {
					t.Fatalf("chat %s on two pages", c.ID)
				}
				seen[c.ID] = true
			}
			next = ""
			if page.NextURL != nil {
				next = *page.NextURL
			}
		}
		if int64(len(seen)) != count.Chats {
			t.Fatalf("paged %d chats of %d", len(seen), count.Chats)
		}
	})
	t.Run("OfflineMessageAndLiveChat", func(t *testing.T) {
		var off chatlift.Chat
		e.Call(t, "POST", "/api/v2/chat/chats", token, map[string]any{"visitor": map[string]any{"name": "Zoë", "email": "zoe@example.test"}, "message": "Call me back"}, http.StatusCreated, &off)
		if off.Type != chatlift.ChatTypeOfflineMsg || off.History[0].Msg != "Call me back" {
			t.Fatalf("offline message = %+v", off)
		}
		e.Call(t, "GET", "/api/v2/chat/chats/"+off.ID, token, nil, http.StatusOK, nil)
		e.Call(t, "POST", "/api/v2/chat/chats/"+off.ID+"/messages", token, map[string]any{"msg": "hi", "sender_type": "Visitor"}, http.StatusConflict, nil)
		e.Call(t, "POST", "/api/v2/chat/chats", token, map[string]any{"visitor": map[string]any{"name": "Zoë"}}, http.StatusBadRequest, nil)

		live := &chatlift.Chat{ID: "live-1", AccountID: id, Type: chatlift.ChatTypeChat, Timestamp: time.Now(), UpdateTimestamp: time.Now()}
		if err := e.Legacy.PutChats(context.Background(), []*chatlift.Chat{live}); err != nil {
			t.Fatal(err)
		}
		var got chatlift.Chat
		e.Call(t, "POST", "/api/v2/chat/chats/live-1/messages", token, map[string]any{"msg": "Hello!", "sender_type": "Agent", "agent_id": 1}, http.StatusCreated, &got)
		if len(got.History) != 1 || got.Count.Agent != 1 || got.Count.Total != 1 {
			t.Fatalf("live chat after message: %+v", got)
		}
		e.Call(t, "POST", "/api/v2/chat/chats/live-1/messages", token, map[string]any{"msg": "x", "sender_type": "Robot"}, http.StatusBadRequest, nil)
	})
	t.Run("Search", func(t *testing.T) {
		all, err := e.Legacy.Chats(context.Background(), chatlift.ChatFilter{AccountID: id, Limit: chatlift.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		tag, want := "", 0
		for _, c := range all {
			if len(c.Tags) > 0 && tag == "" {
				tag = c.Tags[0]
			}
		}
		for _, c := range all {
			for _, x := range c.Tags {
				if x == tag {
					want++
					break
				}
			}
		}
		var got int
		next := "/api/v2/chat/chats/search?limit=2&tag=" + tag
		for next != "" {
			var page struct {
				Chats   []chatlift.Chat
				NextURL *string `json:"next_url"`
			}
			e.Call(t, "GET", next, token, nil, http.StatusOK, &page)
			got += len(page.Chats)
			next = ""
			if page.NextURL != nil {
				next = *page.NextURL
			}
		}
		if tag == "" || got != want {
			t.Fatalf("search for tag %q found %d chats, want %d", tag, got, want)
		}
		e.Call(t, "GET", "/api/v2/chat/chats/search?start_time=yesterday", token, nil, http.StatusBadRequest, nil)
		e.Call(t, "GET", "/api/v2/chat/chats?cursor=***", token, nil, http.StatusBadRequest, nil)
	})
}

// TestIncrementalExport pages the export while chats are added and updated
// between pages: every chat is delivered, and an updated chat comes again.
func TestIncrementalExport(t *testing.T) {
	t.Parallel()
	e := setup(t, 2, 30)
	id, token := e.busyAccount(t)
	ctx := context.Background()
	all, err := e.Legacy.Chats(ctx, chatlift.ChatFilter{AccountID: id, Limit: chatlift.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	next, pages := "/api/v2/chat/incremental/chats?start_time=0&limit=4", 0
	updatedAfterExport := false
	for {
		var page struct {
			Chats    []chatlift.Chat
			Count    int
			EndTime  int64  `json:"end_time"`
			EndID    string `json:"end_id"`
			NextPage string `json:"next_page"`
		}
		e.Call(t, "GET", next, token, nil, http.StatusOK, &page)
		for _, c := range page.Chats {
			seen[c.ID]++
		}
		if pages++; pages == 2 {
			later := time.Now().Add(-time.Hour) // after every seeded chat, before the open second
			fresh := &chatlift.Chat{ID: "fresh", AccountID: id, Type: "chat", Timestamp: later, UpdateTimestamp: later}
			all[0].UpdateTimestamp = later.Add(time.Second)
			updatedAfterExport = seen[all[0].ID] > 0
			if err := e.Legacy.PutChats(ctx, []*chatlift.Chat{fresh, all[0]}); err != nil {
				t.Fatal(err)
			}
		}
		if page.Count < 4 {
			break
		}
		next = page.NextPage
	}
	for _, c := range all {
		if seen[c.ID] == 0 {
			t.Fatalf("chat %s never exported", c.ID)
		}
	}
	if seen["fresh"] != 1 {
		t.Fatalf("chat added mid-export seen %d times", seen["fresh"])
	}
	for id, n := range seen {
		want := 1
		if id == all[0].ID && updatedAfterExport {
			want = 2 // exported, then updated: it comes again
		}
		if n != want {
			t.Fatalf("chat %s exported %d times", id, n)
		}
	}
	e.Call(t, "GET", "/api/v2/chat/incremental/chats?limit=5000", token, nil, http.StatusBadRequest, nil)
}

// TestMaintenanceMode: past the longest hold a frozen account's requests
// answer 503 with Retry-After, and a refused write is not applied.
func TestMaintenanceMode(t *testing.T) {
	t.Parallel()
	e := setup(t, 1, 2, func(s *httpapi.Server) { s.Hold.For = 20 * time.Millisecond })
	id, token := e.Creds[0].AccountID, e.Creds[0].ChatAccessToken
	ctx := context.Background()
	if _, err := e.Legacy.SetChatAccountState(ctx, id, chatlift.ChatAccountMaintenance); err != nil {
		t.Fatal(err)
	}
	for _, req := range [][2]string{{"GET", "/api/v2/chat/account"}, {"GET", "/api/v2/chat/chats"}, {"POST", "/api/v2/chat/departments"}} {
		h := e.Call(t, req[0], req[1], token, map[string]any{"name": "x"}, http.StatusServiceUnavailable, nil)
		if h.Get("Retry-After") == "" {
			t.Fatalf("%s %s: 503 without Retry-After", req[0], req[1])
		}
	}
	if _, err := e.Legacy.SetChatAccountState(ctx, id, chatlift.ChatAccountActive); err != nil {
		t.Fatal(err)
	}
	e.Call(t, "GET", "/api/v2/chat/account", token, nil, http.StatusOK, nil)
	var objs []map[string]any
	e.Call(t, "GET", "/api/v2/chat/departments", token, nil, http.StatusOK, &objs)
	for _, o := range objs {
		if o["name"] == "x" {
			t.Fatal("a write refused with 503 was applied")
		}
	}
}
