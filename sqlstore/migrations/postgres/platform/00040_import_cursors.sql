-- +goose Up
-- How far each account's history import has come, per table; moved in the
-- same transaction as the rows it covers.
CREATE TABLE import_cursors (
    account_id BIGINT NOT NULL,
    table_name TEXT NOT NULL,
    after_key  TEXT COLLATE "C" NOT NULL,
    done       BIGINT NOT NULL,
    finished   BOOLEAN NOT NULL,
    PRIMARY KEY (account_id, table_name)
);

-- +goose Down
DROP TABLE import_cursors;
