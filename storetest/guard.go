package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

func testAccountWrite(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	must(t, s.PutChatAccount(ctx, chatAccount(1)))
	write := func(id string) error {
		return s.InAccountWrite(ctx, 1, func(tx chatlift.ChatStore) error {
			return tx.PutChats(ctx, []*chatlift.Chat{chat(1, id, t0)})
		})
	}
	t.Run("OK", func(t *testing.T) {
		must(t, write("w1"))
		_, err := s.Chat(ctx, 1, "w1")
		must(t, err)
	})
	t.Run("ErrorRollsBack", func(t *testing.T) {
		boom := errors.New("boom")
		err := s.InAccountWrite(ctx, 1, func(tx chatlift.ChatStore) error {
			must(t, tx.PutChats(ctx, []*chatlift.Chat{chat(1, "w2", t0)}))
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
		_, err = s.Chat(ctx, 1, "w2")
		wantCode(t, err, chatlift.ENOTFOUND)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		err := s.InAccountWrite(ctx, 99, func(chatlift.ChatStore) error { return nil })
		wantCode(t, err, chatlift.ENOTFOUND)
	})
	t.Run("WriteInFlightLandsBeforeFreeze", func(t *testing.T) {
		started, release := make(chan struct{}), make(chan struct{})
		done := make(chan error, 1)
		go func() {
			done <- s.InAccountWrite(ctx, 1, func(tx chatlift.ChatStore) error {
				close(started)
				<-release
				return tx.PutChats(ctx, []*chatlift.Chat{chat(1, "w3", t0)})
			})
		}()
		<-started
		frozen := make(chan bool, 1)
		go func() {
			prev, err := s.SetChatAccountState(ctx, 1, chatlift.ChatAccountMaintenance)
			if err != nil || prev != chatlift.ChatAccountActive {
				t.Errorf("SetChatAccountState = %q, %v", prev, err)
			}
			// The write in flight is committed by the time the freeze
			// returns: its row can be read (a flag set after the write
			// returned could be read before it was set).
			_, err = s.Chat(ctx, 1, "w3")
			frozen <- err == nil
		}()
		time.Sleep(50 * time.Millisecond) // let the freeze reach the lock while the write holds it
		select {
		case <-frozen:
			t.Fatal("the freeze returned while a write was in flight")
		default:
		}
		close(release)
		must(t, <-done)
		if !<-frozen {
			t.Fatal("the freeze returned before the write in flight committed")
		}
	})
	t.Run("ErrUnavailableWhenFrozen", func(t *testing.T) {
		err := write("w4")
		wantCode(t, err, chatlift.EUNAVAILABLE)
		if !errors.Is(err, chatlift.ErrFrozen) {
			t.Fatalf("a write refused by the freeze: %v, want ErrFrozen in its chain", err)
		}
		_, err = s.Chat(ctx, 1, "w4")
		wantCode(t, err, chatlift.ENOTFOUND)
		prev, err := s.SetChatAccountState(ctx, 1, chatlift.ChatAccountActive)
		must(t, err)
		if prev != chatlift.ChatAccountMaintenance {
			t.Fatalf("previous state %q", prev)
		}
		must(t, write("w4"))
		_, err = s.SetChatAccountState(ctx, 1, "melted")
		wantCode(t, err, chatlift.EINVALID)
	})
}
