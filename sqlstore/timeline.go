package sqlstore

import (
	"context"

	"github.com/chatlift/chatlift"
)

// agentTimeline is keyed by chatlift.AgentTimelineKey, so key order is
// (start time, agent) order.
var agentTimeline = &table[chatlift.AgentTimelineEntry]{name: "agent_timeline", cols: []string{"account_id", "id"}, nkey: 2,
	vals: func(e *chatlift.AgentTimelineEntry) []any { return []any{e.AccountID, e.Key()} },
	kept: []string{"account_id"}, dest: func(e *chatlift.AgentTimelineEntry) []any { return []any{&e.AccountID} }}

// PutAgentTimeline implements chatlift.ChatStore.
func (d *DB) PutAgentTimeline(ctx context.Context, list []*chatlift.AgentTimelineEntry) error {
	for _, e := range list {
		if err := e.Validate(); err != nil {
			return err
		}
	}
	return d.inTx(ctx, func(tx querier) error { return agentTimeline.put(ctx, d, tx, list) })
}

// AgentTimeline implements chatlift.ChatStore.
func (d *DB) AgentTimeline(ctx context.Context, f chatlift.TimelineFilter) ([]*chatlift.AgentTimelineEntry, error) {
	from := ""
	if !f.StartTime.IsZero() {
		from = chatlift.AgentTimelineStartKey(f.StartTime)
	}
	if f.AfterKey != "" && !chatlift.ValidKey(f.AfterKey) {
		return nil, chatlift.Errorf(chatlift.EINVALID, "timeline cursor %q is not a key", f.AfterKey)
	}
	return agentTimeline.list(ctx, d, d.q(), "WHERE account_id = ? AND id >= ? AND id > ? ORDER BY id LIMIT ?",
		f.AccountID, from, f.AfterKey, chatlift.PageSize(f.Limit))
}
