package chatapi_test

import (
	"net/http"
	"reflect"
	"slices"
	"testing"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/chatapi"
)

// pageSince pages path with since_id and limit as the chat API's connectors
// do (since_id is the last id seen plus one) until an empty page, and
// returns every item's id in the order received.
func pageSince[T any](t *testing.T, e *env, path, token string, limit int, items func(T) []int64) []int64 {
	t.Helper()
	var ids []int64
	for since, pages := int64(0), 0; ; pages++ {
		if pages > 1000 {
			t.Fatalf("%s: no empty page after 1000 pages", path)
		}
		var body T
		e.Call(t, "GET", path+"?since_id="+itoa(since)+"&limit="+itoa(int64(limit)), token, nil, http.StatusOK, &body)
		got := items(body)
		if len(got) == 0 {
			return ids
		}
		if len(got) > limit {
			t.Fatalf("%s: %d items on a page of %d", path, len(got), limit)
		}
		ids = append(ids, got...)
		since = got[len(got)-1] + 1
	}
}

// checkAscendingOnce fails unless ids ascend strictly and are exactly want.
func checkAscendingOnce(t *testing.T, what string, ids []int64, want int) {
	t.Helper()
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			t.Fatalf("%s: ids out of order or repeated: %v", what, ids)
		}
	}
	if len(ids) != want {
		t.Fatalf("%s: paged %d, want %d: %v", what, len(ids), want, ids)
	}
}

func TestChatSinceID(t *testing.T) {
	t.Parallel()
	e := setup(t, 1, 0)
	token := e.Creds[0].ChatAccessToken
	for _, email := range []string{"a1@acme.test", "a2@acme.test", "a3@acme.test"} {
		e.Call(t, "POST", "/api/v2/chat/agents", token, map[string]any{"email": email}, http.StatusCreated, nil)
	}
	for _, ip := range []string{"198.51.100.1", "198.51.100.2"} {
		e.Call(t, "POST", "/api/v2/chat/bans", token, map[string]any{"type": "ip_address", "ip_address": ip}, http.StatusCreated, nil)
	}
	e.Call(t, "POST", "/api/v2/chat/bans", token, map[string]any{"type": "visitor", "visitor_id": "v.1", "visitor_name": "Troll"}, http.StatusCreated, nil)

	t.Run("Agents", func(t *testing.T) {
		var all []chatlift.Agent
		e.Call(t, "GET", "/api/v2/chat/agents", token, nil, http.StatusOK, &all)
		ids := pageSince(t, e, "/api/v2/chat/agents", token, 2, func(list []chatlift.Agent) []int64 {
			out := make([]int64, len(list))
			for i, a := range list {
				out[i] = a.ID
			}
			return out
		})
		checkAscendingOnce(t, "agents", ids, len(all))
	})
	t.Run("Bans", func(t *testing.T) {
		var all chatapi.BanList
		e.Call(t, "GET", "/api/v2/chat/bans", token, nil, http.StatusOK, &all)
		byKind := map[string]int{}
		ids := pageSince(t, e, "/api/v2/chat/bans", token, 1, func(p chatapi.BanList) []int64 {
			var out []int64
			for _, b := range append(p.Visitor, p.IPAddress...) {
				byKind[b.Type]++ // the kind is the list it is in
				if (b.Type == "visitor") != slices.Contains(p.Visitor, b) {
					t.Fatalf("ban %+v in the wrong list", b)
				}
				out = append(out, b.ID)
			}
			return out
		})
		checkAscendingOnce(t, "bans", ids, len(all.Visitor)+len(all.IPAddress))
		if byKind["visitor"] == 0 || byKind["ip_address"] < 2 {
			t.Fatalf("bans by kind: %v", byKind)
		}
	})
	t.Run("BansOfOneKind", func(t *testing.T) {
		var ips []chatlift.Ban
		e.Call(t, "GET", "/api/v2/chat/bans/ip", token, nil, http.StatusOK, &ips)
		for _, b := range ips {
			if b.Type != "ip_address" || b.IPAddress == "" {
				t.Fatalf("bans/ip lists %+v", b)
			}
		}
		var visitors []chatlift.Ban
		e.Call(t, "GET", "/api/v2/chat/bans/visitor?since_id=0&limit=100", token, nil, http.StatusOK, &visitors)
		if len(visitors) == 0 || visitors[0].Type != "visitor" {
			t.Fatalf("bans/visitor = %+v", visitors)
		}
		e.Call(t, "DELETE", "/api/v2/chat/bans/"+itoa(visitors[0].ID), token, nil, http.StatusNoContent, nil)
		e.Call(t, "GET", "/api/v2/chat/bans/"+itoa(visitors[0].ID), token, nil, http.StatusNotFound, nil)
	})
	t.Run("LegacyLayoutAndAgentFields", func(t *testing.T) {
		var chat, legacy []map[string]any
		e.Call(t, "GET", "/api/v2/chat/agents?since_id=0&limit=100", token, nil, http.StatusOK, &chat)
		e.Call(t, "GET", "/api/v2/agents?since_id=0&limit=100", token, nil, http.StatusOK, &legacy)
		if len(chat) == 0 || !reflect.DeepEqual(chat, legacy) {
			t.Fatalf("/api/v2/agents %v differs from /api/v2/chat/agents %v", legacy, chat)
		}
		for _, field := range []string{"enabled_departments", "roles", "last_login", "login_count", "role_id", "create_date"} {
			if _, ok := chat[0][field]; !ok {
				t.Errorf("agent without %s: %v", field, chat[0])
			}
		}
		if roles := chat[0]["roles"].(map[string]any); roles["owner"] != true || roles["administrator"] != true {
			t.Errorf("the owner's roles: %v", roles)
		}
		e.Call(t, "GET", "/api/v2/bans/ip", token, nil, http.StatusOK, nil)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, q := range []string{"since_id=-1", "since_id=x", "since_id=", "limit=0", "limit=1001", "limit=ten"} {
			e.Call(t, "GET", "/api/v2/chat/agents?"+q, token, nil, http.StatusBadRequest, nil)
			e.Call(t, "GET", "/api/v2/chat/bans?"+q, token, nil, http.StatusBadRequest, nil)
		}
	})
}
