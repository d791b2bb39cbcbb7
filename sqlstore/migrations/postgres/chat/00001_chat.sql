-- +goose Up
-- A chat product's data. Each table keeps its key and indexed columns beside
-- the row's JSON body; the body is the record as the API shows it.
CREATE TABLE id_sequences (
    name TEXT PRIMARY KEY,
    next BIGINT NOT NULL
);

CREATE TABLE chat_accounts (
    id    BIGINT PRIMARY KEY,
    state TEXT NOT NULL,
    body  TEXT NOT NULL
);

CREATE TABLE agents (
    account_id BIGINT NOT NULL,
    id         BIGINT NOT NULL,
    email_key  TEXT NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);
CREATE INDEX agents_email ON agents (account_id, email_key);

CREATE TABLE chat_objects (
    account_id BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    id         BIGINT NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (account_id, kind, id)
);

CREATE TABLE chats (
    account_id BIGINT NOT NULL,
    id         TEXT COLLATE "C" NOT NULL,
    update_s  BIGINT NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);
CREATE INDEX chats_update ON chats (account_id, update_s, id);

CREATE TABLE visitors (
    account_id BIGINT NOT NULL,
    id         TEXT COLLATE "C" NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE TABLE analytics_events (
    account_id BIGINT NOT NULL,
    id         BIGINT NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE TABLE oauth_clients (
    account_id        BIGINT NOT NULL,
    id                BIGINT NOT NULL,
    client_identifier TEXT NOT NULL UNIQUE,
    secret_hash       TEXT NOT NULL,
    body              TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE TABLE oauth_tokens (
    account_id   BIGINT NOT NULL,
    id           BIGINT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    refresh_hash TEXT NOT NULL,
    revoked      BOOLEAN NOT NULL,
    body         TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);

-- +goose Down
DROP TABLE oauth_tokens;
DROP TABLE oauth_clients;
DROP TABLE analytics_events;
DROP TABLE visitors;
DROP TABLE chats;
DROP TABLE chat_objects;
DROP TABLE agents;
DROP TABLE chat_accounts;
DROP TABLE id_sequences;
