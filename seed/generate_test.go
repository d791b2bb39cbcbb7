package seed_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"testing"
	"unicode"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/seed"
)

func TestGenerate(t *testing.T) {
	t.Parallel()
	spec := seed.Spec{Accounts: 10, ChatsPerAccount: 30, Seed: 7, Start: start}
	t.Run("Deterministic", func(t *testing.T) {
		for i := range 5 {
			a, b := seed.Generate(spec, int64(100+i), i), seed.Generate(spec, int64(100+i), i)
			same(t, fmt.Sprintf("account %d", i), a, b)
		}
	})
	t.Run("SeedMatters", func(t *testing.T) {
		other := spec
		other.Seed++
		if encode(t, seed.Generate(spec, 1, 0)) == encode(t, seed.Generate(other, 1, 0)) {
			t.Fatal("seeds 7 and 8 made the same account")
		}
		if encode(t, seed.Generate(spec, 1, 0)) == encode(t, seed.Generate(spec, 1, 10)) {
			t.Fatal("indexes 0 and 10 made the same account")
		}
	})
	t.Run("Valid", func(t *testing.T) {
		for i := range spec.Accounts {
			validate(t, seed.Generate(spec, int64(i+1), i))
		}
	})
	t.Run("ChatsConsistent", func(t *testing.T) {
		for i := range spec.Accounts {
			consistent(t, seed.Generate(spec, int64(i+1), i))
		}
	})
}

// validate fails unless every record of a passes its domain validation.
func validate(t *testing.T, a *seed.Account) {
	t.Helper()
	check := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("account %d: %s: %v", a.Chat.ID, what, err)
		}
	}
	check("chat account", a.Chat.Validate())
	check("support account", a.Support.Validate())
	for _, x := range a.Agents {
		check("agent "+x.Email, x.Validate())
	}
	for _, x := range a.Users {
		check("user "+x.Email, x.Validate())
	}
	for _, x := range a.Chats {
		check("chat "+x.ID, x.Validate())
	}
	for _, x := range a.Visitors {
		check("visitor "+x.ID, x.Validate())
	}
	for _, x := range a.OAuthClients {
		check("client "+x.Name, x.Validate())
	}
	for _, x := range a.Apps {
		check("app "+x.Name, x.Validate())
	}
	for _, x := range a.Tickets {
		check("ticket "+x.Subject, x.Validate())
	}
	for _, x := range a.Billing {
		x.ID = 1 // allocated when loaded
		check("billing "+x.Product, x.Validate())
		x.ID = 0
	}
}

// consistent fails unless a's chats agree with their history, agents,
// visitors, tickets and analytics.
func consistent(t *testing.T, a *seed.Account) {
	t.Helper()
	agents := map[int64]*chatlift.Agent{}
	for _, g := range a.Agents {
		agents[g.ID] = g
	}
	visitors := map[string]bool{}
	for _, v := range a.Visitors {
		visitors[v.ID] = true
	}
	idShape := regexp.MustCompile(fmt.Sprintf(`^\d{4}\.%d\.[A-Z2-7]{8}$`, a.Chat.ID))
	chats := map[string]*chatlift.Chat{}
	for _, c := range a.Chats {
		if !idShape.MatchString(c.ID) || c.ID[:4] != c.Timestamp.Format("0601") || chats[c.ID] != nil {
			t.Fatalf("chat id %q: wrong shape, month or duplicate", c.ID)
		}
		chats[c.ID] = c
		if !visitors[c.Visitor.ID] {
			t.Fatalf("chat %s: visitor %s not among visitors", c.ID, c.Visitor.ID)
		}
		checkCounts(t, c)
		for k, id := range c.AgentIDs {
			if agents[id] == nil || agents[id].DisplayName != c.AgentNames[k] {
				t.Fatalf("chat %s: agent %d / %q not an agent", c.ID, id, c.AgentNames[k])
			}
		}
		if served := len(c.AgentIDs) > 0; c.Type == chatlift.ChatTypeChat && served == c.Missed || served != (c.ResponseTime != nil) {
			t.Fatalf("chat %s: %d agents, missed %v, response time %v", c.ID, len(c.AgentIDs), c.Missed, c.ResponseTime)
		}
	}
	for k, e := range a.Analytics {
		if e.ID != int64(k+1) || chats[e.ChatID] == nil {
			t.Fatalf("event %d: id %d, chat %q", k, e.ID, e.ChatID)
		}
	}
	for _, tk := range a.Tickets {
		if c := chats[tk.ChatID]; tk.ChatID != "" && (c == nil || *c.TicketID != tk.ID || tk.Via.Channel != "chat") {
			t.Fatalf("ticket %d: chat %q does not point back", tk.ID, tk.ChatID)
		}
	}
}

// checkCounts fails unless c's counts and times follow from its history.
func checkCounts(t *testing.T, c *chatlift.Chat) {
	t.Helper()
	var n chatlift.MessageCount
	for _, m := range c.History {
		if m.Type == "chat.msg" && m.SenderType == "Visitor" {
			n.Visitor++
		} else if m.Type == "chat.msg" && m.SenderType == "Agent" {
			n.Agent++
		}
	}
	n.Total = n.Visitor + n.Agent
	last := c.History[len(c.History)-1].Timestamp
	if n != c.Count || !c.History[0].Timestamp.Equal(c.Timestamp) || !last.Equal(*c.EndTimestamp) ||
		c.Duration != int(last.Sub(c.Timestamp).Seconds()) || c.UpdateTimestamp.Before(last) {
		t.Fatalf("chat %s: count %+v for history %+v, or times disagree", c.ID, c.Count, n)
	}
	if rt := c.ResponseTime; rt != nil && (rt.First <= 0 || rt.Avg > rt.Max || rt.First > rt.Max) {
		t.Fatalf("chat %s: response time %+v", c.ID, rt)
	}
}

func TestFleetCoversEveryCase(t *testing.T) {
	t.Parallel()
	for _, size := range []int{5, 10} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			spec := seed.Spec{Accounts: size, ChatsPerAccount: 20, Seed: 3, Start: start}
			found := map[string]bool{}
			for i := range size {
				for _, c := range cases(t, seed.Generate(spec, int64(i+1), i)) {
					found[c] = true
				}
			}
			for _, want := range allCases {
				if !found[want] {
					t.Errorf("no account with %s", want)
				}
			}
		})
	}
}

var allCases = []string{"same owner email", "different owner emails", "agent emails differing in case", "chat-only agent",
	"support-only agent", "chat admin", "custom role assigned", "department with members", "skill", "trigger", "shortcut",
	"ip ban", "visitor ban", "goal", "ip restrictions", "saml", "integration", "public client", "confidential client",
	"message channel", "same billing", "different billing", "different cycle", "different currency", "subscriptions",
	"explore", "public app", "private app", "chat app", "ticket from chat", "japanese name", "accented name", "emoji name",
	"unicode agent", "unicode visitor", "empty account", "large transcript", "missed chat", "offline message", "rated chat"}

// cases lists the cases of allCases that a covers.
func cases(t *testing.T, a *seed.Account) []string {
	var out []string
	has := func(name string, ok bool) {
		if ok {
			out = append(out, name)
		}
	}
	has("same owner email", a.Chat.OwnerEmail == a.Support.OwnerEmail)
	has("different owner emails", chatlift.NormalizeEmail(a.Chat.OwnerEmail) != chatlift.NormalizeEmail(a.Support.OwnerEmail))
	people(a, has)
	configuration(t, a, has)
	history(a, has)
	platform(a, has)
	has("japanese name", containsRune(a.Chat.Name, unicode.Han, unicode.Hiragana, unicode.Katakana))
	has("accented name", containsRune(a.Chat.Name, unicode.Latin) && !isASCII(a.Chat.Name))
	has("emoji name", containsRune(a.Chat.Name, unicode.So))
	has("empty account", len(a.Agents) == 1 && len(a.Chats)+len(a.Visitors)+len(a.Analytics) == 0 && a.Users[0].Owner)
	return out
}

func people(a *seed.Account, has func(string, bool)) {
	users := map[string]*chatlift.User{}
	for _, u := range a.Users {
		users[chatlift.NormalizeEmail(u.Email)] = u
	}
	agents := map[string]bool{}
	for _, g := range a.Agents {
		u := users[chatlift.NormalizeEmail(g.Email)]
		agents[chatlift.NormalizeEmail(g.Email)] = true
		has("agent emails differing in case", u != nil && u.Email != g.Email)
		has("chat-only agent", u == nil)
		has("chat admin", g.Role == chatlift.ChatRoleAdmin)
		has("unicode agent", !isASCII(g.DisplayName))
	}
	for _, u := range a.Users {
		has("support-only agent", u.Role != chatlift.UserRoleEndUser && !agents[chatlift.NormalizeEmail(u.Email)])
	}
}

func configuration(t *testing.T, a *seed.Account, has func(string, bool)) {
	for _, o := range a.Objects {
		var body struct {
			ID         int64             `json:"id"`
			Custom     bool              `json:"custom"`
			Perms      map[string]string `json:"permissions"`
			Members    []int64           `json:"members"`
			Type       string            `json:"type"`
			Messages   int               `json:"message_count"`
			Definition struct {
				Event     string `json:"event"`
				Condition []any  `json:"condition"`
				Actions   []any  `json:"actions"`
			} `json:"definition"`
		}
		must(t, json.Unmarshal(o.Body, &body))
		switch o.Kind {
		case chatlift.KindRole:
			for _, g := range a.Agents {
				has("custom role assigned", body.Custom && len(body.Perms) > 0 && g.RoleID == o.ID)
			}
		case chatlift.KindDepartment:
			has("department with members", len(body.Members) > 0)
		case chatlift.KindTrigger:
			d := body.Definition
			has("trigger", d.Event != "" && len(d.Condition) > 0 && len(d.Actions) > 0)
		case chatlift.KindBan:
			has("ip ban", body.Type == "ip_address")
			has("visitor ban", body.Type == "visitor")
		case chatlift.KindMessageChannel:
			has("message channel", body.Messages > 0)
		}
		has(string(o.Kind), o.Kind == chatlift.KindSkill || o.Kind == chatlift.KindShortcut ||
			o.Kind == chatlift.KindGoal || o.Kind == chatlift.KindIntegration)
	}
	has("ip restrictions", len(a.Chat.IPRestrictions) > 0)
	has("saml", a.Chat.SSO == "saml")
	for _, c := range a.OAuthClients {
		has(c.ClientType+" client", len(c.RedirectURIs) > 0 && len(c.Scopes) > 0)
	}
}

func history(a *seed.Account, has func(string, bool)) {
	for _, c := range a.Chats {
		has("large transcript", len(c.History) >= 1800)
		has("missed chat", c.Missed)
		has("offline message", c.Type == chatlift.ChatTypeOfflineMsg)
		has("rated chat", c.Rating != nil)
	}
	for _, v := range a.Visitors {
		has("unicode visitor", !isASCII(v.Name))
	}
}

func platform(a *seed.Account, has func(string, bool)) {
	var support, chat *chatlift.BillingAccount
	for _, b := range a.Billing {
		if b.Product == "support" {
			support = b
		} else {
			chat = b
		}
	}
	has("same billing", chatlift.SameBilling(support, chat))
	has("different billing", !chatlift.SameBilling(support, chat))
	has("different cycle", support.Frequency != chat.Frequency && !support.TermEnd.Equal(chat.TermEnd))
	has("different currency", support.Currency != chat.Currency)
	has("subscriptions", len(a.Subscriptions) == 2 && a.Subscriptions[0].Seats > 0)
	has("explore", a.Support.Explore)
	for _, app := range a.Apps {
		has(app.Kind+" app", true)
		has("chat app", len(app.Products) == 1 && app.Products[0] == "chat")
	}
	for _, tk := range a.Tickets {
		has("ticket from chat", tk.Via.Channel == "chat" && tk.ChatID != "")
	}
}

func containsRune(s string, tables ...*unicode.RangeTable) bool {
	for _, r := range s {
		if r > unicode.MaxASCII && unicode.In(r, tables...) {
			return true
		}
	}
	return false
}

func isASCII(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII {
			return false
		}
	}
	return true
}
