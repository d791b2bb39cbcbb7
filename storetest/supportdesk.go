package storetest

import (
	"context"
	"testing"

	"github.com/chatlift/chatlift"
)

func testSupportDesk(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	for id := int64(1); id <= 3; id++ {
		must(t, s.PutTickets(ctx, []*chatlift.Ticket{{AccountID: 1, ID: id, Subject: "Help", Status: "new", Via: chatlift.ViaChannel("api"), CreatedAt: t0, UpdatedAt: t0}}))
	}
	first := &chatlift.Ticket{AccountID: 1, ID: 1}
	comments := []*chatlift.TicketComment{
		chatlift.NewTicketComment(first, 5, "It <broke>", true, chatlift.ViaChannel("api"), t0),
		chatlift.NewTicketComment(first, 6, "Fixed", false, chatlift.ViaChannel("web"), t0),
	}
	comments[0].ID, comments[1].ID = 1, 2
	must(t, s.PutTicketComments(ctx, comments))
	t.Run("TicketComments", func(t *testing.T) {
		got, err := s.TicketComments(ctx, 1, 1)
		must(t, err)
		same(t, "comments", got, comments)
		if got[0].TicketID != 1 || got[0].AccountID != 1 {
			t.Fatalf("ticket or account id not kept: %+v", got[0])
		}
		wantCode(t, s.PutTicketComments(ctx, []*chatlift.TicketComment{{AccountID: 1, ID: 3, TicketID: 1}}), chatlift.EINVALID)
	})
	t.Run("TicketPage", func(t *testing.T) {
		page, total, err := s.TicketPage(ctx, 1, 1, 1)
		must(t, err)
		if total != 3 || len(page) != 1 || page[0].ID != 2 {
			t.Fatalf("page = %d tickets (first %+v) of %d, want ticket 2 of 3", len(page), page, total)
		}
	})
	t.Run("TicketPageOneMoment", func(t *testing.T) { testTicketPageOneMoment(t, s) })
	t.Run("DeleteTicket", func(t *testing.T) {
		must(t, s.DeleteTicket(ctx, 1, 1))
		_, err := s.Ticket(ctx, 1, 1)
		wantCode(t, err, chatlift.ENOTFOUND)
		got, err := s.TicketComments(ctx, 1, 1)
		must(t, err)
		if len(got) != 0 {
			t.Fatalf("%d comments left of a deleted ticket", len(got))
		}
		wantCode(t, s.DeleteTicket(ctx, 1, 1), chatlift.ENOTFOUND)
		wantCode(t, s.DeleteTicket(ctx, 2, 2), chatlift.ENOTFOUND)
	})
	t.Run("Groups", func(t *testing.T) { testGroups(t, s) })
	t.Run("Organizations", func(t *testing.T) { testOrganizations(t, s) })
}

// testTicketPageOneMoment reads pages of an account's tickets while they
// are being created and deleted (1 to 50 created, then deleted from the
// last, over and over): each page's count and tickets are of the same
// moment, tickets 1 to n for a count of n.
func testTicketPageOneMoment(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	const account, most, reads = 7, 50, 500
	stop, written := make(chan struct{}), make(chan error, 1)
	go func() { written <- churnTickets(ctx, s, account, most, stop) }()
	defer func() {
		close(stop)
		if err := <-written; err != nil {
			t.Error(err)
		}
	}()
	for range reads {
		page, total, err := s.TicketPage(ctx, account, 0, 2*most)
		must(t, err)
		if len(page) != total {
			t.Fatalf("page of %d tickets counted as %d: not of the same moment", len(page), total)
		}
		for i, tk := range page {
			if tk.ID != int64(i+1) {
				t.Fatalf("ticket %d of the page is ticket %d, want %d", i, tk.ID, i+1)
			}
		}
	}
}

// churnTickets creates the account's tickets 1 to most, then deletes them
// from the last, over and over until stop.
func churnTickets(ctx context.Context, s chatlift.PlatformStore, account, most int64, stop <-chan struct{}) error {
	for {
		for id := int64(1); id <= most; id++ {
			err := s.PutTickets(ctx, []*chatlift.Ticket{{AccountID: account, ID: id, Subject: "Churn", Status: "new", Via: chatlift.ViaChannel("api"),
				CreatedAt: t0, UpdatedAt: t0}})
			if err != nil {
				return err
			}
		}
		for id := most; id >= 1; id-- {
			select {
			case <-stop:
				return nil
			default:
			}
			if err := s.DeleteTicket(ctx, account, id); err != nil {
				return err
			}
		}
	}
}

func testGroups(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	groups := []*chatlift.Group{{AccountID: 1, ID: 1, Name: "Tier 1", Default: true, CreatedAt: t0, UpdatedAt: t0},
		{AccountID: 1, ID: 2, Name: "Tier 2", CreatedAt: t0, UpdatedAt: t0}}
	must(t, s.PutGroups(ctx, groups))
	list, err := s.Groups(ctx, 1)
	must(t, err)
	same(t, "groups", list, groups)
	g, err := s.Group(ctx, 1, 2)
	must(t, err)
	same(t, "group 2", g, groups[1])
	_, err = s.Group(ctx, 2, 2)
	wantCode(t, err, chatlift.ENOTFOUND)
	wantCode(t, s.PutGroups(ctx, []*chatlift.Group{{AccountID: 1, ID: 3}}), chatlift.EINVALID)
}

func testOrganizations(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	orgs := []*chatlift.Organization{{AccountID: 1, ID: 1, Name: "Acme", DomainNames: []string{"acme.test"}, Tags: []string{"vip"}, CreatedAt: t0, UpdatedAt: t0}}
	must(t, s.PutOrganizations(ctx, orgs))
	list, err := s.Organizations(ctx, 1)
	must(t, err)
	same(t, "organizations", list, orgs)
	o, err := s.Organization(ctx, 1, 1)
	must(t, err)
	same(t, "organization 1", o, orgs[0])
	_, err = s.Organization(ctx, 1, 2)
	wantCode(t, err, chatlift.ENOTFOUND)
	t.Run("ErrConflict", func(t *testing.T) {
		wantCode(t, s.PutOrganizations(ctx, []*chatlift.Organization{{AccountID: 1, ID: 2, Name: "ACME", CreatedAt: t0}}), chatlift.ECONFLICT)
		must(t, s.PutOrganizations(ctx, []*chatlift.Organization{{AccountID: 2, ID: 2, Name: "ACME", CreatedAt: t0}}))
	})
}
