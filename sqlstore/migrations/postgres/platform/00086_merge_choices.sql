-- +goose Up
-- An account's changes to its proposed merge plan (a JSON list of choices).
CREATE TABLE merge_choices (
    account_id BIGINT PRIMARY KEY,
    body       TEXT NOT NULL
);

-- +goose Down
DROP TABLE merge_choices;
