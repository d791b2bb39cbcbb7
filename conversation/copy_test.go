package conversation_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/conversation"
)

// TestCopy moves account 1's conversations to a second store and back,
// as a cutover and a revert do.
func TestCopy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setup(t)
	other := setup(t) // the other side: the same seeded accounts
	moving, ended := f.start(t, 1), f.start(t, 1)
	f.start(t, 2) // another account's stays
	for _, c := range []*chatlift.Conversation{moving, ended} {
		if _, _, err := f.svc.Send(ctx, f.store, c, nil, "c1", "hello"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.svc.End(ctx, f.store, ended, nil, chatlift.EndedByVisitor); err != nil {
		t.Fatal(err)
	}
	key, err := f.svc.WidgetKey(ctx, f.store, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		for range 2 { // a retried copy writes the same rows
			if n, err := conversation.Copy(ctx, f.store, other.store, 1); err != nil || n != 1 {
				t.Fatalf("copied %d, %v; want the one open conversation", n, err)
			}
		}
		got, err := other.store.Conversation(ctx, 1, moving.ID)
		if err != nil || got.SecretHash != moving.SecretHash || got.LastSeq != 1 {
			t.Fatalf("copy %+v, %v", got, err)
		}
		if k, err := other.store.WidgetKey(ctx, 1); err != nil || k != key {
			t.Fatalf("widget key %q, %v; want %q", k, err, key)
		}
		if _, err := other.store.Conversation(ctx, 1, ended.ID); chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
			t.Fatalf("an ended conversation was copied: %v", err)
		}
	})
	t.Run("Back", func(t *testing.T) {
		c, err := other.store.Conversation(ctx, 1, moving.ID)
		if err != nil {
			t.Fatal(err)
		}
		other.clock.Advance(time.Minute)
		if _, _, err := other.svc.Send(ctx, other.store, c, nil, "c2", "on the other side"); err != nil {
			t.Fatal(err)
		}
		if _, err := other.svc.End(ctx, other.store, c, nil, chatlift.EndedByVisitor); err != nil {
			t.Fatal(err)
		}
		if _, err := conversation.Copy(ctx, other.store, f.store, 1); err != nil {
			t.Fatal(err)
		}
		back := f.state(t, 1, moving.ID)
		msgs, err := f.store.ConversationMessages(ctx, 1, moving.ID, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		var seqs []int64
		for _, m := range msgs {
			seqs = append(seqs, m.Seq)
		}
		if back.State != chatlift.ConversationEnded || !slices.Equal(seqs, []int64{1, 2, 3}) {
			t.Fatalf("the stale copy came back %s with messages %v; want ended with 1, 2, 3", back.State, seqs)
		}
	})
}
