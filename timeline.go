package chatlift

import (
	"fmt"
	"math"
	"time"
)

// Agent statuses on the agent timeline.
const (
	AgentStatusOnline    = "online"
	AgentStatusAway      = "away"
	AgentStatusInvisible = "invisible"
	AgentStatusOffline   = "offline"
)

// AgentStatuses lists the statuses an agent can have.
var AgentStatuses = []string{AgentStatusOnline, AgentStatusAway, AgentStatusInvisible, AgentStatusOffline}

// AgentTimelineEntry is one stretch of an agent's status history: from
// StartTime (microsecond precision) the agent had Status for Duration
// seconds and took part in EngagementCount chats. An agent has at most one
// entry per start time, so (start time, agent) is the entry's key.
type AgentTimelineEntry struct {
	AccountID       int64     `json:"-"`
	AgentID         int64     `json:"agent_id"`
	StartTime       time.Time `json:"start_time"`
	Status          string    `json:"status"`
	Duration        float64   `json:"duration"` // seconds
	EngagementCount int       `json:"engagement_count"`
}

// Key is the entry's stable key, AgentTimelineKey of its start time and
// agent.
func (e *AgentTimelineEntry) Key() string { return AgentTimelineKey(e.StartTime, e.AgentID) }

// AgentTimelineKey is the key of an agent's timeline entry starting at
// start: the start time in unix microseconds, 16 digits, a dot and the agent
// id ("1767225600000000.42"). Within the date window (CheckTime) keys sort
// as their entries do: by start time, then agent.
func AgentTimelineKey(start time.Time, agentID int64) string {
	return fmt.Sprintf("%s.%d", timelinePrefix(start), agentID)
}

// AgentTimelineStartKey is the lowest key of the entries starting at start
// or later: every such key sorts at or after it, every earlier one before.
// A start outside the date window counts as the window's nearer end.
func AgentTimelineStartKey(start time.Time) string {
	if lo := time.Unix(MinTimeUnix, 0); start.Before(lo) {
		start = lo
	} else if hi := time.Unix(MaxTimeUnix, 0); start.After(hi) {
		start = hi
	}
	return timelinePrefix(start)
}

func timelinePrefix(start time.Time) string { return fmt.Sprintf("%016d", start.UnixMicro()) }

// maxTimelineSeconds is the length of the date window: no stretch is longer.
const maxTimelineSeconds = MaxTimeUnix - MinTimeUnix

// Validate reports the first problem with e, as an EINVALID *Error.
func (e *AgentTimelineEntry) Validate() error {
	if err := CheckTime("start_time", e.StartTime); err != nil {
		return err
	}
	switch {
	case e.AgentID <= 0:
		return Errorf(EINVALID, "agent_id must be positive")
	case !e.StartTime.Equal(e.StartTime.Truncate(time.Microsecond)):
		return Errorf(EINVALID, "start_time has more than microsecond precision")
	case !oneOf(e.Status, AgentStatuses...):
		return Errorf(EINVALID, "status must be online, away, invisible or offline, not %q", e.Status)
	case math.IsNaN(e.Duration) || e.Duration < 0 || e.Duration > maxTimelineSeconds:
		return Errorf(EINVALID, "duration must be 0 to %d seconds", maxTimelineSeconds)
	case e.EngagementCount < 0 || e.EngagementCount > MaxHistory:
		return Errorf(EINVALID, "engagement_count must be 0 to %d", MaxHistory)
	}
	return nil
}

// TimelineFilter pages through an account's agent timeline in key order,
// which is (start time, agent) order, as the incremental agent timeline
// export does: entries starting at StartTime or later (zero: from the
// beginning) and, when AfterKey is set, after that entry (the key of the
// last entry of the page before).
type TimelineFilter struct {
	AccountID int64
	StartTime time.Time
	AfterKey  string
	Limit     int
}
