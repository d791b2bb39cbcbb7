package seed

import (
	"time"

	"github.com/chatlift/chatlift"
)

// Chat permissions of the generated roles, and the levels they take.
var permissionNames = []string{"chats_view", "chats_edit", "chats_delete", "visitors_edit", "analytics_view",
	"shortcuts_manage", "departments_manage", "bans_manage", "settings_edit"}

// roles adds the built-in chat roles (ids 1-3) and, on some accounts, custom
// ones.
func (g *gen) roles() {
	all := permissions("all", "all", "all", "all", "all", "all", "all", "all", "all")
	g.addRole(&chatlift.Role{ID: 1, Name: chatlift.ChatRoleOwner, Description: "Account owner", Permissions: all})
	g.addRole(&chatlift.Role{ID: 2, Name: chatlift.ChatRoleAdmin, Description: "Administrator", Permissions: all})
	g.addRole(&chatlift.Role{ID: 3, Name: chatlift.ChatRoleAgent, Description: "Agent",
		Permissions: permissions("all", "own", "none", "all", "own", "own", "none", "all", "none")})
	if !g.t.customRoles || g.t.empty {
		return
	}
	g.addRole(&chatlift.Role{ID: 4, Name: "Team Lead", Description: "Agents who supervise a team", Custom: true,
		Permissions: permissions("all", "all", "own", "all", "all", "all", "own", "all", "none")})
	if g.chance(0.6) {
		g.addRole(&chatlift.Role{ID: 5, Name: "スーパーバイザー", Description: "閲覧と分析のみ", Custom: true,
			Permissions: permissions("all", "none", "none", "none", "all", "none", "none", "none", "none")})
	}
}

func permissions(levels ...string) map[string]string {
	m := make(map[string]string, len(levels))
	for i, l := range levels {
		m[permissionNames[i]] = l
	}
	return m
}

func (g *gen) addRole(r *chatlift.Role) {
	g.objs = append(g.objs, object{chatlift.KindRole, r.ID, r})
}

// role returns the role object with id.
func (g *gen) role(id int64) *chatlift.Role {
	for _, o := range g.objs {
		if o.kind == chatlift.KindRole && o.id == id {
			return o.body.(*chatlift.Role)
		}
	}
	return nil
}

// staff adds the owners, then agents in both products (some with emails
// that differ only in case), chat-only agents, support-only agents and the
// support account's end users.
func (g *gen) staff() {
	chatOwner := g.newPerson()
	supportOwner := chatOwner
	if !g.t.sameOwners {
		supportOwner = g.newPerson()
	}
	g.a.Chat.OwnerEmail, g.a.Support.OwnerEmail = chatOwner.email, supportOwner.email
	g.agent(chatOwner, chatOwner.email, g.role(1))
	g.user(supportOwner, supportOwner.email, chatlift.UserRoleAdmin).Owner = true
	if g.t.empty {
		return
	}
	if !g.t.sameOwners && g.index%4 == 1 {
		g.user(chatOwner, chatOwner.email, chatlift.UserRoleAdmin) // the chat owner administers support too
	}
	for k := range g.between(1, 4) {
		g.sharedAgent(k)
	}
	if g.t.chatOnly {
		for range g.between(1, 3) {
			p := g.newPerson()
			g.agent(p, p.email, g.chatRole(0.2))
		}
	}
	for range g.between(1, 3) {
		g.supportOnlyAgent()
	}
	for range g.between(1, 3) {
		p := g.newPerson()
		g.user(p, localPart(p.email)+"@"+pick(g.r, publicMailDomains), chatlift.UserRoleEndUser)
	}
}

// sharedAgent adds a person who is an agent in both products. The first of
// an account is a chat admin, who on some accounts is only an agent in
// support.
func (g *gen) sharedAgent(k int) {
	p := g.newPerson()
	chatEmail := p.email
	if g.t.caseDiff && (k == 0 || g.chance(0.3)) {
		chatEmail = capitalized(p.email)
	}
	role, supportRole := g.chatRole(0.15), chatlift.UserRoleAgent
	if k == 0 {
		role = g.role(2)
		if g.index%4 < 2 {
			supportRole = chatlift.UserRoleAdmin
		}
	} else if g.chance(0.1) {
		supportRole = chatlift.UserRoleAdmin
	}
	g.agent(p, chatEmail, role)
	g.user(p, p.email, supportRole)
}

func (g *gen) supportOnlyAgent() {
	p := g.newPerson()
	role := chatlift.UserRoleAgent
	if g.chance(0.3) {
		role = chatlift.UserRoleAdmin
	}
	u := g.user(p, p.email, role)
	if role == chatlift.UserRoleAgent && g.chance(0.3) {
		light := chatlift.RoleTypeLightAgent
		u.RoleType = &light
	}
}

// chatRole picks an administrator with probability admin, else a custom
// role (where the account has them) or a plain agent.
func (g *gen) chatRole(admin float64) *chatlift.Role {
	switch {
	case g.chance(admin):
		return g.role(2)
	case g.t.customRoles && g.chance(0.5):
		if r := g.role(int64(4 + g.r.IntN(2))); r != nil {
			return r
		}
		return g.role(4)
	}
	return g.role(3)
}

func (g *gen) agent(p person, email string, role *chatlift.Role) *chatlift.Agent {
	a := &chatlift.Agent{ID: int64(len(g.a.Agents) + 1), Email: email, DisplayName: p.display, FirstName: p.first,
		LastName: p.last, Role: role.Name, RoleID: role.ID, Enabled: len(g.a.Agents) == 0 || g.chance(0.92),
		CreatedAt: g.born.Add(time.Duration(len(g.a.Agents)*g.between(1, 40)) * 24 * time.Hour)}
	g.a.Agents = append(g.a.Agents, a)
	return a
}

func (g *gen) user(p person, email, role string) *chatlift.User {
	u := &chatlift.User{ID: int64(len(g.a.Users) + 1), Email: email, Name: p.display, Role: role, Active: true,
		CreatedAt: g.a.Support.CreatedAt.Add(time.Duration(len(g.a.Users)*g.between(1, 60)) * 24 * time.Hour)}
	g.a.Users = append(g.a.Users, u)
	return u
}

// chatAgents returns the enabled agents who answer chats.
func (g *gen) chatAgents() []*chatlift.Agent {
	var out []*chatlift.Agent
	for _, a := range g.a.Agents {
		if a.Enabled {
			out = append(out, a)
		}
	}
	return out
}
