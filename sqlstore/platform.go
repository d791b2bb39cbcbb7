package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/chatlift/chatlift"
)

var (
	supportAccounts = &table[chatlift.SupportAccount]{name: "support_accounts", cols: []string{"id"}, nkey: 1,
		vals: func(a *chatlift.SupportAccount) []any { return []any{a.ID} }}
	users = &table[chatlift.User]{name: "users", cols: []string{"account_id", "id", "email_key"}, nkey: 2,
		vals: func(u *chatlift.User) []any { return []any{u.AccountID, u.ID, chatlift.NormalizeEmail(u.Email)} },
		kept: []string{"account_id"}, dest: func(u *chatlift.User) []any { return []any{&u.AccountID} }}
	apiTokens = &table[chatlift.APIToken]{name: "api_tokens", cols: []string{"account_id", "id", "token_hash"}, nkey: 2,
		vals: func(t *chatlift.APIToken) []any { return []any{t.AccountID, t.ID, t.TokenHash} },
		kept: []string{"token_hash"}, dest: func(t *chatlift.APIToken) []any { return []any{&t.TokenHash} }}
	apps = &table[chatlift.AppInstallation]{name: "apps", cols: []string{"account_id", "id"}, nkey: 2,
		vals: func(a *chatlift.AppInstallation) []any { return []any{a.AccountID, a.ID} },
		kept: []string{"account_id"}, dest: func(a *chatlift.AppInstallation) []any { return []any{&a.AccountID} }}
	tickets = &table[chatlift.Ticket]{name: "tickets", cols: []string{"account_id", "id"}, nkey: 2,
		vals: func(t *chatlift.Ticket) []any { return []any{t.AccountID, t.ID} },
		kept: []string{"account_id"}, dest: func(t *chatlift.Ticket) []any { return []any{&t.AccountID} }}
	billingAccounts = &table[chatlift.BillingAccount]{name: "billing_accounts", cols: []string{"id", "account_id"}, nkey: 1,
		vals: func(b *chatlift.BillingAccount) []any { return []any{b.ID, b.AccountID} }}
	subscriptions = &table[chatlift.Subscription]{name: "subscriptions", cols: []string{"billing_account_id", "id"}, nkey: 2,
		vals: func(s *chatlift.Subscription) []any { return []any{s.BillingAccountID, s.ID} }}
	invoices = &table[chatlift.Invoice]{name: "invoices", cols: []string{"billing_account_id", "id"}, nkey: 2,
		vals: func(i *chatlift.Invoice) []any { return []any{i.BillingAccountID, i.ID} }}
	notifications = &table[chatlift.Notification]{name: "notifications", cols: []string{"account_id", "id", "notification_key"}, nkey: 2,
		vals: func(n *chatlift.Notification) []any { return []any{n.AccountID, n.ID, nullString(n.Key)} }}
	emails = &table[chatlift.Email]{name: "emails", cols: []string{"id", "email_key", "sent"}, nkey: 1,
		vals: func(e *chatlift.Email) []any { return []any{e.ID, e.Key, e.SentAt != nil} }}
	upgrades = &table[chatlift.Upgrade]{name: "upgrades", cols: []string{"id", "account_id", "state", "active", "finished_at", "chat_downtime_ms"}, nkey: 1,
		vals: func(u *chatlift.Upgrade) []any {
			return []any{u.ID, u.AccountID, u.State, !chatlift.Terminal(u.State), finishedMS(u), u.ChatDowntimeMS}
		}}
	unifiedAccounts = &table[chatlift.UnifiedAccount]{name: "unified_accounts", cols: []string{"account_id"}, nkey: 1,
		vals: func(u *chatlift.UnifiedAccount) []any { return []any{u.AccountID} }}
)

// PutSupportAccount implements chatlift.PlatformStore.
func (d *DB) PutSupportAccount(ctx context.Context, a *chatlift.SupportAccount) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return supportAccounts.put(ctx, d, d.q(), []*chatlift.SupportAccount{a})
}

// SupportAccount implements chatlift.PlatformStore.
func (d *DB) SupportAccount(ctx context.Context, id int64) (*chatlift.SupportAccount, error) {
	return supportAccounts.get(ctx, d, d.q(), "account", "WHERE id = ?", id)
}

// SupportAccounts implements chatlift.PlatformStore.
func (d *DB) SupportAccounts(ctx context.Context, f chatlift.AccountFilter) ([]*chatlift.SupportAccount, error) {
	return supportAccounts.list(ctx, d, d.q(), "WHERE id > ? ORDER BY id LIMIT ?", f.AfterID, chatlift.PageSize(f.Limit))
}

// PutUsers implements chatlift.PlatformStore. Emails are unique per account
// without regard to case: a clash is ECONFLICT.
func (d *DB) PutUsers(ctx context.Context, list []*chatlift.User) error {
	for _, u := range list {
		if err := u.Validate(); err != nil {
			return err
		}
	}
	return d.inTx(ctx, func(tx querier) error { return users.put(ctx, d, tx, list) })
}

// Users implements chatlift.PlatformStore.
func (d *DB) Users(ctx context.Context, accountID int64) ([]*chatlift.User, error) {
	return users.list(ctx, d, d.q(), "WHERE account_id = ? ORDER BY id", accountID)
}

// User implements chatlift.PlatformStore.
func (d *DB) User(ctx context.Context, accountID, id int64) (*chatlift.User, error) {
	return users.get(ctx, d, d.q(), fmt.Sprint("user ", id), "WHERE account_id = ? AND id = ?", accountID, id)
}

// UserByEmail implements chatlift.PlatformStore; the match ignores case.
func (d *DB) UserByEmail(ctx context.Context, accountID int64, email string) (*chatlift.User, error) {
	return users.get(ctx, d, d.q(), "user", "WHERE account_id = ? AND email_key = ?", accountID, chatlift.NormalizeEmail(email))
}

// PutAPIToken implements chatlift.PlatformStore.
func (d *DB) PutAPIToken(ctx context.Context, t *chatlift.APIToken) error {
	if t.ID <= 0 || t.TokenHash == "" {
		return chatlift.Errorf(chatlift.EINVALID, "API token needs a positive id and a hash")
	}
	return apiTokens.put(ctx, d, d.q(), []*chatlift.APIToken{t})
}

// APITokenByHash implements chatlift.PlatformStore.
func (d *DB) APITokenByHash(ctx context.Context, hash string) (*chatlift.APIToken, error) {
	return apiTokens.get(ctx, d, d.q(), "API token", "WHERE token_hash = ?", hash)
}

// PutApps implements chatlift.PlatformStore.
func (d *DB) PutApps(ctx context.Context, list []*chatlift.AppInstallation) error {
	for _, a := range list {
		if err := a.Validate(); err != nil {
			return err
		}
	}
	return d.inTx(ctx, func(tx querier) error { return apps.put(ctx, d, tx, list) })
}

// Apps implements chatlift.PlatformStore.
func (d *DB) Apps(ctx context.Context, accountID int64) ([]*chatlift.AppInstallation, error) {
	return apps.list(ctx, d, d.q(), "WHERE account_id = ? ORDER BY id", accountID)
}

// PutTickets implements chatlift.PlatformStore.
func (d *DB) PutTickets(ctx context.Context, list []*chatlift.Ticket) error {
	for _, t := range list {
		if err := t.Validate(); err != nil {
			return err
		}
	}
	return d.inTx(ctx, func(tx querier) error { return tickets.put(ctx, d, tx, list) })
}

// Ticket implements chatlift.PlatformStore.
func (d *DB) Ticket(ctx context.Context, accountID, id int64) (*chatlift.Ticket, error) {
	return tickets.get(ctx, d, d.q(), "ticket", "WHERE account_id = ? AND id = ?", accountID, id)
}

// Tickets implements chatlift.PlatformStore.
func (d *DB) Tickets(ctx context.Context, f chatlift.KeyFilter) ([]*chatlift.Ticket, error) {
	after, err := numericCursor(f.AfterID)
	if err != nil {
		return nil, err
	}
	return tickets.list(ctx, d, d.q(), "WHERE account_id = ? AND id > ? ORDER BY id LIMIT ?", f.AccountID, after, chatlift.PageSize(f.Limit))
}

// PutBillingAccount implements chatlift.PlatformStore.
func (d *DB) PutBillingAccount(ctx context.Context, b *chatlift.BillingAccount) error {
	if err := b.Validate(); err != nil {
		return err
	}
	return billingAccounts.put(ctx, d, d.q(), []*chatlift.BillingAccount{b})
}

// BillingAccount implements chatlift.PlatformStore.
func (d *DB) BillingAccount(ctx context.Context, id int64) (*chatlift.BillingAccount, error) {
	return billingAccounts.get(ctx, d, d.q(), "billing account", "WHERE id = ?", id)
}

// PutSubscriptions implements chatlift.PlatformStore.
func (d *DB) PutSubscriptions(ctx context.Context, list []*chatlift.Subscription) error {
	for _, s := range list {
		if s.ID <= 0 || s.BillingAccountID <= 0 || s.Seats < 0 {
			return chatlift.Errorf(chatlift.EINVALID, "subscription needs ids and a seat count")
		}
	}
	return d.inTx(ctx, func(tx querier) error { return subscriptions.put(ctx, d, tx, list) })
}

// Subscriptions implements chatlift.PlatformStore.
func (d *DB) Subscriptions(ctx context.Context, billingAccountID int64) ([]*chatlift.Subscription, error) {
	return subscriptions.list(ctx, d, d.q(), "WHERE billing_account_id = ? ORDER BY id", billingAccountID)
}

// PutInvoice implements chatlift.PlatformStore.
func (d *DB) PutInvoice(ctx context.Context, inv *chatlift.Invoice) error {
	if inv.ID <= 0 || inv.BillingAccountID <= 0 {
		return chatlift.Errorf(chatlift.EINVALID, "invoice needs ids")
	}
	return invoices.put(ctx, d, d.q(), []*chatlift.Invoice{inv})
}

// Invoices implements chatlift.PlatformStore.
func (d *DB) Invoices(ctx context.Context, billingAccountID int64) ([]*chatlift.Invoice, error) {
	return invoices.list(ctx, d, d.q(), "WHERE billing_account_id = ? ORDER BY id", billingAccountID)
}

// PutNotification implements chatlift.PlatformStore.
func (d *DB) PutNotification(ctx context.Context, n *chatlift.Notification) error {
	if n.ID <= 0 || n.AccountID <= 0 || n.Title == "" {
		return chatlift.Errorf(chatlift.EINVALID, "notification needs ids and a title")
	}
	return notifications.put(ctx, d, d.q(), []*chatlift.Notification{n})
}

// Notifications implements chatlift.PlatformStore.
func (d *DB) Notifications(ctx context.Context, accountID int64) ([]*chatlift.Notification, error) {
	return notifications.list(ctx, d, d.q(), "WHERE account_id = ? ORDER BY id", accountID)
}

// QueueEmail implements chatlift.PlatformStore.
func (d *DB) QueueEmail(ctx context.Context, e *chatlift.Email) (bool, error) {
	if err := e.Validate(); err != nil {
		return false, err
	}
	err := d.inTx(ctx, func(tx querier) error {
		var n int
		if err := tx.QueryRowContext(ctx, d.rebind("SELECT COUNT(*) FROM emails WHERE email_key = ?"), e.Key).Scan(&n); err != nil {
			return fmt.Errorf("look up email %s: %w", e.Key, err)
		} else if n > 0 {
			return chatlift.Errorf(chatlift.ECONFLICT, "email %s already queued", e.Key)
		}
		return emails.put(ctx, d, tx, []*chatlift.Email{e})
	})
	if chatlift.ErrorCode(err) == chatlift.ECONFLICT {
		return false, nil
	}
	return err == nil, err
}

// EmailsByKey implements chatlift.PlatformStore, through the unique index on
// the key.
func (d *DB) EmailsByKey(ctx context.Context, keys []string) ([]*chatlift.Email, error) {
	if len(keys) > chatlift.MaxEmailKeys {
		return nil, chatlift.Errorf(chatlift.EINVALID, "at most %d email keys at once, not %d", chatlift.MaxEmailKeys, len(keys))
	} else if len(keys) == 0 {
		return nil, nil
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(keys)), ", ")
	return emails.list(ctx, d, d.q(), "WHERE email_key IN ("+marks+") ORDER BY id", args...)
}

// PendingEmails implements chatlift.PlatformStore.
func (d *DB) PendingEmails(ctx context.Context, limit int) ([]*chatlift.Email, error) {
	return emails.list(ctx, d, d.q(), "WHERE sent = ? ORDER BY id LIMIT ?", false, chatlift.PageSize(limit))
}

// CreateUpgrade implements chatlift.PlatformStore.
func (d *DB) CreateUpgrade(ctx context.Context, u *chatlift.Upgrade) error {
	if err := u.Validate(); err != nil {
		return err
	}
	return d.inTx(ctx, func(tx querier) error {
		active, err := upgrades.list(ctx, d, tx, "WHERE account_id = ? AND active = ?", u.AccountID, true)
		if err != nil {
			return err
		} else if len(active) > 0 {
			return chatlift.Errorf(chatlift.ECONFLICT, "account %d already has upgrade %s", u.AccountID, active[0].ID)
		}
		return upgrades.put(ctx, d, tx, []*chatlift.Upgrade{u})
	})
}

// PutUpgrade implements chatlift.PlatformStore.
func (d *DB) PutUpgrade(ctx context.Context, u *chatlift.Upgrade) error {
	if err := u.Validate(); err != nil {
		return err
	}
	return upgrades.put(ctx, d, d.q(), []*chatlift.Upgrade{u})
}

// Upgrade implements chatlift.PlatformStore.
func (d *DB) Upgrade(ctx context.Context, id string) (*chatlift.Upgrade, error) {
	u, err := upgrades.get(ctx, d, d.q(), "upgrade", "WHERE id = ?", id)
	if err != nil {
		return nil, err
	}
	return u, d.attachAttention(ctx, []*chatlift.Upgrade{u})
}

// Upgrades implements chatlift.PlatformStore.
func (d *DB) Upgrades(ctx context.Context, f chatlift.UpgradeFilter) ([]*chatlift.Upgrade, error) {
	where, args := "WHERE id > ?", []any{f.AfterID}
	if f.AccountID != 0 {
		where, args = where+" AND account_id = ?", append(args, f.AccountID)
	}
	if f.State != "" {
		where, args = where+" AND state = ?", append(args, f.State)
	}
	if f.Attention {
		where += " AND id IN (SELECT upgrade_id FROM upgrade_attention)"
	}
	list, err := upgrades.list(ctx, d, d.q(), where+" ORDER BY id LIMIT ?", append(args, chatlift.PageSize(f.Limit))...)
	if err != nil {
		return nil, err
	}
	return list, d.attachAttention(ctx, list)
}

// SetUpgradeAttention implements chatlift.PlatformStore.
func (d *DB) SetUpgradeAttention(ctx context.Context, id, reason string, at time.Time) error {
	var err error
	if reason == "" {
		_, err = d.q().ExecContext(ctx, d.rebind("DELETE FROM upgrade_attention WHERE upgrade_id = ?"), id)
	} else {
		_, err = d.q().ExecContext(ctx, d.rebind(`INSERT INTO upgrade_attention (upgrade_id, reason, since) VALUES (?, ?, ?)
			ON CONFLICT (upgrade_id) DO UPDATE SET reason = excluded.reason`), id, reason, at.Unix())
	}
	if err != nil {
		return fmt.Errorf("set attention of upgrade %s: %w", id, interpret(err))
	}
	return nil
}

// attachAttention sets the Attention of each upgrade from its flag, if any.
func (d *DB) attachAttention(ctx context.Context, list []*chatlift.Upgrade) error {
	byID := make(map[string]*chatlift.Upgrade, len(list))
	for _, u := range list {
		u.Attention, byID[u.ID] = nil, u
	}
	if len(list) == 0 {
		return nil
	}
	q, args := "SELECT upgrade_id, reason, since FROM upgrade_attention", []any(nil)
	if len(list) == 1 { // one upgrade, as every activity and API read loads it: its flag only
		q, args = d.rebind(q+" WHERE upgrade_id = ?"), []any{list[0].ID}
	}
	rows, err := d.q().QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("read upgrade attention: %w", interpret(err))
	}
	defer rows.Close()
	for rows.Next() {
		var id, reason string
		var since int64
		if err := rows.Scan(&id, &reason, &since); err != nil {
			return fmt.Errorf("scan upgrade attention: %w", err)
		}
		if u := byID[id]; u != nil {
			u.Attention = &chatlift.Attention{Reason: reason, Since: time.Unix(since, 0).UTC()}
		}
	}
	return rows.Err()
}

// PutUnifiedAccount implements chatlift.PlatformStore.
func (d *DB) PutUnifiedAccount(ctx context.Context, u *chatlift.UnifiedAccount) error {
	if u.AccountID <= 0 {
		return chatlift.Errorf(chatlift.EINVALID, "account_id must be positive")
	}
	return unifiedAccounts.put(ctx, d, d.q(), []*chatlift.UnifiedAccount{u})
}

// UnifiedAccount implements chatlift.PlatformStore.
func (d *DB) UnifiedAccount(ctx context.Context, accountID int64) (*chatlift.UnifiedAccount, error) {
	return unifiedAccounts.get(ctx, d, d.q(), "unified account", "WHERE account_id = ?", accountID)
}
