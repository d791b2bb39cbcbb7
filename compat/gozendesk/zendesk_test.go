package gozendesk_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/chatlift/chatlift/httpapi"
	"github.com/chatlift/chatlift/seed"
	"github.com/chatlift/chatlift/sqlstore"
)

// setup starts chatlift's HTTP server over fresh stores holding a demo
// fleet of one account, and returns a go-zendesk client signed in as its
// support owner with its API token.
func setup(t *testing.T) *zendesk.Client {
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
	legacy, platform := open("legacy.db", sqlstore.RoleChat), open("platform.db", sqlstore.RolePlatform)
	creds, err := seed.Fleet(ctx, legacy, platform, seed.Spec{Accounts: 1, ChatsPerAccount: 2, Seed: 3, Start: seed.DefaultStart}, time.Now().UTC(), nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := &httpapi.Server{Logger: slog.New(slog.DiscardHandler), Ready: func(context.Context) error { return nil },
		OperatorToken: "op", Legacy: legacy, Platform: platform, Registry: prometheus.NewRegistry()}
	if err := srv.Open("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(context.Background()) })
	client, err := zendesk.NewClient(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := client.SetEndpointURL(srv.URL() + "/api/v2"); err != nil {
		t.Fatal(err)
	}
	client.SetCredential(zendesk.NewAPITokenCredential(creds[0].SupportOwnerEmail, creds[0].SupportAPIToken))
	return client
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestGoZendesk makes go-zendesk's calls an integrator's Go app makes and
// checks what each returns.
func TestGoZendesk(t *testing.T) {
	ctx := context.Background()
	z := setup(t)

	users, page, err := z.GetUsers(ctx, &zendesk.UserListOptions{PageOptions: zendesk.PageOptions{PerPage: 100}})
	must(t, err)
	if len(users) == 0 || page.Count != int64(len(users)) || page.HasNext() {
		t.Fatalf("GetUsers = %d users, page %+v", len(users), page)
	}
	created, err := z.CreateUser(ctx, zendesk.User{Name: "Typed Client", Email: "typed.client@example.test"})
	must(t, err)
	if created.ID == 0 || created.Role != "end-user" || !created.Active {
		t.Fatalf("CreateUser = %+v", created)
	}
	found, _, err := z.SearchUsers(ctx, &zendesk.SearchUsersOptions{Query: "typed.client"})
	must(t, err)
	if len(found) != 1 || found[0].ID != created.ID {
		t.Fatalf("SearchUsers = %+v", found)
	}

	var ticketIDs []int64
	for _, subject := range []string{"First", "Second", "Third"} {
		tk, err := z.CreateTicket(ctx, zendesk.Ticket{Subject: subject, Priority: "high", Tags: []string{"typed"},
			Comment: &zendesk.TicketComment{Body: subject + " body"}})
		must(t, err)
		if tk.ID == 0 || tk.Status != "new" || tk.Via == nil || tk.Via.Channel != "api" || tk.RequesterID == 0 {
			t.Fatalf("CreateTicket = %+v", tk)
		}
		ticketIDs = append(ticketIDs, tk.ID)
	}
	it := z.GetTicketsIterator(ctx, &zendesk.PaginationOptions{PageSize: 2, IsCBP: true})
	var listed []int64
	for pages := 0; it.HasMore(); pages++ {
		if pages > 100 {
			t.Fatal("GetTicketsIterator does not end")
		}
		tickets, err := it.GetNext()
		must(t, err)
		for _, tk := range tickets {
			listed = append(listed, tk.ID)
		}
	}
	for _, id := range ticketIDs {
		if !slices.Contains(listed, id) {
			t.Fatalf("GetTicketsIterator listed %v, without ticket %d", listed, id)
		}
	}
	offset, tpage, err := z.GetTickets(ctx, &zendesk.TicketListOptions{PageOptions: zendesk.PageOptions{PerPage: 2, Page: 1}})
	must(t, err)
	if len(offset) != 2 || tpage.Count != int64(len(listed)) || !tpage.HasNext() {
		t.Fatalf("GetTickets = %d tickets, page %+v; want 2 of %d", len(offset), tpage, len(listed))
	}

	id := ticketIDs[0]
	updated, err := z.UpdateTicket(ctx, id, zendesk.Ticket{Status: "open", AssigneeID: users[0].ID})
	if err != nil || updated.Status != "open" {
		t.Fatalf("UpdateTicket = %+v, %v", updated, err)
	}
	_, err = z.CreateTicketComment(ctx, id, zendesk.NewPrivateTicketComment("Looking into it", 0))
	must(t, err)
	comments, err := z.ListTicketComments(ctx, id, &zendesk.ListTicketCommentsOptions{})
	must(t, err)
	if len(comments.TicketComments) != 2 || comments.TicketComments[1].Body != "Looking into it" || *comments.TicketComments[1].Public {
		t.Fatalf("ListTicketComments = %+v", comments.TicketComments)
	}

	results, _, err := z.Search(ctx, &zendesk.SearchOptions{Query: "type:ticket tags:typed status:open"})
	must(t, err)
	if list := results.List(); len(list) != 1 || list[0].(zendesk.Ticket).ID != id {
		t.Fatalf("Search = %+v", list)
	}

	must(t, z.DeleteTicket(ctx, id))
	if _, err := z.GetTicket(ctx, id); err == nil {
		t.Fatal("GetTicket found a deleted ticket")
	}

	groups, _, err := z.GetGroups(ctx, &zendesk.GroupListOptions{})
	must(t, err)
	orgs, _, err := z.GetOrganizations(ctx, &zendesk.OrganizationListOptions{})
	must(t, err)
	if groups == nil || orgs == nil {
		t.Fatalf("GetGroups = %v, GetOrganizations = %v", groups, orgs)
	}
	g, err := z.CreateGroup(ctx, zendesk.Group{Name: "Tier 1"})
	must(t, err)
	o, err := z.CreateOrganization(ctx, zendesk.Organization{Name: "Acme"})
	must(t, err)
	groups, _, err = z.GetGroups(ctx, &zendesk.GroupListOptions{})
	must(t, err)
	orgs, _, err = z.GetOrganizations(ctx, &zendesk.OrganizationListOptions{})
	must(t, err)
	if len(groups) != 1 || groups[0].ID != g.ID || len(orgs) != 1 || orgs[0].ID != o.ID || orgs[0].Name != "Acme" {
		t.Fatalf("GetGroups = %+v, GetOrganizations = %+v", groups, orgs)
	}
}
