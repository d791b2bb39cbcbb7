-- +goose Up
-- Upgrades that need an operator (a cutover or rollback running too long),
-- kept apart from the upgrade rows so that saving a row never clears it.
CREATE TABLE upgrade_attention (
    upgrade_id TEXT COLLATE "C" PRIMARY KEY,
    reason     TEXT NOT NULL,
    since      BIGINT NOT NULL
);

-- +goose Down
DROP TABLE upgrade_attention;
