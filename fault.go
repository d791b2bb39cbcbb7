package chatlift

import "time"

// Fault is a fault armed for a drill: the next run of one step of one
// account's upgrade fails in Mode (see the upgrade package), once.
type Fault struct {
	AccountID int64     `json:"account_id"`
	Step      string    `json:"step"`
	Mode      string    `json:"mode"`
	ArmedAt   time.Time `json:"armed_at"`
	// TakenAt is when a process took the fault to act on it; nil while it
	// is armed.
	TakenAt *time.Time `json:"taken_at,omitempty"`
}

// Validate checks what a store needs of a fault: a positive account and a
// step and mode that are keys. Which steps and modes exist is the upgrade's
// to say.
func (f *Fault) Validate() error {
	if f.AccountID <= 0 {
		return Errorf(EINVALID, "account_id must be positive")
	}
	return firstError(checkKey("step", f.Step), checkKey("mode", f.Mode), checkOptionalTime("armed_at", f.ArmedAt))
}
