-- +goose Up
-- Account admins' requests to postpone their upgrade, for operators to answer.
CREATE TABLE postpone_requests (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    upgrade_id TEXT NOT NULL,
    body       TEXT NOT NULL
);
CREATE INDEX postpone_requests_upgrade ON postpone_requests (upgrade_id, id);

-- +goose Down
DROP TABLE postpone_requests;
