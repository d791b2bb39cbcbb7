package upgrade

import (
	"slices"
	"sync"

	"github.com/chatlift/chatlift"
)

// Fault modes.
const (
	FaultError     = "error"     // the step fails, permanently
	FaultTransient = "transient" // the step fails once with an error worth retrying
	FaultCrash     = "crash"     // the process is killed at the step
)

// Faults holds injected faults: each makes one step of one account's next
// run fail once. A nil *Faults injects nothing. Faults live in the process
// that set them: a fleet of workers injects only where it was asked to.
type Faults struct {
	mu sync.Mutex
	m  map[faultKey]string
}

type faultKey struct {
	account int64
	step    string
}

// Set arms a fault; the step must be one of the upgrade's steps.
func (f *Faults) Set(accountID int64, step, mode string) error {
	if mode != FaultError && mode != FaultTransient && mode != FaultCrash {
		return chatlift.Errorf(chatlift.EINVALID, "mode must be error, transient or crash")
	}
	if accountID <= 0 {
		return chatlift.Errorf(chatlift.EINVALID, "account_id must be positive")
	}
	steps := append(append([]string{StepBilling}, StepNames()...), append(RevertStepNames(), StepRetireLegacy)...)
	if !slices.Contains(steps, step) {
		return chatlift.Errorf(chatlift.EINVALID, "unknown step %q; steps are %v", step, steps)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.m == nil {
		f.m = map[faultKey]string{}
	}
	f.m[faultKey{accountID, step}] = mode
	return nil
}

// take disarms and returns the fault for the step, "" if none.
func (f *Faults) take(accountID int64, step string) string {
	if f == nil {
		return ""
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	mode := f.m[faultKey{accountID, step}]
	delete(f.m, faultKey{accountID, step})
	return mode
}
