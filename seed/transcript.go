package seed

import (
	"time"

	"github.com/chatlift/chatlift"
)

// transcript builds a chat's history, each entry a few seconds after the
// one before.
type transcript struct {
	g       *gen
	h       []chatlift.Message
	at      time.Time
	visitor string          // the visitor's name
	agent   *chatlift.Agent // the agent answering now
}

// add appends m between lo and hi seconds after the last entry.
func (t *transcript) add(m chatlift.Message, lo, hi int) {
	t.at = t.g.after(t.at, lo, hi)
	m.Timestamp = t.at
	t.h = append(t.h, m)
}

func (t *transcript) visitorSays(lo, hi int) {
	t.add(chatlift.Message{Type: "chat.msg", Name: t.visitor, SenderType: "Visitor",
		Msg: pick(t.g.r, lines(visitorLines, t.g.loc.lang))}, lo, hi)
}

func (t *transcript) agentSays(lo, hi int) {
	id := t.agent.ID
	t.add(chatlift.Message{Type: "chat.msg", Name: t.agent.DisplayName, SenderType: "Agent", AgentID: &id,
		Msg: pick(t.g.r, lines(agentLines, t.g.loc.lang))}, lo, hi)
}

// join adds agent joining the chat, or the visitor when agent is nil.
func (t *transcript) join(agent *chatlift.Agent, lo, hi int) {
	if agent == nil {
		t.add(chatlift.Message{Type: "chat.memberjoin", Name: t.visitor, SenderType: "Visitor"}, lo, hi)
		return
	}
	t.agent = agent
	id := agent.ID
	t.add(chatlift.Message{Type: "chat.memberjoin", Name: agent.DisplayName, SenderType: "Agent", AgentID: &id}, lo, hi)
}

// leave adds the visitor leaving.
func (t *transcript) leave(lo, hi int) {
	t.add(chatlift.Message{Type: "chat.memberleave", Name: t.visitor, SenderType: "Visitor"}, lo, hi)
}

// finish sets what follows from c's history h: counts, response times, end
// and duration, and each engagement's duration.
func finish(c *chatlift.Chat, h []chatlift.Message) {
	c.History = h
	c.Count, c.ResponseTime = tally(h)
	end := h[len(h)-1].Timestamp
	c.EndTimestamp, c.Session.EndDate = &end, &end
	c.UpdateTimestamp = end
	c.Duration = int(end.Sub(c.Timestamp).Seconds())
	for i := range c.Engagements {
		stop := end
		if i+1 < len(c.Engagements) {
			stop = c.Engagements[i+1].StartTime
		}
		c.Engagements[i].Duration = int(stop.Sub(c.Engagements[i].StartTime).Seconds())
	}
}

// tally counts the visitor's and agents' messages in h and how long agents
// took to answer the visitor; it returns nil response times when no agent
// answered.
func tally(h []chatlift.Message) (chatlift.MessageCount, *chatlift.ResponseTime) {
	var n chatlift.MessageCount
	var waiting time.Time // the first visitor message not yet answered
	var times []int
	for _, m := range h {
		if m.Type != "chat.msg" {
			continue
		}
		switch m.SenderType {
		case "Visitor":
			n.Visitor++
			if waiting.IsZero() {
				waiting = m.Timestamp
			}
		case "Agent":
			n.Agent++
			if !waiting.IsZero() {
				times = append(times, int(m.Timestamp.Sub(waiting).Seconds()))
				waiting = time.Time{}
			}
		}
	}
	n.Total = n.Visitor + n.Agent
	if len(times) == 0 {
		return n, nil
	}
	rt := &chatlift.ResponseTime{First: times[0], Max: times[0]}
	sum := 0
	for _, s := range times {
		sum += s
		rt.Max = max(rt.Max, s)
	}
	rt.Avg = sum / len(times)
	return n, rt
}
