-- +goose Up
-- The web faces' sessions, shared by every serve process: the hash of the
-- session id (the cookie holds the id), the CSRF token, the face's user
-- data (JSON), a one-time message, and when it was made and expires
-- (unix milliseconds).
CREATE TABLE web_sessions (
    face       TEXT NOT NULL,
    id_hash    TEXT NOT NULL,
    csrf       TEXT NOT NULL,
    user_data  TEXT NOT NULL,
    flash      TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (face, id_hash)
);
CREATE INDEX web_sessions_expiry ON web_sessions (face, expires_at);
CREATE INDEX web_sessions_expired ON web_sessions (expires_at);

-- The console's batch actions (the batch itself as JSON; finished_at unix
-- milliseconds, NULL while it runs) and each upgrade's outcome: claimed_at
-- when a worker took it, result once acted on ('' before).
CREATE TABLE batch_actions (
    id          TEXT PRIMARY KEY,
    body        TEXT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX batch_actions_unfinished ON batch_actions (finished_at, id);

CREATE TABLE batch_items (
    batch_id   TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    upgrade_id TEXT NOT NULL,
    claimed_at BIGINT,
    result     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (batch_id, seq),
    UNIQUE (batch_id, upgrade_id)
);
CREATE INDEX batch_items_waiting ON batch_items (batch_id, claimed_at, seq);

-- +goose Down
DROP TABLE batch_items;
DROP TABLE batch_actions;
DROP TABLE web_sessions;
