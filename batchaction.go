package chatlift

import "time"

// BatchAction is one operator action carried out on every upgrade a
// console filter selected, kept so that its progress outlives the process
// and an interrupted batch is finished by the next one.
type BatchAction struct {
	ID     string `json:"id"`
	Action string `json:"action"` // run-now, pause, cancel, reschedule
	Actor  string `json:"actor"`
	Note   string `json:"note,omitempty"`
	// Query is the console filter that selected the upgrades, as a URL query.
	Query   string     `json:"query"`
	At      *time.Time `json:"at,omitempty"` // the slot of a reschedule
	Started time.Time  `json:"started"`
	// Finished is set once every upgrade of the batch has a result.
	Finished *time.Time `json:"finished,omitempty"`
	// Total, Done and Accepted count the batch's upgrades: all of them,
	// those with a result, those whose result is "accepted". The store
	// computes them.
	Total    int `json:"total"`
	Done     int `json:"done"`
	Accepted int `json:"accepted"`
}

// BatchItem is one upgrade of a batch and what came of the action on it.
type BatchItem struct {
	BatchID   string
	Seq       int // the upgrade's place in the batch
	UpgradeID string
	// Claimed is when a worker took the upgrade to act on it; nil while
	// it waits.
	Claimed *time.Time
	// Result is "" until acted on, then "accepted", "refused: <reason>",
	// "failed: internal error" or "interrupted: <why>".
	Result string
}

// BatchResultAccepted is the result of an upgrade that accepted the action.
const BatchResultAccepted = "accepted"

// Validate reports the first problem with b.
func (b *BatchAction) Validate() error {
	switch {
	case b.ID == "" || b.Action == "" || b.Actor == "":
		return Errorf(EINVALID, "a batch needs an id, an action and an actor")
	case b.Started.IsZero():
		return Errorf(EINVALID, "a batch needs a start time")
	}
	return nil
}

// BatchItemFilter selects upgrades of a batch.
type BatchItemFilter struct {
	BatchID string
	// Claimed selects the upgrades claimed and still without a result;
	// Refused those whose result is not "accepted".
	Claimed, Refused bool
	AfterSeq         int
	Limit            int // 0 means DefaultLimit
}
