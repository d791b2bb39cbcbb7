package upgrade

import (
	"context"
	"errors"
	"os"
	"slices"
	"sync"
	"syscall"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/chatlift/chatlift"
)

// Fault modes.
const (
	FaultError     = "error"     // the step fails, permanently (after the switch: once, retried)
	FaultTransient = "transient" // the step fails once with an error worth retrying
	FaultTimeout   = "timeout"   // the step hangs, without heartbeats, until its activity times out
	FaultCrash     = "crash"     // the process is killed at the step
)

// StepImport names the history import for faults: one armed there fires
// once the copy has made progress.
const StepImport = "import_history"

// FaultSteps lists the upgrade's fault points, in the order an upgrade
// reaches them: the billing consolidation, each cutover step, the import.
// Faults can also be armed at a revert's steps and at retiring the legacy
// copy (see checkStep).
func FaultSteps() []string {
	return slices.Concat([]string{StepBilling}, StepNames(), []string{StepImport})
}

// FaultStore keeps armed faults where every process sees them (the
// platform store), so a fault survives a restart and fires once fleet-wide.
type FaultStore interface {
	// ArmFault arms f in place of the account's fault at the same step.
	ArmFault(ctx context.Context, f *chatlift.Fault) error
	// TakeFault marks the armed fault taken and returns its mode, or ""
	// when none is armed; of racing takers exactly one gets it.
	TakeFault(ctx context.Context, accountID int64, step string, at time.Time) (string, error)
	// Faults lists the armed and taken faults.
	Faults(ctx context.Context) ([]*chatlift.Fault, error)
	// DisarmFault removes a fault; ENOTFOUND if there is none.
	DisarmFault(ctx context.Context, accountID int64, step string) error
}

// Faults injects faults armed in its store: each makes one step of one
// account's upgrade fail once, in whichever process runs the step first. A
// nil *Faults injects nothing and reads nothing.
type Faults struct {
	Store FaultStore
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (f *Faults) now() time.Time {
	if f.Now != nil {
		return f.Now().UTC()
	}
	return time.Now().UTC()
}

// Set arms a fault at one of FaultSteps, a revert step or retiring.
func (f *Faults) Set(ctx context.Context, accountID int64, step, mode string) error {
	switch mode {
	case FaultError, FaultTransient, FaultTimeout, FaultCrash:
	default:
		return chatlift.Errorf(chatlift.EINVALID, "mode must be error, transient, timeout or crash")
	}
	if err := checkStep(step); err != nil {
		return err
	}
	return f.Store.ArmFault(ctx, &chatlift.Fault{AccountID: accountID, Step: step, Mode: mode, ArmedAt: f.now()})
}

// List returns the armed and taken faults.
func (f *Faults) List(ctx context.Context) ([]*chatlift.Fault, error) { return f.Store.Faults(ctx) }

// Clear disarms the account's fault at step.
func (f *Faults) Clear(ctx context.Context, accountID int64, step string) error {
	if err := checkStep(step); err != nil {
		return err
	}
	return f.Store.DisarmFault(ctx, accountID, step)
}

// checkStep: a fault can be armed at step.
func checkStep(step string) error {
	if steps := slices.Concat(FaultSteps(), RevertStepNames(), []string{StepRetireLegacy}); !slices.Contains(steps, step) {
		return chatlift.Errorf(chatlift.EINVALID, "unknown step %q; steps are %v", step, steps)
	}
	return nil
}

// take marks the fault for the step taken and returns its mode, "" if none.
func (f *Faults) take(ctx context.Context, accountID int64, step string) (string, error) {
	if f == nil {
		return "", nil
	}
	return f.Store.TakeFault(ctx, accountID, step, f.now())
}

// errStalled is the error of a step that hung past its activity's timeout:
// the attempt writes nothing more, since a retry may already be running.
var errStalled = errors.New("injected timeout: the step hung past its activity's timeout")

// injected acts on the fault armed for the step, if any: it returns the
// fault's error, hangs, or kills the process. The fault is marked taken in
// the store first, so a restarted process does not fire it again.
func (a *Activities) injected(ctx context.Context, accountID int64, step string) error {
	mode, err := a.Faults.take(ctx, accountID, step)
	if err != nil {
		return err
	}
	return a.fire(ctx, accountID, step, mode, false)
}

// fire acts on a fault taken for the step ("" does nothing); with
// retryable an error fault is one worth retrying (the import's: after the
// switch nothing is rolled back, everything is retried).
func (a *Activities) fire(ctx context.Context, accountID int64, step, mode string, retryable bool) error {
	switch mode {
	case FaultError:
		if retryable {
			return chatlift.Errorf(chatlift.EUNAVAILABLE, "injected fault in step %s", step)
		}
		return permanent(chatlift.Errorf(chatlift.EUNAVAILABLE, "injected fault in step %s", step))
	case FaultTransient:
		return chatlift.Errorf(chatlift.EUNAVAILABLE, "injected transient fault in step %s", step)
	case FaultTimeout:
		a.log().Warn("injected timeout", "account_id", accountID, "step", step)
		return stall(ctx)
	case FaultCrash:
		a.log().Warn("injected crash", "account_id", accountID, "step", step)
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // the signal is on its way
	}
	return nil
}

// stall hangs, sending no heartbeat, until the activity has timed out:
// past its heartbeat timeout when it has one, else until its deadline.
func stall(ctx context.Context) error {
	wait := time.Duration(-1)
	if activity.IsActivity(ctx) {
		wait = activity.GetInfo(ctx).HeartbeatTimeout
	}
	if wait > 0 {
		t := time.NewTimer(wait + wait/4)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
		}
	} else {
		<-ctx.Done()
	}
	return errStalled
}

// importFault wraps an import's progress so that a fault armed at
// StepImport fires once the copy has made progress; its error is kept in
// *fired and ends the copy through abort. A hang stops the import's
// heartbeats first, as a hung process would.
func (a *Activities) importFault(ctx context.Context, accountID int64, progress func(chatlift.ImportProgress), stopHeartbeat, abort func(), fired *error) func(chatlift.ImportProgress) {
	if a.Faults == nil {
		return progress
	}
	var once sync.Once
	return func(p chatlift.ImportProgress) {
		progress(p)
		if p.Done == 0 {
			return
		}
		once.Do(func() {
			mode, err := a.Faults.take(ctx, accountID, StepImport)
			if mode == FaultTimeout {
				stopHeartbeat()
			}
			if err == nil {
				err = a.fire(ctx, accountID, StepImport, mode, true)
			}
			if err != nil {
				*fired = err
				abort()
			}
		})
	}
}
