package chatlift_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

func validTimelineEntry() *chatlift.AgentTimelineEntry {
	return &chatlift.AgentTimelineEntry{AgentID: 42, StartTime: time.UnixMicro(1767225600123456).UTC(),
		Status: chatlift.AgentStatusOnline, Duration: 61.5, EngagementCount: 2}
}

func TestAgentTimelineEntryValidate(t *testing.T) {
	for _, tc := range []struct {
		name    string
		change  func(e *chatlift.AgentTimelineEntry)
		mention string
	}{
		{"OK", func(*chatlift.AgentTimelineEntry) {}, ""},
		{"OKEveryStatus", func(e *chatlift.AgentTimelineEntry) { e.Status = chatlift.AgentStatusInvisible }, ""},
		{"ErrAgent", func(e *chatlift.AgentTimelineEntry) { e.AgentID = 0 }, "agent_id"},
		{"ErrNoStart", func(e *chatlift.AgentTimelineEntry) { e.StartTime = time.Time{} }, "start_time"},
		{"ErrStartAfterWindow", func(e *chatlift.AgentTimelineEntry) { e.StartTime = time.Unix(chatlift.MaxTimeUnix, 0) }, "start_time"},
		{"ErrNanoseconds", func(e *chatlift.AgentTimelineEntry) { e.StartTime = e.StartTime.Add(1) }, "microsecond"},
		{"ErrStatus", func(e *chatlift.AgentTimelineEntry) { e.Status = "busy" }, "status"},
		{"ErrNegativeDuration", func(e *chatlift.AgentTimelineEntry) { e.Duration = -1 }, "duration"},
		{"ErrNaNDuration", func(e *chatlift.AgentTimelineEntry) { e.Duration = math.NaN() }, "duration"},
		{"ErrInfiniteDuration", func(e *chatlift.AgentTimelineEntry) { e.Duration = math.Inf(1) }, "duration"},
		{"ErrEngagements", func(e *chatlift.AgentTimelineEntry) { e.EngagementCount = -1 }, "engagement_count"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := validTimelineEntry()
			tc.change(e)
			wantInvalid(t, e.Validate(), tc.mention)
		})
	}
}

func TestAgentTimelineKey(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		if got := validTimelineEntry().Key(); got != "1767225600123456.42" {
			t.Fatalf("key = %q, want 1767225600123456.42", got)
		}
		if !chatlift.ValidKey(validTimelineEntry().Key()) {
			t.Fatal("the key is not a valid key")
		}
	})
	t.Run("SortsByStartThenAgent", func(t *testing.T) {
		at := func(us int64) time.Time { return time.UnixMicro(us) }
		want := []string{
			chatlift.AgentTimelineKey(at(chatlift.MinTimeUnix*1e6), 7),
			chatlift.AgentTimelineStartKey(at(1767225600000000)),
			chatlift.AgentTimelineKey(at(1767225600000000), 9),
			chatlift.AgentTimelineKey(at(1767225600000001), 1),
			chatlift.AgentTimelineKey(at(chatlift.MaxTimeUnix*1e6-1), 1),
		}
		if got := slices.Sorted(slices.Values(want)); !slices.Equal(got, want) {
			t.Fatalf("keys sort as %q, want %q", got, want)
		}
	})
}
