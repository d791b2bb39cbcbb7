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
	Conversations(ctx context.Context, f chatlift.ConversationFilter) ([]*chatlift.Conversation, error)
	ConversationMessages(ctx context.Context, accountID int64, id string, afterSeq int64, limit int) ([]*chatlift.ConversationMessage, error)
	CopyConversations(ctx context.Context, convs []*chatlift.Conversation, msgs []*chatlift.ConversationMessage) error
}

// Copy copies the account's widget key and open conversations, with every
// message, ids, secrets and sequence numbers kept, from one store to the
// other: legacy → platform for the cutover, platform → legacy for a
// revert. The account must be frozen on from (so nothing is sent while it
// copies). Each conversation is written in one transaction with its
// messages; copying again writes the same rows, so a retry is harmless.
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
	n := 0
	f := chatlift.ConversationFilter{AccountID: accountID, State: chatlift.ConversationOpen, Limit: chatlift.MaxLimit}
	for {
		convs, err := from.Conversations(ctx, f)
		if err != nil {
			return n, err
		}
		for _, c := range convs {
			msgs, err := from.ConversationMessages(ctx, accountID, c.ID, 0, chatlift.MaxConversationMessages)
			if err != nil {
				return n, err
			}
			if err := to.CopyConversations(ctx, []*chatlift.Conversation{c}, msgs); err != nil {
				return n, fmt.Errorf("copy conversation %s: %w", c.ID, err)
			}
			n++
		}
		if len(convs) < f.Limit {
			return n, nil
		}
		f.AfterID = convs[len(convs)-1].ID
	}
}
