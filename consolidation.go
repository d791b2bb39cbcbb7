package chatlift

import (
	"fmt"
	"math"
	"time"
)

// Consolidation is the plan for merging a customer's chat billing into its
// support billing account: the chat subscription adopts the support
// account's term, frequency, currency, payment method and contacts, and the
// customer is charged (positive) or credited (negative) the difference
// between what the chat term had prepaid and what the aligned term costs.
type Consolidation struct {
	Needed       bool          `json:"needed"` // false when both already bill the same way
	Into         int64         `json:"into_billing_account_id"`
	From         int64         `json:"from_billing_account_id"`
	Subscription *Subscription `json:"subscription,omitempty"` // the chat subscription as it will be
	Lines        []InvoiceLine `json:"lines"`
	TotalCents   int64         `json:"alignment_cents"`
	Currency     string        `json:"currency"`
	// Support and Chat are both billing accounts' terms as they were when
	// planned; nil in plans made before they were kept.
	Support *BillingTerms `json:"support_billing,omitempty"`
	Chat    *BillingTerms `json:"chat_billing,omitempty"`
}

// BillingTerms is what a billing account's admin knows it by: how it bills.
type BillingTerms struct {
	ID        int64         `json:"id"`
	Currency  string        `json:"currency"`
	Frequency string        `json:"frequency"`
	TermStart time.Time     `json:"term_start"`
	TermEnd   time.Time     `json:"term_end"`
	Payment   PaymentMethod `json:"payment_method"`
}

// terms is b's BillingTerms.
func terms(b *BillingAccount) *BillingTerms {
	return &BillingTerms{ID: b.ID, Currency: b.Currency, Frequency: b.Frequency, TermStart: b.TermStart, TermEnd: b.TermEnd, Payment: b.PaymentMethod}
}

// centsPerUSD are the reference rates billing converts prorated amounts with.
var centsPerUSD = map[string]float64{"USD": 1, "EUR": 0.92, "GBP": 0.79, "JPY": 150, "AUD": 1.52, "CAD": 1.36, "BRL": 5.0}

// PlanConsolidation computes how the chat billing account (and its chat
// subscription) folds into the support billing account at now.
func PlanConsolidation(support, chat *BillingAccount, chatSub *Subscription, now time.Time) (*Consolidation, error) {
	c := &Consolidation{Into: support.ID, From: chat.ID, Currency: support.Currency, Lines: []InvoiceLine{},
		Support: terms(support), Chat: terms(chat)}
	if SameBilling(support, chat) {
		return c, nil
	}
	c.Needed = true
	if chatSub == nil {
		return c, nil
	}
	if _, ok := centsPerUSD[chatSub.Currency]; !ok {
		return nil, Errorf(EINVALID, "no exchange rate for %s", chatSub.Currency)
	}
	if _, ok := centsPerUSD[support.Currency]; !ok {
		return nil, Errorf(EINVALID, "no exchange rate for %s", support.Currency)
	}
	credit := prorate(chatSub.monthlyCents(), chatSub.Frequency, chatSub.TermStart, chatSub.TermEnd, now)
	credit = convert(credit, chatSub.Currency, support.Currency)
	termStart, termEnd := currentTerm(support.TermStart, support.TermEnd, now)
	aligned := *chatSub
	aligned.BillingAccountID, aligned.Currency, aligned.Frequency = support.ID, support.Currency, support.Frequency
	aligned.UnitPriceCents = convert(chatSub.UnitPriceCents, chatSub.Currency, support.Currency)
	aligned.TermStart, aligned.TermEnd = now, termEnd
	charge := prorate(aligned.monthlyCents(), support.Frequency, termStart, termEnd, now)
	c.Subscription = &aligned
	c.Lines = []InvoiceLine{
		{Description: fmt.Sprintf("Credit: unused chat term until %s", chatSub.TermEnd.Format("2006-01-02")), AmountCents: -credit},
		{Description: fmt.Sprintf("Chat %s, %d seats, aligned to term ending %s", chatSub.Plan, chatSub.Seats, termEnd.Format("2006-01-02")), AmountCents: charge},
	}
	c.TotalCents = charge - credit
	return c, nil
}

// currentTerm is the term that renews [start, end) and holds now: a term
// that has ended renews for the same length until it covers now.
func currentTerm(start, end, now time.Time) (time.Time, time.Time) {
	months := monthsBetween(start, end)
	for months > 0 && !now.Before(end) {
		start, end = end, end.AddDate(0, months, 0)
	}
	return start, end
}

// monthsBetween is the whole number of months from start to end (at least 1).
func monthsBetween(start, end time.Time) int {
	n := (end.Year()-start.Year())*12 + int(end.Month()-start.Month())
	return max(n, 1)
}

// monthlyCents is what the subscription costs per month.
func (s *Subscription) monthlyCents() int64 { return s.UnitPriceCents * int64(s.Seats) }

// prorate is the share of the current billing period, from now to the
// period's end, of that period's price. A monthly plan's period is the month
// of the term now is in; an annual plan's is the whole term.
func prorate(monthlyCents int64, frequency string, termStart, termEnd, now time.Time) int64 {
	start, end, months := termStart, termEnd, 12.0
	if frequency == BillingMonthly {
		start, months = termStart, 1
		for !start.AddDate(0, 1, 0).After(now) {
			start = start.AddDate(0, 1, 0)
		}
		end = start.AddDate(0, 1, 0)
	}
	if !now.Before(end) || !end.After(start) {
		return 0
	}
	if now.Before(start) {
		now = start
	}
	share := float64(end.Sub(now)) / float64(end.Sub(start))
	return int64(math.Round(float64(monthlyCents) * months * share))
}

func convert(cents int64, from, to string) int64 {
	if from == to {
		return cents
	}
	return int64(math.Round(float64(cents) / centsPerUSD[from] * centsPerUSD[to]))
}

// ConsolidationRecord is what a billing consolidation changed, kept so that
// it can be undone exactly, after a restart too: the chat billing account
// and its subscriptions as they were, and the invoice it issued.
type ConsolidationRecord struct {
	AccountID      int64           `json:"account_id"`
	Plan           *Consolidation  `json:"plan"`
	InvoiceID      int64           `json:"invoice_id"` // on Plan.Into; 0 when none was issued
	ChatBefore     *BillingAccount `json:"chat_before"`
	SubsBefore     []*Subscription `json:"subscriptions_before"` // of the chat billing account
	ConsolidatedAt time.Time       `json:"consolidated_at"`
}
