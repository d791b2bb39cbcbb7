package ownerweb_test

import (
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

// factsView is an account with IP restrictions, SAML and a chat-only
// agent, whose billing is consolidated with an alignment charge.
func factsView() *chatlift.AccountView {
	term := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return &chatlift.AccountView{
		Chat:    &chatlift.ChatAccount{ID: 1, OwnerEmail: "ann@example.com", IPRestrictions: []string{"203.0.113.0/24", "2001:db8::/32"}, SSO: "saml"},
		Support: &chatlift.SupportAccount{ID: 1, OwnerEmail: "ann@example.com"},
		Agents:  []*chatlift.Agent{{ID: 7, Email: "jdoe@old.example", DisplayName: "J. Doe"}},
		Users:   []*chatlift.User{{ID: 1, AccountID: 1, Email: "ann@example.com", Role: chatlift.UserRoleAdmin, Active: true}},
		Consolidation: &chatlift.Consolidation{Needed: true, Into: 11, From: 12, Currency: "EUR", TotalCents: 4250,
			Support: &chatlift.BillingTerms{ID: 11, Currency: "EUR", Frequency: "annual", TermStart: term, TermEnd: term.AddDate(1, 0, 0),
				Payment: chatlift.PaymentMethod{Type: "card", Brand: "visa", Last4: "4242"}},
			Chat: &chatlift.BillingTerms{ID: 12, Currency: "USD", Frequency: "monthly", TermStart: term, TermEnd: term.AddDate(0, 1, 0),
				Payment: chatlift.PaymentMethod{Type: "invoice"}},
			Subscription: &chatlift.Subscription{Plan: "team", Seats: 3, UnitPriceCents: 1900, Currency: "EUR", Frequency: "annual"},
			Lines: []chatlift.InvoiceLine{{Description: "Credit: unused chat term", AmountCents: -750},
				{Description: "Chat team, 3 seats, aligned", AmountCents: 5000}}},
	}
}

func TestChecklistFacts(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		e, c := signedIn(t)
		e.tasks.pre = chatlift.PreUpgradeTasks(factsView())
		a := c.Do("GET", "/account/upgrade", nil)
		for what, want := range map[string]string{
			"the ranges":          "<li>Allowed: 203.0.113.0/24</li><li>Allowed: 2001:db8::/32</li>",
			"SSO used":            "Chat agents sign in with single sign-on (saml).",
			"the agent to add":    "Add to the identity provider: jdoe@old.example",
			"the support account": "Support billing account (kept) #11: EUR, billed annual, term 2026-01-01 to 2027-01-01, paid by visa card ending 4242",
			"the chat account":    "Chat billing account (moves onto it) #12: USD, billed monthly, term 2026-01-01 to 2026-02-01, paid by invoice",
			"the subscription":    "Chat subscription as it will be: team, 3 seats at 19.00 EUR per seat a month, billed annual",
			"the credit line":     "Invoice line: Credit: unused chat term: -7.50 EUR",
			"the charge line":     "Invoice line: Chat team, 3 seats, aligned: 50.00 EUR",
			"the total":           "Invoice total: 42.50 EUR",
			"the alignment":       "one invoice charges the alignment of 42.50 EUR.",
		} {
			wantBody(t, what, a, want)
		}
	})
	t.Run("NoSSO", func(t *testing.T) {
		e, c := signedIn(t)
		v := factsView()
		v.Chat.SSO, v.Chat.IPRestrictions = "", nil
		e.tasks.pre = chatlift.PreUpgradeTasks(v)
		a := c.Do("GET", "/account/upgrade", nil)
		wantBody(t, "SSO not used", a, "Chat does not use single sign-on.")
		wantBody(t, "no ranges", a, "No chat IP restrictions.")
	})
}
