package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/chatlift/chatlift"
)

// ClaimEmails implements chatlift.PlatformStore. On SQLite the claim holds
// the database's write lock from its start; on PostgreSQL it locks the rows
// it takes and skips rows another claim has locked, and a row claimed by a
// transaction that committed meanwhile no longer matches the lease test.
func (d *DB) ClaimEmails(ctx context.Context, owner string, now time.Time, ttl time.Duration, limit int) ([]*chatlift.Email, error) {
	switch {
	case owner == "":
		return nil, chatlift.Errorf(chatlift.EINVALID, "email lease owner required")
	case ttl <= 0:
		return nil, chatlift.Errorf(chatlift.EINVALID, "email lease must last some time")
	}
	lock := ""
	if d.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var claimed []*chatlift.Email
	err := d.inTx(ctx, func(q querier) error {
		list, err := emails.list(ctx, d, q, "WHERE sent = ? AND lease_until <= ? ORDER BY id LIMIT ?"+lock,
			false, now.UnixMilli(), chatlift.PageSize(limit))
		if err != nil {
			return err
		}
		for _, e := range list {
			_, err := q.ExecContext(ctx, d.rebind("UPDATE emails SET lease_owner = ?, lease_until = ? WHERE id = ?"),
				owner, now.Add(ttl).UnixMilli(), e.ID)
			if err != nil {
				return fmt.Errorf("claim email %d: %w", e.ID, interpret(err))
			}
		}
		claimed = list
		return nil
	})
	if err != nil {
		return nil, err
	}
	return claimed, nil
}

// RecordEmail implements chatlift.PlatformStore.
func (d *DB) RecordEmail(ctx context.Context, e *chatlift.Email, owner string, retryAt time.Time) error {
	if err := e.Validate(); err != nil {
		return err
	}
	body, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode email %d: %w", e.ID, err)
	}
	if e.SentAt != nil {
		_, err = d.q().ExecContext(ctx, d.rebind("UPDATE emails SET sent = ?, body = ?, lease_owner = '', lease_until = 0 WHERE id = ?"),
			true, string(body), e.ID)
	} else {
		_, err = d.q().ExecContext(ctx, d.rebind("UPDATE emails SET body = ?, lease_until = ? WHERE id = ? AND sent = ? AND lease_owner = ?"),
			string(body), retryAt.UnixMilli(), e.ID, false, owner)
	}
	if err != nil {
		return fmt.Errorf("record email %d: %w", e.ID, interpret(err))
	}
	return nil
}
