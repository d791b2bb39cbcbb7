package chatlift_test

import (
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func billingPair() (support, chat *chatlift.BillingAccount, sub *chatlift.Subscription) {
	contacts := []chatlift.BillingContact{{Name: "AP", Email: "ap@acme.test"}}
	support = &chatlift.BillingAccount{ID: 1, Product: "support", Currency: "USD", Frequency: chatlift.BillingAnnual,
		Contacts: contacts, TermStart: day(2026, 4, 1), TermEnd: day(2027, 4, 1)}
	chat = &chatlift.BillingAccount{ID: 2, Product: "chat", Currency: "USD", Frequency: chatlift.BillingAnnual,
		Contacts: contacts, TermStart: day(2026, 1, 1), TermEnd: day(2027, 1, 1)}
	sub = &chatlift.Subscription{ID: 9, BillingAccountID: 2, Product: "chat", Plan: "professional", Seats: 5,
		UnitPriceCents: 2000, Currency: "USD", Frequency: chatlift.BillingAnnual, TermStart: chat.TermStart, TermEnd: chat.TermEnd}
	return support, chat, sub
}

func TestPlanConsolidation(t *testing.T) {
	t.Parallel()
	now := day(2026, 7, 2)
	t.Run("AlignsTermWithProratedCharge", func(t *testing.T) {
		support, chat, sub := billingPair()
		c, err := chatlift.PlanConsolidation(support, chat, sub, now)
		if err != nil {
			t.Fatal(err)
		}
		// credit: 120000 × 183/365 days left of the chat term = 60164;
		// charge: 120000 × 273/365 days left of the support term = 89753.
		if !c.Needed || c.TotalCents != 89753-60164 || c.Lines[0].AmountCents != -60164 || c.Lines[1].AmountCents != 89753 {
			t.Fatalf("consolidation = %+v", c)
		}
		s := c.Subscription
		if s.BillingAccountID != 1 || !s.TermEnd.Equal(support.TermEnd) || s.Frequency != support.Frequency || s.Currency != "USD" {
			t.Fatalf("aligned subscription = %+v", s)
		}
	})
	t.Run("SameBillingNeedsNothing", func(t *testing.T) {
		support, chat, sub := billingPair()
		chat.TermStart, chat.TermEnd = support.TermStart, support.TermEnd
		c, err := chatlift.PlanConsolidation(support, chat, sub, now)
		if err != nil || c.Needed || c.TotalCents != 0 {
			t.Fatalf("consolidation = %+v, %v", c, err)
		}
	})
	t.Run("MonthlyChatIntoEuroSupport", func(t *testing.T) {
		support, chat, sub := billingPair()
		support.Currency = "EUR"
		chat.Frequency, sub.Frequency = chatlift.BillingMonthly, chatlift.BillingMonthly
		c, err := chatlift.PlanConsolidation(support, chat, sub, now)
		if err != nil {
			t.Fatal(err)
		}
		// credit: 10000 USD cents × 30/31 days left of July = 9677 → 8903 EUR cents.
		if c.Lines[0].AmountCents != -8903 || c.Subscription.Currency != "EUR" || c.Subscription.UnitPriceCents != 1840 {
			t.Fatalf("consolidation = %+v, subscription %+v", c, c.Subscription)
		}
	})
	t.Run("ErrInvalidCurrency", func(t *testing.T) {
		support, chat, sub := billingPair()
		support.Currency = "XXX"
		_, err := chatlift.PlanConsolidation(support, chat, sub, now)
		if chatlift.ErrorCode(err) != chatlift.EINVALID {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestPlanConsolidationRenewsEndedTerm(t *testing.T) {
	t.Parallel()
	support, chat, sub := billingPair()
	now := day(2027, 7, 2) // the support term ended 2027-04-01: it renewed to 2028-04-01
	c, err := chatlift.PlanConsolidation(support, chat, sub, now)
	if err != nil {
		t.Fatal(err)
	}
	// charge: 120000 × 274/366 days left of the renewed term = 89836; the chat term ended: no credit.
	if !c.Subscription.TermEnd.Equal(day(2028, 4, 1)) || c.Lines[1].AmountCents != 89836 || c.Lines[0].AmountCents != 0 {
		t.Fatalf("consolidation = %+v, subscription %+v", c, c.Subscription)
	}
}
