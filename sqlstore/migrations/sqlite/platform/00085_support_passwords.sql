-- +goose Up
-- Support users' passwords for the account owners' pages (bcrypt hashes),
-- found by normalized email at sign-in.
CREATE TABLE support_passwords (
    account_id BIGINT NOT NULL,
    user_id    BIGINT NOT NULL,
    email      TEXT NOT NULL,
    hash       TEXT NOT NULL,
    PRIMARY KEY (account_id, user_id)
);
CREATE INDEX support_passwords_email ON support_passwords (email);

-- +goose Down
DROP TABLE support_passwords;
