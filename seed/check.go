package seed

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/chatlift/chatlift"
)

// check fills in a's defaults and reports its first problem as an EINVALID
// error that names the field ("agents[2]: ..."). Running it again changes
// nothing. The defaults are listed in docs/seed-format.md.
func (a *Account) check() error {
	if a.Chat == nil {
		return invalid("chat: required")
	} else if a.Support == nil {
		return invalid("support: required")
	}
	for _, step := range []func() error{a.checkAccounts, a.checkAgents, a.checkObjects, a.checkHistory,
		a.checkAnalytics, a.checkAgentTimeline, a.checkClients, a.checkUsers, a.checkApps, a.checkTickets, a.checkBilling, a.checkSubscriptions} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func (a *Account) checkAccounts() error {
	c, s := a.Chat, a.Support
	if s.ID == 0 {
		s.ID = c.ID
	}
	if s.ID != c.ID {
		return invalid("support.id %d differs from chat.id %d: a customer's two accounts share one id", s.ID, c.ID)
	}
	c.Name = cmp.Or(c.Name, s.Name)
	s.Name = cmp.Or(s.Name, c.Name)
	c.State = cmp.Or(c.State, chatlift.ChatAccountActive)
	s.Subdomain = cmp.Or(s.Subdomain, fmt.Sprintf("account-%d", c.ID))
	if err := c.Validate(); err != nil {
		return within("chat: ", err)
	}
	return within("support: ", s.Validate())
}

func (a *Account) checkAgents() error {
	if a.chatOwner() == nil {
		a.Agents = append(a.Agents, &chatlift.Agent{Email: a.Chat.OwnerEmail, DisplayName: localPart(a.Chat.OwnerEmail),
			Role: chatlift.ChatRoleOwner, Enabled: true})
	}
	fillIDs(a.Agents, func(g *chatlift.Agent) *int64 { return &g.ID })
	ids, emails := map[int64]bool{}, map[string]bool{}
	owner := chatlift.NormalizeEmail(a.Chat.OwnerEmail)
	return each("agents", a.Agents, func(g *chatlift.Agent) error {
		g.Role = cmp.Or(g.Role, chatlift.ChatRoleAgent)
		if err := g.Validate(); err != nil {
			return err
		}
		key := chatlift.NormalizeEmail(g.Email)
		switch {
		case ids[g.ID]:
			return invalid("duplicate agent id %d", g.ID)
		case emails[key]:
			return invalid("email %q is another agent's too (emails match without regard to case)", g.Email)
		case key == owner && g.Role != chatlift.ChatRoleOwner:
			return invalid("the chat owner %s must have role %q", g.Email, chatlift.ChatRoleOwner)
		case key != owner && g.Role == chatlift.ChatRoleOwner:
			return invalid("role %q belongs to the chat owner %s alone", chatlift.ChatRoleOwner, a.Chat.OwnerEmail)
		}
		ids[g.ID], emails[key] = true, true
		return nil
	})
}

// objectBodies makes, for each object kind, the struct its body decodes into.
var objectBodies = map[chatlift.ObjectKind]func() any{
	chatlift.KindRole: func() any { return new(chatlift.Role) }, chatlift.KindDepartment: func() any { return new(chatlift.Department) },
	chatlift.KindSkill: func() any { return new(chatlift.Skill) }, chatlift.KindTrigger: func() any { return new(chatlift.Trigger) },
	chatlift.KindShortcut: func() any { return new(chatlift.Shortcut) }, chatlift.KindBan: func() any { return new(chatlift.Ban) },
	chatlift.KindGoal: func() any { return new(chatlift.Goal) }, chatlift.KindIntegration: func() any { return new(chatlift.Integration) },
	chatlift.KindMessageChannel: func() any { return new(chatlift.MessageChannel) },
}

func (a *Account) checkObjects() error {
	seen := map[string]bool{}
	return each("objects", a.Objects, func(o *chatlift.Object) error {
		newBody, ok := objectBodies[o.Kind]
		if !ok {
			return invalid("unknown kind %q", o.Kind)
		} else if o.ID <= 0 {
			return invalid("id must be positive")
		}
		if err := distinct(seen, fmt.Sprintf("%s %d", o.Kind, o.ID), "object"); err != nil {
			return err
		}
		if err := strictJSON(o.Body, newBody()); err != nil {
			return invalid("body: %s", err)
		}
		var head struct {
			ID int64 `json:"id"`
		}
		_ = json.Unmarshal(o.Body, &head) // it decoded strictly above
		if head.ID != o.ID {
			return invalid("body id %d differs from id %d", head.ID, o.ID)
		}
		return within("body: ", o.Validate())
	})
}

// checkHistory checks visitors and chats and adds the visitors chats name
// but the account does not list.
func (a *Account) checkHistory() error {
	visitors := map[string]bool{}
	err := each("visitors", a.Visitors, func(v *chatlift.Visitor) error {
		if err := v.Validate(); err != nil {
			return err
		}
		return distinct(visitors, v.ID, "visitor id")
	})
	if err != nil {
		return err
	}
	agents := a.agentIDs()
	chats := map[string]bool{}
	return each("chats", a.Chats, func(c *chatlift.Chat) error {
		if err := c.Validate(); err != nil {
			return err
		} else if err := distinct(chats, c.ID, "chat id"); err != nil {
			return err
		} else if c.Visitor.ID == "" {
			return invalid("visitor.id required")
		}
		for _, id := range c.AgentIDs {
			if !agents[id] {
				return invalid("agent_ids: no agent %d", id)
			}
		}
		if c.UpdateTimestamp.IsZero() {
			c.UpdateTimestamp = c.Timestamp
			if c.EndTimestamp != nil && c.EndTimestamp.After(c.Timestamp) {
				c.UpdateTimestamp = *c.EndTimestamp
			}
		}
		if !visitors[c.Visitor.ID] {
			v := &chatlift.Visitor{ID: c.Visitor.ID, Name: c.Visitor.Name, Email: c.Visitor.Email, Phone: c.Visitor.Phone,
				Notes: c.Visitor.Notes, CreatedAt: c.Timestamp, UpdatedAt: c.UpdateTimestamp}
			if err := v.Validate(); err != nil {
				return within("visitor: ", err)
			}
			visitors[v.ID], a.Visitors = true, append(a.Visitors, v)
		}
		return nil
	})
}

func (a *Account) checkAnalytics() error {
	fillIDs(a.Analytics, func(e *chatlift.AnalyticsEvent) *int64 { return &e.ID })
	chats, ids := a.chatIDs(), map[int64]bool{}
	return each("analytics", a.Analytics, func(e *chatlift.AnalyticsEvent) error {
		switch {
		case !slices.Contains(chatlift.AnalyticsEventTypes, e.Type):
			return invalid("type %q is none of %s", e.Type, strings.Join(chatlift.AnalyticsEventTypes, ", "))
		case e.ChatID != "" && !chats[e.ChatID]:
			return invalid("chat_id: no chat %q", e.ChatID)
		}
		return distinct(ids, e.ID, "event id")
	})
}

func (a *Account) checkAgentTimeline() error {
	agents, keys := a.agentIDs(), map[string]bool{}
	return each("agent_timeline", a.AgentTimeline, func(e *chatlift.AgentTimelineEntry) error {
		if err := e.Validate(); err != nil {
			return err
		} else if !agents[e.AgentID] {
			return invalid("agent_id: no agent %d", e.AgentID)
		}
		return distinct(keys, e.Key(), "agent and start_time")
	})
}

func (a *Account) checkClients() error {
	fillIDs(a.OAuthClients, func(c *chatlift.OAuthClient) *int64 { return &c.ID })
	agents, ids, idents := a.agentIDs(), map[int64]bool{}, map[string]bool{}
	return each("oauth_clients", a.OAuthClients, func(c *chatlift.OAuthClient) error {
		if err := c.Validate(); err != nil {
			return err
		} else if c.AgentID != 0 && !agents[c.AgentID] {
			return invalid("agent_id: no agent %d", c.AgentID)
		} else if err := distinct(ids, c.ID, "client id"); err != nil {
			return err
		}
		return distinct(idents, c.ClientIdentifier, "client_identifier")
	})
}

func (a *Account) agentIDs() map[int64]bool {
	m := make(map[int64]bool, len(a.Agents))
	for _, g := range a.Agents {
		m[g.ID] = true
	}
	return m
}

func (a *Account) chatIDs() map[string]bool {
	m := make(map[string]bool, len(a.Chats))
	for _, c := range a.Chats {
		m[c.ID] = true
	}
	return m
}
