package seed_test

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/seed"
)

func TestGenerateAgentTimeline(t *testing.T) {
	t.Parallel()
	spec := seed.Spec{Accounts: 5, ChatsPerAccount: 40, Seed: 3, Start: start}
	t.Run("ConsistentWithChats", func(t *testing.T) {
		for i := range spec.Accounts {
			timelineConsistent(t, seed.Generate(spec, int64(i+1), i), spec.Start)
		}
	})
	t.Run("EmptyAccountHasNone", func(t *testing.T) {
		if a := seed.Generate(spec, 5, 4); len(a.AgentTimeline) != 0 {
			t.Fatalf("the empty account has %d timeline entries", len(a.AgentTimeline))
		}
	})
}

// timelineConsistent fails unless a's agent timeline is valid, in key order,
// each agent's entries follow one another without gaps up to now, and every
// engagement of a chat lies in an online entry of its agent that counts it.
func timelineConsistent(t *testing.T, a *seed.Account, now time.Time) {
	t.Helper()
	if a.Chat.ID != 5 && len(a.AgentTimeline) == 0 {
		t.Fatalf("account %d: no agent timeline", a.Chat.ID)
	}
	if !slices.IsSortedFunc(a.AgentTimeline, func(x, y *chatlift.AgentTimelineEntry) int { return strings.Compare(x.Key(), y.Key()) }) {
		t.Fatalf("account %d: timeline not in key order", a.Chat.ID)
	}
	byAgent := map[int64][]*chatlift.AgentTimelineEntry{}
	for _, e := range a.AgentTimeline {
		if err := e.Validate(); err != nil {
			t.Fatalf("account %d: entry %s: %v", a.Chat.ID, e.Key(), err)
		}
		byAgent[e.AgentID] = append(byAgent[e.AgentID], e)
	}
	counted := 0
	for agent, list := range byAgent {
		for k, e := range list {
			end := now
			if k+1 < len(list) {
				end = list[k+1].StartTime
			}
			if math.Abs(e.StartTime.Add(time.Duration(e.Duration*float64(time.Second))).Sub(end).Seconds()) > 1e-6 {
				t.Fatalf("agent %d: entry %s lasts %fs, but the next starts at %s", agent, e.Key(), e.Duration, end)
			}
			if e.EngagementCount > 0 && e.Status != chatlift.AgentStatusOnline {
				t.Fatalf("agent %d: %s entry %s has %d engagements", agent, e.Status, e.Key(), e.EngagementCount)
			}
			counted += e.EngagementCount
		}
	}
	engagements := 0
	for _, c := range a.Chats {
		for _, g := range c.Engagements {
			engagements++
			if e := statusAt(byAgent[g.AgentID], g.StartTime); e == nil || e.Status != chatlift.AgentStatusOnline {
				t.Fatalf("chat %s: agent %d engaged while not online (%+v)", c.ID, g.AgentID, e)
			}
		}
	}
	if counted != engagements {
		t.Fatalf("account %d: the timeline counts %d engagements, the chats have %d", a.Chat.ID, counted, engagements)
	}
}

// statusAt returns the entry of list (one agent's, in order) in force at at.
func statusAt(list []*chatlift.AgentTimelineEntry, at time.Time) *chatlift.AgentTimelineEntry {
	var found *chatlift.AgentTimelineEntry
	for _, e := range list {
		if e.StartTime.After(at) {
			break
		}
		found = e
	}
	return found
}
