package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

// entry is a timeline entry of account 1 starting us microseconds after t0.
func entry(agent int64, us int64, status string) *chatlift.AgentTimelineEntry {
	return &chatlift.AgentTimelineEntry{AccountID: 1, AgentID: agent, StartTime: t0.Add(time.Duration(us) * time.Microsecond),
		Status: status, Duration: 12.5, EngagementCount: 1}
}

func testAgentTimeline(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	// Out of order on purpose; agents 1 and 2 change status in the same microsecond.
	list := []*chatlift.AgentTimelineEntry{entry(2, 7, "away"), entry(1, 0, "online"), entry(2, 5, "online"),
		entry(1, 7, "invisible"), entry(1, 1_000_000, "offline")}
	must(t, s.PutAgentTimeline(ctx, list))
	other := entry(1, 5, "online")
	other.AccountID = 2
	must(t, s.PutAgentTimeline(ctx, []*chatlift.AgentTimelineEntry{other}))
	ordered := []*chatlift.AgentTimelineEntry{list[1], list[2], list[3], list[0], list[4]}

	t.Run("OK", func(t *testing.T) {
		got, err := s.AgentTimeline(ctx, chatlift.TimelineFilter{AccountID: 1})
		must(t, err)
		same(t, "timeline in (start time, agent) order", got, ordered)
		if got[0].AccountID != 1 || !got[0].StartTime.Equal(list[1].StartTime) {
			t.Fatalf("first entry %+v", got[0])
		}
	})
	t.Run("StartTimeInclusive", func(t *testing.T) {
		got, err := s.AgentTimeline(ctx, chatlift.TimelineFilter{AccountID: 1, StartTime: t0.Add(7 * time.Microsecond)})
		must(t, err)
		same(t, "entries from 7µs", got, ordered[2:])
		got, err = s.AgentTimeline(ctx, chatlift.TimelineFilter{AccountID: 1, StartTime: t0.Add(8 * time.Microsecond)})
		must(t, err)
		same(t, "entries from 8µs", got, ordered[4:])
	})
	t.Run("PagingByKey", func(t *testing.T) {
		var all []*chatlift.AgentTimelineEntry
		f := chatlift.TimelineFilter{AccountID: 1, StartTime: t0, Limit: 2}
		for range 4 {
			page, err := s.AgentTimeline(ctx, f)
			must(t, err)
			if len(page) == 0 {
				break
			}
			all = append(all, page...)
			f.StartTime, f.AfterKey = page[len(page)-1].StartTime, page[len(page)-1].Key()
		}
		same(t, "paged timeline", all, ordered)
	})
	t.Run("StartOutsideWindow", func(t *testing.T) {
		got, err := s.AgentTimeline(ctx, chatlift.TimelineFilter{AccountID: 1, StartTime: time.Unix(0, 0)})
		must(t, err)
		same(t, "from 1970", got, ordered)
		got, err = s.AgentTimeline(ctx, chatlift.TimelineFilter{AccountID: 1, StartTime: time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)})
		must(t, err)
		if len(got) != 0 {
			t.Fatalf("from 2300: %d entries", len(got))
		}
	})
	t.Run("PutReplacesByKey", func(t *testing.T) {
		changed := *list[4]
		changed.Duration = 3600
		must(t, s.PutAgentTimeline(ctx, []*chatlift.AgentTimelineEntry{&changed}))
		got, err := s.AgentTimeline(ctx, chatlift.TimelineFilter{AccountID: 1, AfterKey: list[0].Key()})
		must(t, err)
		same(t, "replaced entry", got, []*chatlift.AgentTimelineEntry{&changed})
		must(t, s.PutAgentTimeline(ctx, []*chatlift.AgentTimelineEntry{list[4]}))
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		bad := entry(3, 9, "busy")
		wantCode(t, s.PutAgentTimeline(ctx, []*chatlift.AgentTimelineEntry{entry(3, 8, "online"), bad}), chatlift.EINVALID)
		_, err := s.AgentTimeline(ctx, chatlift.TimelineFilter{AccountID: 1, AfterKey: "not a key"})
		wantCode(t, err, chatlift.EINVALID)
		got, err := s.AgentTimeline(ctx, chatlift.TimelineFilter{AccountID: 1})
		must(t, err)
		same(t, "timeline after a refused put", got, ordered)
	})
	t.Run("CountedAndCopied", func(t *testing.T) {
		n, err := s.CountHistory(ctx, 1)
		must(t, err)
		same(t, "history count", n, chatlift.HistoryCount{AgentTimeline: 5})
		rows, err := s.RawRows(ctx, chatlift.TableAgentTimeline, 1, "", "", 10)
		must(t, err)
		if len(rows) != 5 || rows[0].Key != list[1].Key() || string(rows[0].Body) != jsonOf(t, list[1]) {
			t.Fatalf("raw timeline = %+v", rows)
		}
		must(t, s.PutRawRows(ctx, chatlift.TableAgentTimeline, 3, rows))
		got, err := s.AgentTimeline(ctx, chatlift.TimelineFilter{AccountID: 3})
		must(t, err)
		same(t, "timeline copied as raw rows", got, ordered)
	})
	t.Run("DeletedWithAccount", func(t *testing.T) {
		must(t, s.DeleteChatAccount(ctx, 3))
		n, err := s.CountHistory(ctx, 3)
		must(t, err)
		same(t, "history count after delete", n, chatlift.HistoryCount{})
	})
}
