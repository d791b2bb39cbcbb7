package seed

import (
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/chatlift/chatlift"
)

// timelineStream keeps the agent timeline's draws apart from the rest of
// the account's, so adding it changed nothing else a seed makes.
const timelineStream = 1 << 40

// Gaps of the generated agent timeline.
const (
	shiftGap  = time.Hour        // engagements closer than this fall in one online stretch
	shiftLead = 30 * time.Minute // online 1 minute to this long before a first engagement
)

// stretch is a time an agent is online: from its first engagement (less a
// lead) to the end of its last chat (plus a few minutes).
type stretch struct {
	from, to    time.Time
	engagements []time.Time
}

// agentTimeline derives each chat agent's status history from the chats:
// offline from before the history until a little before the agent's first
// engagement, online through the chats it serves (engagements less than
// shiftGap apart share a stretch), sometimes away for a few minutes after,
// then offline or invisible until the next stretch. Start times have
// microseconds; the last status lasts until the present.
func (g *gen) agentTimeline() {
	r := rand.New(rand.NewPCG(uint64(g.spec.Seed), uint64(g.index)|timelineStream))
	from := g.now.Add(-historySpan - historyEnd - 24*time.Hour)
	for _, agent := range g.chatAgents() {
		var list []*chatlift.AgentTimelineEntry
		add := func(at time.Time, status string, engagements []time.Time) {
			at = at.Add(time.Duration(r.IntN(1_000_000)) * time.Microsecond)
			list = append(list, &chatlift.AgentTimelineEntry{AgentID: agent.ID, StartTime: at, Status: status, EngagementCount: len(engagements)})
		}
		add(from, chatlift.AgentStatusOffline, nil)
		for _, s := range g.stretches(r, agent.ID) {
			add(s.from, chatlift.AgentStatusOnline, s.engagements)
			if r.Float64() < 0.3 {
				add(s.to, chatlift.AgentStatusAway, nil)
				s.to = s.to.Add(time.Duration(60+r.IntN(840)) * time.Second)
			}
			add(s.to, pick(r, []string{chatlift.AgentStatusOffline, chatlift.AgentStatusOffline, chatlift.AgentStatusInvisible}), nil)
		}
		for i, e := range list {
			end := g.now
			if i+1 < len(list) {
				end = list[i+1].StartTime
			}
			e.Duration = end.Sub(e.StartTime).Seconds()
		}
		g.a.AgentTimeline = append(g.a.AgentTimeline, list...)
	}
	slices.SortFunc(g.a.AgentTimeline, func(a, b *chatlift.AgentTimelineEntry) int { return strings.Compare(a.Key(), b.Key()) })
}

// stretches returns the times agent is online to serve its chats, in order,
// each ending at least shiftGap before the next begins.
func (g *gen) stretches(r *rand.Rand, agent int64) []stretch {
	var served []stretch // one per engagement
	for _, c := range g.a.Chats {
		for _, e := range c.Engagements {
			if e.AgentID == agent && c.EndTimestamp != nil {
				served = append(served, stretch{from: e.StartTime, to: *c.EndTimestamp, engagements: []time.Time{e.StartTime}})
			}
		}
	}
	slices.SortStableFunc(served, func(a, b stretch) int { return a.from.Compare(b.from) })
	var out []stretch
	for _, s := range served {
		s.to = s.to.Add(time.Duration(60+r.IntN(540)) * time.Second)
		if n := len(out); n > 0 && s.from.Sub(out[n-1].to) < shiftGap {
			if s.to.After(out[n-1].to) {
				out[n-1].to = s.to
			}
			out[n-1].engagements = append(out[n-1].engagements, s.from)
			continue
		}
		lead := time.Minute + time.Duration(r.Int64N(int64(shiftLead-time.Minute)))
		s.from = s.from.Add(-lead).Truncate(time.Second)
		out = append(out, s)
	}
	return out
}
