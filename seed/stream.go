package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/chatlift/chatlift"
)

// streamBatch is the chats generated and written at a time by Stream.
const streamBatch = 1000

// Stream adds a large history to account a (already loaded, with its
// agents) without holding it in memory: n chats, each with exactly
// messagesPerChat messages between a visitor and the account's agents, a
// visitor for every three chats, and each chat's chat_served and
// first_response analytics events. It is deterministic for a seed and
// reports the chats written so far to progress.
func Stream(ctx context.Context, store chatlift.ChatStore, a *Account, n, messagesPerChat int, seed int64, progress func(done int)) (chatlift.HistoryCount, error) {
	var count chatlift.HistoryCount
	if n <= 0 {
		return count, nil
	}
	g := newGen(Spec{Seed: seed, Start: DefaultStart}, a.ID(), 0)
	g.a = a
	agents := g.chatAgents()
	if len(agents) == 0 {
		return count, fmt.Errorf("account %d has no enabled agent to serve its chats", a.ID())
	}
	type part struct {
		chats    []*chatlift.Chat
		visitors []*chatlift.Visitor
		events   []*chatlift.AnalyticsEvent
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	parts := make(chan part, 2)
	go func() {
		defer close(parts)
		step := historySpan / time.Duration(n)
		var v *chatlift.Visitor
		event := int64(0)
		for start := 0; start < n; start += streamBatch {
			var p part
			for k := start; k < min(n, start+streamBatch); k++ {
				if k%3 == 0 {
					v = g.streamVisitor(k / 3)
					p.visitors = append(p.visitors, v)
				}
				ts := g.now.Add(-historySpan - historyEnd + step*time.Duration(k)).Truncate(time.Second)
				c := g.streamChat(fmt.Sprintf("%s.%d.%08d", ts.Format("0601"), a.ID(), k), ts, v, agents, messagesPerChat)
				c.AccountID = a.ID()
				p.chats = append(p.chats, c)
				if len(c.AgentIDs) > 0 {
					event += 2
					p.events = append(p.events,
						&chatlift.AnalyticsEvent{AccountID: a.ID(), ID: event - 1, Type: "chat_served", ChatID: c.ID, AgentID: c.AgentIDs[0], Value: float64(c.Duration), Timestamp: c.Timestamp},
						&chatlift.AnalyticsEvent{AccountID: a.ID(), ID: event, Type: "first_response", ChatID: c.ID, AgentID: c.AgentIDs[0], Value: float64(c.ResponseTime.First),
							Timestamp: c.Timestamp.Add(time.Duration(c.ResponseTime.First) * time.Second)})
				}
			}
			select {
			case parts <- p:
			case <-ctx.Done():
				return
			}
		}
	}()
	for p := range parts {
		if err := store.PutVisitors(ctx, p.visitors); err != nil {
			return count, fmt.Errorf("write visitors: %w", err)
		}
		if err := store.PutChats(ctx, p.chats); err != nil {
			return count, fmt.Errorf("write chats: %w", err)
		}
		if err := store.PutAnalytics(ctx, p.events); err != nil {
			return count, fmt.Errorf("write analytics: %w", err)
		}
		count.Chats += int64(len(p.chats))
		count.Visitors += int64(len(p.visitors))
		count.Analytics += int64(len(p.events))
		if progress != nil {
			progress(int(count.Chats))
		}
	}
	return count, ctx.Err()
}

func (g *gen) streamVisitor(k int) *chatlift.Visitor {
	p := pick(g.r, people)
	v := &chatlift.Visitor{AccountID: g.a.ID(), ID: fmt.Sprintf("%d.%08d", g.a.ID(), k), Name: p.first + " " + p.last,
		Email: fmt.Sprintf("%s.%s%d@%s", p.mailFirst, p.mailLast, g.r.IntN(100), pick(g.r, publicMailDomains))}
	v.CreatedAt, v.UpdatedAt = g.now.Add(-historySpan-historyEnd), g.now.Add(-historyEnd)
	return v
}

// streamChat is a served chat of exactly m messages (at least one).
func (g *gen) streamChat(id string, ts time.Time, v *chatlift.Visitor, agents []*chatlift.Agent, m int) *chatlift.Chat {
	c := &chatlift.Chat{ID: id, Type: chatlift.ChatTypeChat, Timestamp: ts, Session: g.session(ts), Tags: []string{pick(g.r, chatTags)},
		Visitor: chatlift.ChatVisitor{ID: v.ID, Name: v.Name, Email: v.Email}}
	t := &transcript{g: g, at: ts, visitor: v.Name}
	if m < 5 {
		c.Type = chatlift.ChatTypeOfflineMsg
		for range max(1, m) {
			t.visitorSays(0, 30)
		}
	} else {
		t.join(nil, 0, 0)
		t.visitorSays(5, 30)
		g.engage(c, t, pick(g.r, agents), 5, 120)
		for range m - 5 {
			if g.chance(0.5) {
				t.visitorSays(3, 90)
			} else {
				t.agentSays(3, 90)
			}
		}
		t.leave(5, 60)
	}
	finish(c, t.h)
	return c
}
