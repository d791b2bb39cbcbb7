package seed

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/chatlift/chatlift"
)

// Spec describes a generated fleet.
type Spec struct {
	Accounts        int   // how many accounts
	ChatsPerAccount int   // chats of each non-empty account
	Seed            int64 // the same seed makes the same fleet
	// Start is the fleet's present: history lies before it and billing terms
	// run across it. Generate takes zero as DefaultStart; Fleet takes it as
	// the start of today (UTC).
	Start time.Time
}

// DefaultStart is the present of a generated account whose Spec has no Start.
var DefaultStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Generated chats start within historySpan, which ends historyEnd before the
// present (so that even a long chat ends before it).
const (
	historySpan = 180 * 24 * time.Hour
	historyEnd  = 24 * time.Hour
)

// largeTranscript is about how many messages the one huge chat of some
// accounts has.
const largeTranscript = 2000

// traits are the cases an account covers. They are chosen by index so that
// any fleet of 5 or more accounts has each of them.
type traits struct {
	empty        bool // only owners: no agents, configuration or history
	largeChat    bool // one chat has ~largeTranscript messages
	sameOwners   bool // support and chat owners have the same email
	caseDiff     bool // some shared agents' emails differ only in case
	chatOnly     bool // some agents are in chat only
	customRoles  bool // custom chat roles assigned to some agents
	ipRestricted bool
	sso          bool // SAML single sign-on
	integrations bool
	oauthClients bool
	channels     bool // social messaging channels
	sameBilling  bool // both products billed the same way
	explore      bool // the support plan includes Explore
	nameStyle    int  // 0 Japanese, 1 accented Latin, 2 emoji
}

func traitsOf(i int) traits {
	return traits{
		empty:        i%10 == 4,
		largeChat:    i%10 == 2,
		sameOwners:   i%2 == 0,
		caseDiff:     i%3 != 2,
		chatOnly:     i%4 != 3,
		customRoles:  i%3 == 0,
		ipRestricted: i%4 == 1,
		sso:          i%5 == 3,
		integrations: i%2 == 1 || i%5 == 0,
		oauthClients: i%3 != 1,
		channels:     i%2 == 0,
		sameBilling:  i%3 == 0,
		explore:      i%2 == 1,
		nameStyle:    i % 3,
	}
}

// gen generates one account.
type gen struct {
	r      *rand.Rand
	spec   Spec
	index  int
	t      traits
	a      *Account
	loc    locale
	domain string    // the company's email domain
	now    time.Time // spec.Start
	born   time.Time // when the accounts were created

	objs    []object // configuration, marshalled at the end
	depts   []*chatlift.Department
	goals   []*chatlift.Goal
	persons map[int]bool // people already in this account
}

// object is a configuration object before its body is encoded.
type object struct {
	kind chatlift.ObjectKind
	id   int64
	body any
}

// Generate makes the account at index of the fleet spec describes, with
// account id accountID. It is deterministic: the same spec.Seed and index
// make the same account.
func Generate(spec Spec, accountID int64, index int) *Account {
	g := newGen(spec, accountID, index)
	g.accounts()
	g.roles()
	g.staff()
	if !g.t.empty {
		g.departments()
		g.skills()
		g.goalObjects()
		g.history()
		g.settings()
		g.oauthClients()
		g.apps()
		g.tickets()
	}
	g.billing()
	g.encodeObjects()
	return g.a
}

func newGen(spec Spec, accountID int64, index int) *gen {
	now := spec.Start
	if now.IsZero() {
		now = DefaultStart
	}
	r := rand.New(rand.NewPCG(uint64(spec.Seed), uint64(index)))
	g := &gen{r: r, spec: spec, index: index, t: traitsOf(index), now: now, persons: map[int]bool{}}
	co := pick(r, companies[g.t.nameStyle])
	g.loc = locales[co.locale]
	slug := fmt.Sprintf("%s-%d", co.slug, accountID)
	g.domain = slug + ".example"
	g.born = now.AddDate(-1-r.IntN(4), -r.IntN(12), 0).Truncate(time.Hour)
	g.a = &Account{
		Chat:    &chatlift.ChatAccount{ID: accountID, Name: co.name, State: chatlift.ChatAccountActive},
		Support: &chatlift.SupportAccount{ID: accountID, Name: co.name, Subdomain: slug},
	}
	return g
}

// accounts fills in the chat and support accounts' settings.
func (g *gen) accounts() {
	c, s := g.a.Chat, g.a.Support
	c.Plan = pick(g.r, []string{"lite", "team", "professional", "professional", "enterprise"})
	c.TimeZone, s.TimeZone = g.loc.tz, g.loc.tz
	c.CreatedAt, s.CreatedAt = g.born, g.born.Add(-time.Duration(g.r.IntN(400))*24*time.Hour)
	c.WidgetVersion = pick(g.r, []string{"legacy", "legacy", "web_widget"})
	c.AccountAssumption = g.chance(0.3)
	if g.t.ipRestricted {
		c.IPRestrictions = []string{fmt.Sprintf("203.0.%d.0/24", g.r.IntN(256)), "198.51.100.0/24"}
	}
	if g.t.sso {
		c.SSO = "saml"
	}
	c.Routing = chatlift.RoutingSettings{
		RoutingMode: pick(g.r, []string{"assigned", "broadcast"}), ChatLimitEnabled: g.chance(0.6),
		ChatLimit: 2 + g.r.IntN(5), SkillRoutingEnabled: g.chance(0.3), ReassignmentEnabled: g.chance(0.5),
		ReassignmentTimeout: 30 * (1 + g.r.IntN(4)), AutoIdleEnabled: g.chance(0.4), AutoIdleTimeout: 60 * (1 + g.r.IntN(10)),
	}
	c.Widget = chatlift.WidgetSettings{
		Color: pick(g.r, []string{"#1f73b7", "#e34f32", "#038153", "#6a27b8"}), Position: pick(g.r, []string{"br", "bl"}),
		Title: pick(g.r, []string{"Chat with us", "お問い合わせ", "Discutons", "¿Hablamos?"}), Language: g.loc.lang,
		Greeting: lines(agentLines, g.loc.lang)[0],
	}
	s.Plan = pick(g.r, []string{"essential", "team", "professional", "enterprise"})
	s.Explore = g.t.explore
	if s.Explore && s.Plan == "essential" {
		s.Plan = "professional"
	}
}

// lines returns the phrases of lang, or English ones.
func lines(m map[string][]string, lang string) []string {
	if l, ok := m[lang]; ok {
		return l
	}
	return m["en"]
}

// person is someone at the customer: an agent, a user or both.
type person struct {
	first, last, display, email string
}

// newPerson picks someone not yet in this account.
func (g *gen) newPerson() person {
	k := g.r.IntN(len(people))
	for g.persons[k] {
		k = (k + 1) % len(people)
	}
	g.persons[k] = true
	p := people[k]
	display := p.first + " " + p.last
	if p.familyFirst {
		display = p.last + " " + p.first
	}
	if g.chance(0.1) {
		display += " " + pick(g.r, nameEmoji)
	}
	return person{first: p.first, last: p.last, display: display, email: p.mailFirst + "." + p.mailLast + "@" + g.domain}
}

// capitalized spells email's local part with capitals: "Ann.Lee@x" for "ann.lee@x".
func capitalized(email string) string {
	local, domain, _ := strings.Cut(email, "@")
	parts := strings.Split(local, ".")
	for i, p := range parts {
		if p != "" {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, ".") + "@" + domain
}

// encodeObjects turns the collected configuration into stored objects.
func (g *gen) encodeObjects() {
	for _, o := range g.objs {
		g.a.Objects = append(g.a.Objects, &chatlift.Object{Kind: o.kind, ID: o.id, Body: mustJSON(o.body)})
	}
}

// mustJSON encodes v, one of the generator's own plain values, which always
// encode.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("seed: encode %T: %v", v, err))
	}
	return b
}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// between returns a number in [lo, hi].
func (g *gen) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

// after returns t plus between lo and hi seconds.
func (g *gen) after(t time.Time, lo, hi int) time.Time {
	return t.Add(time.Duration(g.between(lo, hi)) * time.Second)
}

const base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

func (g *gen) base32(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = base32Alphabet[g.r.IntN(len(base32Alphabet))]
	}
	return string(b)
}

func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }
