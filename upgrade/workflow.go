package upgrade

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/chatlift/chatlift"
)

// WorkflowName is the upgrade workflow's registered name.
const WorkflowName = "chatlift.upgrade"

// Input starts one attempt of an upgrade.
type Input struct {
	UpgradeID string
	AccountID int64
	Attempt   int
	// NotBefore delays the first slot searched (used after a rollback).
	NotBefore time.Time
}

// WorkflowID is the Temporal workflow id of an upgrade: one per upgrade.
func WorkflowID(upgradeID string) string { return "upgrade-" + upgradeID }

// Register adds the workflow and activities to a worker.
func Register(w worker.Registry, a *Activities) {
	w.RegisterWorkflowWithOptions(Workflow, workflow.RegisterOptions{Name: WorkflowName})
	w.RegisterWorkflowWithOptions(EnrollWorkflow, workflow.RegisterOptions{Name: EnrollWorkflowName})
	w.RegisterActivity(a)
}

// Registrar registers the upgrade with a worker (see engine.StartWorker).
type Registrar struct{ Activities *Activities }

// Register implements engine.Registrar.
func (r Registrar) Register(w worker.Registry) { Register(w, r.Activities) }

var act *Activities // for activity names: a.Method resolves to "Method"

// options: every activity retries with backoff until it succeeds, unless it
// fails permanently; the cutover gets few tries, the import long ones.
// Activities that run longer than a few seconds heartbeat, so a crashed
// worker's activity is retried within heartbeat seconds.
func options(ctx workflow.Context, timeout time.Duration, attempts int32) workflow.Context {
	heartbeat := time.Duration(0)
	if timeout > 30*time.Second {
		heartbeat = 10 * time.Second
	}
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: timeout,
		HeartbeatTimeout:    heartbeat,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2,
			MaximumInterval: time.Minute, MaximumAttempts: attempts},
	})
}

// AttentionAfter is how long a cutover or rollback may run before its
// upgrade is flagged as needing an operator's attention (it keeps retrying).
const AttentionAfter = 45 * time.Second

// Workflow changes, each behind workflow.GetVersion so that runs started
// by earlier code replay unchanged (see testdata/histories).
const (
	// changeOperatorUpdates: operator actions are Updates; signals are read
	// only by runs started before it.
	changeOperatorUpdates = "operator-updates"
	// changeWatch: a cutover or rollback that runs past AttentionAfter flags
	// the upgrade.
	changeWatch = "watch-frozen"
	// changeRevert: a completed upgrade waits in its revert window (see
	// revertWindow).
	changeRevert = "revert-window"
)

// Workflow is one attempt of an account's upgrade; a rolled-back attempt
// continues as the next attempt, with a new date.
func Workflow(ctx workflow.Context, in Input) error {
	w := &waiter{ctx: ctx, short: options(ctx, 30*time.Second, 0), upgradeID: in.UpgradeID, phase: phaseScheduling}
	w.signals = workflow.GetVersion(ctx, changeOperatorUpdates, workflow.DefaultVersion, 1) == workflow.DefaultVersion
	if err := w.listen(); err != nil {
		return err
	}
	err := w.run(in)
	w.phase = phaseEnded
	if werr := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); werr != nil {
		return werr
	}
	return err
}

// run is the attempt: wait for the date, consolidate billing, cut over
// (rolling back on failure), finish the switch and import the history.
func (w *waiter) run(in Input) error {
	ctx, short := w.ctx, w.short
	if err := w.scheduleAndWait(in); errors.Is(err, errCancelled) {
		return w.cancelUpgrade()
	} else if err != nil {
		return err
	}
	w.phase = phaseCutover
	err := workflow.ExecuteActivity(options(ctx, 30*time.Second, 3), act.ConsolidateBilling, in.UpgradeID).Get(ctx, nil)
	var frozen *watch
	if err == nil {
		f := workflow.ExecuteActivity(options(ctx, 2*time.Minute, 3), act.Cutover, in.UpgradeID)
		frozen = w.watch()
		err = frozen.wait("cutover", f, nil)
	}
	if err != nil {
		f := workflow.ExecuteActivity(short, act.Rollback, in.UpgradeID)
		if frozen == nil {
			frozen = w.watch()
		}
		var rb RollbackResult
		if rerr := frozen.wait("rollback", f, &rb); rerr != nil {
			return rerr
		}
		if err := frozen.end(); err != nil {
			return err
		}
		if !rb.Switched {
			return nextAttempt(ctx, short, in, reason(err))
		}
	}
	if err := frozen.end(); err != nil {
		return err
	}
	w.phase = phaseFinishing
	if err := workflow.ExecuteActivity(short, act.FinishSwitch, in.UpgradeID).Get(ctx, nil); err != nil {
		return err
	}
	if err := workflow.ExecuteActivity(options(ctx, 24*time.Hour, 0), act.Import, in.UpgradeID).Get(ctx, nil); err != nil {
		return err
	}
	if workflow.GetVersion(ctx, changeRevert, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return workflow.ExecuteActivity(short, act.SetState, in.UpgradeID, chatlift.UpgradeCompleted, "").Get(ctx, nil)
	}
	return w.revertWindow()
}

// cancelUpgrade records the cancellation an operator asked for.
func (w *waiter) cancelUpgrade() error {
	if err := w.lock(w.ctx); err != nil {
		return err
	}
	defer w.unlock()
	err := workflow.ExecuteActivity(w.short, act.SetState, w.upgradeID, chatlift.UpgradeCancelled, "cancelled by an operator").Get(w.ctx, nil)
	w.cancelled = err == nil
	return err
}

// watch keeps an eye on the span in which chat may be frozen: the cutover
// and, if it fails, the rollback. If the span has not ended AttentionAfter
// after it began, the upgrade is flagged as needing attention until it ends.
type watch struct {
	w       *waiter
	on      bool // false for runs started before the watch existed
	timer   workflow.Future
	stop    workflow.CancelFunc
	flagged bool
}

func (w *waiter) watch() *watch {
	if workflow.GetVersion(w.ctx, changeWatch, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return &watch{w: w}
	}
	ctx, stop := workflow.WithCancel(w.ctx)
	return &watch{w: w, on: true, timer: workflow.NewTimer(ctx, AttentionAfter), stop: stop}
}

// wait waits for the activity doing what, flagging the upgrade if the span
// outlives AttentionAfter meanwhile.
func (x *watch) wait(what string, f workflow.Future, out any) error {
	ctx := x.w.ctx
	if x.on && !x.flagged {
		sel := workflow.NewSelector(ctx)
		sel.AddFuture(f, func(workflow.Future) {})
		sel.AddFuture(x.timer, func(workflow.Future) {})
		sel.Select(ctx)
		if !f.IsReady() {
			note := fmt.Sprintf("chat has been frozen for more than %s: the %s has not finished and keeps retrying", AttentionAfter, what)
			if err := workflow.ExecuteActivity(x.w.short, act.Attention, x.w.upgradeID, note).Get(ctx, nil); err != nil {
				return err
			}
			x.flagged = true
		}
	}
	return f.Get(ctx, out)
}

// end closes the span: the timer stops and a flag is cleared.
func (x *watch) end() error {
	if x == nil || !x.on {
		return nil
	}
	x.stop()
	if !x.flagged {
		return nil
	}
	x.flagged = false
	return workflow.ExecuteActivity(x.w.short, act.Attention, x.w.upgradeID, "").Get(x.w.ctx, nil)
}

// nextAttempt records the rollback and continues as the next attempt.
func nextAttempt(ctx, short workflow.Context, in Input, why string) error {
	if err := workflow.ExecuteActivity(short, act.RolledBack, in.UpgradeID, why).Get(ctx, nil); err != nil {
		return err
	}
	if err := workflow.ExecuteActivity(short, act.NextAttempt, in.UpgradeID, in.Attempt+1).Get(ctx, nil); err != nil {
		return err
	}
	next := in
	next.Attempt, next.NotBefore = in.Attempt+1, workflow.Now(ctx)
	return workflow.NewContinueAsNewError(ctx, Workflow, next)
}

// reason is the message of the error that failed an attempt.
func reason(err error) string {
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return app.Message()
	}
	return err.Error()
}

var (
	errCancelled = errors.New("cancelled")
	errStart     = errors.New("start now")
)

// waiter is one run's state as operator actions see it.
type waiter struct {
	ctx, short workflow.Context
	upgradeID  string
	// signals: this run was started before operator actions were Updates,
	// so it reads them as signals too.
	signals                                   bool
	runNow, reschedule, pause, resume, cancel workflow.ReceiveChannel
	// wake tells the wait loop that an Update changed what it waits for.
	wake  workflow.Channel
	phase string
	at    time.Time // the booked date
	round int       // how many times this attempt has been scheduled
	// busy: an activity that writes the upgrade's row runs (see lock).
	busy, paused                    bool
	starting, cancelling, cancelled bool
	// The revert window: its end, and the revert or finish under way.
	until                                        time.Time
	reverting, revertStarted, finishing, retired bool
	started                                      error // why a revert could not start
}

// scheduleAndWait books a date, waits for it (or an operator), and prepares;
// a blocking pre-upgrade task sends it back to a new date.
func (w *waiter) scheduleAndWait(in Input) error {
	notBefore := in.NotBefore
	for {
		w.phase = phaseScheduling
		if err := w.book(notBefore); err != nil {
			return err
		}
		if err := w.wait(); err != nil {
			return err
		}
		w.phase = phasePreparing
		var prep PrepareResult
		err := workflow.ExecuteActivity(w.short, act.Prepare, in.UpgradeID).Get(w.ctx, &prep)
		switch {
		case err != nil:
			return err
		case w.cancelling:
			return errCancelled
		case !prep.Blocked:
			return nil
		}
		notBefore = workflow.Now(w.ctx)
	}
}

// book schedules the next round of this attempt, holding the run's lock.
// A cancel stops a booking that waits for a free slot.
func (w *waiter) book(notBefore time.Time) error {
	if err := w.lock(w.ctx); err != nil {
		return err
	}
	defer w.unlock()
	w.round++
	in := ScheduleInput{UpgradeID: w.upgradeID, NotBefore: notBefore, Round: w.round}
	ctx, stop := workflow.WithCancel(workflow.WithWaitForCancellation(w.short, true)) // a cancelled booking ends before anything else writes
	defer stop()
	f := workflow.ExecuteActivity(ctx, act.Schedule, in)
	for !f.IsReady() {
		sel := workflow.NewSelector(w.ctx)
		sel.AddFuture(f, func(workflow.Future) {})
		sel.AddReceive(w.wake, func(c workflow.ReceiveChannel, _ bool) { c.Receive(w.ctx, nil) })
		sel.Select(w.ctx)
		if w.cancelling && !f.IsReady() {
			stop()
			_ = f.Get(w.ctx, nil) // the activity's cancellation
			return errCancelled
		}
	}
	return f.Get(w.ctx, &w.at)
}

// wait blocks until the date, run-now or cancel; pause holds the date until
// resume, and reschedule moves it. Actions already taken are handled before
// a date that has passed.
func (w *waiter) wait() error {
	w.phase = phaseWaiting
	if w.signals { // such runs forgot a pause at each new date
		w.paused = false
	}
	for {
		if err := workflow.Await(w.ctx, func() bool { return !w.busy }); err != nil { // an action being recorded
			return err
		}
		switch {
		case w.cancelling:
			return errCancelled
		case w.starting:
			w.starting = false // taken: a later date (after a blocked prepare) is waited for again
			return nil
		}
		timerCtx, stopTimer := workflow.WithCancel(w.ctx)
		sel := workflow.NewSelector(w.ctx)
		due := false
		switch left := w.at.Sub(workflow.Now(w.ctx)); {
		case w.paused: // no date while paused
		case left <= 0:
			sel.AddDefault(func() { due = true })
		default:
			sel.AddFuture(workflow.NewTimer(timerCtx, left), func(workflow.Future) { due = true })
		}
		sel.AddReceive(w.wake, func(c workflow.ReceiveChannel, _ bool) { c.Receive(w.ctx, nil) })
		signal, newAt := w.addSignals(sel)
		sel.Select(w.ctx)
		stopTimer()
		switch {
		case due && w.busy: // an action is being recorded: look again once it is
		case due:
			return nil
		case *signal != "":
			if err := w.onSignal(*signal, *newAt); errors.Is(err, errStart) {
				return nil
			} else if err != nil {
				return err
			}
		}
	}
}

// addSignals makes sel receive the operator signals of runs started before
// Updates; after Select, the returned pointers hold the signal's name and,
// for reschedule, its date.
func (w *waiter) addSignals(sel workflow.Selector) (*string, *time.Time) {
	signal, newAt := new(string), new(time.Time)
	if !w.signals {
		return signal, newAt
	}
	for _, s := range []struct {
		name string
		ch   workflow.ReceiveChannel
	}{{SignalRunNow, w.runNow}, {SignalPause, w.pause}, {SignalResume, w.resume}, {SignalCancel, w.cancel}} {
		sel.AddReceive(s.ch, func(c workflow.ReceiveChannel, _ bool) { c.Receive(w.ctx, nil); *signal = s.name })
	}
	sel.AddReceive(w.reschedule, func(c workflow.ReceiveChannel, _ bool) { c.Receive(w.ctx, newAt); *signal = SignalReschedule })
	return signal, newAt
}

// onSignal carries out a signal as runs started before Updates did.
func (w *waiter) onSignal(signal string, newAt time.Time) error {
	switch signal {
	case SignalRunNow:
		return errStart
	case SignalCancel:
		return errCancelled
	case SignalReschedule:
		w.round++
		in := ScheduleInput{UpgradeID: w.upgradeID, NotBefore: newAt, Exact: true, Round: w.round}
		return workflow.ExecuteActivity(w.short, act.Schedule, in).Get(w.ctx, &w.at)
	default: // pause or resume
		w.paused = signal == SignalPause
		return workflow.ExecuteActivity(w.short, act.SetPaused, w.upgradeID, w.paused).Get(w.ctx, nil)
	}
}
