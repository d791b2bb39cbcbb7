package chatlift

import "time"

// Upgrade states. See docs/upgrade-states.md for the machine.
const (
	UpgradeRequested   = "requested"
	UpgradeScheduled   = "scheduled"
	UpgradePreparing   = "preparing"
	UpgradeMigrating   = "migrating"
	UpgradeUpgraded    = "upgraded"
	UpgradeImporting   = "importing"
	UpgradeCompleted   = "completed"
	UpgradeRollingBack = "rolling_back"
	UpgradeRolledBack  = "rolled_back"
	UpgradeCancelled   = "cancelled"
	// UpgradeReverting and UpgradeReverted: within its revert window a
	// completed upgrade can be reverted, chat going back to the legacy
	// product with everything the platform recorded since the switch.
	UpgradeReverting = "reverting"
	UpgradeReverted  = "reverted"
)

// UpgradeStates lists every state in the order an upgrade passes them.
var UpgradeStates = []string{UpgradeRequested, UpgradeScheduled, UpgradePreparing, UpgradeMigrating,
	UpgradeUpgraded, UpgradeImporting, UpgradeCompleted, UpgradeRollingBack, UpgradeRolledBack, UpgradeCancelled, UpgradeReverting, UpgradeReverted}

// upgradeTransitions is the state machine: the states each state may move to.
var upgradeTransitions = map[string][]string{
	UpgradeRequested:   {UpgradeScheduled, UpgradeCancelled},
	UpgradeScheduled:   {UpgradeScheduled, UpgradePreparing, UpgradeCancelled},
	UpgradePreparing:   {UpgradeMigrating, UpgradeRollingBack, UpgradeScheduled, UpgradeCancelled},
	UpgradeMigrating:   {UpgradeUpgraded, UpgradeRollingBack},
	UpgradeUpgraded:    {UpgradeImporting},
	UpgradeImporting:   {UpgradeCompleted},
	UpgradeCompleted:   {UpgradeReverting},
	UpgradeReverting:   {UpgradeCompleted, UpgradeReverted}, // completed: the revert failed before chat moved back and was undone
	UpgradeRollingBack: {UpgradeRolledBack},
	UpgradeRolledBack:  {UpgradeScheduled, UpgradeCancelled},
}

// CanTransition reports whether an upgrade may move from state from to to.
func CanTransition(from, to string) bool { return oneOf(to, upgradeTransitions[from]...) }

// Terminal reports whether an upgrade in state has come to rest: no
// further transition leaves state, but for a completed upgrade's revert,
// which only an operator starts (see Upgrade.Revertible).
func Terminal(state string) bool {
	return len(upgradeTransitions[state]) == 0 || state == UpgradeCompleted
}

// Upgrade is one customer's move from the legacy chat product to the unified
// account. A rolled-back upgrade is scheduled again as its next attempt.
type Upgrade struct {
	ID           string     `json:"id"`
	AccountID    int64      `json:"account_id"`
	State        string     `json:"state"`
	Attempt      int        `json:"attempt"`
	RequestedBy  string     `json:"requested_by"` // email, or "operator"
	ScheduledFor *time.Time `json:"scheduled_for"`
	Paused       bool       `json:"paused"` // an operator holds the upgrade at its date
	StartedAt    *time.Time `json:"started_at"`
	FinishedAt   *time.Time `json:"finished_at"`
	// FrozenAt is when this attempt froze chat; ChatDowntimeMS runs from it
	// to the switch, or to the unfreeze of a rolled-back attempt.
	FrozenAt       *time.Time `json:"frozen_at"`
	ChatDowntimeMS int64      `json:"chat_downtime_ms"`
	// ScheduleRound counts the dates booked in this attempt: notices about
	// a date are sent once per round.
	ScheduleRound int `json:"schedule_round"`
	// Attention, when set, says why the upgrade needs an operator: a
	// cutover or rollback that keeps chat frozen has run too long. It is
	// kept apart from the rest of the row (see PlatformStore.SetUpgradeAttention).
	Attention    *Attention     `json:"attention"`
	Steps        []Step         `json:"steps"`
	PreTasks     []Task         `json:"pre_tasks"`
	PostTasks    []Task         `json:"post_tasks"`
	Import       ImportProgress `json:"import"`
	Verification *Verification  `json:"verification"`
	Revert       Revert         `json:"revert"`
	Error        string         `json:"error"`
	CreatedAt    time.Time      `json:"created_at"`
	UpdatedAt    time.Time      `json:"updated_at"`
}

// Validate reports the first problem with u.
func (u *Upgrade) Validate() error {
	switch {
	case u.ID == "":
		return Errorf(EINVALID, "upgrade id required")
	case u.AccountID <= 0:
		return Errorf(EINVALID, "account_id must be positive")
	case !oneOf(u.State, UpgradeStates...):
		return Errorf(EINVALID, "unknown upgrade state %q", u.State)
	case u.Attempt < 1:
		return Errorf(EINVALID, "attempt starts at 1")
	}
	return nil
}

// Revert is what became of a completed upgrade's revert window.
type Revert struct {
	// Until is the end of the window in which the upgrade can be reverted;
	// nil when it has none (its run ended at completed).
	Until *time.Time `json:"until"`
	// RetiredAt is when the legacy product's copy of the account was
	// retired (the window ended or an operator finished it): from then on
	// the upgrade can no longer be reverted.
	RetiredAt *time.Time `json:"retired_at"`
	// RevertedAt is when chat went back to the legacy product.
	RevertedAt *time.Time `json:"reverted_at"`
	// FrozenAt is when the revert froze chat; ChatDowntimeMS runs from it
	// to the switch back, or to the unfreeze of a revert that was undone.
	FrozenAt       *time.Time `json:"frozen_at"`
	ChatDowntimeMS int64      `json:"chat_downtime_ms"`
	// Verification compares the platform's history of the account with the
	// legacy product's after the reverse sync; a revert moves chat back
	// only once it passed.
	Verification *Verification `json:"verification"`
}

// Revertible reports whether u can be reverted at now: completed, within
// its window, its legacy copy not retired.
func (u *Upgrade) Revertible(now time.Time) bool {
	r := u.Revert
	return u.State == UpgradeCompleted && r.Until != nil && r.RetiredAt == nil && now.Before(*r.Until)
}

// Attention is why an upgrade needs an operator, and since when.
type Attention struct {
	Reason string    `json:"reason"`
	Since  time.Time `json:"since"`
}

// Step states.
const (
	StepPending     = "pending"
	StepRunning     = "running"
	StepDone        = "done"
	StepFailed      = "failed"
	StepCompensated = "compensated"
)

// Step is one step of an upgrade's run, with what happened to it.
type Step struct {
	Name       string     `json:"name"`
	State      string     `json:"state"`
	StartedAt  *time.Time `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at"`
	Error      string     `json:"error"`
}

// Task states.
const (
	TaskTodo    = "todo"
	TaskDone    = "done"
	TaskBlocked = "blocked" // stops the upgrade before cutover until resolved
	TaskInfo    = "info"    // nothing to do; the customer should know
)

// Task is a pre- or post-upgrade task shown to the customer with its status.
type Task struct {
	Key         string   `json:"key"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Status      string   `json:"status"`
	Details     []string `json:"details,omitempty"`
}

// Import states.
const (
	ImportPending   = "pending"
	ImportRunning   = "running"
	ImportVerifying = "verifying"
	ImportDone      = "done"
)

// ImportProgress is how far an upgrade's history import has come.
type ImportProgress struct {
	State      string  `json:"state"`
	Total      int64   `json:"total"`
	Done       int64   `json:"done"`
	Rate       float64 `json:"rate"` // rows per second
	ETASeconds int64   `json:"eta_seconds"`
}
