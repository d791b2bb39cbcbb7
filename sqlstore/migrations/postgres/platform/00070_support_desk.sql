-- +goose Up
-- The support desk's ticket comments, groups and organizations.
CREATE TABLE ticket_comments (
    account_id BIGINT NOT NULL,
    ticket_id  BIGINT NOT NULL,
    id         BIGINT NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);
CREATE INDEX ticket_comments_by_ticket ON ticket_comments (account_id, ticket_id, id);

CREATE TABLE support_groups (
    account_id BIGINT NOT NULL,
    id         BIGINT NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE TABLE organizations (
    account_id BIGINT NOT NULL,
    id         BIGINT NOT NULL,
    name_key   TEXT COLLATE "C" NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, name_key)
);

-- +goose Down
DROP TABLE organizations;
DROP TABLE support_groups;
DROP TABLE ticket_comments;
