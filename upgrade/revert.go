package upgrade

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/chatlift/chatlift"
)

// DefaultRevertWindow is how long after the switch an upgrade can be
// reverted (serve and worker --revert-window).
const DefaultRevertWindow = 14 * 24 * time.Hour

// StepRetireLegacy retires the legacy product's copy of an upgraded
// account once its revert window is over.
const StepRetireLegacy = "retire_legacy_copy"

// OpenRevertWindow records until when the completed upgrade can be
// reverted: RevertWindow after its switch. It returns that time, or the
// zero time when the window is 0 (the run then ends at completed, the
// legacy copy kept as it is).
func (a *Activities) OpenRevertWindow(ctx context.Context, upgradeID string) (time.Time, error) {
	if a.RevertWindow <= 0 {
		return time.Time{}, nil
	}
	u, err := a.load(ctx, upgradeID)
	if err != nil {
		return time.Time{}, err
	}
	if u.Revert.Until != nil { // a retry
		return *u.Revert.Until, nil
	}
	from := switchedAt(u)
	if from.IsZero() {
		from = a.now()
	}
	until := from.Add(a.RevertWindow).UTC()
	u.Revert.Until = &until
	return until, a.save(ctx, u)
}

// StartRevert moves a completed upgrade to reverting, its revert steps
// pending: the revert is under way.
func (a *Activities) StartRevert(ctx context.Context, upgradeID string) error {
	u, err := a.load(ctx, upgradeID)
	if err != nil || u.State == chatlift.UpgradeReverting || u.State == chatlift.UpgradeReverted { // a retry
		return err
	}
	if u.Revert.RetiredAt != nil {
		return permanent(chatlift.Errorf(chatlift.ECONFLICT, "the legacy copy of account %d is retired; upgrade %s cannot be reverted", u.AccountID, u.ID))
	}
	if err := a.moveTo(u, chatlift.UpgradeReverting); err != nil {
		return err
	}
	u.Revert.FrozenAt, u.Revert.ChatDowntimeMS, u.Revert.Verification, u.Error = nil, 0, nil, ""
	for _, name := range RevertStepNames() {
		u.Steps[stepIndex(u, name)] = chatlift.Step{Name: name, State: chatlift.StepPending}
	}
	return a.save(ctx, u)
}

// RevertCopy runs the revert's first step: the history copied back while
// the platform still serves the account, before chat is frozen.
func (a *Activities) RevertCopy(ctx context.Context, upgradeID string) error {
	return a.revertSteps(ctx, upgradeID, 0, 1)
}

// Revert moves the account's chat back to the legacy product: it runs the
// Do of every revert step from the freeze on, in order, recording each on
// the upgrade. Run again after the switch back (a retry after a crash) it
// runs only the steps from the switch back on, which are idempotent.
func (a *Activities) Revert(ctx context.Context, upgradeID string) error {
	return a.revertSteps(ctx, upgradeID, 1, len(revertSteps))
}

// revertSteps runs the Do of revertSteps[from:to], skipping those before
// the switch back once it happened.
func (a *Activities) revertSteps(ctx context.Context, upgradeID string, from, to int) error {
	u, err := a.load(ctx, upgradeID)
	if err != nil {
		return err
	}
	if u.State == chatlift.UpgradeReverted {
		return nil
	}
	switched, err := a.switchedBack(ctx, u.AccountID)
	if err != nil {
		return err
	}
	if u.State != chatlift.UpgradeReverting {
		return permanent(chatlift.Errorf(chatlift.ECONFLICT, "upgrade %s is %s, not reverting", u.ID, u.State))
	}
	r := &run{a: a, upgrade: u}
	back := slices.Index(RevertStepNames(), StepRevertSwitchBack)
	for i, s := range revertSteps[:to] {
		if i < from || switched && i < back {
			continue
		}
		if err := a.runStep(ctx, u, s.name, func(ctx context.Context) error { return s.do(ctx, r) }); err != nil {
			return err
		}
		if err := a.save(ctx, u); err != nil {
			return err
		}
	}
	return nil
}

// switchedBack reports whether the legacy product serves the account
// again: only a revert's switch back opens an upgraded account there.
func (a *Activities) switchedBack(ctx context.Context, accountID int64) (bool, error) {
	legacy, err := a.Legacy.ChatAccount(ctx, accountID)
	if err != nil {
		return false, err
	}
	return legacy.State == chatlift.ChatAccountActive, nil
}

// UndoRevert runs the Undo of every revert step before the switch back, in
// reverse order, leaving the account upgraded on the platform exactly as
// it was served, and the upgrade completed (and revertible again) with the
// reason recorded. It never undoes a switch back that happened: then it
// reports Switched, and the revert is carried on instead.
func (a *Activities) UndoRevert(ctx context.Context, upgradeID, reason string) (RollbackResult, error) {
	u, err := a.load(ctx, upgradeID)
	if err != nil {
		return RollbackResult{}, err
	}
	switched, err := a.switchedBack(ctx, u.AccountID)
	if err != nil || switched {
		return RollbackResult{Switched: switched}, err
	}
	if u.State == chatlift.UpgradeCompleted { // a retry: undone already
		return RollbackResult{}, nil
	}
	r := &run{a: a, upgrade: u}
	back := slices.Index(RevertStepNames(), StepRevertSwitchBack)
	for i := back - 1; i >= 0; i-- {
		s := revertSteps[i]
		if err := a.undoStep(ctx, u, s.name, func(ctx context.Context) error { return s.undo(ctx, r) }); err != nil {
			return RollbackResult{}, err
		}
	}
	if err := a.moveTo(u, chatlift.UpgradeCompleted); err != nil {
		return RollbackResult{}, err
	}
	u.Error = "the revert failed and was undone; chat stays on the unified account: " + reason
	return RollbackResult{}, a.save(ctx, u)
}

// Reverted records the revert and tells the customer.
func (a *Activities) Reverted(ctx context.Context, upgradeID string) error {
	u, err := a.load(ctx, upgradeID)
	if err != nil {
		return err
	}
	if err := a.moveTo(u, chatlift.UpgradeReverted); err != nil {
		return err
	}
	if u.Revert.RevertedAt == nil {
		at := a.now()
		u.Revert.RevertedAt, u.FinishedAt = &at, &at
	}
	u.Error = ""
	if err := a.save(ctx, u); err != nil {
		return err
	}
	v, err := a.view(ctx, u.AccountID)
	if err != nil {
		return err
	}
	body := fmt.Sprintf("Your chat upgrade was reverted: chat runs on your chat account again (it was unavailable for %d ms), "+
		"with every chat, visitor and setting recorded since the upgrade. Agents and apps sign in again (re-authorize) to get new "+
		"access tokens; your OAuth clients are kept. You can ask for the upgrade again at any time.", u.Revert.ChatDowntimeMS)
	return a.notify(ctx, u, v, "reverted", "", "Your chat upgrade was reverted", body)
}

// Retire retires the legacy product's copy of an upgraded account (see
// LegacyCopy.RetireChatAccount): the revert window is over, or an operator
// finished it. From then on the upgrade cannot be reverted.
func (a *Activities) Retire(ctx context.Context, upgradeID string) error {
	u, err := a.load(ctx, upgradeID)
	if err != nil || u.Revert.RetiredAt != nil {
		return err
	}
	if u.State != chatlift.UpgradeCompleted {
		return permanent(chatlift.Errorf(chatlift.ECONFLICT, "upgrade %s is %s; only a completed upgrade's legacy copy is retired", u.ID, u.State))
	}
	legacy, err := a.Legacy.ChatAccount(ctx, u.AccountID)
	if err != nil {
		return err
	}
	if legacy.State != chatlift.ChatAccountUpgraded { // never remove what the legacy product serves
		return permanent(chatlift.Errorf(chatlift.ECONFLICT, "account %d is %s on the legacy product, not upgraded", u.AccountID, legacy.State))
	}
	err = a.runStep(ctx, u, StepRetireLegacy, func(ctx context.Context) error {
		return a.legacyCopy().RetireChatAccount(ctx, u.AccountID)
	})
	if err != nil {
		return err
	}
	at := a.now()
	u.Revert.RetiredAt = &at
	return a.save(ctx, u)
}

// legacyCopy is the legacy store as a revert and a retirement use it.
func (a *Activities) legacyCopy() LegacyCopy {
	if c, ok := a.Legacy.(LegacyCopy); ok {
		return c
	}
	return unsupported{}
}

// platformCopy is the platform store as a revert uses it.
func (a *Activities) platformCopy() PlatformCopy {
	if c, ok := a.Platform.(PlatformCopy); ok {
		return c
	}
	return unsupported{}
}

// reverseVerifier is the verifier from the platform to the legacy product.
func (a *Activities) reverseVerifier() Verifier {
	if a.Reverse != nil {
		return a.Reverse
	}
	return unsupported{}
}

// unsupported stands for a store or verifier that cannot revert.
type unsupported struct{}

func (unsupported) err() error {
	return permanent(chatlift.Errorf(chatlift.EINTERNAL, "this process cannot revert upgrades (its stores or verifier lack it)"))
}
func (u unsupported) RetireChatAccount(context.Context, int64) error     { return u.err() }
func (u unsupported) DeleteAgents(context.Context, int64, []int64) error { return u.err() }
func (u unsupported) DropUpgradedChat(context.Context, int64) error      { return u.err() }
func (u unsupported) Verify(context.Context, chatlift.ImportJob, bool, func(chatlift.ImportProgress)) (*chatlift.Verification, error) {
	return nil, u.err()
}
