package upgrade

import (
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/chatlift/chatlift"
)

// Operator actions, each a workflow Update: the workflow itself accepts or
// refuses it, and an accepted action has been carried out when the Update
// returns (run-now: the run no longer waits for its date; it still stops
// before its cutover if a cancel is accepted after it). See
// docs/upgrade.md#operator-actions for which apply in which phase.
const (
	ActionRunNow     = "run-now"
	ActionReschedule = "reschedule" // argument: time.Time, the start of a slot
	ActionPause      = "pause"
	ActionResume     = "resume"
	ActionCancel     = "cancel"
	// ActionRevert moves an upgrade's chat back to the legacy product, in
	// its revert window; ActionFinish ends the window now, retiring the
	// legacy copy. See docs/revert.md.
	ActionRevert = "revert"
	ActionFinish = "finish"
)

// Actions lists the operator actions.
var Actions = []string{ActionRunNow, ActionReschedule, ActionPause, ActionResume, ActionCancel, ActionRevert, ActionFinish}

// windowActions are the actions a completed upgrade's run still takes: it
// goes on through the revert window (whether the window is still open is
// the workflow's to say).
var windowActions = []string{ActionRevert, ActionFinish}

// mayApply says whether action may be sent to an upgrade in state: to any
// not yet ended, and to a completed one in its window's actions.
func mayApply(state, action string) bool {
	return !chatlift.Terminal(state) || state == chatlift.UpgradeCompleted && slices.Contains(windowActions, action)
}

// Signals of upgrades started before operator actions became Updates; such
// runs still read them (see waiter.addSignals).
const (
	SignalRunNow     = ActionRunNow
	SignalReschedule = ActionReschedule
	SignalPause      = ActionPause
	SignalResume     = ActionResume
	SignalCancel     = ActionCancel
)

// Phases of a run, as operator actions see them.
const (
	phaseScheduling   = "scheduling"    // booking a date
	phaseWaiting      = "waiting"       // for its date
	phasePreparing    = "preparing"     // recomputing the pre-upgrade tasks
	phaseCutover      = "cutover"       // billing, cutover or rollback: nothing may interfere
	phaseFinishing    = "finishing"     // switched; importing history
	phaseRevertWindow = "revert_window" // completed; revertible until the window ends
	phaseReverting    = "reverting"
	phaseRetiring     = "retiring" // retiring the legacy copy
	phaseEnded        = "ended"
)

// refusal is the error an action is refused with: the API answers 409.
func refusal(format string, args ...any) error {
	err := chatlift.Errorf(chatlift.ECONFLICT, format, args...)
	return temporal.NewNonRetryableApplicationError(err.Error(), chatlift.ECONFLICT, nil)
}

// listen registers the operator actions' Update handlers and the signals
// of earlier runs.
func (w *waiter) listen() error {
	w.wake = workflow.NewBufferedChannel(w.ctx, 16)
	w.runNow = workflow.GetSignalChannel(w.ctx, SignalRunNow)
	w.reschedule = workflow.GetSignalChannel(w.ctx, SignalReschedule)
	w.pause = workflow.GetSignalChannel(w.ctx, SignalPause)
	w.resume = workflow.GetSignalChannel(w.ctx, SignalResume)
	w.cancel = workflow.GetSignalChannel(w.ctx, SignalCancel)
	for _, name := range []string{ActionRunNow, ActionPause, ActionResume, ActionCancel} {
		err := workflow.SetUpdateHandlerWithOptions(w.ctx, name,
			func(ctx workflow.Context) error { return w.act(ctx, name) },
			workflow.UpdateHandlerOptions{Validator: func() error { return w.check(name, time.Time{}) }})
		if err != nil {
			return err
		}
	}
	for _, u := range []struct {
		name    string
		handler func(workflow.Context) error
	}{{ActionRevert, w.revertRun}, {ActionFinish, w.finishRun}} {
		err := workflow.SetUpdateHandlerWithOptions(w.ctx, u.name, u.handler,
			workflow.UpdateHandlerOptions{Validator: func() error { return w.checkWindow(u.name) }})
		if err != nil {
			return err
		}
	}
	return workflow.SetUpdateHandlerWithOptions(w.ctx, ActionReschedule, w.rescheduleTo,
		workflow.UpdateHandlerOptions{Validator: func(at time.Time) error { return w.check(ActionReschedule, at) }})
}

// check says whether action applies now. The validator asks it before the
// Update is accepted, and the handler again before acting, with no yield
// in between, so an action that was answered "yes" was applicable.
func (w *waiter) check(action string, at time.Time) error {
	before := w.phase == phaseScheduling || w.phase == phaseWaiting
	switch {
	case w.phase == phaseEnded:
		return refusal("the upgrade has ended")
	case w.cancelling:
		return refusal("the upgrade is being cancelled")
	case action == ActionCancel && (before || w.phase == phasePreparing):
		return nil
	case !before:
		return refusal("the upgrade is %s; %s applies only while it waits for its date", w.phase, action)
	case w.starting:
		return refusal("the upgrade is starting (run-now was accepted)")
	case action == ActionResume && !w.paused:
		return refusal("the upgrade is not paused")
	case action == ActionReschedule && !at.After(workflow.Now(w.ctx)):
		return refusal("the new date %s has passed", at.Format(time.RFC3339))
	}
	return nil
}

// act carries out run-now, pause, resume or cancel. Each takes the run's
// lock before acting and checks again under it: an action that waited for
// another is answered against the state that one left.
func (w *waiter) act(ctx workflow.Context, action string) error {
	if action == ActionCancel {
		return w.cancelRun(ctx)
	}
	if err := w.lock(ctx); err != nil {
		return err
	}
	defer w.unlock()
	if err := w.check(action, time.Time{}); err != nil {
		return err
	}
	defer w.poke()
	switch {
	case action == ActionRunNow:
		w.starting = true
		if w.paused { // run-now lifts a pause
			return w.recordPause(ctx, false)
		}
		return nil
	case action == ActionPause && w.paused: // already held
		return nil
	default:
		return w.recordPause(ctx, action == ActionPause)
	}
}

// cancelRun asks the run to stop before its cutover and waits until the
// upgrade is recorded as cancelled. An activity in progress (a date being
// booked, the pre-upgrade tasks being computed) is let finish or, for a
// booking, cancelled.
func (w *waiter) cancelRun(ctx workflow.Context) error {
	if err := w.check(ActionCancel, time.Time{}); err != nil {
		return err
	}
	w.cancelling = true
	w.poke()
	if err := workflow.Await(ctx, func() bool { return w.cancelled || w.phase == phaseEnded }); err != nil {
		return err
	}
	if !w.cancelled {
		return refusal("the upgrade ended before it could be cancelled")
	}
	return nil
}

// recordPause records the pause on the upgrade; the caller holds the lock.
func (w *waiter) recordPause(ctx workflow.Context, paused bool) error {
	if err := workflow.ExecuteActivity(w.short, act.SetPaused, w.upgradeID, paused).Get(ctx, nil); err != nil {
		return err
	}
	w.paused = paused
	return nil
}

// rescheduleTo books the slot at `at` (failing when it is full) and moves
// the date there.
func (w *waiter) rescheduleTo(ctx workflow.Context, at time.Time) error {
	if err := w.check(ActionReschedule, at); err != nil {
		return err
	}
	if err := workflow.Await(ctx, func() bool { return w.phase != phaseScheduling }); err != nil { // the date being booked
		return err
	}
	if err := w.lock(ctx); err != nil {
		return err
	}
	defer w.unlock()
	if err := w.check(ActionReschedule, at); err != nil { // things may have moved on meanwhile
		return err
	}
	w.round++
	in := ScheduleInput{UpgradeID: w.upgradeID, NotBefore: at, Exact: true, Round: w.round}
	var booked time.Time
	if err := workflow.ExecuteActivity(w.short, act.Schedule, in).Get(ctx, &booked); err != nil {
		return err
	}
	w.at = booked
	w.poke()
	return nil
}

// lock serialises the run's steps that write the upgrade's row and the
// operator actions, so no two of them write it at once.
func (w *waiter) lock(ctx workflow.Context) error {
	if err := workflow.Await(ctx, func() bool { return !w.busy }); err != nil {
		return err
	}
	w.busy = true
	return nil
}

func (w *waiter) unlock() { w.busy = false }

// poke wakes the wait loop after an action changed what it waits for.
func (w *waiter) poke() { w.wake.SendAsync(true) }
