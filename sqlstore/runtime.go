package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/chatlift/chatlift"
)

// PutSnapshot implements chatlift.PlatformStore: the first snapshot under a
// key wins, so a retried step never overwrites what it saw first.
func (d *DB) PutSnapshot(ctx context.Context, key string, body []byte) error {
	if key == "" {
		return chatlift.Errorf(chatlift.EINVALID, "snapshot key required")
	}
	_, err := d.q().ExecContext(ctx, d.rebind("INSERT INTO upgrade_snapshots (snapshot_key, body) VALUES (?, ?) ON CONFLICT (snapshot_key) DO NOTHING"), key, string(body))
	if err != nil {
		return fmt.Errorf("put snapshot %s: %w", key, interpret(err))
	}
	return nil
}

// Snapshot implements chatlift.PlatformStore.
func (d *DB) Snapshot(ctx context.Context, key string) ([]byte, error) {
	var body string
	err := d.q().QueryRowContext(ctx, d.rebind("SELECT body FROM upgrade_snapshots WHERE snapshot_key = ?"), key).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, chatlift.Errorf(chatlift.ENOTFOUND, "no snapshot %s", key)
	} else if err != nil {
		return nil, fmt.Errorf("read snapshot %s: %w", key, err)
	}
	return []byte(body), nil
}

// DeleteUsers implements chatlift.PlatformStore.
func (d *DB) DeleteUsers(ctx context.Context, accountID int64, ids []int64) error {
	return d.inTx(ctx, func(q querier) error {
		for _, id := range ids {
			if _, err := q.ExecContext(ctx, d.rebind("DELETE FROM users WHERE account_id = ? AND id = ?"), accountID, id); err != nil {
				return fmt.Errorf("delete user %d: %w", id, err)
			}
		}
		return nil
	})
}

// BookSlot implements chatlift.PlatformStore.
func (d *DB) BookSlot(ctx context.Context, upgradeID string, slot time.Time, capacity int) (bool, error) {
	booked := false
	err := d.inTx(ctx, func(q querier) error {
		at := slot.Unix()
		var current int64
		err := q.QueryRowContext(ctx, d.rebind("SELECT slot FROM slot_bookings WHERE upgrade_id = ?"), upgradeID).Scan(&current)
		switch {
		case err == nil && current == at:
			booked = true
			return nil
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("read booking of %s: %w", upgradeID, err)
		}
		if _, err := q.ExecContext(ctx, d.rebind("INSERT INTO upgrade_slots (slot, booked) VALUES (?, 0) ON CONFLICT (slot) DO NOTHING"), at); err != nil {
			return fmt.Errorf("open slot: %w", err)
		}
		res, err := q.ExecContext(ctx, d.rebind("UPDATE upgrade_slots SET booked = booked + 1 WHERE slot = ? AND booked < ?"), at, capacity)
		if err != nil {
			return fmt.Errorf("book slot: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // full
		}
		if err := d.release(ctx, q, upgradeID); err != nil {
			return err
		}
		_, err = q.ExecContext(ctx, d.rebind("INSERT INTO slot_bookings (upgrade_id, slot) VALUES (?, ?)"), upgradeID, at)
		booked = err == nil
		return interpret(err)
	})
	return booked, err
}

// ReleaseSlot implements chatlift.PlatformStore.
func (d *DB) ReleaseSlot(ctx context.Context, upgradeID string) error {
	return d.inTx(ctx, func(q querier) error { return d.release(ctx, q, upgradeID) })
}

func (d *DB) release(ctx context.Context, q querier, upgradeID string) error {
	var at int64
	err := q.QueryRowContext(ctx, d.rebind("SELECT slot FROM slot_bookings WHERE upgrade_id = ?"), upgradeID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return fmt.Errorf("read booking of %s: %w", upgradeID, err)
	}
	if _, err := q.ExecContext(ctx, d.rebind("UPDATE upgrade_slots SET booked = booked - 1 WHERE slot = ?"), at); err != nil {
		return fmt.Errorf("release slot: %w", err)
	}
	if _, err := q.ExecContext(ctx, d.rebind("DELETE FROM slot_bookings WHERE upgrade_id = ?"), upgradeID); err != nil {
		return fmt.Errorf("delete booking: %w", err)
	}
	return nil
}

// SlotBookings implements chatlift.PlatformStore.
func (d *DB) SlotBookings(ctx context.Context, slot time.Time) (int, error) {
	var n int
	err := d.q().QueryRowContext(ctx, d.rebind("SELECT COALESCE(MAX(booked), 0) FROM upgrade_slots WHERE slot = ?"), slot.Unix()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count slot bookings: %w", err)
	}
	return n, nil
}
