package upgrade

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"github.com/chatlift/chatlift"
)

// CutoverResult reports the switch.
type CutoverResult struct {
	DowntimeMS int64
}

// Cutover freezes the account's chat, moves it to the platform and switches
// it there, all in this one activity so that the freeze lasts only as long
// as the steps themselves. If the switch already happened (a retry after a
// crash) it returns at once.
func (a *Activities) Cutover(ctx context.Context, upgradeID string) (CutoverResult, error) {
	u, err := a.load(ctx, upgradeID)
	if err != nil {
		return CutoverResult{}, err
	}
	legacy, err := a.Legacy.ChatAccount(ctx, u.AccountID)
	if err != nil {
		return CutoverResult{}, err
	}
	if legacy.State == chatlift.ChatAccountUpgraded {
		return CutoverResult{DowntimeMS: u.ChatDowntimeMS}, nil
	}
	if err := a.moveTo(u, chatlift.UpgradeMigrating); err != nil {
		return CutoverResult{}, err
	}
	if err := a.save(ctx, u); err != nil {
		return CutoverResult{}, err
	}
	r := &run{a: a, upgrade: u}
	for _, s := range cutoverSteps {
		if err := a.runStep(ctx, u, s.name, func(ctx context.Context) error { return s.do(ctx, r) }); err != nil {
			return CutoverResult{}, err
		}
	}
	return CutoverResult{DowntimeMS: u.ChatDowntimeMS}, a.save(ctx, u)
}

// runStep runs one step's Do, recording it on the upgrade, and fails it
// when a fault is injected for it.
func (a *Activities) runStep(ctx context.Context, u *chatlift.Upgrade, name string, do func(context.Context) error) error {
	if a.OnStep != nil {
		a.OnStep(u.ID, name, "do")
	}
	heartbeat(ctx, name)
	i := stepIndex(u, name)
	at := a.now()
	u.Steps[i].State, u.Steps[i].StartedAt, u.Steps[i].Error = chatlift.StepRunning, &at, ""
	err := a.injected(ctx, u.AccountID, name)
	if err == nil {
		err = do(ctx)
	}
	end := a.now()
	u.Steps[i].FinishedAt = &end
	if errors.Is(err, errStalled) {
		return wrapStep(name, err) // timed out: a retry may be writing the upgrade
	} else if err != nil {
		u.Steps[i].State, u.Steps[i].Error = chatlift.StepFailed, err.Error()
		a.save(context.WithoutCancel(ctx), u) // best effort: the error that matters is err
		return wrapStep(name, err)
	}
	u.Steps[i].State = chatlift.StepDone
	if name == StepBilling {
		return a.save(ctx, u)
	}
	return nil
}

// wrapStep names the step in err, keeping a permanent error permanent (the
// retry decision reads only the outermost error).
func wrapStep(name string, err error) error {
	var app *temporal.ApplicationError
	if errors.As(err, &app) && app.NonRetryable() {
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf("step %s: %s", name, app.Message()), app.Type(), err)
	}
	return fmt.Errorf("step %s: %w", name, err)
}

// stepIndex finds (or adds) the step's record on u.
func stepIndex(u *chatlift.Upgrade, name string) int {
	for i := range u.Steps {
		if u.Steps[i].Name == name {
			return i
		}
	}
	u.Steps = append(u.Steps, chatlift.Step{Name: name, State: chatlift.StepPending})
	return len(u.Steps) - 1
}

// RollbackResult says whether the rollback ran or found the switch done.
type RollbackResult struct {
	Switched bool
}

// Rollback runs every cutover step's Undo in reverse order, then the billing
// consolidation's, leaving the legacy account exactly as it was. It never
// undoes a switch that happened: then it reports Switched.
func (a *Activities) Rollback(ctx context.Context, upgradeID string) (RollbackResult, error) {
	u, err := a.load(ctx, upgradeID)
	if err != nil {
		return RollbackResult{}, err
	}
	legacy, err := a.Legacy.ChatAccount(ctx, u.AccountID)
	if err != nil {
		return RollbackResult{}, err
	}
	if legacy.State == chatlift.ChatAccountUpgraded {
		return RollbackResult{Switched: true}, nil
	}
	if err := a.moveTo(u, chatlift.UpgradeRollingBack); err != nil {
		return RollbackResult{}, err
	}
	if err := a.save(ctx, u); err != nil {
		return RollbackResult{}, err
	}
	r := &run{a: a, upgrade: u}
	for i := len(cutoverSteps) - 1; i >= 0; i-- {
		if err := a.undoStep(ctx, u, cutoverSteps[i].name, func(ctx context.Context) error { return cutoverSteps[i].undo(ctx, r) }); err != nil {
			return RollbackResult{}, err
		}
	}
	err = a.undoStep(ctx, u, StepBilling, func(ctx context.Context) error { return a.Billing.Unconsolidate(ctx, u.AccountID) })
	if err != nil {
		return RollbackResult{}, err
	}
	return RollbackResult{}, a.save(ctx, u)
}

func (a *Activities) undoStep(ctx context.Context, u *chatlift.Upgrade, name string, undo func(context.Context) error) error {
	if a.OnStep != nil {
		a.OnStep(u.ID, name, "undo")
	}
	heartbeat(ctx, name)
	if err := undo(ctx); err != nil {
		return fmt.Errorf("undo %s: %w", name, err)
	}
	i := stepIndex(u, name)
	if u.Steps[i].State != chatlift.StepPending {
		at := a.now()
		u.Steps[i].State, u.Steps[i].FinishedAt = chatlift.StepCompensated, &at
	}
	return nil
}
