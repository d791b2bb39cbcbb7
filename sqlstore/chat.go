package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chatlift/chatlift"
)

var (
	chatAccounts = &table[chatlift.ChatAccount]{name: "chat_accounts", cols: []string{"id", "state"}, nkey: 1,
		vals: func(a *chatlift.ChatAccount) []any { return []any{a.ID, a.State} }}
	agents = &table[chatlift.Agent]{name: "agents", cols: []string{"account_id", "id", "email_key", "password_hash"}, nkey: 2,
		vals: func(a *chatlift.Agent) []any {
			return []any{a.AccountID, a.ID, chatlift.NormalizeEmail(a.Email), a.PasswordHash}
		},
		kept: []string{"account_id", "password_hash"},
		dest: func(a *chatlift.Agent) []any { return []any{&a.AccountID, &a.PasswordHash} }}
	objects = &table[chatlift.Object]{name: "chat_objects", cols: []string{"account_id", "kind", "id"}, nkey: 3,
		vals: func(o *chatlift.Object) []any { return []any{o.AccountID, string(o.Kind), o.ID} },
		kept: []string{"account_id"}, dest: func(o *chatlift.Object) []any { return []any{&o.AccountID} }}
	chats = &table[chatlift.Chat]{name: "chats", cols: []string{"account_id", "id", "update_s"}, nkey: 2,
		vals: func(c *chatlift.Chat) []any { return []any{c.AccountID, c.ID, c.UpdateTimestamp.Unix()} },
		kept: []string{"account_id"}, dest: func(c *chatlift.Chat) []any { return []any{&c.AccountID} }}
	visitors = &table[chatlift.Visitor]{name: "visitors", cols: []string{"account_id", "id"}, nkey: 2,
		vals: func(v *chatlift.Visitor) []any { return []any{v.AccountID, v.ID} },
		kept: []string{"account_id"}, dest: func(v *chatlift.Visitor) []any { return []any{&v.AccountID} }}
	analytics = &table[chatlift.AnalyticsEvent]{name: "analytics_events", cols: []string{"account_id", "id"}, nkey: 2,
		vals: func(e *chatlift.AnalyticsEvent) []any { return []any{e.AccountID, e.ID} },
		kept: []string{"account_id"}, dest: func(e *chatlift.AnalyticsEvent) []any { return []any{&e.AccountID} }}
	oauthClients = &table[chatlift.OAuthClient]{name: "oauth_clients",
		cols: []string{"account_id", "id", "client_identifier", "secret_hash"}, nkey: 2,
		vals: func(c *chatlift.OAuthClient) []any {
			return []any{c.AccountID, c.ID, c.ClientIdentifier, c.SecretHash}
		},
		kept: []string{"account_id", "secret_hash"},
		dest: func(c *chatlift.OAuthClient) []any { return []any{&c.AccountID, &c.SecretHash} }}
	oauthTokens = &table[chatlift.OAuthToken]{name: "oauth_tokens",
		cols: []string{"account_id", "id", "token_hash", "refresh_hash", "revoked"}, nkey: 2,
		vals: func(t *chatlift.OAuthToken) []any {
			return []any{t.AccountID, t.ID, t.TokenHash, t.RefreshHash, t.RevokedAt != nil}
		},
		kept: []string{"account_id", "token_hash", "refresh_hash"},
		dest: func(t *chatlift.OAuthToken) []any { return []any{&t.AccountID, &t.TokenHash, &t.RefreshHash} }}
)

// PutChatAccount implements chatlift.ChatStore.
func (d *DB) PutChatAccount(ctx context.Context, a *chatlift.ChatAccount) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return chatAccounts.put(ctx, d, d.q(), []*chatlift.ChatAccount{a})
}

// ChatAccount implements chatlift.ChatStore.
func (d *DB) ChatAccount(ctx context.Context, id int64) (*chatlift.ChatAccount, error) {
	return chatAccounts.get(ctx, d, d.q(), "chat account", "WHERE id = ?", id)
}

// ChatAccounts implements chatlift.ChatStore.
func (d *DB) ChatAccounts(ctx context.Context, f chatlift.AccountFilter) ([]*chatlift.ChatAccount, error) {
	return chatAccounts.list(ctx, d, d.q(), "WHERE id > ? ORDER BY id LIMIT ?", f.AfterID, chatlift.PageSize(f.Limit))
}

// PutAgents implements chatlift.ChatStore.
func (d *DB) PutAgents(ctx context.Context, list []*chatlift.Agent) error {
	for _, a := range list {
		if err := a.Validate(); err != nil {
			return err
		}
	}
	return agents.put(ctx, d, d.q(), list)
}

// Agents implements chatlift.ChatStore.
func (d *DB) Agents(ctx context.Context, accountID int64) ([]*chatlift.Agent, error) {
	return agents.list(ctx, d, d.q(), "WHERE account_id = ? ORDER BY id", accountID)
}

// Agent implements chatlift.ChatStore.
func (d *DB) Agent(ctx context.Context, accountID, id int64) (*chatlift.Agent, error) {
	return agents.get(ctx, d, d.q(), fmt.Sprint("agent ", id), "WHERE account_id = ? AND id = ?", accountID, id)
}

// AgentByEmail implements chatlift.ChatStore: one lookup in the index of
// (account, normalized email).
func (d *DB) AgentByEmail(ctx context.Context, accountID int64, email string) (*chatlift.Agent, error) {
	return agents.get(ctx, d, d.q(), "agent with that email", "WHERE account_id = ? AND email_key = ? ORDER BY id",
		accountID, chatlift.NormalizeEmail(email))
}

// PutObjects implements chatlift.ChatStore.
func (d *DB) PutObjects(ctx context.Context, objs []*chatlift.Object) error {
	for _, o := range objs {
		if o.ID <= 0 || o.Kind == "" || len(o.Body) == 0 {
			return chatlift.Errorf(chatlift.EINVALID, "object needs a kind, a positive id and a body")
		}
	}
	return objects.put(ctx, d, d.q(), objs)
}

// Objects implements chatlift.ChatStore.
func (d *DB) Objects(ctx context.Context, accountID int64, kind chatlift.ObjectKind) ([]*chatlift.Object, error) {
	return objects.list(ctx, d, d.q(), "WHERE account_id = ? AND kind = ? ORDER BY id", accountID, string(kind))
}

// Object implements chatlift.ChatStore.
func (d *DB) Object(ctx context.Context, accountID int64, kind chatlift.ObjectKind, id int64) (*chatlift.Object, error) {
	return objects.get(ctx, d, d.q(), fmt.Sprint(kind, " ", id), "WHERE account_id = ? AND kind = ? AND id = ?", accountID, string(kind), id)
}

// DeleteAgents removes the account's agents with the ids; ids it does not
// have are ignored.
func (d *DB) DeleteAgents(ctx context.Context, accountID int64, ids []int64) error {
	return d.inTx(ctx, func(tx querier) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, d.rebind("DELETE FROM agents WHERE account_id = ? AND id = ?"), accountID, id); err != nil {
				return fmt.Errorf("delete agent %d: %w", id, err)
			}
		}
		return nil
	})
}

// DeleteObjects implements chatlift.ChatStore.
func (d *DB) DeleteObjects(ctx context.Context, accountID int64, kind chatlift.ObjectKind, ids []int64) error {
	return d.inTx(ctx, func(tx querier) error {
		for _, id := range ids {
			_, err := tx.ExecContext(ctx, d.rebind("DELETE FROM chat_objects WHERE account_id = ? AND kind = ? AND id = ?"), accountID, string(kind), id)
			if err != nil {
				return fmt.Errorf("delete %s %d: %w", kind, id, err)
			}
		}
		return nil
	})
}

// PutChats implements chatlift.ChatStore.
func (d *DB) PutChats(ctx context.Context, list []*chatlift.Chat) error {
	for _, c := range list {
		if err := c.Validate(); err != nil {
			return err
		}
	}
	return d.inTx(ctx, func(tx querier) error { return chats.put(ctx, d, tx, list) })
}

// Chat implements chatlift.ChatStore.
func (d *DB) Chat(ctx context.Context, accountID int64, id string) (*chatlift.Chat, error) {
	return chats.get(ctx, d, d.q(), "chat", "WHERE account_id = ? AND id = ?", accountID, id)
}

// Chats implements chatlift.ChatStore.
func (d *DB) Chats(ctx context.Context, f chatlift.ChatFilter) ([]*chatlift.Chat, error) {
	if f.ByUpdate {
		sec := f.AfterTime.Unix()
		if f.AfterTime.IsZero() {
			sec = -1 << 62
		}
		return chats.list(ctx, d, d.q(), "WHERE account_id = ? AND (update_s > ? OR (update_s = ? AND id > ?)) ORDER BY update_s, id LIMIT ?",
			f.AccountID, sec, sec, f.AfterID, chatlift.PageSize(f.Limit))
	}
	return chats.list(ctx, d, d.q(), "WHERE account_id = ? AND id > ? ORDER BY id LIMIT ?", f.AccountID, f.AfterID, chatlift.PageSize(f.Limit))
}

// ChatIDs implements chatlift.ChatStore.
func (d *DB) ChatIDs(ctx context.Context, accountID int64, ids []string) ([]string, error) {
	found := []string{}
	for start := 0; start < len(ids); start += maxParams - 1 {
		chunk := ids[start:min(len(ids), start+maxParams-1)]
		args := []any{accountID}
		for _, id := range chunk {
			args = append(args, id)
		}
		in := strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ")
		rows, err := d.q().QueryContext(ctx, d.rebind("SELECT id FROM chats WHERE account_id = ? AND id IN ("+in+")"), args...)
		if err != nil {
			return nil, fmt.Errorf("look up chats: %w", interpret(err))
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("scan chat id: %w", err)
			}
			found = append(found, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read chat ids: %w", err)
		}
	}
	slices.Sort(found)
	return found, nil
}

// PutVisitors implements chatlift.ChatStore.
func (d *DB) PutVisitors(ctx context.Context, list []*chatlift.Visitor) error {
	for _, v := range list {
		if err := v.Validate(); err != nil {
			return err
		}
	}
	return d.inTx(ctx, func(tx querier) error { return visitors.put(ctx, d, tx, list) })
}

// Visitor implements chatlift.ChatStore.
func (d *DB) Visitor(ctx context.Context, accountID int64, id string) (*chatlift.Visitor, error) {
	return visitors.get(ctx, d, d.q(), "visitor", "WHERE account_id = ? AND id = ?", accountID, id)
}

// Visitors implements chatlift.ChatStore.
func (d *DB) Visitors(ctx context.Context, f chatlift.KeyFilter) ([]*chatlift.Visitor, error) {
	return visitors.list(ctx, d, d.q(), "WHERE account_id = ? AND id > ? ORDER BY id LIMIT ?", f.AccountID, f.AfterID, chatlift.PageSize(f.Limit))
}

// PutAnalytics implements chatlift.ChatStore.
func (d *DB) PutAnalytics(ctx context.Context, list []*chatlift.AnalyticsEvent) error {
	for _, e := range list {
		if e.ID <= 0 || e.Type == "" {
			return chatlift.Errorf(chatlift.EINVALID, "analytics event needs a positive id and a type")
		}
	}
	return d.inTx(ctx, func(tx querier) error { return analytics.put(ctx, d, tx, list) })
}

// Analytics implements chatlift.ChatStore.
func (d *DB) Analytics(ctx context.Context, f chatlift.KeyFilter) ([]*chatlift.AnalyticsEvent, error) {
	after, err := numericCursor(f.AfterID)
	if err != nil {
		return nil, err
	}
	return analytics.list(ctx, d, d.q(), "WHERE account_id = ? AND id > ? ORDER BY id LIMIT ?", f.AccountID, after, chatlift.PageSize(f.Limit))
}

func numericCursor(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, chatlift.Errorf(chatlift.EINVALID, "cursor %q is not a number", s)
	}
	return n, nil
}

// CountHistory implements chatlift.ChatStore.
func (d *DB) CountHistory(ctx context.Context, accountID int64) (chatlift.HistoryCount, error) {
	var h chatlift.HistoryCount
	err := d.q().QueryRowContext(ctx, d.rebind(`SELECT
		(SELECT COUNT(*) FROM chats WHERE account_id = ?),
		(SELECT COUNT(*) FROM visitors WHERE account_id = ?),
		(SELECT COUNT(*) FROM analytics_events WHERE account_id = ?),
		(SELECT COUNT(*) FROM agent_timeline WHERE account_id = ?)`), accountID, accountID, accountID, accountID).
		Scan(&h.Chats, &h.Visitors, &h.Analytics, &h.AgentTimeline)
	if err != nil {
		return h, fmt.Errorf("count history: %w", err)
	}
	return h, nil
}

// PutOAuthClient implements chatlift.ChatStore.
func (d *DB) PutOAuthClient(ctx context.Context, c *chatlift.OAuthClient) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return oauthClients.put(ctx, d, d.q(), []*chatlift.OAuthClient{c})
}

// OAuthClients implements chatlift.ChatStore.
func (d *DB) OAuthClients(ctx context.Context, accountID int64) ([]*chatlift.OAuthClient, error) {
	return oauthClients.list(ctx, d, d.q(), "WHERE account_id = ? ORDER BY id", accountID)
}

// OAuthClient implements chatlift.ChatStore.
func (d *DB) OAuthClient(ctx context.Context, accountID, id int64) (*chatlift.OAuthClient, error) {
	return oauthClients.get(ctx, d, d.q(), fmt.Sprint("OAuth client ", id), "WHERE account_id = ? AND id = ?", accountID, id)
}

// OAuthClientByIdentifier implements chatlift.ChatStore.
func (d *DB) OAuthClientByIdentifier(ctx context.Context, identifier string) (*chatlift.OAuthClient, error) {
	return oauthClients.get(ctx, d, d.q(), "OAuth client", "WHERE client_identifier = ?", identifier)
}

// PutOAuthTokens implements chatlift.ChatStore.
func (d *DB) PutOAuthTokens(ctx context.Context, list []*chatlift.OAuthToken) error {
	for _, t := range list {
		if t.ID <= 0 || t.TokenHash == "" {
			return chatlift.Errorf(chatlift.EINVALID, "token needs a positive id and a hash")
		}
	}
	return d.inTx(ctx, func(tx querier) error { return oauthTokens.put(ctx, d, tx, list) })
}

// OAuthTokenByHash implements chatlift.ChatStore.
func (d *DB) OAuthTokenByHash(ctx context.Context, hash string) (*chatlift.OAuthToken, error) {
	return oauthTokens.get(ctx, d, d.q(), "token", "WHERE token_hash = ?", hash)
}

// OAuthTokens implements chatlift.ChatStore.
func (d *DB) OAuthTokens(ctx context.Context, accountID int64) ([]*chatlift.OAuthToken, error) {
	return oauthTokens.list(ctx, d, d.q(), "WHERE account_id = ? ORDER BY id", accountID)
}

// RevokeOAuthTokens implements chatlift.ChatStore.
func (d *DB) RevokeOAuthTokens(ctx context.Context, accountID int64, at time.Time) (int, error) {
	var n int
	err := d.inTx(ctx, func(tx querier) error {
		list, err := oauthTokens.list(ctx, d, tx, "WHERE account_id = ? AND revoked = ?", accountID, false)
		if err != nil {
			return err
		}
		for _, t := range list {
			t.RevokedAt = &at
		}
		n = len(list)
		return oauthTokens.put(ctx, d, tx, list)
	})
	return n, err
}

// accountTables are the tables holding a chat account's rows, beside the
// account's own row.
var accountTables = []string{"agents", "chat_objects", "chats", "visitors", "analytics_events", "agent_timeline", "oauth_clients", "oauth_tokens", "oauth_codes",
	"conversation_messages", "conversations", "conversation_changes", "widget_keys"}

// DeleteChatAccount implements chatlift.ChatStore.
func (d *DB) DeleteChatAccount(ctx context.Context, accountID int64) error {
	return d.inTx(ctx, func(tx querier) error {
		return d.deleteAccountRows(ctx, tx, accountID, append(accountTables, "chat_accounts")...)
	})
}

// RetireChatAccount removes everything the chat account holds but its own
// row (agents, configuration, history, OAuth clients, tokens and codes), in
// one transaction: the row stays, so the account is still routed by its
// state. Retiring twice is harmless.
func (d *DB) RetireChatAccount(ctx context.Context, accountID int64) error {
	return d.inTx(ctx, func(tx querier) error { return d.deleteAccountRows(ctx, tx, accountID, accountTables...) })
}

// DropUpgradedChat removes the platform's copy of a chat account (as
// DeleteChatAccount does), the cursors of its history import and its
// unified account record, in one transaction: the platform is left as if
// the account had never been upgraded. Dropping twice is harmless.
func (d *DB) DropUpgradedChat(ctx context.Context, accountID int64) error {
	return d.inTx(ctx, func(tx querier) error {
		return d.deleteAccountRows(ctx, tx, accountID, append(accountTables, "chat_accounts", "import_cursors", "unified_accounts")...)
	})
}

// deleteAccountRows deletes the account's rows of each table, keyed by
// account_id (by id in chat_accounts).
func (d *DB) deleteAccountRows(ctx context.Context, tx querier, accountID int64, tables ...string) error {
	for _, t := range tables {
		col := "account_id"
		if t == "chat_accounts" {
			col = "id"
		}
		if _, err := tx.ExecContext(ctx, d.rebind("DELETE FROM "+t+" WHERE "+col+" = ?"), accountID); err != nil {
			return fmt.Errorf("delete %s of account %d: %w", t, accountID, err)
		}
	}
	return nil
}
