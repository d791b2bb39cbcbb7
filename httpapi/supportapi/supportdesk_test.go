package supportapi_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/supportapi"
)

// commentPage is the body of GET /tickets/{id}/comments.
type commentPage struct {
	Comments []*chatlift.TicketComment `json:"comments"`
}

func TestSupportTicketLifecycle(t *testing.T) {
	t.Parallel()
	e := setupSupport(t)
	var created supportapi.TicketEnvelope
	// A typed client sends every field, unset ones as zero values.
	e.Call(t, "POST", e.AsAgent("/api/v2/tickets.json"), "", []byte(`{"ticket": {"id": 0, "url": "", "type": "", "subject": "Broken",
		"priority": "", "status": "", "requester_id": 0, "assignee_id": 0, "organization_id": 0, "group_id": 0,
		"collaborator_ids": null, "tags": ["Billing"], "custom_fields": null, "via": null, "due_at": null,
		"created_at": "0001-01-01T00:00:00Z", "comment": {"id": 0, "body": "It broke.", "public": null, "author_id": 0,
		"created_at": "0001-01-01T00:00:00Z"}}}`), http.StatusCreated, &created)
	tk := created.Ticket
	if tk.Status != "new" || tk.Type != nil || tk.Via.Channel != "api" || *tk.RequesterID != e.Agent.ID || *tk.SubmitterID != e.Agent.ID ||
		tk.Description != "It broke." || !strings.HasSuffix(tk.URL, "/api/v2/tickets/"+itoa(tk.ID)+".json") {
		t.Fatalf("created %+v", tk)
	}
	path := "/api/v2/tickets/" + itoa(tk.ID)
	t.Run("Update", func(t *testing.T) {
		var out supportapi.TicketEnvelope
		e.Call(t, "PUT", e.AsAgent(path+".json"), "", map[string]any{"ticket": map[string]any{"status": "pending", "type": "question",
			"assignee_id": e.Agent.ID, "comment": map[string]any{"body": "Looking <now>", "public": false}, "unknown": 1}}, http.StatusOK, &out)
		if u := out.Ticket; u.Status != "pending" || *u.Type != "question" || *u.AssigneeID != e.Agent.ID || u.Subject != "Broken" {
			t.Fatalf("updated %+v", u)
		}
		var page commentPage
		e.Call(t, "GET", e.AsAgent(path+"/comments.json"), "", nil, http.StatusOK, &page)
		if len(page.Comments) != 2 || page.Comments[0].Body != "It broke." || !page.Comments[0].Public ||
			page.Comments[1].Public || page.Comments[1].HTMLBody != "<p>Looking &lt;now&gt;</p>" || page.Comments[1].AuthorID != e.Agent.ID {
			t.Fatalf("comments %+v", page.Comments)
		}
	})
	t.Run("ErrUpdate", func(t *testing.T) {
		e.Call(t, "PUT", e.AsAgent(path), "", []byte(`{"ticket": {"status": 3}}`), http.StatusBadRequest, nil)
		e.Call(t, "PUT", e.AsAgent(path), "", []byte(`{"ticket": {"group_id": 424242}}`), http.StatusBadRequest, nil)
		e.Call(t, "PUT", e.AsAgent("/api/v2/tickets/999999"), "", []byte(`{"ticket": {"status": "open"}}`), http.StatusNotFound, nil)
		var page commentPage
		e.Call(t, "GET", e.AsAgent(path+"/comments"), "", nil, http.StatusOK, &page)
		if len(page.Comments) != 2 {
			t.Fatalf("%d comments after refused updates, want 2", len(page.Comments))
		}
	})
	t.Run("ShowMany", func(t *testing.T) {
		var out supportapi.TicketList
		e.Call(t, "GET", e.AsAgent("/api/v2/tickets/show_many.json?ids="+itoa(tk.ID)+",999999"), "", nil, http.StatusOK, &out)
		if len(out.Tickets) != 1 || out.Tickets[0].ID != tk.ID {
			t.Fatalf("show_many = %+v", out.Tickets)
		}
		e.Call(t, "GET", e.AsAgent("/api/v2/tickets/show_many?ids=1,x"), "", nil, http.StatusBadRequest, nil)
	})
	t.Run("Delete", func(t *testing.T) {
		e.Call(t, "DELETE", e.AsAgent(path), "", nil, http.StatusForbidden, nil)
		e.Call(t, "DELETE", e.AsOwner(path+".json"), "", nil, http.StatusNoContent, nil)
		e.Call(t, "GET", e.AsOwner(path), "", nil, http.StatusNotFound, nil)
		e.Call(t, "GET", e.AsOwner(path+"/comments"), "", nil, http.StatusNotFound, nil)
		e.Call(t, "DELETE", e.AsOwner(path), "", nil, http.StatusNotFound, nil)
	})
}

func TestSupportUsersMore(t *testing.T) {
	t.Parallel()
	e := setupSupport(t)
	t.Run("Search", func(t *testing.T) {
		var out supportapi.UserPage
		e.Call(t, "GET", e.AsAgent("/api/v2/users/search.json?query=CUSTOMER"), "", nil, http.StatusOK, &out)
		if out.Count != 1 || out.Users[0].ID != e.EndUser.ID {
			t.Fatalf("search = %+v", out)
		}
		e.Call(t, "GET", e.AsAgent("/api/v2/users/search?query=email:"+e.Agent.Email), "", nil, http.StatusOK, &out)
		if out.Count != 1 || out.Users[0].ID != e.Agent.ID {
			t.Fatalf("search by email = %+v", out)
		}
		e.Call(t, "GET", e.AsAgent("/api/v2/users/search?query=shoe:44"), "", nil, http.StatusBadRequest, nil)
	})
	t.Run("ShowMany", func(t *testing.T) {
		var out supportapi.UserList
		e.Call(t, "GET", e.AsAgent("/api/v2/users/show_many?ids="+itoa(e.EndUser.ID)+","+itoa(e.Agent.ID)), "", nil, http.StatusOK, &out)
		if len(out.Users) != 2 || out.Users[0].ID != e.EndUser.ID || out.Users[1].ID != e.Agent.ID {
			t.Fatalf("show_many = %+v", out.Users)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		target := e.AddUser(t, 1, "leaving@acme-one.test", chatlift.UserRoleEndUser, true)
		e.Call(t, "DELETE", e.AsAgent("/api/v2/users/"+itoa(target.ID)), "", nil, http.StatusForbidden, nil)
		var out supportapi.UserEnvelope
		e.Call(t, "DELETE", e.AsOwner("/api/v2/users/"+itoa(target.ID)+".json"), "", nil, http.StatusOK, &out)
		if out.User.ID != target.ID || out.User.Active {
			t.Fatalf("deleted %+v", out.User)
		}
		e.Call(t, "GET", e.AsOwner("/api/v2/users/"+itoa(target.ID)), "", nil, http.StatusNotFound, nil)
		var me supportapi.UserEnvelope
		e.Call(t, "GET", e.AsOwner("/api/v2/users/me"), "", nil, http.StatusOK, &me)
		e.Call(t, "DELETE", e.AsOwner("/api/v2/users/"+itoa(me.User.ID)), "", nil, http.StatusBadRequest, nil)
	})
}

func TestSupportPaging(t *testing.T) {
	t.Parallel()
	e := setupSupport(t)
	total := e.UserCount(t, 1)
	t.Run("Offset", func(t *testing.T) {
		seen, next := 0, "/api/v2/users.json?per_page=2"
		for next != "" {
			var page supportapi.UserPage
			e.Call(t, "GET", e.AsAgent(next), "", nil, http.StatusOK, &page)
			if page.Count != total || page.Meta != nil {
				t.Fatalf("page = %+v, want count %d and no meta", page, total)
			}
			seen += len(page.Users)
			next = ""
			if page.NextPage != nil {
				next = strings.TrimPrefix(*page.NextPage, e.URL)
			}
		}
		if seen != total {
			t.Fatalf("%d users seen, want %d", seen, total)
		}
	})
	t.Run("Cursor", func(t *testing.T) {
		seen, next := 0, "/api/v2/users.json?page[size]=3"
		for next != "" {
			var page supportapi.UserPage
			e.Call(t, "GET", e.AsAgent(next), "", nil, http.StatusOK, &page)
			seen += len(page.Users)
			next = ""
			if page.Meta.HasMore {
				next = strings.TrimPrefix(*page.Links.Next, e.URL)
			}
		}
		if seen != total {
			t.Fatalf("%d users seen, want %d", seen, total)
		}
	})
	t.Run("BothByDefault", func(t *testing.T) {
		var page supportapi.UserPage
		e.Call(t, "GET", e.AsAgent("/api/v2/users"), "", nil, http.StatusOK, &page)
		if page.Count != total || page.Meta == nil || page.Links == nil || len(page.Users) != min(total, 100) {
			t.Fatalf("page = %+v", page)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, q := range []string{"per_page=0", "page=-1", "page[size]=500", "page[after]=abc"} {
			e.Call(t, "GET", e.AsAgent("/api/v2/users?"+q), "", nil, http.StatusBadRequest, nil)
		}
	})
}

func TestSupportGroupsOrganizations(t *testing.T) {
	t.Parallel()
	e := setupSupport(t)
	var g supportapi.GroupEnvelope
	e.Call(t, "POST", e.AsOwner("/api/v2/groups.json"), "", []byte(`{"group": {"id": 0, "name": "Tier 1", "default": false,
		"created_at": "0001-01-01T00:00:00Z"}}`), http.StatusCreated, &g)
	if g.Group.ID == 0 || g.Group.Name != "Tier 1" || !strings.HasSuffix(g.Group.URL, "/groups/"+itoa(g.Group.ID)+".json") {
		t.Fatalf("created %+v", g.Group)
	}
	var o supportapi.OrganizationEnvelope
	e.Call(t, "POST", e.AsOwner("/api/v2/organizations"), "", []byte(`{"organization": {"id": 0, "name": "Acme", "group_id": 0,
		"domain_names": null, "tags": ["VIP"], "shared_tickets": false, "organization_fields": null}}`), http.StatusCreated, &o)
	if o.Organization.Name != "Acme" || o.Organization.GroupID != nil || strings.Join(o.Organization.Tags, ",") != "vip" {
		t.Fatalf("created %+v", o.Organization)
	}
	t.Run("Read", func(t *testing.T) {
		var groups struct{ Groups []*chatlift.Group }
		e.Call(t, "GET", e.AsAgent("/api/v2/groups.json"), "", nil, http.StatusOK, &groups)
		if len(groups.Groups) != 1 || groups.Groups[0].ID != g.Group.ID {
			t.Fatalf("groups = %+v", groups.Groups)
		}
		var orgs struct{ Organizations []*chatlift.Organization }
		e.Call(t, "GET", e.AsAgent("/api/v2/organizations.json"), "", nil, http.StatusOK, &orgs)
		if len(orgs.Organizations) != 1 {
			t.Fatalf("organizations = %+v", orgs.Organizations)
		}
		e.Call(t, "GET", e.AsAgent("/api/v2/groups/"+itoa(g.Group.ID)+".json"), "", nil, http.StatusOK, nil)
		e.Call(t, "GET", e.AsAgent("/api/v2/organizations/"+itoa(o.Organization.ID)), "", nil, http.StatusOK, nil)
		e.Call(t, "GET", e.As(e.Creds[1].SupportOwnerEmail, e.Creds[1].SupportAPIToken, "/api/v2/groups/"+itoa(g.Group.ID)), "", nil, http.StatusNotFound, nil)
	})
	t.Run("TicketInGroup", func(t *testing.T) {
		var out supportapi.TicketEnvelope
		e.Call(t, "POST", e.AsAgent("/api/v2/tickets"), "", map[string]any{"ticket": map[string]any{"subject": "s",
			"group_id": g.Group.ID, "organization_id": o.Organization.ID}}, http.StatusCreated, &out)
		if *out.Ticket.GroupID != g.Group.ID || *out.Ticket.OrganizationID != o.Organization.ID {
			t.Fatalf("created %+v", out.Ticket)
		}
	})
	t.Run("ErrCreate", func(t *testing.T) {
		e.Call(t, "POST", e.AsAgent("/api/v2/groups"), "", []byte(`{"group": {"name": "x"}}`), http.StatusForbidden, nil)
		e.Call(t, "POST", e.AsOwner("/api/v2/groups"), "", []byte(`{"group": {"name": ""}}`), http.StatusBadRequest, nil)
		e.Call(t, "POST", e.AsOwner("/api/v2/groups"), "", []byte(`{"group": {"name": 7}}`), http.StatusBadRequest, nil)
		e.Call(t, "POST", e.AsOwner("/api/v2/organizations"), "", []byte(`{"organization": {"name": "ACME"}}`), http.StatusConflict, nil)
		e.Call(t, "POST", e.AsOwner("/api/v2/organizations"), "", []byte(`{"organization": {"name": "B", "group_id": 4242}}`), http.StatusBadRequest, nil)
	})
}

func TestSupportSearch(t *testing.T) {
	t.Parallel()
	e := setupSupport(t)
	var tk supportapi.TicketEnvelope
	e.Call(t, "POST", e.AsAgent("/api/v2/tickets"), "", map[string]any{"ticket": map[string]any{"subject": "Zebra stripes fading",
		"priority": "urgent", "tags": []string{"zoo"}, "comment": map[string]any{"body": "help"}}}, http.StatusCreated, &tk)
	type result struct {
		ID         int64  `json:"id"`
		ResultType string `json:"result_type"`
	}
	type answer struct {
		Results  []result `json:"results"`
		Count    int      `json:"count"`
		NextPage *string  `json:"next_page"`
	}
	for name, c := range map[string]struct {
		query string
		want  []result
	}{
		"FreeText":     {"zebra", []result{{tk.Ticket.ID, "ticket"}}},
		"Fields":       {"type:ticket priority:urgent tags:zoo status:new", []result{{tk.Ticket.ID, "ticket"}}},
		"Requester":    {"type:ticket requester:" + e.Agent.Email + " zebra", []result{{tk.Ticket.ID, "ticket"}}},
		"Phrase":       {`"stripes fading"`, []result{{tk.Ticket.ID, "ticket"}}},
		"Prefix":       {"subject:zeb*", []result{{tk.Ticket.ID, "ticket"}}},
		"NoMatch":      {"type:ticket priority:low zebra", nil},
		"User":         {"type:user customer", []result{{e.EndUser.ID, "user"}}},
		"UserByEmail":  {"email:" + e.Agent.Email, []result{{e.Agent.ID, "user"}}},
		"TicketOrUser": {"type:ticket type:user zebra", []result{{tk.Ticket.ID, "ticket"}}},
	} {
		t.Run(name, func(t *testing.T) {
			var out answer
			e.Call(t, "GET", e.AsAgent("/api/v2/search.json?query="+url.QueryEscape(c.query)), "", nil, http.StatusOK, &out)
			if out.Count != len(c.want) || len(out.Results) != len(c.want) {
				t.Fatalf("%q found %+v (count %d), want %+v", c.query, out.Results, out.Count, c.want)
			}
			for i := range c.want {
				if out.Results[i] != c.want[i] {
					t.Fatalf("%q found %+v, want %+v", c.query, out.Results, c.want)
				}
			}
		})
	}
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, q := range []string{"type:chat", "flavour:mint", strings.Repeat("x", 2000)} {
			e.Call(t, "GET", e.AsAgent("/api/v2/search?query="+url.QueryEscape(q)), "", nil, http.StatusBadRequest, nil)
		}
	})
}
