package seed

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/chatlift/chatlift"
)

// List prices per seat per month in US cents.
var (
	supportPrices = map[string]int64{"essential": 1900, "team": 5500, "professional": 11500, "enterprise": 16900}
	chatPrices    = map[string]int64{"lite": 0, "team": 1400, "professional": 2900, "enterprise": 5900}
)

// priceFactor turns US cents into hundredths of another currency, the unit
// billing amounts are kept in.
var priceFactor = map[string]float64{"USD": 1, "EUR": 0.92, "GBP": 0.79, "JPY": 150, "AUD": 1.52, "CAD": 1.36, "BRL": 5}

// billing adds a billing account per product and their subscriptions. On
// some accounts both bill the same way; on the others the chat one differs
// in contacts and payment and in cycle or currency.
func (g *gen) billing() {
	owner := g.a.Users[0]
	freq := chatlift.BillingAnnual
	if g.chance(0.3) {
		freq = chatlift.BillingMonthly
	}
	support := &chatlift.BillingAccount{Product: "support", Contacts: []chatlift.BillingContact{{Name: owner.Name, Email: owner.Email}},
		PaymentMethod: g.card(), Currency: g.loc.currency, Frequency: freq}
	support.TermStart, support.TermEnd = g.term(freq)
	chat := *support
	chat.Product, chat.Contacts = "chat", slices.Clone(support.Contacts)
	if !g.t.sameBilling {
		g.differ(&chat, support)
	}
	g.a.Billing = []*chatlift.BillingAccount{support, &chat}
	agents := 0
	for _, u := range g.a.Users {
		if u.Role != chatlift.UserRoleEndUser {
			agents++
		}
	}
	g.a.Subscriptions = []*chatlift.Subscription{
		subscription(support, g.a.Support.Plan, agents, supportPrices[g.a.Support.Plan]),
		subscription(&chat, g.a.Chat.Plan, len(g.chatAgents()), chatPrices[g.a.Chat.Plan]),
	}
}

// differ makes b, the chat billing account, bill differently from support.
func (g *gen) differ(b, support *chatlift.BillingAccount) {
	owner := g.a.Agents[0]
	b.Contacts = []chatlift.BillingContact{{Name: owner.DisplayName, Email: owner.Email}, {Name: "Accounts payable", Email: "ap@" + g.domain}}
	if g.index%3 == 1 {
		b.PaymentMethod = chatlift.PaymentMethod{Type: "invoice"}
		b.Frequency = map[string]string{chatlift.BillingAnnual: chatlift.BillingMonthly, chatlift.BillingMonthly: chatlift.BillingAnnual}[b.Frequency]
	} else {
		b.PaymentMethod = g.card()
		b.Currency = map[bool]string{true: "EUR", false: "USD"}[b.Currency == "USD"]
	}
	b.TermStart, b.TermEnd = g.term(b.Frequency)
	if b.TermEnd.Equal(support.TermEnd) {
		b.TermStart, b.TermEnd = b.TermStart.AddDate(0, -1, 0), b.TermEnd.AddDate(0, -1, 0)
	}
}

func (g *gen) card() chatlift.PaymentMethod {
	return chatlift.PaymentMethod{Type: "card", Brand: pick(g.r, []string{"visa", "mastercard", "amex", "jcb"}),
		Last4: fmt.Sprintf("%04d", g.r.IntN(10000))}
}

// term returns a current billing term of frequency: it started before the
// present and ends after it.
func (g *gen) term(frequency string) (time.Time, time.Time) {
	day := g.now.Truncate(24 * time.Hour)
	if frequency == chatlift.BillingMonthly {
		start := day.AddDate(0, 0, -g.between(1, 27))
		return start, start.AddDate(0, 1, 0)
	}
	start := day.AddDate(0, 0, -g.between(30, 330))
	return start, start.AddDate(1, 0, 0)
}

func subscription(b *chatlift.BillingAccount, plan string, seats int, usdCents int64) *chatlift.Subscription {
	return &chatlift.Subscription{Product: b.Product, Plan: plan, Seats: seats,
		UnitPriceCents: int64(math.Round(float64(usdCents) * priceFactor[b.Currency])),
		Currency:       b.Currency, Frequency: b.Frequency, TermStart: b.TermStart, TermEnd: b.TermEnd}
}
