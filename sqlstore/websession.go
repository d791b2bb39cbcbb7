package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/chatlift/chatlift"
)

// CreateWebSession implements chatlift.PlatformStore.
func (d *DB) CreateWebSession(ctx context.Context, s *chatlift.WebSession, max int) error {
	if err := s.Validate(); err != nil {
		return err
	} else if max < 1 {
		return chatlift.Errorf(chatlift.EINVALID, "a face holds at least one session")
	}
	return d.inTx(ctx, func(q querier) error {
		if _, err := q.ExecContext(ctx, d.rebind("DELETE FROM web_sessions WHERE expires_at <= ?"), s.Created.UnixMilli()); err != nil {
			return fmt.Errorf("prune web sessions: %w", err)
		}
		_, err := q.ExecContext(ctx, d.rebind(`INSERT INTO web_sessions (face, id_hash, csrf, user_data, flash, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`), s.Face, s.IDHash, s.CSRF, string(s.User), s.Flash, s.Created.UnixMilli(), s.Expires.UnixMilli())
		if err != nil {
			return fmt.Errorf("create web session: %w", interpret(err))
		}
		var n int
		if err := q.QueryRowContext(ctx, d.rebind("SELECT COUNT(*) FROM web_sessions WHERE face = ?"), s.Face).Scan(&n); err != nil {
			return fmt.Errorf("count web sessions: %w", err)
		}
		if n <= max {
			return nil
		}
		_, err = q.ExecContext(ctx, d.rebind(`DELETE FROM web_sessions WHERE face = ? AND id_hash IN
			(SELECT id_hash FROM web_sessions WHERE face = ? ORDER BY expires_at, created_at, id_hash LIMIT ?)`), s.Face, s.Face, n-max)
		if err != nil {
			return fmt.Errorf("drop the oldest web sessions: %w", err)
		}
		return nil
	})
}

// WebSession implements chatlift.PlatformStore.
func (d *DB) WebSession(ctx context.Context, face, idHash string, now time.Time) (*chatlift.WebSession, error) {
	s := &chatlift.WebSession{Face: face, IDHash: idHash}
	var user string
	var created, expires int64
	err := d.q().QueryRowContext(ctx, d.rebind(`SELECT csrf, user_data, flash, created_at, expires_at FROM web_sessions
		WHERE face = ? AND id_hash = ?`), face, idHash).Scan(&s.CSRF, &user, &s.Flash, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, chatlift.Errorf(chatlift.ENOTFOUND, "no such session")
	} else if err != nil {
		return nil, fmt.Errorf("read web session: %w", err)
	}
	s.User, s.Created, s.Expires = []byte(user), time.UnixMilli(created).UTC(), time.UnixMilli(expires).UTC()
	if !now.Before(s.Expires) {
		if err := d.DeleteWebSession(ctx, face, idHash); err != nil {
			return nil, err
		}
		return nil, chatlift.Errorf(chatlift.ENOTFOUND, "the session has expired")
	}
	return s, nil
}

// SetWebSessionFlash implements chatlift.PlatformStore.
func (d *DB) SetWebSessionFlash(ctx context.Context, face, idHash, flash string) error {
	_, err := d.q().ExecContext(ctx, d.rebind("UPDATE web_sessions SET flash = ? WHERE face = ? AND id_hash = ?"), flash, face, idHash)
	if err != nil {
		return fmt.Errorf("set web session flash: %w", err)
	}
	return nil
}

// TakeWebSessionFlash implements chatlift.PlatformStore: the message is
// cleared only if it is still the one read, so two takers cannot both get it.
func (d *DB) TakeWebSessionFlash(ctx context.Context, face, idHash, flash string) (bool, error) {
	if flash == "" {
		return false, nil
	}
	res, err := d.q().ExecContext(ctx, d.rebind("UPDATE web_sessions SET flash = '' WHERE face = ? AND id_hash = ? AND flash = ?"), face, idHash, flash)
	if err != nil {
		return false, fmt.Errorf("take web session flash: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("take web session flash: %w", err)
	}
	return n == 1, nil
}

// DeleteWebSession implements chatlift.PlatformStore.
func (d *DB) DeleteWebSession(ctx context.Context, face, idHash string) error {
	if _, err := d.q().ExecContext(ctx, d.rebind("DELETE FROM web_sessions WHERE face = ? AND id_hash = ?"), face, idHash); err != nil {
		return fmt.Errorf("delete web session: %w", err)
	}
	return nil
}
