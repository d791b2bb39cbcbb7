package upgrade

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/chatlift/chatlift"
)

// revertWindow completes the upgrade and waits for the end of its revert
// window, an operator's finish (both retire the legacy copy) or an
// operator's revert. A revert that fails before chat moves back is undone
// and the window goes on; one that moved chat back is carried through.
// With no window (0) the run ends at completed, as runs did before. The
// window opens before the upgrade is recorded completed, so that an
// operator who sees it completed finds revert and finish accepted.
func (w *waiter) revertWindow() error {
	ctx := w.ctx
	if err := workflow.ExecuteActivity(w.short, act.OpenRevertWindow, w.upgradeID).Get(ctx, &w.until); err != nil {
		return err
	}
	if !w.until.IsZero() {
		w.phase = phaseRevertWindow
	}
	if err := workflow.ExecuteActivity(w.short, act.SetState, w.upgradeID, chatlift.UpgradeCompleted, "").Get(ctx, nil); err != nil {
		return err
	}
	if w.until.IsZero() {
		return nil
	}
	timerCtx, stop := workflow.WithCancel(ctx)
	defer stop()
	timer := workflow.NewTimer(timerCtx, w.until.Sub(workflow.Now(ctx)))
	for {
		over := false
		sel := workflow.NewSelector(ctx)
		sel.AddFuture(timer, func(workflow.Future) { over = true })
		sel.AddReceive(w.wake, func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, nil) })
		sel.Select(ctx)
		switch {
		case w.reverting:
			done, err := w.revert()
			if done || err != nil {
				return err
			}
		case w.finishing || over:
			w.finishing = true
			w.phase = phaseRetiring
			err := workflow.ExecuteActivity(w.short, act.Retire, w.upgradeID).Get(ctx, nil)
			w.retired = err == nil
			return err
		}
	}
}

// revert carries out an accepted revert; done is false when it failed
// before chat moved back and was undone, the upgrade completed again.
func (w *waiter) revert() (done bool, err error) {
	ctx := w.ctx
	w.phase = phaseReverting
	w.started = workflow.ExecuteActivity(w.short, act.StartRevert, w.upgradeID).Get(ctx, nil)
	w.revertStarted = true
	if w.started != nil {
		w.reverting, w.phase = false, phaseRevertWindow
		return false, nil
	}
	var frozen *watch // from the freeze: flags the upgrade if chat stays frozen too long
	err = workflow.ExecuteActivity(options(ctx, 2*time.Hour, 3), act.RevertCopy, w.upgradeID).Get(ctx, nil)
	if err == nil {
		f := workflow.ExecuteActivity(options(ctx, 2*time.Hour, 3), act.Revert, w.upgradeID)
		frozen = w.watch()
		err = frozen.wait("revert", f, nil)
	}
	if err != nil {
		f := workflow.ExecuteActivity(w.short, act.UndoRevert, w.upgradeID, reason(err))
		if frozen == nil {
			frozen = w.watch()
		}
		var rb RollbackResult
		if uerr := frozen.wait("undo of the revert", f, &rb); uerr != nil {
			return false, uerr
		}
		if !rb.Switched {
			w.reverting, w.revertStarted, w.phase = false, false, phaseRevertWindow
			return false, frozen.end()
		}
		// Chat is back on the legacy product: what is left is retried until done.
		if err := workflow.ExecuteActivity(options(ctx, 2*time.Hour, 0), act.Revert, w.upgradeID).Get(ctx, nil); err != nil {
			return false, err
		}
	}
	if err := frozen.end(); err != nil {
		return false, err
	}
	return true, workflow.ExecuteActivity(w.short, act.Reverted, w.upgradeID).Get(ctx, nil)
}

// checkWindow says whether revert or finish applies now: only in the
// revert window, before it ends and while no revert or finish runs.
func (w *waiter) checkWindow(action string) error {
	switch {
	case w.phase == phaseEnded:
		return refusal("the upgrade has ended")
	case w.reverting:
		return refusal("the upgrade is being reverted")
	case w.finishing:
		return refusal("the upgrade's revert window is being finished")
	case w.phase != phaseRevertWindow:
		return refusal("the upgrade is %s; %s applies only in its revert window, once it has completed", w.phase, action)
	case !workflow.Now(w.ctx).Before(w.until):
		return refusal("its revert window ended at %s", w.until.Format(time.RFC3339))
	}
	return nil
}

// revertRun asks the run to revert and waits until the revert has started
// (the upgrade is reverting); its outcome is seen on the upgrade.
func (w *waiter) revertRun(ctx workflow.Context) error {
	if err := w.checkWindow(ActionRevert); err != nil {
		return err
	}
	w.reverting, w.revertStarted, w.started = true, false, nil
	w.poke()
	if err := workflow.Await(ctx, func() bool { return w.revertStarted || w.phase == phaseEnded }); err != nil {
		return err
	}
	if !w.revertStarted {
		return refusal("the upgrade ended before it could be reverted")
	}
	return w.started
}

// finishRun asks the run to end its revert window now and waits until the
// legacy copy is retired.
func (w *waiter) finishRun(ctx workflow.Context) error {
	if err := w.checkWindow(ActionFinish); err != nil {
		return err
	}
	w.finishing = true
	w.poke()
	if err := workflow.Await(ctx, func() bool { return w.retired || w.phase == phaseEnded }); err != nil {
		return err
	}
	if !w.retired {
		return refusal("the legacy copy could not be retired")
	}
	return nil
}
