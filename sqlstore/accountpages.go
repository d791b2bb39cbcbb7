package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
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

// PutMergeChoices implements chatlift.PlatformStore.
func (d *DB) PutMergeChoices(ctx context.Context, accountID int64, choices []chatlift.MergeChoice) error {
	for i := range choices {
		if err := choices[i].Validate(); err != nil {
			return err
		}
	}
	body, err := json.Marshal(choices)
	if err != nil {
		return fmt.Errorf("encode merge choices: %w", err)
	}
	_, err = d.q().ExecContext(ctx, d.rebind(`INSERT INTO merge_choices (account_id, body) VALUES (?, ?)
		ON CONFLICT (account_id) DO UPDATE SET body = excluded.body`), accountID, string(body))
	if err != nil {
		return fmt.Errorf("put merge choices: %w", interpret(err))
	}
	return nil
}

// MergeChoices implements chatlift.PlatformStore.
func (d *DB) MergeChoices(ctx context.Context, accountID int64) ([]chatlift.MergeChoice, error) {
	var body string
	err := d.q().QueryRowContext(ctx, d.rebind("SELECT body FROM merge_choices WHERE account_id = ?"), accountID).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("read merge choices: %w", interpret(err))
	}
	var choices []chatlift.MergeChoice
	if err := json.Unmarshal([]byte(body), &choices); err != nil {
		return nil, fmt.Errorf("decode merge choices of account %d: %w", accountID, err)
	}
	return choices, nil
}

// postponeRequests keeps postpone requests; the id is the row's.
var postponeRequests = &table[chatlift.PostponeRequest]{name: "postpone_requests",
	kept: []string{"id"}, dest: func(p *chatlift.PostponeRequest) []any { return []any{&p.ID} }}

// AddPostponeRequest implements chatlift.PlatformStore.
func (d *DB) AddPostponeRequest(ctx context.Context, p *chatlift.PostponeRequest) error {
	if err := p.Validate(); err != nil {
		return err
	}
	id, err := d.addForUpgrade(ctx, "postpone_requests", p.UpgradeID, p)
	if err != nil {
		return fmt.Errorf("add postpone request: %w", err)
	}
	p.ID = id
	return nil
}

// PostponeRequests implements chatlift.PlatformStore.
func (d *DB) PostponeRequests(ctx context.Context, upgradeID string) ([]*chatlift.PostponeRequest, error) {
	return postponeRequests.list(ctx, d, d.q(), "WHERE upgrade_id = ? ORDER BY id LIMIT ?", upgradeID, chatlift.MaxLimit)
}

// PendingPostponeRequests implements chatlift.PlatformStore.
func (d *DB) PendingPostponeRequests(ctx context.Context, limit int) ([]*chatlift.PostponeRequest, error) {
	return postponeRequests.list(ctx, d, d.q(), "WHERE status = ? ORDER BY id LIMIT ?", chatlift.PostponePending, chatlift.PageSize(limit))
}

// AnswerPostponeRequest implements chatlift.PlatformStore.
func (d *DB) AnswerPostponeRequest(ctx context.Context, p *chatlift.PostponeRequest) error {
	if err := p.ValidateAnswer(); err != nil {
		return err
	}
	body, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode postpone answer: %w", err)
	}
	res, err := d.q().ExecContext(ctx, d.rebind("UPDATE postpone_requests SET status = ?, body = ? WHERE id = ? AND upgrade_id = ? AND status = ?"),
		p.Status, string(body), p.ID, p.UpgradeID, chatlift.PostponePending)
	if err != nil {
		return fmt.Errorf("answer postpone request: %w", interpret(err))
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("answer postpone request: %w", err)
	} else if n == 1 {
		return nil
	}
	if _, err := postponeRequests.get(ctx, d, d.q(), "postpone request", "WHERE id = ? AND upgrade_id = ?", p.ID, p.UpgradeID); err != nil {
		return err
	}
	return chatlift.Errorf(chatlift.ECONFLICT, "postpone request %d is already answered", p.ID)
}
