package upgrade_test

import (
	"context"
	"errors"
	"sync"
	"testing"

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
	completes := func(t *testing.T, r *retrier) {
		t.Helper()
		f := setup(t, 0)
		f.env.SetWorkerOptions(worker.Options{Interceptors: []interceptor.WorkerInterceptor{r}})
		f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
		if err := f.env.GetWorkflowError(); err != nil {
			t.Fatalf("workflow error: %v", err)
		}
		u := f.upgrade(t)
		if u.State != chatlift.UpgradeCompleted || u.Import.State != chatlift.ImportDone || u.Verification == nil || !u.Verification.Passed {
			t.Fatalf("upgrade ended %s, import %+v, verification %+v", u.State, u.Import, u.Verification)
		}
		f.checkOneNoticeEach(t)
	}
	rollsBack := func(t *testing.T, r *retrier) {
		t.Helper()
		f := setup(t, 0)
		before := f.legacyChecksum(t)
		f.env.SetWorkerOptions(worker.Options{Interceptors: []interceptor.WorkerInterceptor{r}})
		if err := f.acts.Faults.Set(f.account, upgrade.StepSwitch, upgrade.FaultError); err != nil {
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
			completes(t, r)
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
	})
	for _, name := range pathActivities {
		t.Run("FailAfter/"+name, func(t *testing.T) {
			t.Parallel()
			r := &retrier{failAfter: name}
			completes(t, r)
			if !r.failed || r.runs[name] < 2 {
				t.Fatalf("%s: failed %v, ran %d times", name, r.failed, r.runs[name])
			}
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

// checkOneNoticeEach fails when a notice kind was sent under more than one key.
func (f *fixture) checkOneNoticeEach(t *testing.T) {
	t.Helper()
	f.notes.mu.Lock()
	defer f.notes.mu.Unlock()
	seen := map[string]bool{}
	for _, kind := range f.notes.keys {
		if seen[kind] {
			t.Fatalf("notice %s sent twice (under two keys): %v", kind, f.notes.keys)
		}
		seen[kind] = true
	}
}
