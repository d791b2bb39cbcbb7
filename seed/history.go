package seed

import (
	"fmt"
	"time"

	"github.com/chatlift/chatlift"
)

// history adds the visitors, the chats spread over the historySpan that
// ends historyEnd before the present, and the analytics events and agent
// timeline the chats made.
func (g *gen) history() {
	n := g.spec.ChatsPerAccount
	if n <= 0 {
		return
	}
	g.visitors(max(1, n*2/3))
	large := -1
	if g.t.largeChat {
		large = g.r.IntN(n)
	}
	ids := make(map[string]bool, n)
	step := historySpan / time.Duration(n)
	for k := range n {
		offset := step*time.Duration(k) + time.Duration(g.r.Int64N(int64(step)))
		ts := g.now.Add(-historySpan - historyEnd + offset).Truncate(time.Second)
		v := pick(g.r, g.a.Visitors)
		c := g.chat(g.chatID(ts, ids), ts, v, k == large)
		if v.CreatedAt.IsZero() {
			v.CreatedAt = ts
		}
		if c.UpdateTimestamp.After(v.UpdatedAt) {
			v.UpdatedAt = c.UpdateTimestamp
		}
		g.a.Chats = append(g.a.Chats, c)
	}
	for _, v := range g.a.Visitors {
		if v.CreatedAt.IsZero() { // browsed, never chatted
			v.CreatedAt = g.after(g.now, -int(historySpan.Seconds()), -3600)
			v.UpdatedAt = v.CreatedAt
		}
	}
	g.analytics()
	g.agentTimeline()
}

// chatID returns a new id of the chat API's shape: "YYMM.account.XXXXXXXX".
func (g *gen) chatID(ts time.Time, taken map[string]bool) string {
	for {
		id := fmt.Sprintf("%s.%d.%s", ts.Format("0601"), g.a.Chat.ID, g.base32(8))
		if !taken[id] {
			taken[id] = true
			return id
		}
	}
}

func (g *gen) visitors(n int) {
	for k := range n {
		p := pick(g.r, people)
		v := &chatlift.Visitor{ID: fmt.Sprintf("%d.%d%s", g.a.Chat.ID, k+1, g.base32(6)), Name: p.first + " " + p.last}
		if p.familyFirst {
			v.Name = p.last + p.first
		}
		if g.chance(0.7) {
			v.Email = fmt.Sprintf("%s.%s%d@%s", p.mailFirst, p.mailLast, g.r.IntN(100), pick(g.r, publicMailDomains))
		} else if g.chance(0.5) {
			v.Name = fmt.Sprintf("Visitor %d", 10000000+g.r.IntN(90000000))
		}
		if g.chance(0.3) {
			v.Phone = fmt.Sprintf("+%d %03d %04d", 1+g.r.IntN(90), g.r.IntN(1000), g.r.IntN(10000))
		}
		if g.chance(0.1) {
			v.Notes = "Prefers email follow-up ✉️"
		}
		if g.chance(0.3) {
			v.Tags = []string{pick(g.r, chatTags)}
		}
		g.a.Visitors = append(g.a.Visitors, v)
	}
}

// chat makes one conversation: an offline message, a missed chat or a
// served one (the large one always served).
func (g *gen) chat(id string, ts time.Time, v *chatlift.Visitor, large bool) *chatlift.Chat {
	c := &chatlift.Chat{ID: id, Type: chatlift.ChatTypeChat, Timestamp: ts, Session: g.session(ts),
		Visitor: chatlift.ChatVisitor{ID: v.ID, Name: v.Name, Email: v.Email, Phone: v.Phone, Notes: v.Notes}}
	for range g.r.IntN(3) {
		c.Tags = append(c.Tags, pick(g.r, chatTags))
	}
	t := &transcript{g: g, at: ts, visitor: v.Name}
	switch roll := g.r.Float64(); {
	case !large && roll < 0.07:
		c.Type = chatlift.ChatTypeOfflineMsg
		t.visitorSays(0, 0)
	case !large && roll < 0.15:
		c.Missed = true
		g.missed(c, t)
	default:
		g.served(c, t, large)
	}
	finish(c, t.h)
	if g.chance(0.2) {
		c.UpdateTimestamp = g.after(c.UpdateTimestamp, 60, 86400) // tagged or noted later
	}
	return c
}

func (g *gen) session(ts time.Time) chatlift.ChatSession {
	b := pick(g.r, browsers)
	city, country := pick(g.r, g.loc.cities), g.loc.country
	if g.chance(0.1) {
		other := pick(g.r, locales)
		city, country = pick(g.r, other.cities), other.country
	}
	return chatlift.ChatSession{IP: g.ip(), City: city, CountryCode: country, Browser: b.name, Platform: b.platform,
		UserAgent: b.userAgent, StartDate: ts}
}

// ip returns a public-looking IPv4 address.
func (g *gen) ip() string {
	first := pick(g.r, []int{24, 51, 73, 81, 92, 126, 133, 175, 185, 203})
	return fmt.Sprintf("%d.%d.%d.%d", first, g.r.IntN(256), g.r.IntN(256), 1+g.r.IntN(254))
}

func (g *gen) missed(c *chatlift.Chat, t *transcript) {
	if len(g.depts) > 0 && g.chance(0.5) {
		c.DepartmentID = &pick(g.r, g.depts).ID
	}
	t.join(nil, 0, 0)
	for range g.between(1, 3) {
		t.visitorSays(5, 60)
	}
	t.leave(60, 300)
}

// served makes a chat answered by one agent, or by two when it was
// transferred, with an optional rating and comment.
func (g *gen) served(c *chatlift.Chat, t *transcript, large bool) {
	agents := g.chatAgents()
	if len(g.depts) > 0 && g.chance(0.8) {
		d := pick(g.r, g.depts)
		c.DepartmentID = &d.ID
		if members := g.enabled(d.Members); len(members) > 0 {
			agents = members
		}
	}
	msgs, gap := g.between(4, 24), 90
	if large {
		msgs, gap = g.between(largeTranscript-100, largeTranscript+100), 20
	}
	t.join(nil, 0, 0)
	if g.chance(0.2) {
		c.Triggered = true
		t.add(chatlift.Message{Type: "chat.msg", Name: g.a.Chat.Name, SenderType: "Trigger", Msg: c.Visitor.Name + ", " + lines(agentLines, g.loc.lang)[0]}, 1, 5)
	}
	t.visitorSays(5, 30)
	first := pick(g.r, agents)
	g.engage(c, t, first, 5, 120)
	second := first
	if len(agents) > 1 && g.chance(0.15) {
		for second == first {
			second = pick(g.r, agents)
		}
	}
	for k := 0; k < msgs-2; k++ {
		if k == (msgs-2)/2 && second != first {
			g.engage(c, t, second, 10, 60)
		}
		if g.chance(0.5) {
			t.visitorSays(3, gap)
		} else {
			t.agentSays(3, gap)
		}
	}
	g.rate(c, t)
	t.leave(5, 60)
}

// engage has agent join c and answer.
func (g *gen) engage(c *chatlift.Chat, t *transcript, agent *chatlift.Agent, lo, hi int) {
	t.join(agent, lo, hi)
	c.AgentIDs = append(c.AgentIDs, agent.ID)
	c.AgentNames = append(c.AgentNames, agent.DisplayName)
	c.Engagements = append(c.Engagements, chatlift.Engagement{ID: fmt.Sprintf("%s.%d", c.ID, len(c.AgentIDs)),
		AgentID: agent.ID, StartTime: t.at, Accepted: true})
	t.agentSays(3, 20)
}

func (g *gen) rate(c *chatlift.Chat, t *transcript) {
	if !g.chance(0.4) {
		return
	}
	rating := pick(g.r, []string{"good", "good", "good", "bad"})
	c.Rating = &rating
	t.add(chatlift.Message{Type: "chat.rating", Name: t.visitor, SenderType: "Visitor", NewRating: rating}, 5, 30)
	if g.chance(0.3) {
		comment := pick(g.r, ratingComments)
		c.Comment = &comment
	}
	c.Engagements[len(c.Engagements)-1].Rating = c.Rating
}

// enabled returns the enabled agents among ids.
func (g *gen) enabled(ids []int64) []*chatlift.Agent {
	var out []*chatlift.Agent
	for _, id := range ids {
		if a := g.a.Agents[id-1]; a.Enabled {
			out = append(out, a)
		}
	}
	return out
}

// tickets adds a few support tickets; some came from a chat and point at it.
func (g *gen) tickets() {
	var assignees []int64
	var requesters []string
	for _, u := range g.a.Users {
		if u.Role == chatlift.UserRoleEndUser {
			requesters = append(requesters, u.Email)
		} else {
			assignees = append(assignees, u.ID)
		}
	}
	for k := range g.between(2, 5) {
		created := g.after(g.now, -int(historySpan.Seconds()), -3600)
		t := &chatlift.Ticket{ID: int64(k + 1), Subject: pick(g.r, ticketSubjects), RequesterEmail: pick(g.r, requesters),
			Status: pick(g.r, []string{"new", "open", "pending", "hold", "solved", "closed"}), Priority: pick(g.r, []string{"low", "normal", "normal", "high", "urgent"}),
			Via: chatlift.ViaChannel(pick(g.r, []string{"web", "email", "email", "api"})), Tags: []string{pick(g.r, chatTags)}}
		t.Description = "Customer wrote: " + t.Subject
		if g.chance(0.8) {
			id := pick(g.r, assignees)
			t.AssigneeID = &id
		}
		if c := g.chatForTicket(k); c != nil {
			t.Via, t.ChatID, c.TicketID = chatlift.ViaChannel("chat"), c.ID, &t.ID
			t.Subject = "Chat with " + c.Visitor.Name
			if c.Visitor.Email != "" {
				t.RequesterEmail = c.Visitor.Email
			}
			created = *c.EndTimestamp
		}
		t.CreatedAt, t.UpdatedAt = created, g.after(created, 60, 10*86400)
		g.a.Tickets = append(g.a.Tickets, t)
	}
}

// chatForTicket picks a served chat without a ticket for the k-th ticket,
// or nil (always one for the first ticket when there are chats).
func (g *gen) chatForTicket(k int) *chatlift.Chat {
	if len(g.a.Chats) == 0 || k > 0 && !g.chance(0.3) {
		return nil
	}
	for range 10 {
		if c := pick(g.r, g.a.Chats); c.TicketID == nil && len(c.AgentIDs) > 0 {
			return c
		}
	}
	return nil
}
