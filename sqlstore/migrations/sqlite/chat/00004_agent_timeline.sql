-- +goose Up
-- The agents' status history, a history table the upgrade imports. The key
-- is the entry's start time in unix microseconds and its agent
-- (chatlift.AgentTimelineKey), so key order is the incremental export's
-- (start time, agent) order.
CREATE TABLE agent_timeline (
    account_id INTEGER NOT NULL,
    id         TEXT NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE agent_timeline;
