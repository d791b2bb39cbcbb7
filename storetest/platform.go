package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

func supportAccount(id int64) *chatlift.SupportAccount {
	return &chatlift.SupportAccount{ID: id, Name: "Acme", Subdomain: "acme", OwnerEmail: "boss@acme.test",
		Plan: "professional", Explore: true, TimeZone: "Europe/Paris", BillingAccountID: 100, CreatedAt: t0}
}

func testSupportAccount(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	a := supportAccount(3)
	must(t, s.PutSupportAccount(ctx, a))
	got, err := s.SupportAccount(ctx, 3)
	must(t, err)
	same(t, "support account", got, a)
	bad := supportAccount(4)
	bad.Subdomain = "Not OK"
	wantCode(t, s.PutSupportAccount(ctx, bad), chatlift.EINVALID)
	_, err = s.SupportAccount(ctx, 4)
	wantCode(t, err, chatlift.ENOTFOUND)
	list, err := s.SupportAccounts(ctx, chatlift.AccountFilter{})
	must(t, err)
	if len(list) != 1 {
		t.Fatalf("%d accounts listed", len(list))
	}
	must(t, s.PutUnifiedAccount(ctx, &chatlift.UnifiedAccount{AccountID: 3, UpgradeID: "u1", OwnerEmail: a.OwnerEmail, UpgradedAt: t0}))
	u, err := s.UnifiedAccount(ctx, 3)
	must(t, err)
	if u.UpgradeID != "u1" {
		t.Fatalf("unified account = %+v", u)
	}
	_, err = s.UnifiedAccount(ctx, 4)
	wantCode(t, err, chatlift.ENOTFOUND)
}

func testUsers(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	admin := 4
	users := []*chatlift.User{
		{AccountID: 1, ID: 1, Email: "Boss@Acme.test", Name: "Boss", Role: chatlift.UserRoleAdmin, RoleType: &admin, Owner: true, Active: true, CreatedAt: t0},
		{AccountID: 1, ID: 2, Email: "ann@acme.test", Name: "Ann", Role: chatlift.UserRoleAgent, Active: true, CreatedAt: t0},
	}
	must(t, s.PutUsers(ctx, users))
	got, err := s.Users(ctx, 1)
	must(t, err)
	same(t, "users", got, users)
	t.Run("ByID", func(t *testing.T) {
		u, err := s.User(ctx, 1, 2)
		must(t, err)
		same(t, "user 2", u, users[1])
		if u.AccountID != 1 {
			t.Fatalf("account id not kept: %d", u.AccountID)
		}
		_, err = s.User(ctx, 2, 1)
		wantCode(t, err, chatlift.ENOTFOUND)
		_, err = s.User(ctx, 1, 99)
		wantCode(t, err, chatlift.ENOTFOUND)
	})
	t.Run("EmailIgnoresCase", func(t *testing.T) {
		u, err := s.UserByEmail(ctx, 1, "boss@ACME.test")
		must(t, err)
		if u.ID != 1 {
			t.Fatalf("found user %d", u.ID)
		}
		_, err = s.UserByEmail(ctx, 2, "boss@acme.test")
		wantCode(t, err, chatlift.ENOTFOUND)
	})
	t.Run("ErrConflict", func(t *testing.T) {
		dup := &chatlift.User{AccountID: 1, ID: 3, Email: "ANN@acme.test", Name: "Ann 2", Role: chatlift.UserRoleAgent}
		wantCode(t, s.PutUsers(ctx, []*chatlift.User{dup}), chatlift.ECONFLICT)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		wantCode(t, s.PutUsers(ctx, []*chatlift.User{{AccountID: 1, ID: 4, Email: "x@acme.test", Role: "king"}}), chatlift.EINVALID)
	})
	t.Run("APIToken", func(t *testing.T) {
		must(t, s.PutAPIToken(ctx, &chatlift.APIToken{ID: 1, AccountID: 1, UserID: 1, TokenHash: "hash1", CreatedAt: t0}))
		tok, err := s.APITokenByHash(ctx, "hash1")
		must(t, err)
		if tok.UserID != 1 || tok.TokenHash != "hash1" {
			t.Fatalf("token = %+v", tok)
		}
		_, err = s.APITokenByHash(ctx, "hash2")
		wantCode(t, err, chatlift.ENOTFOUND)
	})
}

func testAppsTickets(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	apps := []*chatlift.AppInstallation{
		{AccountID: 1, ID: 1, AppID: 77, Name: "Translator", Kind: chatlift.AppPublic, Products: []string{"support", "chat"}, Enabled: true, CreatedAt: t0},
		{AccountID: 1, ID: 2, AppID: 9001, Name: "Our CRM", Kind: chatlift.AppPrivate, Products: []string{"chat"}, Enabled: true, CreatedAt: t0},
	}
	must(t, s.PutApps(ctx, apps))
	got, err := s.Apps(ctx, 1)
	must(t, err)
	same(t, "apps", got, apps)
	wantCode(t, s.PutApps(ctx, []*chatlift.AppInstallation{{AccountID: 1, ID: 3, Name: "x", Kind: "weird", Products: []string{"chat"}}}), chatlift.EINVALID)

	for id := int64(1); id <= 5; id++ {
		must(t, s.PutTickets(ctx, []*chatlift.Ticket{{AccountID: 1, ID: id, Subject: "Help", Status: "new", Via: chatlift.ViaChannel("chat"), ChatID: "c1", CreatedAt: t0, UpdatedAt: t0}}))
	}
	tk, err := s.Ticket(ctx, 1, 3)
	must(t, err)
	if tk.ChatID != "c1" {
		t.Fatalf("ticket = %+v", tk)
	}
	_, err = s.Ticket(ctx, 2, 3)
	wantCode(t, err, chatlift.ENOTFOUND)
	page, err := s.Tickets(ctx, chatlift.KeyFilter{AccountID: 1, AfterID: "2", Limit: 2})
	must(t, err)
	if len(page) != 2 || page[0].ID != 3 {
		t.Fatalf("ticket page = %d", len(page))
	}
	wantCode(t, s.PutTickets(ctx, []*chatlift.Ticket{{AccountID: 1, ID: 9, Status: "new"}}), chatlift.EINVALID)
}

func testBilling(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	b := &chatlift.BillingAccount{ID: 100, AccountID: 1, Product: "support", Currency: "EUR", Frequency: chatlift.BillingAnnual,
		Contacts:      []chatlift.BillingContact{{Name: "Finance", Email: "ap@acme.test"}},
		PaymentMethod: chatlift.PaymentMethod{Type: "card", Brand: "visa", Last4: "4242"},
		TermStart:     t0, TermEnd: t0.AddDate(1, 0, 0)}
	must(t, s.PutBillingAccount(ctx, b))
	got, err := s.BillingAccount(ctx, 100)
	must(t, err)
	same(t, "billing account", got, b)
	if !chatlift.SameBilling(got, b) {
		t.Fatal("a billing account differs from itself")
	}
	bad := *b
	bad.ID, bad.Frequency = 101, "weekly"
	wantCode(t, s.PutBillingAccount(ctx, &bad), chatlift.EINVALID)

	subs := []*chatlift.Subscription{{ID: 1, BillingAccountID: 100, Product: "support", Plan: "professional", Seats: 5, UnitPriceCents: 4900, Currency: "EUR", Frequency: "annual", TermStart: t0, TermEnd: b.TermEnd}}
	must(t, s.PutSubscriptions(ctx, subs))
	gotSubs, err := s.Subscriptions(ctx, 100)
	must(t, err)
	same(t, "subscriptions", gotSubs, subs)
	inv := &chatlift.Invoice{ID: 1, BillingAccountID: 100, Currency: "EUR", Lines: []chatlift.InvoiceLine{{Description: "alignment credit", AmountCents: -1234}}, TotalCents: -1234, IssuedAt: t0}
	must(t, s.PutInvoice(ctx, inv))
	invs, err := s.Invoices(ctx, 100)
	must(t, err)
	same(t, "invoices", invs, []*chatlift.Invoice{inv})
}

func testNotifications(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	n := &chatlift.Notification{ID: 1, AccountID: 1, Kind: "upgrade_scheduled", Title: "Your upgrade is scheduled", Body: "…", CreatedAt: t0}
	must(t, s.PutNotification(ctx, n))
	must(t, s.PutNotification(ctx, &chatlift.Notification{ID: 2, AccountID: 2, Kind: "x", Title: "other", CreatedAt: t0}))
	n.ReadAt = &t0
	must(t, s.PutNotification(ctx, n))
	got, err := s.Notifications(ctx, 1)
	must(t, err)
	same(t, "notifications", got, []*chatlift.Notification{n})
	wantCode(t, s.PutNotification(ctx, &chatlift.Notification{ID: 3, AccountID: 1}), chatlift.EINVALID)
}

func testEmails(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	e := &chatlift.Email{ID: 1, AccountID: 1, Key: "upgrade-u1-scheduled", To: []string{"boss@acme.test"}, Subject: "Scheduled", CreatedAt: t0}
	added, err := s.QueueEmail(ctx, e)
	must(t, err)
	again := *e
	again.ID = 2
	dupAdded, err := s.QueueEmail(ctx, &again)
	must(t, err)
	if !added || dupAdded {
		t.Fatalf("queue: first %v, duplicate %v; want true, false", added, dupAdded)
	}
	_, err = s.QueueEmail(ctx, &chatlift.Email{ID: 3, Key: "k", To: []string{"bad"}})
	wantCode(t, err, chatlift.EINVALID)
	pending, err := s.PendingEmails(ctx, 10)
	must(t, err)
	if len(pending) != 1 {
		t.Fatalf("%d pending", len(pending))
	}
	claimed, err := s.ClaimEmails(ctx, "mailer", t0, time.Minute, 10)
	must(t, err)
	if len(claimed) != 1 {
		t.Fatalf("%d claimed", len(claimed))
	}
	claimed[0].SentAt, claimed[0].Attempts = &t0, 1
	must(t, s.RecordEmail(ctx, claimed[0], "mailer", time.Time{}))
	pending, err = s.PendingEmails(ctx, 10)
	must(t, err)
	if len(pending) != 0 {
		t.Fatalf("%d pending after sending", len(pending))
	}
}

func testUpgrades(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	u := &chatlift.Upgrade{ID: "u1", AccountID: 1, State: chatlift.UpgradeRequested, Attempt: 1, CreatedAt: t0, UpdatedAt: t0,
		Steps: []chatlift.Step{{Name: "prepare", State: chatlift.StepPending}}, Import: chatlift.ImportProgress{State: chatlift.ImportPending}}
	must(t, s.CreateUpgrade(ctx, u))
	got, err := s.Upgrade(ctx, "u1")
	must(t, err)
	same(t, "upgrade", got, u)
	t.Run("ErrConflictWhileActive", func(t *testing.T) {
		wantCode(t, s.CreateUpgrade(ctx, &chatlift.Upgrade{ID: "u2", AccountID: 1, State: chatlift.UpgradeRequested, Attempt: 1}), chatlift.ECONFLICT)
	})
	t.Run("NewAfterCancel", func(t *testing.T) {
		u.State = chatlift.UpgradeCancelled
		must(t, s.PutUpgrade(ctx, u))
		must(t, s.CreateUpgrade(ctx, &chatlift.Upgrade{ID: "u2", AccountID: 1, State: chatlift.UpgradeScheduled, Attempt: 1}))
	})
	t.Run("Filter", func(t *testing.T) {
		must(t, s.CreateUpgrade(ctx, &chatlift.Upgrade{ID: "u3", AccountID: 2, State: chatlift.UpgradeScheduled, Attempt: 1}))
		list, err := s.Upgrades(ctx, chatlift.UpgradeFilter{State: chatlift.UpgradeScheduled})
		must(t, err)
		same(t, "scheduled", ids(list, func(u *chatlift.Upgrade) any { return u.ID }), []any{"u2", "u3"})
		list, err = s.Upgrades(ctx, chatlift.UpgradeFilter{AccountID: 1})
		must(t, err)
		same(t, "account 1", ids(list, func(u *chatlift.Upgrade) any { return u.ID }), []any{"u1", "u2"})
	})
	t.Run("Attention", func(t *testing.T) {
		must(t, s.SetUpgradeAttention(ctx, "u3", "the rollback has not finished", t0))
		u3, err := s.Upgrade(ctx, "u3")
		must(t, err)
		u3.Attention, u3.Error = nil, "saved meanwhile" // a save never clears the flag
		must(t, s.PutUpgrade(ctx, u3))
		list, err := s.Upgrades(ctx, chatlift.UpgradeFilter{Attention: true})
		must(t, err)
		if len(list) != 1 || list[0].ID != "u3" || list[0].Attention == nil || !list[0].Attention.Since.Equal(t0) ||
			list[0].Attention.Reason != "the rollback has not finished" || list[0].Error != "saved meanwhile" {
			t.Fatalf("needing attention: %+v", list)
		}
		if u2, err := s.Upgrade(ctx, "u2"); err != nil || u2.Attention != nil {
			t.Fatalf("u2: %+v %v", u2, err)
		}
		must(t, s.SetUpgradeAttention(ctx, "u3", "", t0))
		list, err = s.Upgrades(ctx, chatlift.UpgradeFilter{Attention: true})
		must(t, err)
		if len(list) != 0 {
			t.Fatalf("still needing attention after clearing: %+v", list)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		wantCode(t, s.CreateUpgrade(ctx, &chatlift.Upgrade{ID: "u9", AccountID: 3, State: "exploded", Attempt: 1}), chatlift.EINVALID)
		_, err := s.Upgrade(ctx, "u9")
		wantCode(t, err, chatlift.ENOTFOUND)
	})
}
