package chatapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
)

// TimelineTimeLayout is how the agent timeline shows start times: UTC with
// six fractional digits, as the reference does.
const TimelineTimeLayout = "2006-01-02T15:04:05.000000Z"

// TimelineEntryDoc is an agent timeline entry as the API shows it.
type TimelineEntryDoc struct {
	AgentID         int64   `json:"agent_id"`
	StartTime       string  `json:"start_time"`
	Status          string  `json:"status"`
	Duration        float64 `json:"duration"` // seconds
	EngagementCount int     `json:"engagement_count"`
}

// TimelinePage is the answer of the incremental agent timeline export.
// EndTime (unix microseconds) and EndID (an agent id) are the last entry's
// start and agent; a client re-sends them as start_time and start_id, or
// start_time alone, which answers that entry again.
type TimelinePage struct {
	AgentTimeline []TimelineEntryDoc       `json:"agent_timeline"`
	Count         int                      `json:"count"`
	EndTime       int64                    `json:"end_time"`
	EndID         *int64                   `json:"end_id"`
	NextPage      *string                  `json:"next_page"`
	Import        *chatlift.ImportProgress `json:"import,omitempty"`
}

// maxTimelineMicros bounds start_time: the end of the date window.
const maxTimelineMicros = chatlift.MaxTimeUnix * 1_000_000

// incrementalTimeline serves GET /incremental/agent_timeline?start_time=&start_id=&limit=&fields=:
// entries in (start time, agent) order from start_time (unix microseconds,
// inclusive) or, with start_id, after the entry of that start and agent; a
// client stops when count < limit.
func incrementalTimeline(w http.ResponseWriter, r *http.Request, c *chatCaller) error {
	f, err := timelineParams(r)
	if err != nil {
		return err
	}
	list, err := c.agentTimeline(r.Context(), f)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	resp := TimelinePage{AgentTimeline: make([]TimelineEntryDoc, len(list)), Count: len(list), Import: c.importing}
	resp.EndTime, _ = api.ParseDecimal(q.Get("start_time"))
	if id, ok := api.ParseDecimal(q.Get("start_id")); ok {
		resp.EndID = &id
	}
	for i, e := range list {
		resp.AgentTimeline[i] = TimelineEntryDoc{AgentID: e.AgentID, StartTime: e.StartTime.UTC().Format(TimelineTimeLayout),
			Status: e.Status, Duration: e.Duration, EngagementCount: e.EngagementCount}
	}
	if n := len(list); n > 0 {
		resp.EndTime, resp.EndID = list[n-1].StartTime.UnixMicro(), &list[n-1].AgentID
	}
	kv := []string{"start_time", strconv.FormatInt(resp.EndTime, 10)}
	if resp.EndID != nil {
		kv = append(kv, "start_id", strconv.FormatInt(*resp.EndID, 10))
	}
	next := withQuery(r, kv...)
	resp.NextPage = &next
	api.WriteJSON(w, http.StatusOK, resp)
	return nil
}

// timelineParams reads start_time, start_id and limit; fields is accepted
// and ignored (every field is sent).
func timelineParams(r *http.Request) (chatlift.TimelineFilter, error) {
	q := r.URL.Query()
	var f chatlift.TimelineFilter
	start, ok := int64(0), true
	if q.Has("start_time") {
		start, ok = api.ParseDecimal(q.Get("start_time"))
	}
	if !ok || start > maxTimelineMicros {
		return f, chatlift.Errorf(chatlift.EINVALID, "start_time must be unix microseconds from 0 to %d (2100-01-01)", int64(maxTimelineMicros))
	}
	limit, err := limitParam(q, 1000, 1000)
	if err != nil {
		return f, err
	}
	f.Limit = limit
	if start > 0 {
		f.StartTime = time.UnixMicro(start)
	}
	if !q.Has("start_id") {
		return f, nil
	}
	agent, ok := api.ParseDecimal(q.Get("start_id"))
	switch {
	case !q.Has("start_time"):
		return f, chatlift.Errorf(chatlift.EINVALID, "start_id goes with the start_time it came with (end_time and end_id of a page)")
	case !ok || agent < 1:
		return f, chatlift.Errorf(chatlift.EINVALID, "start_id must be an agent id (the end_id of a page)")
	}
	f.AfterKey = chatlift.AgentTimelineKey(time.UnixMicro(start), agent)
	return f, nil
}
