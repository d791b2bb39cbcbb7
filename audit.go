package chatlift

import (
	"time"
	"unicode/utf8"
)

// AuditEntry records one operator console action: who did what to which
// upgrade, when, and what came of it.
type AuditEntry struct {
	ID        int64     `json:"id"`
	UpgradeID string    `json:"upgrade_id"`
	At        time.Time `json:"at"`
	// Actor is "operator", followed by the name the operator gave when
	// signing in, if any ("operator (Aiko)").
	Actor  string `json:"actor"`
	Action string `json:"action"` // run-now, pause, resume, cancel, reschedule
	// Detail says more about the action: the new date of a reschedule, the
	// batch it was part of.
	Detail string `json:"detail,omitempty"`
	// Result is "accepted", or "refused: <reason>".
	Result string `json:"result"`
	// Note is what the operator wrote about the action, if anything.
	Note string `json:"note,omitempty"`
}

// MaxAuditNote is the longest note an audit entry keeps, in characters.
const MaxAuditNote = 500

// Validate reports the first problem with e.
func (e *AuditEntry) Validate() error {
	switch {
	case e.UpgradeID == "":
		return Errorf(EINVALID, "audit entry needs an upgrade id")
	case e.Actor == "" || e.Action == "" || e.Result == "":
		return Errorf(EINVALID, "audit entry needs an actor, an action and a result")
	case e.At.IsZero():
		return Errorf(EINVALID, "audit entry needs a time")
	case utf8.RuneCountInString(e.Note) > MaxAuditNote:
		return Errorf(EINVALID, "a note has at most %d characters", MaxAuditNote)
	}
	return nil
}

// SlotFill is one upgrade slot with how many upgrades it holds.
type SlotFill struct {
	Start  time.Time `json:"start"`
	Booked int       `json:"booked"`
}
