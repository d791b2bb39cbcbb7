package upgrade

import (
	"context"
	"slices"

	"github.com/chatlift/chatlift"
)

// Settings changes what an account's admins may change from the account
// pages before the upgrade: only while its chat is on the legacy product
// and active (not frozen for the cutover, not upgraded), in one write that
// a cutover waits for.
type Settings struct {
	Legacy   chatlift.ChatStore
	Platform chatlift.PlatformStore
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

// ChooseMerge records the account's choice for one chat agent (replacing
// any earlier one); a choice with neither a user nor Skip goes back to the
// proposed merge. The agent must be the account's, a chosen support user
// one of its active users, and the chat account still active: the merge
// step reads the choices when it runs.
func (s Settings) ChooseMerge(ctx context.Context, accountID int64, c chatlift.MergeChoice) error {
	if c.UserID != 0 || c.Skip {
		if err := c.Validate(); err != nil {
			return err
		}
	}
	// Inside the legacy account's write, so that a freeze (which waits for
	// it) comes wholly before or after: a choice is never stored once the
	// merge may have read the choices.
	return s.Legacy.InAccountWrite(ctx, accountID, func(tx chatlift.ChatStore) error {
		if _, err := tx.Agent(ctx, accountID, c.ChatAgentID); err != nil {
			return err
		}
		if c.UserID != 0 {
			u, err := s.Platform.User(ctx, accountID, c.UserID)
			if err != nil {
				return err
			} else if !u.Active || u.Role == chatlift.UserRoleEndUser {
				return chatlift.Errorf(chatlift.EINVALID, "support user %s is not an active agent or admin", u.Email)
			}
		}
		choices, err := s.Platform.MergeChoices(ctx, accountID)
		if err != nil {
			return err
		}
		choices = slices.DeleteFunc(choices, func(x chatlift.MergeChoice) bool { return x.ChatAgentID == c.ChatAgentID })
		if c.UserID != 0 || c.Skip {
			choices = append(choices, c)
		}
		return s.Platform.PutMergeChoices(ctx, accountID, choices)
	})
}
