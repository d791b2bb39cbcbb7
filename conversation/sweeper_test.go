package conversation_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/conversation"
	"github.com/chatlift/chatlift/internal/convtest"
	"github.com/chatlift/chatlift/seed"
	"github.com/chatlift/chatlift/sqlstore"
)

type fixture struct {
	store *sqlstore.DB
	clock *convtest.Clock
	svc   *conversation.Service
	sweep *conversation.Sweeper
}

// setup is a legacy store with two seeded accounts and a sweeper over it
// ending conversations idle for 10 minutes.
func setup(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	legacy, err := sqlstore.Open(ctx, sqlstore.Config{Path: filepath.Join(t.TempDir(), "legacy.db"), Role: sqlstore.RoleChat})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { legacy.Close() })
	platform, err := sqlstore.Open(ctx, sqlstore.Config{Path: filepath.Join(t.TempDir(), "platform.db"), Role: sqlstore.RolePlatform})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { platform.Close() })
	if _, err := seed.Fleet(ctx, legacy, platform, seed.Spec{Accounts: 2, ChatsPerAccount: 1, Seed: 1, Start: seed.DefaultStart}, time.Now().UTC(), nil); err != nil {
		t.Fatal(err)
	}
	f := &fixture{store: legacy, clock: convtest.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))}
	f.svc = &conversation.Service{Hub: &conversation.Hub{}, Now: f.clock.Now}
	f.sweep = &conversation.Sweeper{Service: f.svc, Stores: []conversation.IdleStore{legacy}, Logger: slog.New(slog.DiscardHandler),
		IdleTimeout: 10 * time.Minute, Interval: time.Millisecond}
	return f
}

func (f *fixture) start(t *testing.T, account int64) *chatlift.Conversation {
	t.Helper()
	c, _, err := f.svc.Start(context.Background(), f.store, account, chatlift.ChatVisitor{Name: "Mika"}, chatlift.ChatSession{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fixture) state(t *testing.T, account int64, id string) *chatlift.Conversation {
	t.Helper()
	c, err := f.store.Conversation(context.Background(), account, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSweep(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		f := setup(t)
		quiet, busy := f.start(t, 1), f.start(t, 2)
		f.clock.Advance(9 * time.Minute)
		if _, _, err := f.svc.Send(ctx, f.store, busy, nil, "c1", "still here"); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(2 * time.Minute)
		n, err := f.sweep.Sweep(ctx)
		if err != nil || n != 1 {
			t.Fatalf("swept %d, %v; want 1", n, err)
		}
		c := f.state(t, 1, quiet.ID)
		if c.State != chatlift.ConversationEnded || c.EndedBy != chatlift.EndedByIdle || f.state(t, 2, busy.ID).State != chatlift.ConversationOpen {
			t.Fatalf("quiet %+v, busy %s", c, f.state(t, 2, busy.ID).State)
		}
		ch, err := f.store.Chat(ctx, 1, quiet.ID)
		if err != nil || len(ch.History) != 1 || ch.History[0].SenderType != chatlift.SenderSystem {
			t.Fatalf("the idle conversation's chat: %+v, %v", ch, err)
		}
	})
	t.Run("FrozenAccountLeftAlone", func(t *testing.T) {
		f := setup(t)
		c := f.start(t, 1)
		if _, err := f.store.SetChatAccountState(ctx, 1, chatlift.ChatAccountUpgraded); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(time.Hour)
		if n, err := f.sweep.Sweep(ctx); err != nil || n != 0 {
			t.Fatalf("swept %d, %v; want none", n, err)
		}
		if f.state(t, 1, c.ID).State != chatlift.ConversationOpen {
			t.Fatal("a conversation of an account the store no longer serves was ended")
		}
	})
	t.Run("StartStop", func(t *testing.T) {
		f := setup(t)
		c := f.start(t, 1)
		f.clock.Advance(time.Hour)
		f.sweep.Start(ctx)
		defer f.sweep.Stop()
		deadline := time.Now().Add(10 * time.Second)
		for f.state(t, 1, c.ID).State != chatlift.ConversationEnded {
			if time.Now().After(deadline) {
				t.Fatal("the running sweeper did not end the idle conversation")
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
}
