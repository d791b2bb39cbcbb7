package upgrade_test

import (
	"context"
	"testing"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/upgrade"
)

func TestEnableAccountAssumption(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setup(t, 0)
	s := upgrade.Settings{Legacy: f.legacy}
	acct, err := f.legacy.ChatAccount(ctx, f.account)
	must(t, err)
	acct.AccountAssumption = false
	must(t, f.legacy.PutChatAccount(ctx, acct))
	t.Run("OK", func(t *testing.T) {
		must(t, s.EnableAccountAssumption(ctx, f.account))
		must(t, s.EnableAccountAssumption(ctx, f.account)) // again: no change, no error
		got, err := f.legacy.ChatAccount(ctx, f.account)
		must(t, err)
		if !got.AccountAssumption {
			t.Fatal("account assumption still off")
		}
	})
	t.Run("ErrFrozen", func(t *testing.T) {
		acct, err := f.legacy.ChatAccount(ctx, f.account)
		must(t, err)
		acct.AccountAssumption = false
		must(t, f.legacy.PutChatAccount(ctx, acct))
		_, err = f.legacy.SetChatAccountState(ctx, f.account, chatlift.ChatAccountMaintenance)
		must(t, err)
		if err := s.EnableAccountAssumption(ctx, f.account); chatlift.ErrorCode(err) != chatlift.EUNAVAILABLE {
			t.Fatalf("on a frozen account: %v", err)
		}
		got, err := f.legacy.ChatAccount(ctx, f.account)
		must(t, err)
		if got.AccountAssumption {
			t.Fatal("changed a frozen account")
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if err := s.EnableAccountAssumption(ctx, 999999); chatlift.ErrorCode(err) == "" {
			t.Fatal("no error for an unknown account")
		}
	})
}
