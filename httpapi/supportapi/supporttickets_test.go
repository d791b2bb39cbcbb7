package supportapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/supportapi"
	"github.com/chatlift/chatlift/internal/apitest"
)

// ticketCount is how many tickets the account has in the store.
func ticketCount(t *testing.T, e *apitest.Env, accountID int64) int {
	t.Helper()
	list, err := e.Platform.Tickets(context.Background(), chatlift.KeyFilter{AccountID: accountID, Limit: chatlift.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

func TestSupportTickets(t *testing.T) {
	t.Parallel()
	e := setupSupport(t)
	ctx := context.Background()
	t.Run("ListPages", func(t *testing.T) {
		first, err := e.Platform.NextIDs(ctx, "tickets/1", 5)
		if err != nil {
			t.Fatal(err)
		}
		for id := first; id < first+5; id++ {
			tk := &chatlift.Ticket{ID: id, AccountID: 1, Subject: "More", Status: "open", CreatedAt: time.Now(), UpdatedAt: time.Now()}
			if err := e.Platform.PutTickets(ctx, []*chatlift.Ticket{tk}); err != nil {
				t.Fatal(err)
			}
		}
		total := ticketCount(t, e.Env, 1)
		var ids []int64
		next, pages := "/api/v2/tickets?page[size]=2", 0
		for next != "" {
			var page supportapi.TicketPage
			e.Call(t, "GET", e.AsAgent(next), "", nil, http.StatusOK, &page)
			for _, tk := range page.Tickets {
				if len(ids) > 0 && tk.ID <= ids[len(ids)-1] {
					t.Fatalf("ticket %d after %d", tk.ID, ids[len(ids)-1])
				}
				ids = append(ids, tk.ID)
			}
			next, pages = "", pages+1
			if page.Meta.HasMore {
				next = strings.TrimPrefix(*page.Links.Next, e.URL)
			}
		}
		if len(ids) != total || pages != (total+1)/2 {
			t.Fatalf("%d tickets over %d pages, want %d", len(ids), pages, total)
		}
	})
	t.Run("ErrInvalidPaging", func(t *testing.T) {
		for _, q := range []string{"page[size]=0", "page[size]=101", "page[after]=x"} {
			e.Call(t, "GET", e.AsAgent("/api/v2/tickets?"+q), "", nil, http.StatusBadRequest, nil)
		}
	})
	t.Run("Create", func(t *testing.T) {
		var out supportapi.TicketEnvelope
		e.Call(t, "POST", e.AsAgent("/api/v2/tickets"), "", map[string]any{"ticket": map[string]any{
			"subject": "Printer on fire", "comment": map[string]any{"body": "It is really on fire."}, "tags": []string{"Fire Alarm", "urgent", "urgent"}}},
			http.StatusCreated, &out)
		tk := out.Ticket
		if tk.ID == 0 || tk.Status != "new" || tk.Priority != "normal" || tk.Via.Channel != "api" || tk.RequesterEmail != e.Agent.Email ||
			tk.Description != "It is really on fire." || strings.Join(tk.Tags, ",") != "fire_alarm,urgent" {
			t.Fatalf("created %+v", tk)
		}
		var got supportapi.TicketEnvelope
		e.Call(t, "GET", e.AsOwner("/api/v2/tickets/"+itoa(tk.ID)), "", nil, http.StatusOK, &got)
		if got.Ticket.Subject != "Printer on fire" {
			t.Fatalf("read back %+v", got.Ticket)
		}
		var assigned supportapi.TicketEnvelope
		e.Call(t, "POST", "/api/v2/tickets", e.Token, map[string]any{"ticket": map[string]any{"subject": "Assigned",
			"assignee_id": e.Agent.ID, "priority": "high", "requester": map[string]any{"email": "customer@example.test"}}}, http.StatusCreated, &assigned)
		if a := assigned.Ticket; a.Status != "open" || a.RequesterEmail != "customer@example.test" || *a.AssigneeID != e.Agent.ID {
			t.Fatalf("created %+v", a)
		}
	})
	t.Run("ErrCreate", func(t *testing.T) {
		before := ticketCount(t, e.Env, 1)
		for name, body := range map[string]string{
			"NoSubjectNorComment": `{"ticket": {"priority": "low"}}`,
			"BadPriority":         `{"ticket": {"subject": "s", "priority": "meh"}}`,
			"BadStatus":           `{"ticket": {"subject": "s", "status": "exploded"}}`,
			"Closed":              `{"ticket": {"subject": "s", "status": "closed"}}`,
			"UnknownAssignee":     `{"ticket": {"subject": "s", "assignee_id": 99999}}`,
			"EndUserAssignee":     `{"ticket": {"subject": "s", "assignee_id": ` + itoa(e.EndUser.ID) + `}}`,
			"BadRequester":        `{"ticket": {"subject": "s", "requester": {"email": "nope"}}}`,
			"WrongType":           `{"ticket": {"subject": 5}}`,
			"WrongTagsType":       `{"ticket": {"subject": "s", "tags": "a"}}`,
			"BadType":             `{"ticket": {"subject": "s", "type": "chore"}}`,
			"UnknownGroup":        `{"ticket": {"subject": "s", "group_id": 99999}}`,
			"NoEnvelope":          `{"subject": "s"}`,
			"Trailing":            `{"ticket": {"subject": "s"}} {}`,
		} {
			t.Run(name, func(t *testing.T) {
				e.Call(t, "POST", e.AsAgent("/api/v2/tickets"), "", []byte(body), http.StatusBadRequest, nil)
			})
		}
		e.Call(t, "POST", "/api/v2/tickets", "", []byte(`{"ticket": {"subject": "s"}}`), http.StatusUnauthorized, nil)
		if after := ticketCount(t, e.Env, 1); after != before {
			t.Fatalf("%d tickets after refused creates, want %d", after, before)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		foreign := &chatlift.Ticket{ID: 100000, AccountID: 2, Subject: "theirs", Status: "new", CreatedAt: time.Now(), UpdatedAt: time.Now()}
		if err := e.Platform.PutTickets(ctx, []*chatlift.Ticket{foreign}); err != nil {
			t.Fatal(err)
		}
		e.Call(t, "GET", e.AsOwner("/api/v2/tickets/100000"), "", nil, http.StatusNotFound, nil)
		e.Call(t, "GET", e.AsOwner("/api/v2/tickets/nope"), "", nil, http.StatusBadRequest, nil)
		e.Call(t, "GET", e.As(e.Creds[1].SupportOwnerEmail, e.Creds[1].SupportAPIToken, "/api/v2/tickets/100000"), "", nil, http.StatusOK, nil)
	})
}

func TestSupportApps(t *testing.T) {
	t.Parallel()
	e := setupSupport(t)
	ctx := context.Background()
	count := func(t *testing.T) int {
		t.Helper()
		var out supportapi.InstallationList
		e.Call(t, "GET", e.AsAgent("/api/v2/apps/installations"), "", nil, http.StatusOK, &out)
		stored, err := e.Platform.Apps(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Installations) != len(stored) {
			t.Fatalf("listed %d installations, stored %d", len(out.Installations), len(stored))
		}
		return len(stored)
	}
	before := count(t)
	t.Run("Install", func(t *testing.T) {
		var a chatlift.AppInstallation
		e.Call(t, "POST", e.AsOwner("/api/v2/apps/installations"), "", map[string]any{"app_id": 424242, "settings": map[string]any{"name": "Our CRM"},
			"kind": "private", "products": []string{"chat", "support", "chat"}}, http.StatusCreated, &a)
		if a.ID == 0 || a.AppID != 424242 || a.Name != "Our CRM" || a.Kind != "private" || strings.Join(a.Products, ",") != "chat,support" || !a.Enabled {
			t.Fatalf("installed %+v", a)
		}
		var pub chatlift.AppInstallation
		e.Call(t, "POST", "/api/v2/apps/installations", e.Token, map[string]any{"app_id": 515151, "settings": map[string]any{"name": "Translator"}}, http.StatusCreated, &pub)
		if pub.Kind != "public" || strings.Join(pub.Products, ",") != "support" {
			t.Fatalf("installed %+v", pub)
		}
	})
	t.Run("ErrInstall", func(t *testing.T) {
		mid := count(t)
		for name, body := range map[string]string{
			"NoAppID":        `{"settings": {"name": "x"}}`,
			"NoName":         `{"app_id": 7}`,
			"BadKind":        `{"app_id": 7, "settings": {"name": "x"}, "kind": "stolen"}`,
			"BadProduct":     `{"app_id": 7, "settings": {"name": "x"}, "products": ["voice"]}`,
			"UnknownField":   `{"app_id": 7, "settings": {"name": "x"}, "price": 3}`,
			"UnknownSetting": `{"app_id": 7, "settings": {"name": "x", "colour": "red"}}`,
		} {
			t.Run(name, func(t *testing.T) {
				e.Call(t, "POST", e.AsOwner("/api/v2/apps/installations"), "", []byte(body), http.StatusBadRequest, nil)
			})
		}
		e.Call(t, "POST", e.AsOwner("/api/v2/apps/installations"), "", []byte(`{"app_id": 424242, "settings": {"name": "again"}}`), http.StatusConflict, nil)
		e.Call(t, "POST", e.AsAgent("/api/v2/apps/installations"), "", []byte(`{"app_id": 8, "settings": {"name": "x"}}`), http.StatusForbidden, nil)
		e.Call(t, "POST", "/api/v2/apps/installations", "", []byte(`{"app_id": 8, "settings": {"name": "x"}}`), http.StatusUnauthorized, nil)
		if after := count(t); after != mid {
			t.Fatalf("%d installations after refused installs, want %d", after, mid)
		}
	})
	if after := count(t); after != before+2 {
		t.Fatalf("%d installations, want %d", after, before+2)
	}
}
