-- +goose Up
-- The unified platform's own data, beside its chat tables.
CREATE TABLE support_accounts (
    id   INTEGER PRIMARY KEY,
    body TEXT NOT NULL
);

CREATE TABLE users (
    account_id INTEGER NOT NULL,
    id         INTEGER NOT NULL,
    email_key  TEXT NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, email_key)
);

CREATE TABLE api_tokens (
    account_id INTEGER NOT NULL,
    id         INTEGER NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    body       TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE TABLE apps (
    account_id INTEGER NOT NULL,
    id         INTEGER NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE TABLE tickets (
    account_id INTEGER NOT NULL,
    id         INTEGER NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE TABLE billing_accounts (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    body       TEXT NOT NULL
);

CREATE TABLE subscriptions (
    billing_account_id INTEGER NOT NULL,
    id                 INTEGER NOT NULL,
    body               TEXT NOT NULL,
    PRIMARY KEY (billing_account_id, id)
);

CREATE TABLE invoices (
    billing_account_id INTEGER NOT NULL,
    id                 INTEGER NOT NULL,
    body               TEXT NOT NULL,
    PRIMARY KEY (billing_account_id, id)
);

CREATE TABLE notifications (
    account_id INTEGER NOT NULL,
    id         INTEGER NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE TABLE emails (
    id        INTEGER PRIMARY KEY,
    email_key TEXT NOT NULL UNIQUE,
    sent      INTEGER NOT NULL,
    body      TEXT NOT NULL
);
CREATE INDEX emails_pending ON emails (sent, id);

CREATE TABLE upgrades (
    id         TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL,
    state      TEXT NOT NULL,
    active     INTEGER NOT NULL,
    body       TEXT NOT NULL
);
CREATE UNIQUE INDEX upgrades_one_active ON upgrades (account_id) WHERE active = 1;
CREATE INDEX upgrades_state ON upgrades (state, id);
CREATE INDEX upgrades_account ON upgrades (account_id, id);

CREATE TABLE unified_accounts (
    account_id INTEGER PRIMARY KEY,
    body       TEXT NOT NULL
);

-- +goose Down
DROP TABLE unified_accounts;
DROP TABLE upgrades;
DROP TABLE emails;
DROP TABLE notifications;
DROP TABLE invoices;
DROP TABLE subscriptions;
DROP TABLE billing_accounts;
DROP TABLE tickets;
DROP TABLE apps;
DROP TABLE api_tokens;
DROP TABLE users;
DROP TABLE support_accounts;
