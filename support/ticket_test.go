package support_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/sqlstore"
	"github.com/chatlift/chatlift/support"
)

var now = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// setup is a service over a fresh store holding an admin, an agent and an
// end user of account 1.
func setup(t *testing.T) (*support.Service, *sqlstore.DB, []*chatlift.User) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, sqlstore.Config{Path: filepath.Join(t.TempDir(), "p.db"), Role: sqlstore.RolePlatform})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	users := []*chatlift.User{
		{AccountID: 1, ID: 1, Email: "boss@acme.test", Name: "Boss", Role: chatlift.UserRoleAdmin, Active: true, CreatedAt: now},
		{AccountID: 1, ID: 2, Email: "ann@acme.test", Name: "Ann", Role: chatlift.UserRoleAgent, Active: true, CreatedAt: now},
		{AccountID: 1, ID: 3, Email: "cus@example.test", Name: "Cus", Role: chatlift.UserRoleEndUser, Active: true, CreatedAt: now},
	}
	if err := db.PutUsers(ctx, users); err != nil {
		t.Fatal(err)
	}
	return &support.Service{Store: db, Now: func() time.Time { return now }}, db, users
}

func ptr[T any](v T) *T { return &v }

func TestCreateTicket(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("Defaults", func(t *testing.T) {
		s, db, users := setup(t)
		tk, err := s.CreateTicket(ctx, users[1], support.TicketInput{Subject: ptr("Hi"), Comment: &support.CommentInput{Body: ptr("Body")}})
		if err != nil {
			t.Fatal(err)
		}
		if tk.Status != "new" || tk.Priority != "normal" || *tk.RequesterID != 2 || *tk.SubmitterID != 2 || tk.RequesterEmail != "ann@acme.test" ||
			tk.Description != "Body" || tk.Via.Channel != "api" || !tk.CreatedAt.Equal(now) {
			t.Fatalf("created %+v", tk)
		}
		comments, err := db.TicketComments(ctx, 1, tk.ID)
		if err != nil || len(comments) != 1 || comments[0].AuthorID != 2 || comments[0].Body != "Body" || !comments[0].Public {
			t.Fatalf("comments %+v, %v", comments, err)
		}
	})
	t.Run("AssignedOpens", func(t *testing.T) {
		s, _, users := setup(t)
		tk, err := s.CreateTicket(ctx, users[1], support.TicketInput{Subject: ptr("Hi"), AssigneeID: ptr(int64(1))})
		if err != nil || tk.Status != "open" {
			t.Fatalf("created %+v, %v", tk, err)
		}
	})
	t.Run("NewRequesterByEmail", func(t *testing.T) {
		s, db, users := setup(t)
		tk, err := s.CreateTicket(ctx, users[1], support.TicketInput{Subject: ptr("Hi"), Requester: &support.RequesterInput{Email: "new@example.test"}})
		if err != nil {
			t.Fatal(err)
		}
		u, err := db.User(ctx, 1, *tk.RequesterID)
		if err != nil || u.Role != chatlift.UserRoleEndUser || u.Email != "new@example.test" {
			t.Fatalf("requester %+v, %v", u, err)
		}
	})
	t.Run("ZeroValuesUnset", func(t *testing.T) {
		s, _, users := setup(t)
		tk, err := s.CreateTicket(ctx, users[1], support.TicketInput{Subject: ptr("Hi"), Type: ptr(""), Status: ptr(""), AssigneeID: ptr(int64(0)),
			GroupID: ptr(int64(0)), RequesterID: ptr(int64(0))})
		if err != nil || tk.Type != nil || tk.AssigneeID != nil || tk.GroupID != nil || *tk.RequesterID != 2 {
			t.Fatalf("created %+v, %v", tk, err)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		s, db, users := setup(t)
		for name, in := range map[string]support.TicketInput{
			"Empty":            {},
			"Closed":           {Subject: ptr("s"), Status: ptr("closed")},
			"EndUserAssignee":  {Subject: ptr("s"), AssigneeID: ptr(int64(3))},
			"UnknownRequester": {Subject: ptr("s"), RequesterID: ptr(int64(99))},
			"UnknownGroup":     {Subject: ptr("s"), GroupID: ptr(int64(5))},
			"BadType":          {Subject: ptr("s"), Type: ptr("chore")},
		} {
			t.Run(name, func(t *testing.T) {
				if _, err := s.CreateTicket(ctx, users[1], in); chatlift.ErrorCode(err) != chatlift.EINVALID {
					t.Fatalf("error %v, want invalid", err)
				}
			})
		}
		if list, _ := db.Tickets(ctx, chatlift.KeyFilter{AccountID: 1}); len(list) != 0 {
			t.Fatalf("%d tickets after refused creates", len(list))
		}
	})
}

func TestUpdateTicket(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, db, users := setup(t)
	tk, err := s.CreateTicket(ctx, users[2], support.TicketInput{Subject: ptr("Hi")})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("CommentAndAssign", func(t *testing.T) {
		got, err := s.UpdateTicket(ctx, users[1], tk.ID, support.TicketInput{AssigneeID: ptr(int64(2)), Tags: []string{"A b"},
			Comment: &support.CommentInput{Body: ptr("On it"), Public: ptr(false)}})
		if err != nil || got.Status != "open" || got.Tags[0] != "a_b" || got.Subject != "Hi" {
			t.Fatalf("updated %+v, %v", got, err)
		}
		comments, err := db.TicketComments(ctx, 1, tk.ID)
		if err != nil || len(comments) != 1 || comments[0].Public || comments[0].AuthorID != 2 {
			t.Fatalf("comments %+v, %v", comments, err)
		}
	})
	t.Run("ErrClosed", func(t *testing.T) {
		if _, err := s.UpdateTicket(ctx, users[1], tk.ID, support.TicketInput{Status: ptr("closed")}); err != nil {
			t.Fatal(err)
		}
		_, err := s.UpdateTicket(ctx, users[1], tk.ID, support.TicketInput{Status: ptr("open")})
		if chatlift.ErrorCode(err) != chatlift.EINVALID {
			t.Fatalf("error %v, want invalid", err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := s.UpdateTicket(ctx, users[1], 999, support.TicketInput{Status: ptr("open")})
		if chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
			t.Fatalf("error %v, want not found", err)
		}
	})
}
