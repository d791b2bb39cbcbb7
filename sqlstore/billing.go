package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/chatlift/chatlift"
)

var consolidations = &table[chatlift.ConsolidationRecord]{name: "billing_consolidations", cols: []string{"account_id"}, nkey: 1,
	vals: func(r *chatlift.ConsolidationRecord) []any { return []any{r.AccountID} }}

// BillingAccounts implements chatlift.PlatformStore.
func (d *DB) BillingAccounts(ctx context.Context, accountID int64) ([]*chatlift.BillingAccount, error) {
	return billingAccounts.list(ctx, d, d.q(), "WHERE account_id = ? ORDER BY id", accountID)
}

// DeleteSubscriptions implements chatlift.PlatformStore.
func (d *DB) DeleteSubscriptions(ctx context.Context, billingAccountID int64, ids []int64) error {
	return d.inTx(ctx, func(q querier) error {
		for _, id := range ids {
			if _, err := q.ExecContext(ctx, d.rebind("DELETE FROM subscriptions WHERE billing_account_id = ? AND id = ?"), billingAccountID, id); err != nil {
				return fmt.Errorf("delete subscription %d: %w", id, err)
			}
		}
		return nil
	})
}

// DeleteInvoice implements chatlift.PlatformStore.
func (d *DB) DeleteInvoice(ctx context.Context, billingAccountID, id int64) error {
	if _, err := d.q().ExecContext(ctx, d.rebind("DELETE FROM invoices WHERE billing_account_id = ? AND id = ?"), billingAccountID, id); err != nil {
		return fmt.Errorf("delete invoice %d: %w", id, err)
	}
	return nil
}

// CreateConsolidationRecord implements chatlift.PlatformStore.
func (d *DB) CreateConsolidationRecord(ctx context.Context, r *chatlift.ConsolidationRecord) error {
	if r.AccountID <= 0 || r.Plan == nil || r.ChatBefore == nil {
		return chatlift.Errorf(chatlift.EINVALID, "consolidation record needs an account, a plan and the chat billing account")
	}
	body, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode consolidation record: %w", err)
	}
	_, err = d.q().ExecContext(ctx, d.rebind("INSERT INTO billing_consolidations (account_id, body) VALUES (?, ?)"), r.AccountID, string(body))
	if err = interpret(err); chatlift.ErrorCode(err) == chatlift.ECONFLICT {
		return chatlift.Errorf(chatlift.ECONFLICT, "account %d is already consolidated", r.AccountID)
	} else if err != nil {
		return fmt.Errorf("create consolidation record: %w", err)
	}
	return nil
}

// ConsolidationRecord implements chatlift.PlatformStore.
func (d *DB) ConsolidationRecord(ctx context.Context, accountID int64) (*chatlift.ConsolidationRecord, error) {
	return consolidations.get(ctx, d, d.q(), "consolidation record", "WHERE account_id = ?", accountID)
}

// DeleteConsolidationRecord implements chatlift.PlatformStore.
func (d *DB) DeleteConsolidationRecord(ctx context.Context, accountID int64) error {
	if _, err := d.q().ExecContext(ctx, d.rebind("DELETE FROM billing_consolidations WHERE account_id = ?"), accountID); err != nil {
		return fmt.Errorf("delete consolidation record %d: %w", accountID, err)
	}
	return nil
}

// InTx implements chatlift.PlatformStore. On a view already in a
// transaction fn joins it.
func (d *DB) InTx(ctx context.Context, fn func(chatlift.PlatformStore) error) error {
	return d.inTx(ctx, func(q querier) error {
		view := *d
		view.tx = q.(*sql.Tx)
		return fn(&view)
	})
}

// nullString stores "" as NULL, so that unset keys never clash in a unique index.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
