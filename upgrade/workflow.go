package upgrade

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/chatlift/chatlift"
)

// WorkflowName is the upgrade workflow's registered name.
const WorkflowName = "chatlift.upgrade"

// Signals operators send to an upgrade waiting for its date.
const (
	SignalRunNow     = "run-now"
	SignalReschedule = "reschedule" // payload: time.Time, a slot already booked
	SignalPause      = "pause"
	SignalResume     = "resume"
	SignalCancel     = "cancel"
)

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

// Workflow is one attempt of an account's upgrade; a rolled-back attempt
// continues as the next attempt, with a new date.
func Workflow(ctx workflow.Context, in Input) error {
	short := options(ctx, 30*time.Second, 0)
	w := &waiter{ctx: ctx, short: short}
	w.listen()
	if err := w.scheduleAndWait(in); err != nil {
		if errors.Is(err, errCancelled) {
			return workflow.ExecuteActivity(short, act.SetState, in.UpgradeID, chatlift.UpgradeCancelled, "cancelled by an operator").Get(ctx, nil)
		}
		return err
	}
	err := workflow.ExecuteActivity(options(ctx, 30*time.Second, 3), act.ConsolidateBilling, in.UpgradeID).Get(ctx, nil)
	if err == nil {
		err = workflow.ExecuteActivity(options(ctx, 2*time.Minute, 3), act.Cutover, in.UpgradeID).Get(ctx, nil)
	}
	if err != nil {
		var rb RollbackResult
		if rerr := workflow.ExecuteActivity(short, act.Rollback, in.UpgradeID).Get(ctx, &rb); rerr != nil {
			return rerr
		}
		if !rb.Switched {
			return nextAttempt(ctx, short, in, reason(err))
		}
	}
	if err := workflow.ExecuteActivity(short, act.FinishSwitch, in.UpgradeID).Get(ctx, nil); err != nil {
		return err
	}
	if err := workflow.ExecuteActivity(options(ctx, 24*time.Hour, 0), act.Import, in.UpgradeID).Get(ctx, nil); err != nil {
		return err
	}
	return workflow.ExecuteActivity(short, act.SetState, in.UpgradeID, chatlift.UpgradeCompleted, "").Get(ctx, nil)
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

var errCancelled = errors.New("cancelled")

// waiter holds the operator signals of one run.
type waiter struct {
	ctx, short                                workflow.Context
	runNow, reschedule, pause, resume, cancel workflow.ReceiveChannel
}

func (w *waiter) listen() {
	w.runNow = workflow.GetSignalChannel(w.ctx, SignalRunNow)
	w.reschedule = workflow.GetSignalChannel(w.ctx, SignalReschedule)
	w.pause = workflow.GetSignalChannel(w.ctx, SignalPause)
	w.resume = workflow.GetSignalChannel(w.ctx, SignalResume)
	w.cancel = workflow.GetSignalChannel(w.ctx, SignalCancel)
}

// scheduleAndWait books a date, waits for it (or an operator), and prepares;
// a blocking pre-upgrade task sends it back to a new date.
func (w *waiter) scheduleAndWait(in Input) error {
	sched := ScheduleInput{UpgradeID: in.UpgradeID, NotBefore: in.NotBefore}
	for {
		var at time.Time
		if err := workflow.ExecuteActivity(w.short, act.Schedule, sched).Get(w.ctx, &at); err != nil {
			return err
		}
		if err := w.wait(in.UpgradeID, at); err != nil {
			return err
		}
		var prep PrepareResult
		if err := workflow.ExecuteActivity(w.short, act.Prepare, in.UpgradeID).Get(w.ctx, &prep); err != nil {
			return err
		}
		if !prep.Blocked {
			return nil
		}
		sched = ScheduleInput{UpgradeID: in.UpgradeID, NotBefore: workflow.Now(w.ctx)}
	}
}

// wait blocks until the date, a run-now, or a cancel; pause holds the date
// until resume, and reschedule moves it. Signals already sent are handled
// before a date that has passed.
func (w *waiter) wait(upgradeID string, at time.Time) error {
	paused := false
	for {
		timerCtx, stopTimer := workflow.WithCancel(w.ctx)
		sel := workflow.NewSelector(w.ctx)
		due := false
		switch left := at.Sub(workflow.Now(w.ctx)); {
		case paused: // no date while paused
		case left <= 0:
			sel.AddDefault(func() { due = true })
		default:
			sel.AddFuture(workflow.NewTimer(timerCtx, left), func(workflow.Future) { due = true })
		}
		signal, newAt := w.addSignals(sel)
		sel.Select(w.ctx)
		stopTimer()
		switch {
		case due || *signal == SignalRunNow:
			return nil
		case *signal == SignalCancel:
			return errCancelled
		case *signal == SignalReschedule:
			if err := workflow.ExecuteActivity(w.short, act.Schedule, ScheduleInput{UpgradeID: upgradeID, NotBefore: *newAt, Exact: true}).Get(w.ctx, &at); err != nil {
				return err
			}
		case *signal == SignalPause || *signal == SignalResume:
			paused = *signal == SignalPause
			if err := workflow.ExecuteActivity(w.short, act.SetPaused, upgradeID, paused).Get(w.ctx, nil); err != nil {
				return err
			}
		}
	}
}

// addSignals makes sel receive any operator signal; after Select, the
// returned pointers hold the signal's name and, for reschedule, its date.
func (w *waiter) addSignals(sel workflow.Selector) (*string, *time.Time) {
	signal, newAt := new(string), new(time.Time)
	for _, s := range []struct {
		name string
		ch   workflow.ReceiveChannel
	}{{SignalRunNow, w.runNow}, {SignalPause, w.pause}, {SignalResume, w.resume}, {SignalCancel, w.cancel}} {
		sel.AddReceive(s.ch, func(c workflow.ReceiveChannel, _ bool) { c.Receive(w.ctx, nil); *signal = s.name })
	}
	sel.AddReceive(w.reschedule, func(c workflow.ReceiveChannel, _ bool) { c.Receive(w.ctx, newAt); *signal = SignalReschedule })
	return signal, newAt
}
