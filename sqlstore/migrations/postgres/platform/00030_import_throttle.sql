-- +goose Up
-- The fleet's import throttle: the operator's limits (one row, absent until
-- set) and the slots running imports hold, each until its lease expires.
CREATE TABLE import_settings (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    rows_per_second BIGINT NOT NULL,
    max_concurrent  INTEGER NOT NULL
);

CREATE TABLE import_leases (
    lease_key  TEXT COLLATE "C" PRIMARY KEY,
    expires_at BIGINT NOT NULL -- unix milliseconds
);

-- +goose Down
DROP TABLE import_leases;
DROP TABLE import_settings;
