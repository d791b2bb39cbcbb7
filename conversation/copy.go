package conversation

import (
	"context"
	"fmt"

	"github.com/chatlift/chatlift"
)

// CopyStore is what Copy reads of one side and writes on the other.
type CopyStore interface {
	WidgetKey(ctx context.Context, accountID int64) (string, error)
	PutWidgetKey(ctx context.Context, accountID int64, key string) error
	Conversation(ctx context.Context, accountID int64, id string) (*chatlift.Conversation, error)
	Conversations(ctx context.Context, f chatlift.ConversationFilter) ([]*chatlift.Conversation, error)
	ConversationMessages(ctx context.Context, accountID int64, id string, afterSeq int64, limit int) ([]*chatlift.ConversationMessage, error)
	CopyConversations(ctx context.Context, convs []*chatlift.Conversation, msgs []*chatlift.ConversationMessage) error
}

// Copy copies the account's widget key and open conversations, with every
// message, ids, secrets and sequence numbers kept, from one store to the
// other: legacy → platform for the cutover, platform → legacy for a
// revert. A conversation still open on to but no longer on from (it ended
// there since to last served it) is copied too, ended, so that to does not
// keep a stale open copy its sweeper would end again. The account must be
// frozen on from, so nothing is sent while it copies. Each conversation is
// written in one transaction with its messages; copying again writes the
// same rows, so a retry is harmless. It returns how many it copied.
func Copy(ctx context.Context, from, to CopyStore, accountID int64) (int, error) {
	key, err := from.WidgetKey(ctx, accountID)
	switch {
	case err == nil:
		if err := to.PutWidgetKey(ctx, accountID, key); err != nil {
			return 0, fmt.Errorf("copy widget key: %w", err)
		}
	case chatlift.ErrorCode(err) != chatlift.ENOTFOUND:
		return 0, err
	}
	open, err := openConversations(ctx, from, accountID)
	if err != nil {
		return 0, err
	}
	stale, err := openConversations(ctx, to, accountID)
	if err != nil {
		return 0, err
	}
	copied := map[string]bool{}
	for _, c := range open {
		copied[c.ID] = true
	}
	for _, c := range stale {
		if copied[c.ID] {
			continue
		}
		switch c, err := from.Conversation(ctx, accountID, c.ID); {
		case err == nil:
			open = append(open, c)
		case chatlift.ErrorCode(err) != chatlift.ENOTFOUND:
			return 0, err
		}
	}
	for i, c := range open {
		msgs, err := from.ConversationMessages(ctx, accountID, c.ID, 0, chatlift.MaxConversationMessages)
		if err != nil {
			return i, err
		}
		if err := to.CopyConversations(ctx, []*chatlift.Conversation{c}, msgs); err != nil {
			return i, fmt.Errorf("copy conversation %s: %w", c.ID, err)
		}
	}
	return len(open), nil
}

// openConversations lists every open conversation of the account on st.
func openConversations(ctx context.Context, st CopyStore, accountID int64) ([]*chatlift.Conversation, error) {
	var all []*chatlift.Conversation
	f := chatlift.ConversationFilter{AccountID: accountID, State: chatlift.ConversationOpen, Limit: chatlift.MaxLimit}
	for {
		page, err := st.Conversations(ctx, f)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) < f.Limit {
			return all, nil
		}
		f.AfterID = page[len(page)-1].ID
	}
}
