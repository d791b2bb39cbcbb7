package seed

import (
	"fmt"
	"time"

	"github.com/chatlift/chatlift"
)

// departments adds one to three departments, each with members.
func (g *gen) departments() {
	names := lines(departmentNames, g.loc.lang)
	agents := g.chatAgents()
	for k := range g.between(1, 3) {
		d := &chatlift.Department{ID: int64(k + 1), Name: names[k], Description: names[k] + " team",
			Enabled: k == 0 || g.chance(0.85)}
		d.Settings.ChatEnabled = true
		for _, a := range agents {
			if g.chance(0.6) {
				d.Members = append(d.Members, a.ID)
			}
		}
		if len(d.Members) == 0 {
			d.Members = []int64{pick(g.r, agents).ID}
		}
		for _, id := range d.Members {
			ag := g.a.Agents[id-1]
			ag.Departments = append(ag.Departments, d.ID)
		}
		g.depts = append(g.depts, d)
		g.objs = append(g.objs, object{chatlift.KindDepartment, d.ID, d})
	}
}

// skills adds up to three routing skills with their members.
func (g *gen) skills() {
	for k, i := range g.r.Perm(len(skillNames))[:g.r.IntN(4)] {
		s := &chatlift.Skill{ID: int64(k + 1), Name: skillNames[i], Description: "Agents who handle " + skillNames[i], Enabled: true}
		for _, a := range g.chatAgents() {
			if g.chance(0.5) {
				s.Members = append(s.Members, a.ID)
				a.Skills = append(a.Skills, s.ID)
			}
		}
		g.objs = append(g.objs, object{chatlift.KindSkill, s.ID, s})
	}
}

// goalObjects adds up to two conversion goals.
func (g *gen) goalObjects() {
	templates := []chatlift.Goal{
		{Name: "Checkout completed", Description: "Visitor bought something", AttributionModel: "last_touch",
			AttributionPeriod: 30, URL: "https://shop." + g.domain + "/checkout/complete"},
		{Name: "ニュースレター登録", Description: "Newsletter sign-up", AttributionModel: "first_touch",
			AttributionPeriod: 7, URL: "https://www." + g.domain + "/newsletter/thanks"},
	}
	for k := range g.r.IntN(3) {
		goal := templates[k]
		goal.ID, goal.Enabled = int64(k+1), true
		g.goals = append(g.goals, &goal)
		g.objs = append(g.objs, object{chatlift.KindGoal, goal.ID, &goal})
	}
}

// triggerDefinition is a trigger's {event, condition, actions} document.
type triggerDefinition struct {
	Event     string  `json:"event"`
	Condition []any   `json:"condition"`
	Actions   [][]any `json:"actions"`
}

// settings adds triggers, shortcuts, bans and, on some accounts,
// integrations and Message channels.
func (g *gen) settings() {
	g.triggers()
	g.shortcuts()
	g.bans()
	if g.t.integrations {
		for k, i := range g.r.Perm(len(integrations))[:g.between(1, 3)] {
			in := &chatlift.Integration{ID: int64(k + 1), Type: integrations[i].kind, Name: integrations[i].name,
				Enabled: g.chance(0.85), CreatedAt: g.after(g.born, 86400, 400*86400)}
			g.objs = append(g.objs, object{chatlift.KindIntegration, in.ID, in})
		}
	}
	if g.t.channels {
		fb := &chatlift.MessageChannel{ID: 1, Type: "facebook", Name: g.a.Chat.Name + " Facebook", Enabled: true,
			Messages: g.between(100, 5000), ExternalPageOrAccountID: fmt.Sprintf("%d", 100000000000+g.r.Int64N(900000000000))}
		g.objs = append(g.objs, object{chatlift.KindMessageChannel, fb.ID, fb})
		if g.chance(0.5) {
			tw := &chatlift.MessageChannel{ID: 2, Type: "twitter", Name: "@" + g.a.Support.Subdomain, Enabled: g.chance(0.8),
				Messages: g.between(20, 2000), ExternalPageOrAccountID: fmt.Sprintf("%d", 1000000000+g.r.Int64N(9000000000))}
			g.objs = append(g.objs, object{chatlift.KindMessageChannel, tw.ID, tw})
		}
	}
}

func (g *gen) triggers() {
	greeting := lines(agentLines, g.loc.lang)[0]
	defs := []struct {
		name string
		def  triggerDefinition
	}{
		{"Welcome", triggerDefinition{"chat_requested", []any{"and", []any{"eq", "visitor_country_code", g.loc.country}},
			[][]any{{"sendMessageToVisitor", g.a.Chat.Name, greeting}}}},
		{"Pricing page help", triggerDefinition{"page_enter", []any{"and", []any{"icontains", "visitor_page_url", "pricing"}, []any{"stillOnSite", 30}},
			[][]any{{"sendMessageToVisitor", "Bot", "Questions about our plans? We're here 👋"}}}},
		{"Tag returning visitors", triggerDefinition{"chat_requested", []any{"and", []any{"gt", "visitor_previous_visits", 3}},
			[][]any{{"addTag", "returning"}}}},
		{"Route billing questions", triggerDefinition{"chat_requested", []any{"and", []any{"icontains", "visitor_page_title", "billing"}},
			[][]any{{"setDepartment", g.depts[0].ID}}}},
		{"Offline notice", triggerDefinition{"chat_requested", []any{"and", []any{"eq", "account_status", "offline"}},
			[][]any{{"sendMessageToVisitor", "Bot", "We're offline right now; leave us a message."}}}},
	}
	for k, i := range g.r.Perm(len(defs))[:g.between(2, 4)] {
		t := &chatlift.Trigger{ID: int64(k + 1), Name: defs[i].name, Description: "Runs on " + defs[i].def.Event,
			Enabled: g.chance(0.9), Definition: mustJSON(defs[i].def)}
		g.objs = append(g.objs, object{chatlift.KindTrigger, t.ID, t})
	}
}

func (g *gen) shortcuts() {
	agentSays := lines(agentLines, g.loc.lang)
	for k := range g.between(2, 5) {
		s := &chatlift.Shortcut{ID: int64(k + 1), Name: fmt.Sprintf("reply%d", k+1), Message: agentSays[k%len(agentSays)],
			Tags: []string{pick(g.r, chatTags)}, Scope: "all"}
		switch {
		case k == 1:
			s.Options = "Yes/No/Maybe later"
		case k == 2:
			s.Scope, s.Departments = "department", []int64{pick(g.r, g.depts).ID}
		case k == 3:
			s.Scope, s.Agents = "agent", []int64{pick(g.r, g.chatAgents()).ID}
		}
		g.objs = append(g.objs, object{chatlift.KindShortcut, s.ID, s})
	}
}

// bans bars an IP address or two and, where there are visitors, one visitor.
func (g *gen) bans() {
	var id int64
	for range g.between(1, 2) {
		id++
		b := &chatlift.Ban{ID: id, Type: "ip_address", IPAddress: g.ip(), Reason: "Spam", CreatedAt: g.after(g.now, -90*86400, -86400)}
		g.objs = append(g.objs, object{chatlift.KindBan, id, b})
	}
	if len(g.a.Visitors) > 0 {
		id++
		v := pick(g.r, g.a.Visitors)
		b := &chatlift.Ban{ID: id, Type: "visitor", VisitorID: v.ID, VisitorName: v.Name, Reason: "Abusive language",
			CreatedAt: g.after(v.UpdatedAt, 60, 3600)}
		g.objs = append(g.objs, object{chatlift.KindBan, id, b})
	}
}

// oauthClients registers up to three Chat API clients: the first
// confidential, the second public.
func (g *gen) oauthClients() {
	if !g.t.oauthClients {
		return
	}
	templates := []struct{ ident, name, kind, host string }{
		{"crm_sync", "CRM sync", chatlift.ClientConfidential, "crm"},
		{"mobile_dashboard", "Mobile dashboard 📱", chatlift.ClientPublic, "app"},
		{"reporting_export", "Reporting export", chatlift.ClientConfidential, "reports"},
	}
	var admins []int64
	for _, a := range g.a.Agents {
		if a.IsAdmin() {
			admins = append(admins, a.ID)
		}
	}
	for k := range g.between(1, 3) {
		t := templates[k]
		c := &chatlift.OAuthClient{ID: int64(k + 1), Name: t.name, Company: g.a.Chat.Name, ClientType: t.kind,
			ClientIdentifier: fmt.Sprintf("%s_%d_%d", t.ident, g.a.Chat.ID, k+1),
			RedirectURIs:     []string{"https://" + t.host + "." + g.domain + "/oauth/callback"},
			Scopes:           []string{"read", "write"}, AgentID: pick(g.r, admins), CreatedAt: g.after(g.born, 86400, 300*86400)}
		if t.kind == chatlift.ClientPublic {
			c.Scopes = []string{"read"}
			c.RedirectURIs = append(c.RedirectURIs, "http://localhost:3000/callback")
		}
		g.a.OAuthClients = append(g.a.OAuthClients, c)
	}
}

// apps installs one or two marketplace apps and a private app, which is for
// support, chat or both by index.
func (g *gen) apps() {
	installed := g.after(g.a.Support.CreatedAt, 86400, 200*86400)
	for _, i := range g.r.Perm(len(marketplaceApps))[:g.between(1, 2)] {
		m := marketplaceApps[i]
		g.addApp(&chatlift.AppInstallation{AppID: m.id, Name: m.name, Kind: chatlift.AppPublic, Products: append([]string(nil), m.products...), CreatedAt: installed})
	}
	products := [][]string{{"support"}, {"chat"}, {"support", "chat"}}[g.index%3]
	g.addApp(&chatlift.AppInstallation{AppID: 500000 + g.a.Chat.ID, Name: pick(g.r, privateAppNames),
		Kind: chatlift.AppPrivate, Products: products, CreatedAt: installed.Add(time.Hour)})
}

func (g *gen) addApp(app *chatlift.AppInstallation) {
	app.ID, app.Enabled = int64(len(g.a.Apps)+1), g.chance(0.9)
	g.a.Apps = append(g.a.Apps, app)
}
