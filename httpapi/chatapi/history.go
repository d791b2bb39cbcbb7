package chatapi

import (
	"cmp"
	"context"
	"slices"

	"github.com/chatlift/chatlift"
)

// While an upgraded account's history is being imported, the platform's
// chat API reads the legacy store's rows with its own: the legacy store is
// frozen from the switch on, so the two together are the account's whole
// history at every moment of the import. A row both have is the platform's
// (the imported copy, or a version the platform changed since), wherever
// each copy sorts: a chat answered on the platform has a later update time
// than its legacy copy, so in update order the legacy copy is left out by
// id, not by position. Both stores order rows the same way (bytewise ids),
// so a page merges the first page of each.

// chats is a page of the account's chats, merged with the legacy store's
// while the import runs.
func (c *chatCaller) chats(ctx context.Context, f chatlift.ChatFilter) ([]*chatlift.Chat, error) {
	f.AccountID = c.Account.ID
	if err := c.loadHistory(ctx); err != nil {
		return nil, err
	}
	list, err := c.Store.Chats(ctx, f)
	if err != nil || c.legacy == nil {
		return list, err
	}
	order := func(a, b *chatlift.Chat) int { return cmp.Compare(a.ID, b.ID) }
	if f.ByUpdate {
		order = func(a, b *chatlift.Chat) int {
			return cmp.Or(cmp.Compare(a.UpdateTimestamp.Unix(), b.UpdateTimestamp.Unix()), cmp.Compare(a.ID, b.ID))
		}
	}
	limit := chatlift.PageSize(f.Limit)
	var bound *chatlift.Chat // a full platform page ends the merged page
	if len(list) == limit {
		bound = list[limit-1]
	}
	old, err := c.legacyChats(ctx, f, order, bound)
	if err != nil {
		return nil, err
	}
	return merge(list, old, order, limit), nil
}

// legacyChats reads the legacy store's chats after f's cursor that the
// platform has no copy of, up to f's limit of them and none sorting after
// bound (when set). Legacy pages are read until that many are found, so
// that rows left out never shorten the merged page.
func (c *chatCaller) legacyChats(ctx context.Context, f chatlift.ChatFilter, order func(a, b *chatlift.Chat) int, bound *chatlift.Chat) ([]*chatlift.Chat, error) {
	limit := chatlift.PageSize(f.Limit)
	var out []*chatlift.Chat
	for len(out) < limit {
		page, err := c.legacy.Chats(ctx, f)
		if err != nil {
			return nil, err
		}
		full := len(page) == limit
		if bound != nil {
			if i := slices.IndexFunc(page, func(ch *chatlift.Chat) bool { return order(ch, bound) > 0 }); i >= 0 {
				page, full = page[:i], false
			}
		}
		ids := make([]string, len(page))
		for i, ch := range page {
			ids[i] = ch.ID
		}
		copied, err := c.Store.ChatIDs(ctx, c.Account.ID, ids)
		if err != nil {
			return nil, err
		}
		for _, ch := range page {
			if _, found := slices.BinarySearch(copied, ch.ID); !found {
				out = append(out, ch)
			}
		}
		if !full {
			break
		}
		last := page[len(page)-1]
		f.AfterTime, f.AfterID = last.UpdateTimestamp, last.ID
	}
	return out[:min(len(out), limit)], nil
}

// chat is one chat of the account, from the legacy store if the import
// has not reached it yet.
func (c *chatCaller) chat(ctx context.Context, id string) (*chatlift.Chat, error) {
	return c.chatIn(ctx, c.Store, id)
}

// chatIn is chat reading the platform's side through s (a transaction).
func (c *chatCaller) chatIn(ctx context.Context, s Store, id string) (*chatlift.Chat, error) {
	if err := c.loadHistory(ctx); err != nil {
		return nil, err
	}
	ch, err := s.Chat(ctx, c.Account.ID, id)
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND && c.legacy != nil {
		return c.legacy.Chat(ctx, c.Account.ID, id)
	}
	return ch, err
}

func (c *chatCaller) visitors(ctx context.Context, f chatlift.KeyFilter) ([]*chatlift.Visitor, error) {
	f.AccountID = c.Account.ID
	if err := c.loadHistory(ctx); err != nil {
		return nil, err
	}
	list, err := c.Store.Visitors(ctx, f)
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
	v, err := c.Store.Visitor(ctx, c.Account.ID, id)
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND && c.legacy != nil {
		return c.legacy.Visitor(ctx, c.Account.ID, id)
	}
	return v, err
}

// agentTimeline is a page of the account's agent timeline, merged with the
// legacy store's while the import runs. An entry has the same key on both
// sides and both order by key, so a page merges the first page of each.
func (c *chatCaller) agentTimeline(ctx context.Context, f chatlift.TimelineFilter) ([]*chatlift.AgentTimelineEntry, error) {
	f.AccountID = c.Account.ID
	if err := c.loadHistory(ctx); err != nil {
		return nil, err
	}
	list, err := c.Store.AgentTimeline(ctx, f)
	if err != nil || c.legacy == nil {
		return list, err
	}
	old, err := c.legacy.AgentTimeline(ctx, f)
	if err != nil {
		return nil, err
	}
	byKey := func(a, b *chatlift.AgentTimelineEntry) int { return cmp.Compare(a.Key(), b.Key()) }
	return merge(list, old, byKey, chatlift.PageSize(f.Limit)), nil
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
