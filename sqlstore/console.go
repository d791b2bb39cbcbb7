package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/chatlift/chatlift"
)

// UpcomingSlots implements chatlift.PlatformStore.
func (d *DB) UpcomingSlots(ctx context.Context, from time.Time, limit int) ([]chatlift.SlotFill, error) {
	rows, err := d.q().QueryContext(ctx, d.rebind("SELECT slot, booked FROM upgrade_slots WHERE slot >= ? AND booked > 0 ORDER BY slot LIMIT ?"),
		from.Unix(), chatlift.PageSize(limit))
	if err != nil {
		return nil, fmt.Errorf("list upcoming slots: %w", interpret(err))
	}
	defer rows.Close()
	var list []chatlift.SlotFill
	for rows.Next() {
		var at int64
		var f chatlift.SlotFill
		if err := rows.Scan(&at, &f.Booked); err != nil {
			return nil, fmt.Errorf("scan slot: %w", err)
		}
		f.Start = time.Unix(at, 0).UTC()
		list = append(list, f)
	}
	return list, rows.Err()
}

// UpgradeCounts implements chatlift.PlatformStore.
func (d *DB) UpgradeCounts(ctx context.Context) (map[string]int, error) {
	rows, err := d.q().QueryContext(ctx, "SELECT state, COUNT(*) FROM upgrades GROUP BY state")
	if err != nil {
		return nil, fmt.Errorf("count upgrades: %w", interpret(err))
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return nil, fmt.Errorf("scan upgrade count: %w", err)
		}
		counts[state] = n
	}
	return counts, rows.Err()
}

// AddAuditEntry implements chatlift.PlatformStore.
func (d *DB) AddAuditEntry(ctx context.Context, e *chatlift.AuditEntry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	e.At = e.At.UTC()
	id, err := d.addForUpgrade(ctx, "audit_entries", e.UpgradeID, e)
	if err != nil {
		return fmt.Errorf("add audit entry: %w", err)
	}
	e.ID = id
	return nil
}

// addForUpgrade inserts v as the body of a new row of an upgrade's table
// (upgrade_id, body, an id of its own) and returns the row's id.
func (d *DB) addForUpgrade(ctx context.Context, table, upgradeID string, v any) (int64, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return 0, fmt.Errorf("encode: %w", err)
	}
	var id int64
	err = d.writeRow(ctx, "INSERT INTO "+table+" (upgrade_id, body) VALUES (?, ?) RETURNING id", []any{upgradeID, string(body)}, &id)
	return id, interpret(err)
}

// AuditEntries implements chatlift.PlatformStore.
func (d *DB) AuditEntries(ctx context.Context, upgradeID string, limit int) ([]*chatlift.AuditEntry, error) {
	rows, err := d.q().QueryContext(ctx, d.rebind("SELECT id, body FROM audit_entries WHERE upgrade_id = ? ORDER BY id DESC LIMIT ?"),
		upgradeID, chatlift.PageSize(limit))
	if err != nil {
		return nil, fmt.Errorf("list audit entries: %w", interpret(err))
	}
	defer rows.Close()
	var list []*chatlift.AuditEntry
	for rows.Next() {
		var id int64
		var body string
		if err := rows.Scan(&id, &body); err != nil {
			return nil, fmt.Errorf("scan audit entry: %w", err)
		}
		e := &chatlift.AuditEntry{}
		if err := json.Unmarshal([]byte(body), e); err != nil {
			return nil, fmt.Errorf("decode audit entry %d: %w", id, err)
		}
		e.ID = id
		list = append(list, e)
	}
	return list, rows.Err()
}
