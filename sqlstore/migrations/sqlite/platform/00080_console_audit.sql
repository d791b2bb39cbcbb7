-- +goose Up
-- Every operator console action, with who, when and what came of it.
CREATE TABLE audit_entries (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    upgrade_id TEXT NOT NULL,
    body       TEXT NOT NULL
);
CREATE INDEX audit_entries_upgrade ON audit_entries (upgrade_id, id);

-- +goose Down
DROP TABLE audit_entries;
