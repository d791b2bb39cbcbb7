package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/chatlift/chatlift"
)

func testBillingConsolidation(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	support := &chatlift.BillingAccount{ID: 100, AccountID: 1, Product: "support", Currency: "EUR", Frequency: chatlift.BillingAnnual,
		TermStart: t0, TermEnd: t0.AddDate(1, 0, 0)}
	chat := &chatlift.BillingAccount{ID: 101, AccountID: 1, Product: "chat", Currency: "USD", Frequency: chatlift.BillingMonthly,
		TermStart: t0, TermEnd: t0.AddDate(0, 1, 0)}
	other := &chatlift.BillingAccount{ID: 200, AccountID: 2, Product: "chat", Currency: "USD", Frequency: chatlift.BillingMonthly,
		TermStart: t0, TermEnd: t0.AddDate(0, 1, 0)}
	for _, b := range []*chatlift.BillingAccount{chat, other, support} {
		must(t, s.PutBillingAccount(ctx, b))
	}
	t.Run("BillingAccounts", func(t *testing.T) {
		list, err := s.BillingAccounts(ctx, 1)
		must(t, err)
		same(t, "billing accounts", list, []*chatlift.BillingAccount{support, chat})
	})
	t.Run("DeleteSubscriptionsAndInvoice", func(t *testing.T) {
		subs := []*chatlift.Subscription{{ID: 1, BillingAccountID: 101, Product: "chat", Seats: 2}, {ID: 2, BillingAccountID: 101, Product: "chat", Seats: 3}}
		must(t, s.PutSubscriptions(ctx, subs))
		must(t, s.DeleteSubscriptions(ctx, 101, []int64{1, 99}))
		left, err := s.Subscriptions(ctx, 101)
		must(t, err)
		same(t, "subscriptions left", left, subs[1:])
		must(t, s.PutInvoice(ctx, &chatlift.Invoice{ID: 7, BillingAccountID: 100, Currency: "EUR", IssuedAt: t0}))
		must(t, s.DeleteInvoice(ctx, 100, 7))
		must(t, s.DeleteInvoice(ctx, 100, 7))
		invs, err := s.Invoices(ctx, 100)
		must(t, err)
		if len(invs) != 0 {
			t.Fatalf("%d invoices after delete", len(invs))
		}
	})
	t.Run("Record", func(t *testing.T) {
		r := &chatlift.ConsolidationRecord{AccountID: 1, Plan: &chatlift.Consolidation{Needed: true, Into: 100, From: 101, Lines: []chatlift.InvoiceLine{}},
			InvoiceID: 7, ChatBefore: chat, SubsBefore: []*chatlift.Subscription{}, ConsolidatedAt: t0}
		must(t, s.CreateConsolidationRecord(ctx, r))
		wantCode(t, s.CreateConsolidationRecord(ctx, r), chatlift.ECONFLICT)
		got, err := s.ConsolidationRecord(ctx, 1)
		must(t, err)
		same(t, "record", got, r)
		must(t, s.DeleteConsolidationRecord(ctx, 1))
		_, err = s.ConsolidationRecord(ctx, 1)
		wantCode(t, err, chatlift.ENOTFOUND)
		wantCode(t, s.CreateConsolidationRecord(ctx, &chatlift.ConsolidationRecord{AccountID: 1}), chatlift.EINVALID)
	})
}

func testInTx(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	n := func(id int64, title string) *chatlift.Notification {
		return &chatlift.Notification{ID: id, AccountID: 1, Kind: "x", Title: title, CreatedAt: t0}
	}
	t.Run("Commit", func(t *testing.T) {
		must(t, s.InTx(ctx, func(tx chatlift.PlatformStore) error {
			must(t, tx.PutNotification(ctx, n(1, "one")))
			return tx.InTx(ctx, func(tx chatlift.PlatformStore) error { return tx.PutNotification(ctx, n(2, "two")) })
		}))
		got, err := s.Notifications(ctx, 1)
		must(t, err)
		if len(got) != 2 {
			t.Fatalf("%d notifications after commit", len(got))
		}
	})
	t.Run("Rollback", func(t *testing.T) {
		boom := errors.New("boom")
		err := s.InTx(ctx, func(tx chatlift.PlatformStore) error {
			must(t, tx.PutNotification(ctx, n(3, "three")))
			if _, err := tx.QueueEmail(ctx, &chatlift.Email{ID: 1, Key: "k", To: []string{"a@b.test"}}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v, want boom", err)
		}
		got, err := s.Notifications(ctx, 1)
		must(t, err)
		pending, err2 := s.PendingEmails(ctx, 10)
		must(t, errors.Join(err, err2))
		if len(got) != 2 || len(pending) != 0 {
			t.Fatalf("after rollback: %d notifications, %d emails", len(got), len(pending))
		}
	})
}

func testNotificationKeys(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	a := &chatlift.Notification{ID: 1, AccountID: 1, Key: "upgrade-u1-scheduled", Kind: "x", Title: "a", CreatedAt: t0}
	must(t, s.PutNotification(ctx, a))
	must(t, s.PutNotification(ctx, a))
	dup := *a
	dup.ID = 2
	wantCode(t, s.PutNotification(ctx, &dup), chatlift.ECONFLICT)
	elsewhere := dup
	elsewhere.AccountID = 2
	must(t, s.PutNotification(ctx, &elsewhere))
	for id := int64(3); id <= 4; id++ {
		must(t, s.PutNotification(ctx, &chatlift.Notification{ID: id, AccountID: 1, Kind: "x", Title: "no key", CreatedAt: t0}))
	}
	got, err := s.Notifications(ctx, 1)
	must(t, err)
	same(t, "ids", ids(got, func(n *chatlift.Notification) any { return n.ID }), []any{1, 3, 4})
}
