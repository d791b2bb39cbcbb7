-- +goose Up
-- What an upgrade needs to undo its steps and to share the fleet's slots.
CREATE TABLE upgrade_snapshots (
    snapshot_key TEXT COLLATE "C" PRIMARY KEY,
    body         TEXT NOT NULL
);

CREATE TABLE upgrade_slots (
    slot   BIGINT PRIMARY KEY, -- unix seconds of the slot's start
    booked BIGINT NOT NULL
);

CREATE TABLE slot_bookings (
    upgrade_id TEXT COLLATE "C" PRIMARY KEY,
    slot       BIGINT NOT NULL
);

-- +goose Down
DROP TABLE slot_bookings;
DROP TABLE upgrade_slots;
DROP TABLE upgrade_snapshots;
