package billing_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/billing"
	"github.com/chatlift/chatlift/sqlstore"
)

var (
	t0  = time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)
	now = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
)

// fixture is a store holding account 1 whose chat billing (USD, monthly)
// differs from its support billing (EUR, annual), and account 2 whose two
// billing accounts bill the same way. It is SQLite, or PostgreSQL in a
// schema of its own when TEST_DATABASE_URL is set.
type fixture struct {
	store *sqlstore.DB
	cfg   sqlstore.Config
}

var schemaSeq atomic.Int64

func setup(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{cfg: sqlstore.Config{Path: filepath.Join(t.TempDir(), "platform.db"), Role: sqlstore.RolePlatform}}
	if url := os.Getenv("TEST_DATABASE_URL"); url != "" {
		f.cfg.URL, f.cfg.Schema = url, fmt.Sprintf("billing%d_%d", time.Now().UnixNano(), schemaSeq.Add(1))
	}
	f.store = f.open(t)
	ctx := context.Background()
	for _, id := range []int64{1, 2} {
		support := &chatlift.BillingAccount{ID: id * 10, AccountID: id, Product: "support", Currency: "EUR", Frequency: chatlift.BillingAnnual,
			Contacts:      []chatlift.BillingContact{{Name: "Boss", Email: "boss@acme.test"}},
			PaymentMethod: chatlift.PaymentMethod{Type: "card", Brand: "visa", Last4: "4242"}, TermStart: t0, TermEnd: t0.AddDate(1, 0, 0)}
		chat := *support
		chat.ID, chat.Product = id*10+1, "chat"
		if id == 1 {
			chat.Currency, chat.Frequency, chat.PaymentMethod = "USD", chatlift.BillingMonthly, chatlift.PaymentMethod{Type: "invoice"}
			chat.TermStart, chat.TermEnd = t0.AddDate(0, 1, 0), t0.AddDate(0, 2, 0)
		}
		must(t, f.store.PutSupportAccount(ctx, &chatlift.SupportAccount{ID: id, Name: "Acme", Subdomain: "acme", OwnerEmail: "boss@acme.test",
			Plan: "team", BillingAccountID: support.ID, CreatedAt: t0}))
		must(t, f.store.PutBillingAccount(ctx, support))
		must(t, f.store.PutBillingAccount(ctx, &chat))
		must(t, f.store.PutSubscriptions(ctx, []*chatlift.Subscription{
			{ID: id * 100, BillingAccountID: support.ID, Product: "support", Plan: "team", Seats: 5, UnitPriceCents: 5000, Currency: support.Currency,
				Frequency: support.Frequency, TermStart: support.TermStart, TermEnd: support.TermEnd},
			{ID: id*100 + 1, BillingAccountID: chat.ID, Product: "chat", Plan: "professional", Seats: 3, UnitPriceCents: 2900, Currency: chat.Currency,
				Frequency: chat.Frequency, TermStart: chat.TermStart, TermEnd: chat.TermEnd},
		}))
	}
	return f
}

func (f *fixture) open(t *testing.T) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), f.cfg)
	must(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// rows is the JSON of every billing row of the account.
func rows(t *testing.T, s chatlift.PlatformStore, accountID int64) string {
	t.Helper()
	ctx := context.Background()
	accounts, err := s.BillingAccounts(ctx, accountID)
	must(t, err)
	all := map[string]any{"accounts": accounts}
	for _, b := range accounts {
		subs, err := s.Subscriptions(ctx, b.ID)
		must(t, err)
		invs, err := s.Invoices(ctx, b.ID)
		must(t, err)
		all[b.Product+"_subscriptions"], all[b.Product+"_invoices"] = subs, invs
	}
	out, err := json.Marshal(all)
	must(t, err)
	return string(out)
}

func TestConsolidate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		plan, err := billing.Consolidate(ctx, f.store, 1, now)
		must(t, err)
		if !plan.Needed || plan.Into != 10 || plan.From != 11 || plan.Subscription == nil || len(plan.Lines) != 2 {
			t.Fatalf("plan = %+v", plan)
		}
		chat, err := f.store.BillingAccount(ctx, 11)
		must(t, err)
		if chat.ConsolidatedInto == nil || *chat.ConsolidatedInto != 10 {
			t.Fatalf("chat billing account = %+v", chat)
		}
		subs, err := f.store.Subscriptions(ctx, 10)
		must(t, err)
		left, err := f.store.Subscriptions(ctx, 11)
		must(t, err)
		if len(subs) != 2 || len(left) != 0 || subs[1].ID != 101 || subs[1].Currency != "EUR" || !subs[1].TermEnd.Equal(t0.AddDate(1, 0, 0)) {
			t.Fatalf("subscriptions: support %+v, chat %+v", subs, left)
		}
		invs, err := f.store.Invoices(ctx, 10)
		must(t, err)
		if len(invs) != 1 || invs[0].TotalCents != plan.TotalCents || len(invs[0].Lines) != 2 || invs[0].Currency != "EUR" {
			t.Fatalf("invoices = %+v", invs)
		}
	})
	t.Run("Idempotent", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		first, err := billing.Consolidate(ctx, f.store, 1, now)
		must(t, err)
		after := rows(t, f.store, 1)
		again, err := billing.Consolidate(ctx, f.store, 1, now.Add(time.Hour))
		must(t, err)
		same(t, "plan", again, first)
		if got := rows(t, f.store, 1); got != after {
			t.Fatalf("second run changed rows:\n before %s\n after  %s", after, got)
		}
	})
	t.Run("Concurrent", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 8 {
			wg.Go(func() {
				_, err := billing.Consolidate(ctx, f.store, 1, now)
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			must(t, err)
		}
		invs, err := f.store.Invoices(ctx, 10)
		must(t, err)
		if len(invs) != 1 {
			t.Fatalf("%d invoices after concurrent runs", len(invs))
		}
	})
	t.Run("SameBillingChangesNothing", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		before := rows(t, f.store, 2)
		plan, err := billing.Consolidate(ctx, f.store, 2, now)
		must(t, err)
		if plan.Needed {
			t.Fatalf("plan = %+v", plan)
		}
		if got := rows(t, f.store, 2); got != before {
			t.Fatalf("rows changed:\n before %s\n after  %s", before, got)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		_, err := billing.Consolidate(ctx, f.store, 99, now)
		if chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("PreviewChangesNothing", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		before := rows(t, f.store, 1)
		plan, rec, err := billing.Preview(ctx, f.store, 1, now)
		must(t, err)
		if !plan.Needed || rec != nil || rows(t, f.store, 1) != before {
			t.Fatalf("preview: plan %+v, record %+v", plan, rec)
		}
		applied, err := billing.Consolidate(ctx, f.store, 1, now)
		must(t, err)
		same(t, "applied plan", applied, plan)
		plan, rec, err = billing.Preview(ctx, f.store, 1, now.AddDate(0, 0, 3))
		must(t, err)
		if rec == nil || rec.InvoiceID == 0 {
			t.Fatalf("preview after consolidation: record %+v", rec)
		}
		same(t, "previewed plan", plan, applied)
	})
}

func TestUnconsolidate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("RestoresExactly", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		before := rows(t, f.store, 1)
		_, err := billing.Consolidate(ctx, f.store, 1, now)
		must(t, err)
		if rows(t, f.store, 1) == before {
			t.Fatal("consolidation changed nothing")
		}
		must(t, billing.Unconsolidate(ctx, f.store, 1))
		if got := rows(t, f.store, 1); got != before {
			t.Fatalf("rows not restored:\n before %s\n after  %s", before, got)
		}
		must(t, billing.Unconsolidate(ctx, f.store, 1))
		if got := rows(t, f.store, 1); got != before {
			t.Fatalf("second undo changed rows:\n before %s\n after  %s", before, got)
		}
	})
	t.Run("AfterRestart", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		before := rows(t, f.store, 1)
		_, err := billing.Consolidate(ctx, f.store, 1, now)
		must(t, err)
		must(t, f.store.Close())
		reopened := f.open(t)
		must(t, billing.Service{Store: reopened}.Unconsolidate(ctx, 1))
		if got := rows(t, reopened, 1); got != before {
			t.Fatalf("rows not restored after restart:\n before %s\n after  %s", before, got)
		}
	})
	t.Run("WithoutConsolidate", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		before := rows(t, f.store, 1)
		must(t, billing.Unconsolidate(ctx, f.store, 1))
		must(t, billing.Unconsolidate(ctx, f.store, 2))
		if got := rows(t, f.store, 1); got != before {
			t.Fatalf("undo without do changed rows:\n before %s\n after  %s", before, got)
		}
	})
	t.Run("ConsolidateAgain", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		first, err := billing.Consolidate(ctx, f.store, 1, now)
		must(t, err)
		must(t, billing.Unconsolidate(ctx, f.store, 1))
		second, err := billing.Service{Store: f.store}.Consolidate(ctx, 1, now.AddDate(0, 0, 7))
		must(t, err)
		if !second.Needed || second.TotalCents == first.TotalCents {
			t.Fatalf("second attempt plan = %+v (first %+v)", second, first)
		}
		invs, err := f.store.Invoices(ctx, 10)
		must(t, err)
		if len(invs) != 1 || invs[0].TotalCents != second.TotalCents {
			t.Fatalf("invoices = %+v", invs)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func same(t *testing.T, what string, got, want any) {
	t.Helper()
	g, err := json.Marshal(got)
	must(t, err)
	w, err := json.Marshal(want)
	must(t, err)
	if string(g) != string(w) {
		t.Fatalf("%s:\n got  %s\n want %s", what, g, w)
	}
}
