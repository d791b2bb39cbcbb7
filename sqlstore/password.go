package sqlstore

import (
	"context"
	"fmt"

	"github.com/chatlift/chatlift"
)

// PutSupportPassword implements chatlift.PlatformStore.
func (d *DB) PutSupportPassword(ctx context.Context, p *chatlift.SupportPassword) error {
	if err := p.Validate(); err != nil {
		return err
	}
	_, err := d.q().ExecContext(ctx, d.rebind(`INSERT INTO support_passwords (account_id, user_id, email, hash) VALUES (?, ?, ?, ?)
		ON CONFLICT (account_id, user_id) DO UPDATE SET email = excluded.email, hash = excluded.hash`),
		p.AccountID, p.UserID, chatlift.NormalizeEmail(p.Email), p.Hash)
	if err != nil {
		return fmt.Errorf("put support password: %w", interpret(err))
	}
	return nil
}

// SupportPasswords implements chatlift.PlatformStore.
func (d *DB) SupportPasswords(ctx context.Context, email string) ([]*chatlift.SupportPassword, error) {
	rows, err := d.q().QueryContext(ctx, d.rebind(`SELECT account_id, user_id, email, hash FROM support_passwords
		WHERE email = ? ORDER BY account_id, user_id LIMIT 100`), chatlift.NormalizeEmail(email))
	if err != nil {
		return nil, fmt.Errorf("list support passwords: %w", interpret(err))
	}
	defer rows.Close()
	var list []*chatlift.SupportPassword
	for rows.Next() {
		p := &chatlift.SupportPassword{}
		if err := rows.Scan(&p.AccountID, &p.UserID, &p.Email, &p.Hash); err != nil {
			return nil, fmt.Errorf("scan support password: %w", err)
		}
		list = append(list, p)
	}
	return list, rows.Err()
}
