package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi"
	"github.com/chatlift/chatlift/httpapi/api"
)

// inputCase is one request that must be answered with want.
type inputCase struct {
	name, method, path string
	auth               string // "chat", "support", "op" or "" (path carries Basic credentials)
	body               any
	want               int
	mention            []string // words the error description must contain
}

// setupInput starts a server with the upgrade service faked, and returns the
// base URL and the bearer token of each caller kind.
func setupInput(t *testing.T) (*env, string, map[string]string) {
	t.Helper()
	e := setup(t, 1, 3)
	url := e.Server(t, func(s *httpapi.Server) { s.Upgrades, s.OperatorToken = fakeUpgrades{}, e.Op })
	tokens := map[string]string{"chat": e.Creds[0].ChatAccessToken, "support": e.Creds[0].SupportAPIToken, "op": e.Op}
	return e, url, tokens
}

func runInputCases(t *testing.T, cases []inputCase) {
	t.Helper()
	e, url, tokens := setupInput(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out api.ErrorResponse
			var into any
			if c.want >= 400 {
				into = &out
			}
			e.Call(t, c.method, url+c.path, tokens[c.auth], c.body, c.want, into)
			for _, m := range c.mention {
				if !strings.Contains(out.Description, m) {
					t.Fatalf("description %q does not mention %q", out.Description, m)
				}
			}
		})
	}
}

func TestDateRange(t *testing.T) {
	t.Parallel()
	at := func(field, when string) map[string]any { return map[string]any{field: when} }
	runInputCases(t, []inputCase{
		{"OKPreview", "POST", "/api/v2/billing/consolidation/preview", "support", at("at", "2030-01-01T00:00:00Z"), 200, nil},
		{"ErrPreviewYear9999", "POST", "/api/v2/billing/consolidation/preview", "support", at("at", "9999-12-31T23:59:59Z"), 400, []string{"at", "2100"}},
		{"ErrPreviewYear1999", "POST", "/api/v2/billing/consolidation/preview", "support", at("at", "1999-12-31T23:59:59Z"), 400, []string{"at"}},
		{"OKReschedule", "POST", "/api/ops/upgrades/u/reschedule", "op", at("scheduled_for", "2030-01-01T00:00:00Z"), 404, nil},
		{"ErrRescheduleYear2400", "POST", "/api/ops/upgrades/u/reschedule", "op", at("scheduled_for", "2400-01-01T00:00:00Z"), 400, []string{"scheduled_for"}},
		{"ErrRescheduleYear9999", "POST", "/api/ops/upgrades/u/reschedule", "op", at("scheduled_for", "9999-01-01T00:00:00Z"), 400, []string{"scheduled_for"}},
		{"OKEnroll", "POST", "/api/ops/upgrades/enroll", "op", map[string]any{"all": true, "at": "2030-01-01T00:00:00Z"}, 202, nil},
		{"OKEnrollAtOnce", "POST", "/api/ops/upgrades/enroll", "op", map[string]any{"all": true}, 202, nil},
		{"ErrEnrollYear0000", "POST", "/api/ops/upgrades/enroll", "op", map[string]any{"all": true, "at": "0000-01-01T00:00:00Z"}, 400, []string{"at"}},
		{"ErrEnrollYear9999", "POST", "/api/ops/upgrades/enroll", "op", map[string]any{"all": true, "at": "9999-01-01T00:00:00Z"}, 400, []string{"at"}},
		{"ErrDeadlineYear0000", "POST", "/api/ops/fleet/deadline", "op", at("at", "0000-01-01T00:00:00Z"), 400, []string{"at"}},
		{"ErrDeadlineYear9999", "POST", "/api/ops/fleet/deadline", "op", at("at", "9999-12-31T00:00:00Z"), 400, []string{"at"}},
		{"ErrBanCreatedAt", "POST", "/api/v2/chat/bans", "chat", map[string]any{"type": "ip_address", "ip_address": "203.0.113.7", "created_at": "0000-01-01T00:00:00Z"}, 400, []string{"created_at"}},
		{"OKSearchStartTime", "GET", "/api/v2/chat/chats/search?start_time=0&end_time=4102444800", "chat", nil, 200, nil},
		{"ErrSearchEndTime", "GET", "/api/v2/chat/chats/search?end_time=4102444801", "chat", nil, 400, []string{"end_time"}},
		{"ErrIncrementalStartTime", "GET", "/api/v2/chat/incremental/chats?start_time=4102444801", "chat", nil, 400, []string{"start_time"}},
	})
}

func TestStrictIDs(t *testing.T) {
	t.Parallel()
	runInputCases(t, []inputCase{
		{"OKAgent", "GET", "/api/v2/chat/agents/1", "chat", nil, 200, nil},
		{"ErrAgentPlusSign", "GET", "/api/v2/chat/agents/+1", "chat", nil, 400, []string{"id"}},
		{"ErrAgentLeadingZero", "GET", "/api/v2/chat/agents/01", "chat", nil, 400, []string{"id"}},
		{"ErrAgentOverflow", "GET", "/api/v2/chat/agents/9223372036854775808", "chat", nil, 400, []string{"id"}},
		{"ErrAgentZero", "GET", "/api/v2/chat/agents/0", "chat", nil, 400, []string{"id"}},
		{"ErrDepartmentPlusSign", "GET", "/api/v2/chat/departments/+1", "chat", nil, 400, []string{"id"}},
		{"ErrUserPlusSign", "GET", "/api/v2/users/+1", "support", nil, 400, []string{"id"}},
		{"ErrTicketWord", "GET", "/api/v2/tickets/nope", "support", nil, 400, []string{"id"}},
		{"ErrAccountsAfterID", "GET", "/api/ops/accounts?after_id=%2B0", "op", nil, 400, []string{"after_id"}},
		{"ErrAccountsLimit", "GET", "/api/ops/accounts?limit=%2B2", "op", nil, 400, []string{"limit"}},
		{"ErrBillingAccountID", "GET", "/api/v2/billing/invoices?account_id=%2B1", "op", nil, 400, []string{"account_id"}},
		{"ErrChatsLimit", "GET", "/api/v2/chat/chats?limit=%2B5", "chat", nil, 400, []string{"limit"}},
		{"ErrIncrementalLimit", "GET", "/api/v2/chat/incremental/chats?limit=%2B5", "chat", nil, 400, []string{"limit"}},
		{"ErrSearchStartTimeSign", "GET", "/api/v2/chat/chats/search?start_time=%2B5", "chat", nil, 400, []string{"start_time"}},
		{"ErrUsersPerPage", "GET", "/api/v2/users?per_page=%2B2", "support", nil, 400, []string{"per_page"}},
		{"ErrTicketsPageAfter", "GET", "/api/v2/tickets?page[after]=%2B1", "support", nil, 400, []string{"page[after]"}},
		{"ErrChatsCursor", "GET", "/api/v2/chat/chats?cursor=garbage", "chat", nil, 400, []string{"cursor"}},
		{"ErrVisitorsCursor", "GET", "/api/v2/chat/visitors?cursor=garbage", "chat", nil, 400, []string{"cursor"}},
		{"ErrSearchCursor", "GET", "/api/v2/chat/chats/search?cursor=garbage", "chat", nil, 400, []string{"cursor"}},
		{"ErrIncrementalStartID", "GET", "/api/v2/chat/incremental/chats?start_time=1&start_id=no%20such%20id!", "chat", nil, 400, []string{"start_id"}},
		{"ErrIncrementalStartIDAlone", "GET", "/api/v2/chat/incremental/chats?start_id=2601.1.AB", "chat", nil, 400, []string{"start_time"}},
		{"ErrUpgradesAfterID", "GET", "/api/v2/upgrades?after_id=garbage", "op", nil, 400, []string{"after_id"}},
	})
}

func TestStringLimits(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("é", n) } // n runes, 2n bytes
	email := strings.Repeat("a", 250) + "@x.test"                // 257 bytes
	tags := make([]string, 51)
	for i := range tags {
		tags[i] = "t" + itoa(int64(i))
	}
	runInputCases(t, []inputCase{
		{"OKAgentDisplayName255Runes", "PUT", "/api/v2/chat/agents/1", "chat", map[string]any{"display_name": long(255)}, 200, nil},
		{"ErrAgentDisplayName", "PUT", "/api/v2/chat/agents/1", "chat", map[string]any{"display_name": long(256)}, 400, []string{"display_name", "255"}},
		{"ErrAgentDisplayNameMiB", "PUT", "/api/v2/chat/agents/1", "chat", map[string]any{"display_name": strings.Repeat("a", 1<<20-64)}, 400, []string{"display_name", "255"}},
		{"ErrAgentFirstName", "PUT", "/api/v2/chat/agents/1", "chat", map[string]any{"first_name": long(256)}, 400, []string{"first_name", "255"}},
		{"ErrAgentEmail", "POST", "/api/v2/chat/agents", "chat", map[string]any{"email": email}, 400, []string{"email", "254"}},
		{"ErrAgentDepartments", "PUT", "/api/v2/chat/agents/1", "chat", map[string]any{"departments": make([]int64, 1001)}, 400, []string{"departments", "1000"}},
		{"OKDepartmentName255Runes", "POST", "/api/v2/chat/departments", "chat", map[string]any{"name": long(255)}, 201, nil},
		{"ErrDepartmentDescription", "POST", "/api/v2/chat/departments", "chat", map[string]any{"name": "d", "description": long(1025)}, 400, []string{"description", "1024"}},
		{"ErrShortcutTags", "POST", "/api/v2/chat/shortcuts", "chat", map[string]any{"name": "s", "message": "m", "tags": tags}, 400, []string{"tags", "50"}},
		{"ErrShortcutTag", "POST", "/api/v2/chat/shortcuts", "chat", map[string]any{"name": "s", "message": "m", "tags": []string{long(65)}}, 400, []string{"tags", "64"}},
		{"ErrRoleName", "POST", "/api/v2/chat/roles", "chat", map[string]any{"name": long(256)}, 400, []string{"name", "255"}},
		{"ErrGoalURL", "POST", "/api/v2/chat/goals", "chat", map[string]any{"name": "g", "url": "https://x.test/" + strings.Repeat("a", 2048)}, 400, []string{"url", "2048"}},
		{"ErrOfflineVisitorName", "POST", "/api/v2/chat/chats", "chat", map[string]any{"visitor": map[string]any{"name": long(256)}, "message": "hi"}, 400, []string{"name", "255"}},
		{"ErrOfflineVisitorPhone", "POST", "/api/v2/chat/chats", "chat", map[string]any{"visitor": map[string]any{"name": "v", "phone": long(65)}, "message": "hi"}, 400, []string{"phone", "64"}},
		{"ErrOAuthClientName", "POST", "/api/v2/chat/oauth/clients", "chat", map[string]any{"name": long(256), "redirect_uris": []string{"https://x.test/cb"}}, 400, []string{"name", "255"}},
		{"ErrOAuthClientCompany", "POST", "/api/v2/chat/oauth/clients", "chat", map[string]any{"name": "c", "company": long(256), "redirect_uris": []string{"https://x.test/cb"}}, 400, []string{"company", "255"}},
		{"ErrSupportUserName", "POST", "/api/v2/users", "support", map[string]any{"user": map[string]any{"name": long(256), "email": "new@x.test"}}, 400, []string{"name", "255"}},
		{"ErrSupportUserNameMiB", "POST", "/api/v2/users", "support", map[string]any{"user": map[string]any{"name": strings.Repeat("a", 1<<20-64), "email": "new@x.test"}}, 400, []string{"name", "255"}},
		{"ErrTicketSubject", "POST", "/api/v2/tickets", "support", map[string]any{"ticket": map[string]any{"subject": long(256), "comment": map[string]any{"body": "b"}}}, 400, []string{"subject", "255"}},
		{"ErrTicketTag", "POST", "/api/v2/tickets", "support", map[string]any{"ticket": map[string]any{"subject": "s", "tags": []string{long(65)}}}, 400, []string{"tags", "64"}},
		{"ErrAppName", "POST", "/api/v2/apps/installations", "support", map[string]any{"app_id": 77, "settings": map[string]any{"name": long(256)}}, 400, []string{"name", "255"}},
	})
}

// TestChatMessageLimits appends to a live chat: the sender's name is bounded
// like every name, the message text in bytes.
func TestChatMessageLimits(t *testing.T) {
	t.Parallel()
	e, url, tokens := setupInput(t)
	live := &chatlift.Chat{ID: "live-1", AccountID: e.Creds[0].AccountID, Type: chatlift.ChatTypeChat, Timestamp: time.Now(), UpdateTimestamp: time.Now()}
	if err := e.Legacy.PutChats(context.Background(), []*chatlift.Chat{live}); err != nil {
		t.Fatal(err)
	}
	path := url + "/api/v2/chat/chats/live-1/messages"
	t.Run("ErrName", func(t *testing.T) {
		var out api.ErrorResponse
		body := map[string]any{"msg": "hi", "sender_type": "Visitor", "name": strings.Repeat("n", 256)}
		e.Call(t, "POST", path, tokens["chat"], body, http.StatusBadRequest, &out)
		if !strings.Contains(out.Description, "name") || !strings.Contains(out.Description, "255") {
			t.Fatalf("description %q does not name the field and the limit", out.Description)
		}
	})
	t.Run("OK", func(t *testing.T) {
		e.Call(t, "POST", path, tokens["chat"], map[string]any{"msg": "hi", "sender_type": "Visitor", "name": "Zoë"}, http.StatusCreated, nil)
	})
}
