-- +goose Up
-- Every operator console action, with who, when and what came of it.
CREATE TABLE audit_entries (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    upgrade_id TEXT COLLATE "C" NOT NULL,
    body       TEXT NOT NULL
);
CREATE INDEX audit_entries_upgrade ON audit_entries (upgrade_id, id);

-- +goose Down
DROP TABLE audit_entries;
