package upgrade

import (
	"context"
	"fmt"

	"github.com/chatlift/chatlift"
)

// RolledBack records the failed attempt and tells the customer; the
// workflow then schedules the next attempt.
func (a *Activities) RolledBack(ctx context.Context, upgradeID, reason string) error {
	u, err := a.load(ctx, upgradeID)
	if err != nil {
		return err
	}
	if err := a.moveTo(u, chatlift.UpgradeRolledBack); err != nil {
		return err
	}
	at := a.now()
	u.Error, u.FinishedAt = reason, &at
	if err := a.Platform.ReleaseSlot(ctx, u.ID); err != nil {
		return err
	}
	if err := a.save(ctx, u); err != nil {
		return err
	}
	v, err := a.view(ctx, u.AccountID)
	if err != nil {
		return err
	}
	body := fmt.Sprintf("Your chat upgrade (attempt %d) did not complete and was rolled back: your chat account is exactly as it was, and no data was lost. A new date will be scheduled automatically. Reason: %s", u.Attempt, reason)
	return a.notify(ctx, u, v, "rolled_back", "", "Your chat upgrade was rolled back", body)
}

// NextAttempt turns a rolled-back upgrade into its next attempt.
func (a *Activities) NextAttempt(ctx context.Context, upgradeID string, attempt int) error {
	u, err := a.load(ctx, upgradeID)
	if err != nil {
		return err
	}
	if u.Attempt >= attempt {
		return nil // already done
	}
	u.Attempt, u.StartedAt, u.FinishedAt, u.FrozenAt, u.ChatDowntimeMS, u.ScheduleRound = attempt, nil, nil, nil, 0, 0
	u.Steps = pendingSteps()
	return a.save(ctx, u)
}

// FinishSwitch records the unified account, revokes the legacy access
// tokens (which stopped working at the switch), computes the post-upgrade
// tasks, tells the customer, and moves the upgrade on to importing.
func (a *Activities) FinishSwitch(ctx context.Context, upgradeID string) error {
	u, err := a.load(ctx, upgradeID)
	if err != nil {
		return err
	}
	v, err := a.view(ctx, u.AccountID)
	if err != nil {
		return err
	}
	unified := &chatlift.UnifiedAccount{AccountID: u.AccountID, UpgradeID: u.ID, OwnerEmail: v.Support.OwnerEmail,
		ChatPlan: v.Chat.Plan, Explore: v.Support.Explore || explorePlan(v.Chat.Plan), UpgradedAt: a.now()}
	if prev, err := a.Platform.UnifiedAccount(ctx, u.AccountID); err == nil {
		unified.UpgradedAt, unified.HistoryImported = prev.UpgradedAt, prev.HistoryImported
	}
	if err := a.Platform.PutUnifiedAccount(ctx, unified); err != nil {
		return err
	}
	before, err := loadSnapshot[[]*chatlift.User](ctx, &run{a: a, upgrade: u}, StepMergeUsers)
	if err != nil {
		return err
	}
	plan := chatlift.PlanMerge(v.Chat.OwnerEmail, v.Agents, before, v.MergeChoices...)
	u.PostTasks = chatlift.PostUpgradeTasks(v, plan)
	if err := revokeTokens(ctx, &run{a: a, upgrade: u}); err != nil {
		return err
	}
	switch u.State {
	case chatlift.UpgradeImporting, chatlift.UpgradeCompleted: // a retry: already moved on
	default:
		for _, state := range []string{chatlift.UpgradeUpgraded, chatlift.UpgradeImporting} {
			if err := a.moveTo(u, state); err != nil {
				return err
			}
		}
		u.Import = chatlift.ImportProgress{State: chatlift.ImportPending}
	}
	if err := a.save(ctx, u); err != nil {
		return err
	}
	body := fmt.Sprintf("Chat now runs on your unified account (it was unavailable for %d ms). Your full chat history is being imported in the background; see the post-upgrade tasks.", u.ChatDowntimeMS)
	return a.notify(ctx, u, v, "completed", "", "Your chat upgrade is complete", body)
}

// explorePlan reports whether a chat plan includes the analytics product.
func explorePlan(plan string) bool { return plan == "professional" || plan == "enterprise" }
