package upgrade

import (
	"context"

	"github.com/chatlift/chatlift"
)

// Settings changes what an account's admins may change from the account
// pages before the upgrade: only while its chat is on the legacy product
// and active (not frozen for the cutover, not upgraded), in one write that
// a cutover waits for.
type Settings struct {
	Legacy chatlift.ChatStore
}

// EnableAccountAssumption lets support staff assume the account (the
// pre-upgrade task of that name). EUNAVAILABLE once chat is frozen or has
// moved to the unified account.
func (s Settings) EnableAccountAssumption(ctx context.Context, accountID int64) error {
	return s.Legacy.InAccountWrite(ctx, accountID, func(tx chatlift.ChatStore) error {
		a, err := tx.ChatAccount(ctx, accountID)
		if err != nil || a.AccountAssumption {
			return err
		}
		a.AccountAssumption = true
		return tx.PutChatAccount(ctx, a)
	})
}
