package chatlift

import "fmt"

// The facts behind the pre-upgrade tasks, as their details: what the
// account has that the task speaks of.

// withDetails is t with details.
func withDetails(t Task, details []string) Task {
	t.Details = details
	return t
}

// ipFacts are the address ranges chat allows sign-in from.
func ipFacts(ranges []string) []string {
	var out []string
	for _, r := range ranges {
		out = append(out, "Allowed: "+r)
	}
	return out
}

// ssoFacts say whether chat uses single sign-on and, if it does, which
// chat-only agents (those the plan creates a support user for) the
// identity provider must know.
func ssoFacts(sso string, plan *MergePlan) []string {
	if sso == "" {
		return []string{"Chat does not use single sign-on."}
	}
	out := []string{"Chat agents sign in with single sign-on (" + sso + ")."}
	for _, e := range plan.Entries {
		if e.Action == MergeCreate {
			out = append(out, "Add to the identity provider: "+e.Email)
		}
	}
	return out
}

// billingFacts are both billing accounts, the chat subscription as it will
// be, and the invoice lines of the alignment with their total.
func billingFacts(c *Consolidation) []string {
	var out []string
	for _, b := range []struct {
		what string
		t    *BillingTerms
	}{{"Support billing account (kept)", c.Support}, {"Chat billing account (moves onto it)", c.Chat}} {
		if b.t != nil {
			out = append(out, fmt.Sprintf("%s #%d: %s, billed %s, term %s to %s, paid by %s", b.what, b.t.ID, b.t.Currency,
				b.t.Frequency, b.t.TermStart.Format("2006-01-02"), b.t.TermEnd.Format("2006-01-02"), payment(b.t.Payment)))
		}
	}
	if s := c.Subscription; s != nil {
		out = append(out, fmt.Sprintf("Chat subscription as it will be: %s, %d seats at %s per seat a month, billed %s", s.Plan, s.Seats,
			money(s.UnitPriceCents, s.Currency), s.Frequency))
	}
	for _, l := range c.Lines {
		out = append(out, "Invoice line: "+l.Description+": "+money(l.AmountCents, c.Currency))
	}
	if len(c.Lines) > 0 {
		out = append(out, "Invoice total: "+money(c.TotalCents, c.Currency))
	}
	return out
}

// payment names a payment method without more of it than its last digits.
func payment(p PaymentMethod) string {
	if p.Type == "card" && p.Last4 != "" {
		return fmt.Sprintf("%s card ending %s", p.Brand, p.Last4)
	}
	return p.Type
}
