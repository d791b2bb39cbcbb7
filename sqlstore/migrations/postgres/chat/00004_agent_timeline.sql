-- +goose Up
-- The agents' status history, a history table the upgrade imports. The key
-- is the entry's start time in unix microseconds and its agent
-- (chatlift.AgentTimelineKey), so key order is the incremental export's
-- (start time, agent) order.
CREATE TABLE agent_timeline (
    account_id BIGINT NOT NULL,
    id         TEXT COLLATE "C" NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);

-- +goose Down
DROP TABLE agent_timeline;
