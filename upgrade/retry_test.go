package upgrade_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/upgrade"
)

// retrier is a worker interceptor that makes activities run again: with
// twice, every activity runs twice in a row and the second result counts;
// with failAfter, the first run of that activity that succeeds is answered
// with a retryable error instead, after all its writes, so Temporal runs it
// again.
type retrier struct {
	interceptor.WorkerInterceptorBase
	twice     bool
	failAfter string

	mu     sync.Mutex
	failed bool
	runs   map[string]int
	// skew moves the activities' clock forward once the failure is
	// injected, so a retry runs in another minute and hour: nothing it
	// does may depend on the wall clock (a notice key, a slot).
	skew time.Duration
}

// clock is the activities' clock: the workflow's, moved forward by skew.
func (r *retrier) clock(now func() time.Time) func() time.Time {
	return func() time.Time {
		r.mu.Lock()
		defer r.mu.Unlock()
		return now().Add(r.skew)
	}
}

func (r *retrier) InterceptActivity(ctx context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	i := &retryInbound{r: r}
	i.Next = next
	return i
}

type retryInbound struct {
	interceptor.ActivityInboundInterceptorBase
	r *retrier
}

func (i *retryInbound) ExecuteActivity(ctx context.Context, in *interceptor.ExecuteActivityInput) (any, error) {
	name := activity.GetInfo(ctx).ActivityType.Name
	i.r.count(name)
	res, err := i.Next.ExecuteActivity(ctx, in)
	if err != nil {
		return res, err
	}
	if i.r.twice {
		i.r.count(name)
		return i.Next.ExecuteActivity(ctx, in)
	}
	if name == i.r.failAfter && i.r.failOnce() {
		return nil, temporal.NewApplicationError("injected failure after the activity's last write", "retry")
	}
	return res, nil
}

func (r *retrier) count(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.runs == nil {
		r.runs = map[string]int{}
	}
	r.runs[name]++
}

func (r *retrier) failOnce() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	first := !r.failed
	if first {
		r.skew += 97 * time.Minute
	}
	r.failed = true
	return first
}

// pathActivities are the activities an upgrade runs on its way to
// completed; rollbackActivities those that succeed in an attempt rolled
// back at the switch.
var (
	pathActivities     = []string{"Schedule", "Prepare", "ConsolidateBilling", "Cutover", "FinishSwitch", "Import", "SetState"}
	rollbackActivities = []string{"Schedule", "Prepare", "ConsolidateBilling", "Rollback", "RolledBack", "NextAttempt"}
)

// TestEveryActivityRetrySafe runs the upgrade with each activity run twice
// in a row, and with each failing once right after its last write: every
// run must still end completed, or rolled back and rescheduled as the next
// attempt when a step fails before the switch.
func TestEveryActivityRetrySafe(t *testing.T) {
	t.Parallel()
	completes := func(t *testing.T, r *retrier, blocked bool) {
		t.Helper()
		f := setup(t, 0)
		want := []string{"upgrade_scheduled", "upgrade_completed"}
		if blocked {
			f.blockMerge(t, 22*24*time.Hour)
			want = []string{"upgrade_scheduled", "upgrade_blocked", "upgrade_scheduled", "upgrade_completed"}
		}
		f.env.SetWorkerOptions(worker.Options{Interceptors: []interceptor.WorkerInterceptor{r}, DeadlockDetectionTimeout: deadlockTimeout})
		f.acts.Now = r.clock(f.env.Now)
		f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
		if err := f.env.GetWorkflowError(); err != nil {
			t.Fatalf("workflow error: %v", err)
		}
		u := f.upgrade(t)
		if u.State != chatlift.UpgradeCompleted || u.Import.State != chatlift.ImportDone || u.Verification == nil || !u.Verification.Passed {
			t.Fatalf("upgrade ended %s, import %+v, verification %+v", u.State, u.Import, u.Verification)
		}
		if !slices.Equal(f.notes.keys, want) {
			t.Fatalf("notices %v, want %v: one per key", f.notes.keys, want)
		}
	}
	rollsBack := func(t *testing.T, r *retrier) {
		t.Helper()
		f := setup(t, 0)
		before := f.legacyChecksum(t)
		f.env.SetWorkerOptions(worker.Options{Interceptors: []interceptor.WorkerInterceptor{r}, DeadlockDetectionTimeout: deadlockTimeout})
		f.acts.Now = r.clock(f.env.Now)
		if err := f.acts.Faults.Set(context.Background(), f.account, upgrade.StepSwitch, upgrade.FaultError); err != nil {
			t.Fatal(err)
		}
		f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
		var next *workflow.ContinueAsNewError
		if err := f.env.GetWorkflowError(); !errors.As(err, &next) {
			t.Fatalf("workflow error %v, want continue-as-new to the next attempt", err)
		}
		u := f.upgrade(t)
		if u.State != chatlift.UpgradeRolledBack || u.Attempt != 2 {
			t.Fatalf("upgrade ended %s attempt %d, want rolled_back attempt 2", u.State, u.Attempt)
		}
		if after := f.legacyChecksum(t); after != before {
			t.Fatal("the legacy account changed across the rollback")
		}
	}
	t.Run("Twice", func(t *testing.T) {
		t.Parallel()
		t.Run("Completed", func(t *testing.T) {
			t.Parallel()
			r := &retrier{twice: true}
			completes(t, r, false)
			for _, name := range pathActivities {
				if r.runs[name] < 2 {
					t.Errorf("%s ran %d times", name, r.runs[name])
				}
			}
		})
		t.Run("RolledBack", func(t *testing.T) {
			t.Parallel()
			rollsBack(t, &retrier{twice: true})
		})
		t.Run("PausedResumedCancelled", func(t *testing.T) {
			t.Parallel()
			r := &retrier{twice: true}
			f := setup(t, 0)
			f.env.SetWorkerOptions(worker.Options{Interceptors: []interceptor.WorkerInterceptor{r}, DeadlockDetectionTimeout: deadlockTimeout})
			var answers []*answer
			for i, action := range []string{upgrade.ActionPause, upgrade.ActionResume, upgrade.ActionPause, upgrade.ActionCancel} {
				f.env.RegisterDelayedCallback(func() { answers = append(answers, f.act(action)) }, time.Duration(i+1)*time.Hour)
			}
			f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
			for i, a := range answers {
				a.wantYes(t, fmt.Sprint("action ", i))
			}
			f.wantCancelled(t)
			if r.runs["SetPaused"] != 6 || r.runs["SetState"] != 2 {
				t.Fatalf("runs %v", r.runs)
			}
		})
		t.Run("StuckRollback", func(t *testing.T) {
			t.Parallel()
			r := &retrier{twice: true}
			f := setup(t, 0)
			f.env.SetWorkerOptions(worker.Options{Interceptors: []interceptor.WorkerInterceptor{r}, DeadlockDetectionTimeout: deadlockTimeout})
			stuck := f.stickRollback(t)
			f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
			if u := f.upgrade(t); stuck.flagged == nil || u.Attention != nil || u.State != chatlift.UpgradeRolledBack || r.runs["Attention"] != 4 {
				t.Fatalf("flagged %v, then attention %+v, state %s; runs %v", stuck.flagged != nil, u.Attention, u.State, r.runs)
			}
		})
	})
	for _, name := range pathActivities {
		t.Run("FailAfter/"+name, func(t *testing.T) {
			t.Parallel()
			r := &retrier{failAfter: name}
			completes(t, r, false)
			if !r.failed || r.runs[name] < 2 {
				t.Fatalf("%s: failed %v, ran %d times", name, r.failed, r.runs[name])
			}
		})
	}
	for _, name := range []string{"Schedule", "Prepare"} {
		t.Run("FailAfterBlocked/"+name, func(t *testing.T) {
			t.Parallel()
			completes(t, &retrier{failAfter: name}, true)
		})
	}
	for _, name := range rollbackActivities {
		t.Run("RollbackFailAfter/"+name, func(t *testing.T) {
			t.Parallel()
			r := &retrier{failAfter: name}
			rollsBack(t, r)
			if !r.failed || r.runs[name] < 2 {
				t.Fatalf("%s: failed %v, ran %d times", name, r.failed, r.runs[name])
			}
		})
	}
}

// revertActivities are the activities of a revert; undoActivities those
// of a revert that fails before chat moves back and is tried again;
// retireActivities those of a window that ends.
var (
	revertActivities = []string{"OpenRevertWindow", "StartRevert", "RevertCopy", "Revert", "Reverted"}
	undoActivities   = []string{"StartRevert", "UndoRevert"}
	retireActivities = []string{"OpenRevertWindow", "Retire"}
)

// TestEveryRevertActivityRetrySafe does for the revert what
// TestEveryActivityRetrySafe does for the upgrade: each activity run twice
// in a row, or failing once after its last write, and the revert still
// ends reverted with the platform's rows on the legacy product, verified
// (or, once the window ends, the legacy copy retired), each notice once.
func TestEveryRevertActivityRetrySafe(t *testing.T) {
	t.Parallel()
	reverts := func(t *testing.T, r *retrier, failFirst bool) {
		t.Helper()
		f := revertable(t)
		f.env.SetWorkerOptions(worker.Options{Interceptors: []interceptor.WorkerInterceptor{r}, DeadlockDetectionTimeout: deadlockTimeout})
		f.acts.Now = r.clock(f.env.Now)
		changes := f.changeAfterImport(t, nil)
		f.env.RegisterDelayedCallback(func() {
			if failFirst {
				must(t, f.acts.Faults.Set(context.Background(), f.account, upgrade.StepRevertHistory, upgrade.FaultError))
			}
			f.act(upgrade.ActionRevert)
		}, 2*24*time.Hour)
		f.env.RegisterDelayedCallback(func() { f.act(upgrade.ActionRevert) }, 3*24*time.Hour) // after a failed one; refused otherwise
		f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
		if err := f.env.GetWorkflowError(); err != nil {
			t.Fatalf("workflow error: %v", err)
		}
		u := f.upgrade(t)
		if u.State != chatlift.UpgradeReverted || u.Revert.Verification == nil || !u.Revert.Verification.Passed {
			t.Fatalf("upgrade ended %s, verification %+v", u.State, u.Revert.Verification)
		}
		for table, rows := range changes.rows {
			legacy, err := f.legacy.RawRows(context.Background(), table, f.account, "", "", chatlift.MaxLimit)
			must(t, err)
			if hashJSON(t, legacy) != hashJSON(t, rows) {
				t.Fatalf("%s: the legacy product's rows are not the platform's", table)
			}
		}
		if want := []string{"upgrade_scheduled", "upgrade_completed", "upgrade_reverted"}; !slices.Equal(f.notes.keys, want) {
			t.Fatalf("notices %v, want %v: one per key", f.notes.keys, want)
		}
	}
	retires := func(t *testing.T, r *retrier) {
		t.Helper()
		f := revertable(t)
		f.env.SetWorkerOptions(worker.Options{Interceptors: []interceptor.WorkerInterceptor{r}, DeadlockDetectionTimeout: deadlockTimeout})
		f.acts.Now = r.clock(f.env.Now)
		f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
		if err := f.env.GetWorkflowError(); err != nil {
			t.Fatalf("workflow error: %v", err)
		}
		f.wantRetired(t, context.Background())
	}
	t.Run("Twice", func(t *testing.T) {
		t.Parallel()
		for name, failFirst := range map[string]bool{"Reverted": false, "Undone": true} {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				r := &retrier{twice: true}
				reverts(t, r, failFirst)
				for _, a := range revertActivities {
					if r.runs[a] < 2 {
						t.Errorf("%s ran %d times", a, r.runs[a])
					}
				}
			})
		}
		t.Run("Retired", func(t *testing.T) {
			t.Parallel()
			r := &retrier{twice: true}
			retires(t, r)
			if r.runs["Retire"] < 2 {
				t.Errorf("Retire ran %d times", r.runs["Retire"])
			}
		})
	})
	for _, paths := range []struct {
		name  string
		names []string
		run   func(*testing.T, *retrier)
	}{
		{"FailAfter", revertActivities, func(t *testing.T, r *retrier) { reverts(t, r, false) }},
		{"UndoFailAfter", undoActivities, func(t *testing.T, r *retrier) { reverts(t, r, true) }},
		{"RetireFailAfter", retireActivities, retires},
	} {
		for _, name := range paths.names {
			t.Run(paths.name+"/"+name, func(t *testing.T) {
				t.Parallel()
				r := &retrier{failAfter: name}
				paths.run(t, r)
				if !r.failed || r.runs[name] < 2 {
					t.Fatalf("%s: failed %v, ran %d times", name, r.failed, r.runs[name])
				}
			})
		}
	}
}
