package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/chatlift/chatlift"
)

var (
	conversations = &table[chatlift.Conversation]{name: "conversations",
		cols: []string{"account_id", "id", "state", "activity_us", "last_seq", "change_seq", "secret_hash"}, nkey: 2,
		vals: func(c *chatlift.Conversation) []any {
			return []any{c.AccountID, c.ID, c.State, c.LastActivityAt.UnixMicro(), c.LastSeq, c.ChangeSeq, c.SecretHash}
		},
		kept: []string{"account_id", "secret_hash"},
		dest: func(c *chatlift.Conversation) []any { return []any{&c.AccountID, &c.SecretHash} }}
	conversationMessages = &table[chatlift.ConversationMessage]{name: "conversation_messages",
		cols: []string{"account_id", "conversation_id", "seq", "client_id"}, nkey: 3,
		vals: func(m *chatlift.ConversationMessage) []any {
			return []any{m.AccountID, m.ConversationID, m.Seq, m.ClientID}
		},
		kept: []string{"account_id"}, dest: func(m *chatlift.ConversationMessage) []any { return []any{&m.AccountID} }}
)

// WidgetKeyAccount implements chatlift.ConversationStore.
func (d *DB) WidgetKeyAccount(ctx context.Context, key string) (int64, error) {
	var id int64
	err := d.q().QueryRowContext(ctx, d.rebind("SELECT account_id FROM widget_keys WHERE widget_key = ?"), key).Scan(&id)
	if err = interpret(err); chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		return 0, chatlift.Errorf(chatlift.ENOTFOUND, "no widget has this key")
	}
	return id, err
}

// WidgetKey implements chatlift.ConversationStore.
func (d *DB) WidgetKey(ctx context.Context, accountID int64) (string, error) {
	var key string
	err := d.q().QueryRowContext(ctx, d.rebind("SELECT widget_key FROM widget_keys WHERE account_id = ?"), accountID).Scan(&key)
	if err = interpret(err); chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		return "", chatlift.Errorf(chatlift.ENOTFOUND, "account %d has no widget key", accountID)
	}
	return key, err
}

// PutWidgetKey implements chatlift.ConversationStore.
func (d *DB) PutWidgetKey(ctx context.Context, accountID int64, key string) error {
	if !chatlift.ValidKey(key) {
		return chatlift.Errorf(chatlift.EINVALID, "widget key %q is not a key", key)
	}
	_, err := d.q().ExecContext(ctx, d.rebind(`INSERT INTO widget_keys (account_id, widget_key) VALUES (?, ?)
		ON CONFLICT (account_id) DO UPDATE SET widget_key = excluded.widget_key`), accountID, key)
	if err != nil {
		return fmt.Errorf("put widget key: %w", interpret(err))
	}
	return nil
}

// CreateConversation implements chatlift.ConversationStore.
func (d *DB) CreateConversation(ctx context.Context, c *chatlift.Conversation) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return d.accountWrite(ctx, c.AccountID, func(v *DB) error {
		if _, err := conversations.get(ctx, v, v.tx, "conversation", "WHERE account_id = ? AND id = ?", c.AccountID, c.ID); err == nil {
			return chatlift.Errorf(chatlift.ECONFLICT, "conversation %s already exists", c.ID)
		}
		if err := v.stamp(ctx, c); err != nil {
			return err
		}
		return conversations.put(ctx, v, v.tx, []*chatlift.Conversation{c})
	})
}

// accountWrite runs fn on a transaction's view while the account is active
// (InAccountWrite).
func (d *DB) accountWrite(ctx context.Context, accountID int64, fn func(v *DB) error) error {
	return d.InAccountWrite(ctx, accountID, func(s chatlift.ChatStore) error { return fn(s.(*DB)) })
}

// Conversation implements chatlift.ConversationStore.
func (d *DB) Conversation(ctx context.Context, accountID int64, id string) (*chatlift.Conversation, error) {
	return conversations.get(ctx, d, d.q(), "conversation", "WHERE account_id = ? AND id = ?", accountID, id)
}

// Conversations implements chatlift.ConversationStore.
func (d *DB) Conversations(ctx context.Context, f chatlift.ConversationFilter) ([]*chatlift.Conversation, error) {
	return conversations.list(ctx, d, d.q(), "WHERE account_id = ? AND (? = '' OR state = ?) AND id > ? ORDER BY id LIMIT ?",
		f.AccountID, f.State, f.State, f.AfterID, chatlift.PageSize(f.Limit))
}

// stamp gives c the account's next change number, within v's transaction.
// The counter's row stays locked until the transaction ends, so changes
// commit in the order of their numbers and a stream that read up to one
// never misses an earlier one.
func (v *DB) stamp(ctx context.Context, c *chatlift.Conversation) error {
	err := v.tx.QueryRowContext(ctx, v.rebind(`INSERT INTO conversation_changes (account_id, last) VALUES (?, 1)
		ON CONFLICT (account_id) DO UPDATE SET last = conversation_changes.last + 1 RETURNING last`), c.AccountID).Scan(&c.ChangeSeq)
	if err != nil {
		return fmt.Errorf("number a conversation change: %w", err)
	}
	return nil
}

// ConversationChanges implements chatlift.ConversationStore.
func (d *DB) ConversationChanges(ctx context.Context, accountID, afterChange int64, limit int) ([]*chatlift.Conversation, error) {
	return conversations.list(ctx, d, d.q(), "WHERE account_id = ? AND change_seq > ? ORDER BY change_seq LIMIT ?",
		accountID, afterChange, chatlift.PageSize(limit))
}

// lockedConversation reads the conversation for an update within v's
// transaction: FOR UPDATE on PostgreSQL (SQLite's write lock serializes).
func (v *DB) lockedConversation(ctx context.Context, accountID int64, id string) (*chatlift.Conversation, error) {
	lock := ""
	if v.dialect == Postgres {
		lock = " FOR UPDATE"
	}
	return conversations.get(ctx, v, v.tx, "conversation", "WHERE account_id = ? AND id = ?"+lock, accountID, id)
}

// AddConversationMessage implements chatlift.ConversationStore.
func (d *DB) AddConversationMessage(ctx context.Context, m *chatlift.ConversationMessage) (*chatlift.ConversationMessage, bool, error) {
	if err := m.Validate(); err != nil {
		return nil, false, err
	}
	var stored *chatlift.ConversationMessage
	added := false
	err := d.accountWrite(ctx, m.AccountID, func(v *DB) error {
		c, err := v.lockedConversation(ctx, m.AccountID, m.ConversationID)
		if err != nil {
			return err
		}
		seen, err := conversationMessages.list(ctx, v, v.tx, "WHERE account_id = ? AND conversation_id = ? AND client_id = ?",
			m.AccountID, m.ConversationID, m.ClientID)
		if err != nil || len(seen) > 0 {
			stored = first(seen)
			return err
		}
		if stored, err = v.appendMessage(ctx, c, m, chatlift.MaxConversationMessages-1); err != nil {
			return err
		}
		added = true
		return conversations.put(ctx, v, v.tx, []*chatlift.Conversation{c})
	})
	return stored, added, err
}

func first[T any](list []*T) *T {
	if len(list) == 0 {
		return nil
	}
	return list[0]
}

// appendMessage numbers m after c's last message and stores it, unless c
// already holds max messages; c is moved on in memory, for the caller to
// store with whatever else it changes. Sends leave room for the leave
// message.
func (v *DB) appendMessage(ctx context.Context, c *chatlift.Conversation, m *chatlift.ConversationMessage, max int64) (*chatlift.ConversationMessage, error) {
	switch {
	case c.State != chatlift.ConversationOpen:
		return nil, chatlift.Errorf(chatlift.ECONFLICT, "conversation %s has ended", c.ID)
	case c.LastSeq >= max:
		return nil, chatlift.Errorf(chatlift.ECONFLICT, "conversation %s holds %d messages, the most it can", c.ID, c.LastSeq)
	}
	s := *m
	s.Seq = c.LastSeq + 1
	c.LastSeq = s.Seq
	if s.Timestamp.After(c.LastActivityAt) {
		c.LastActivityAt = s.Timestamp
	}
	if s.AgentID != nil && !slices.Contains(c.AgentIDs, *s.AgentID) {
		c.AgentIDs = append(c.AgentIDs, *s.AgentID)
	}
	if err := conversationMessages.put(ctx, v, v.tx, []*chatlift.ConversationMessage{&s}); err != nil {
		return nil, err
	}
	return &s, v.stamp(ctx, c)
}

// ConversationMessages implements chatlift.ConversationStore.
func (d *DB) ConversationMessages(ctx context.Context, accountID int64, id string, afterSeq int64, limit int) ([]*chatlift.ConversationMessage, error) {
	return conversationMessages.list(ctx, d, d.q(), "WHERE account_id = ? AND conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?",
		accountID, id, afterSeq, chatlift.PageSize(limit))
}

// EndConversation implements chatlift.ConversationStore.
func (d *DB) EndConversation(ctx context.Context, accountID int64, id, by string, last *chatlift.ConversationMessage) (*chatlift.Conversation, error) {
	if err := last.Validate(); err != nil {
		return nil, err
	}
	var c *chatlift.Conversation
	err := d.accountWrite(ctx, accountID, func(v *DB) error {
		var err error
		if c, err = v.lockedConversation(ctx, accountID, id); err != nil || c.State == chatlift.ConversationEnded {
			return err
		}
		if _, err := v.appendMessage(ctx, c, last, chatlift.MaxConversationMessages); err != nil {
			return err
		}
		at := last.Timestamp
		c.State, c.EndedAt, c.EndedBy = chatlift.ConversationEnded, &at, by
		if err := conversations.put(ctx, v, v.tx, []*chatlift.Conversation{c}); err != nil {
			return err
		}
		msgs, err := conversationMessages.list(ctx, v, v.tx, "WHERE account_id = ? AND conversation_id = ? ORDER BY seq", accountID, id)
		if err != nil {
			return err
		}
		ch := c.Chat(msgs)
		if err := ch.Validate(); err != nil {
			return err
		}
		return chats.put(ctx, v, v.tx, []*chatlift.Chat{ch})
	})
	return c, err
}

// IdleConversations implements chatlift.ConversationStore.
func (d *DB) IdleConversations(ctx context.Context, before time.Time, limit int) ([]*chatlift.Conversation, error) {
	return conversations.list(ctx, d, d.q(), `WHERE state = ? AND activity_us < ?
		AND account_id IN (SELECT ca.id FROM chat_accounts ca WHERE ca.state = ?) ORDER BY activity_us, account_id, id LIMIT ?`,
		chatlift.ConversationOpen, before.UnixMicro(), chatlift.ChatAccountActive, chatlift.PageSize(limit))
}

// CopyConversations implements chatlift.ConversationStore.
func (d *DB) CopyConversations(ctx context.Context, convs []*chatlift.Conversation, msgs []*chatlift.ConversationMessage) error {
	for _, c := range convs {
		if err := c.Validate(); err != nil {
			return err
		}
	}
	for _, m := range msgs {
		if err := m.Validate(); err != nil {
			return err
		}
	}
	greatest := "GREATEST"
	if d.dialect == SQLite {
		greatest = "MAX"
	}
	return d.inTx(ctx, func(tx querier) error {
		if err := conversationMessages.put(ctx, d, tx, msgs); err != nil {
			return err
		}
		for _, c := range convs {
			_, err := tx.ExecContext(ctx, d.rebind(`INSERT INTO conversation_changes (account_id, last) VALUES (?, ?)
				ON CONFLICT (account_id) DO UPDATE SET last = `+greatest+`(conversation_changes.last, excluded.last)`), c.AccountID, c.ChangeSeq)
			if err != nil {
				return fmt.Errorf("move the conversation change counter: %w", err)
			}
		}
		return conversations.put(ctx, d, tx, convs)
	})
}

// DeleteConversations implements chatlift.ConversationStore.
func (d *DB) DeleteConversations(ctx context.Context, accountID int64) error {
	return d.inTx(ctx, func(tx querier) error {
		return d.deleteAccountRows(ctx, tx, accountID, "conversation_messages", "conversations", "conversation_changes", "widget_keys")
	})
}
