-- +goose Up
-- What the operator console's fleet charts read without loading upgrades:
-- when an upgrade finished (unix milliseconds) and how long its chat was
-- down, beside its body; and the rows the history imports committed per
-- minute, kept for a week.
ALTER TABLE upgrades ADD COLUMN finished_at BIGINT;
ALTER TABLE upgrades ADD COLUMN chat_downtime_ms BIGINT NOT NULL DEFAULT 0;
UPDATE upgrades SET
    finished_at = floor(extract(epoch FROM (body::jsonb ->> 'finished_at')::timestamptz) * 1000)::bigint,
    chat_downtime_ms = COALESCE((body::jsonb ->> 'chat_downtime_ms')::bigint, 0);
CREATE INDEX upgrades_finished ON upgrades (state, finished_at, chat_downtime_ms);

CREATE TABLE import_throughput (
    minute    BIGINT PRIMARY KEY, -- unix seconds of the minute's start
    row_count BIGINT NOT NULL
);

-- +goose Down
DROP TABLE import_throughput;
DROP INDEX upgrades_finished;
ALTER TABLE upgrades DROP COLUMN chat_downtime_ms;
ALTER TABLE upgrades DROP COLUMN finished_at;
