package chatapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/chatapi"
	"github.com/chatlift/chatlift/importer"
)

// timelinePage is a page of the incremental agent timeline as a client
// decodes it.
type timelinePage struct {
	AgentTimeline []chatapi.TimelineEntryDoc `json:"agent_timeline"`
	Count         int
	EndTime       int64                    `json:"end_time"`
	EndID         *int64                   `json:"end_id"`
	NextPage      *string                  `json:"next_page"`
	Import        *chatlift.ImportProgress `json:"import"`
}

// timelineKey is how the connectors key an entry: agent_id|start_time.
func timelineKey(d chatapi.TimelineEntryDoc) string {
	return fmt.Sprintf("%d|%s", d.AgentID, d.StartTime)
}

// pageTimeline exports the agent timeline from start_time 0 in pages of
// limit, following next_page or (resend) re-sending start_time = end_time
// and dropping the entry answered again, until a page is short; it fails
// on an entry answered twice otherwise, and calls check on each page.
func pageTimeline(t *testing.T, e *env, token, prefix string, limit int, resend bool, check func(timelinePage)) []chatapi.TimelineEntryDoc {
	t.Helper()
	var out []chatapi.TimelineEntryDoc
	seen := map[string]bool{}
	next := prefix + "/incremental/agent_timeline?start_time=0&fields=agent_timeline(*)&limit=" + strconv.Itoa(limit)
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("the export never ends")
		}
		var page timelinePage
		e.Call(t, "GET", next, token, nil, http.StatusOK, &page)
		if check != nil {
			check(page)
		}
		for i, d := range page.AgentTimeline {
			if k := timelineKey(d); seen[k] {
				if !resend || i != 0 {
					t.Fatalf("entry %s answered twice", k)
				}
			} else {
				seen[k] = true
				out = append(out, d)
			}
		}
		if page.Count < limit {
			return out
		}
		next = *page.NextPage
		if resend {
			next = fmt.Sprintf("%s/incremental/agent_timeline?start_time=%d&limit=%d", prefix, page.EndTime, limit)
		}
	}
}

// sameTimeline fails unless got shows the entries of want, in order.
func sameTimeline(t *testing.T, got []chatapi.TimelineEntryDoc, want []*chatlift.AgentTimelineEntry) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d entries exported, the account has %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.AgentID != w.AgentID || g.StartTime != w.StartTime.UTC().Format(chatapi.TimelineTimeLayout) || g.Status != w.Status ||
			g.Duration != w.Duration || g.EngagementCount != w.EngagementCount {
			t.Fatalf("entry %d is %+v, want %+v", i, g, w)
		}
	}
}

func legacyTimeline(t *testing.T, e *env, id int64) []*chatlift.AgentTimelineEntry {
	t.Helper()
	list, err := e.Legacy.AgentTimeline(context.Background(), chatlift.TimelineFilter{AccountID: id, Limit: chatlift.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) < 20 {
		t.Fatalf("the seeded account has %d timeline entries: too few to page", len(list))
	}
	return list
}

func TestIncrementalAgentTimeline(t *testing.T) {
	t.Parallel()
	e := setup(t, 2, 25)
	id, token := e.busyAccount(t)
	want := legacyTimeline(t, e, id)
	for _, prefix := range []string{"/api/v2/chat", "/api/v2"} {
		t.Run("NextPage"+prefix, func(t *testing.T) {
			sameTimeline(t, pageTimeline(t, e, token, prefix, 7, false, nil), want)
		})
		t.Run("StartTimeIsEndTime"+prefix, func(t *testing.T) {
			sameTimeline(t, pageTimeline(t, e, token, prefix, 7, true, nil), want)
		})
	}
	t.Run("Shape", func(t *testing.T) {
		var page map[string]any
		e.Call(t, "GET", "/api/v2/chat/incremental/agent_timeline?limit=1", token, nil, http.StatusOK, &page)
		entry := page["agent_timeline"].([]any)[0].(map[string]any)
		start, err := time.Parse(chatapi.TimelineTimeLayout, entry["start_time"].(string))
		if err != nil || !start.Equal(want[0].StartTime) || page["end_time"] != float64(start.UnixMicro()) || page["end_id"] != entry["agent_id"] {
			t.Fatalf("page %v; first entry %+v", page, want[0])
		}
		for _, f := range []string{"status", "duration", "engagement_count"} {
			if _, ok := entry[f]; !ok {
				t.Fatalf("entry without %s: %v", f, entry)
			}
		}
	})
	t.Run("StartTimeInclusive", func(t *testing.T) {
		at := want[10].StartTime
		var page timelinePage
		e.Call(t, "GET", fmt.Sprintf("/api/v2/chat/incremental/agent_timeline?start_time=%d&limit=1", at.UnixMicro()), token, nil, http.StatusOK, &page)
		if page.Count != 1 || page.AgentTimeline[0].StartTime != at.UTC().Format(chatapi.TimelineTimeLayout) {
			t.Fatalf("from %v: %+v", at, page.AgentTimeline)
		}
	})
	t.Run("EmptyPage", func(t *testing.T) {
		var page timelinePage
		e.Call(t, "GET", "/api/v2/chat/incremental/agent_timeline?start_time=4102444800000000&start_id=3", token, nil, http.StatusOK, &page)
		if page.Count != 0 || page.AgentTimeline == nil || page.EndTime != 4102444800000000 || page.EndID == nil || *page.EndID != 3 || page.NextPage == nil {
			t.Fatalf("past the end: %+v", page)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, q := range []string{"start_time=-1", "start_time=abc", "start_time=", "start_time=4102444800000001", "limit=0", "limit=1001",
			"start_id=3", "start_time=1&start_id=x", "start_time=1&start_id=0"} {
			e.Call(t, "GET", "/api/v2/chat/incremental/agent_timeline?"+q, token, nil, http.StatusBadRequest, nil)
		}
	})
}

// TestAgentTimelineAcrossImport exports an upgraded account's agent
// timeline while its history imports (every other entry copied, one of
// them changed on the platform) and after: every entry once, in order,
// the platform's copy where both have one.
func TestAgentTimelineAcrossImport(t *testing.T) {
	t.Parallel()
	e, id, _, token := importing(t)
	ctx := context.Background()
	want := legacyTimeline(t, e, id)
	var copied []*chatlift.AgentTimelineEntry
	for i := 0; i < len(want); i += 2 {
		c := *want[i]
		copied = append(copied, &c)
	}
	copied[1].EngagementCount++
	if err := e.Platform.PutAgentTimeline(ctx, copied); err != nil {
		t.Fatal(err)
	}
	during := append([]*chatlift.AgentTimelineEntry(nil), want...)
	during[2] = copied[1]
	importing := func(p timelinePage) {
		if p.Import == nil || p.Import.State != chatlift.ImportRunning {
			t.Fatalf("a page during the import has import %+v", p.Import)
		}
	}
	t.Run("DuringImport", func(t *testing.T) {
		sameTimeline(t, pageTimeline(t, e, token, "/api/v2/chat", 5, false, importing), during)
		sameTimeline(t, pageTimeline(t, e, token, "/api/v2", 5, true, importing), during)
	})
	t.Run("AfterImport", func(t *testing.T) {
		finishImport(t, e, &importer.Copier{From: e.Legacy, To: e.Platform, Batch: 50}, chatlift.ImportJob{UpgradeID: "up-import", AccountID: id})
		imported := func(p timelinePage) {
			if p.Import != nil {
				t.Fatalf("a page after the import has import %+v", p.Import)
			}
		}
		// The import leaves the platform's changed copy as it is.
		sameTimeline(t, pageTimeline(t, e, token, "/api/v2/chat", 5, false, imported), during)
		sameTimeline(t, pageTimeline(t, e, token, "/api/v2", 5, true, imported), during)
	})
}
