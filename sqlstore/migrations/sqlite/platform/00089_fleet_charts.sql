-- +goose Up
-- What the operator console's fleet charts read without loading upgrades:
-- when an upgrade finished (unix milliseconds) and how long its chat was
-- down, beside its body; and the rows the history imports committed per
-- minute, kept for a week.
ALTER TABLE upgrades ADD COLUMN finished_at INTEGER;
ALTER TABLE upgrades ADD COLUMN chat_downtime_ms INTEGER NOT NULL DEFAULT 0;
UPDATE upgrades SET
    finished_at = CAST(ROUND(unixepoch(json_extract(body, '$.finished_at'), 'subsec') * 1000) AS INTEGER),
    chat_downtime_ms = COALESCE(json_extract(body, '$.chat_downtime_ms'), 0);
CREATE INDEX upgrades_finished ON upgrades (state, finished_at, chat_downtime_ms);

CREATE TABLE import_throughput (
    minute    INTEGER PRIMARY KEY, -- unix seconds of the minute's start
    row_count INTEGER NOT NULL
);

-- +goose Down
DROP TABLE import_throughput;
DROP INDEX upgrades_finished;
ALTER TABLE upgrades DROP COLUMN chat_downtime_ms;
ALTER TABLE upgrades DROP COLUMN finished_at;
