package httpapi

import (
	"cmp"
	"context"

	"github.com/chatlift/chatlift"
)

// While an upgraded account's history is being imported, the platform's
// chat API reads the legacy store's rows with its own: the legacy store is
// frozen from the switch on, so the two together are the account's whole
// history at every moment of the import. A row both have is the platform's
// (the imported copy, or a version the platform changed since). Both
// stores order rows the same way (bytewise ids), so a page merges the first
// page of each.

// chats is a page of the account's chats, merged with the legacy store's
// while the import runs.
func (c *chatCaller) chats(ctx context.Context, f chatlift.ChatFilter) ([]*chatlift.Chat, error) {
	f.AccountID = c.account.ID
	if err := c.loadHistory(ctx); err != nil {
		return nil, err
	}
	list, err := c.store.Chats(ctx, f)
	if err != nil || c.legacy == nil {
		return list, err
	}
	old, err := c.legacy.Chats(ctx, f)
	if err != nil {
		return nil, err
	}
	order := func(a, b *chatlift.Chat) int { return cmp.Compare(a.ID, b.ID) }
	if f.ByUpdate {
		order = func(a, b *chatlift.Chat) int {
			return cmp.Or(cmp.Compare(a.UpdateTimestamp.Unix(), b.UpdateTimestamp.Unix()), cmp.Compare(a.ID, b.ID))
		}
	}
	return merge(list, old, order, chatlift.PageSize(f.Limit)), nil
}

// chat is one chat of the account, from the legacy store if the import
// has not reached it yet.
func (c *chatCaller) chat(ctx context.Context, id string) (*chatlift.Chat, error) {
	return c.chatIn(ctx, c.store, id)
}

// chatIn is chat reading the platform's side through s (a transaction).
func (c *chatCaller) chatIn(ctx context.Context, s chatlift.ChatStore, id string) (*chatlift.Chat, error) {
	if err := c.loadHistory(ctx); err != nil {
		return nil, err
	}
	ch, err := s.Chat(ctx, c.account.ID, id)
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND && c.legacy != nil {
		return c.legacy.Chat(ctx, c.account.ID, id)
	}
	return ch, err
}

func (c *chatCaller) visitors(ctx context.Context, f chatlift.KeyFilter) ([]*chatlift.Visitor, error) {
	f.AccountID = c.account.ID
	if err := c.loadHistory(ctx); err != nil {
		return nil, err
	}
	list, err := c.store.Visitors(ctx, f)
	if err != nil || c.legacy == nil {
		return list, err
	}
	old, err := c.legacy.Visitors(ctx, f)
	if err != nil {
		return nil, err
	}
	return merge(list, old, func(a, b *chatlift.Visitor) int { return cmp.Compare(a.ID, b.ID) }, chatlift.PageSize(f.Limit)), nil
}

func (c *chatCaller) visitor(ctx context.Context, id string) (*chatlift.Visitor, error) {
	if err := c.loadHistory(ctx); err != nil {
		return nil, err
	}
	v, err := c.store.Visitor(ctx, c.account.ID, id)
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND && c.legacy != nil {
		return c.legacy.Visitor(ctx, c.account.ID, id)
	}
	return v, err
}

// merge merges two lists sorted by order into the first limit items, an
// item of b equal to one of a left out.
func merge[T any](a, b []T, order func(x, y T) int, limit int) []T {
	out := make([]T, 0, min(limit, len(a)+len(b)))
	for len(out) < limit && (len(a) > 0 || len(b) > 0) {
		switch {
		case len(b) == 0:
			out, a = append(out, a[0]), a[1:]
		case len(a) == 0:
			out, b = append(out, b[0]), b[1:]
		default:
			switch o := order(a[0], b[0]); {
			case o < 0:
				out, a = append(out, a[0]), a[1:]
			case o > 0:
				out, b = append(out, b[0]), b[1:]
			default:
				out, a, b = append(out, a[0]), a[1:], b[1:]
			}
		}
	}
	return out
}
