package chatlift

import (
	"strings"
	"time"
	"unicode/utf8"
)

// PostponeRequest is an account admin's request to postpone the upgrade
// beyond the free slots offered: a date and a reason for an operator to
// decide on. It moves nothing by itself; the upgrade keeps its date.
type PostponeRequest struct {
	ID          int64  `json:"id,omitempty"` // set by the store; not in the stored body
	UpgradeID   string `json:"upgrade_id"`
	AccountID   int64  `json:"account_id"`
	RequestedBy string `json:"requested_by"`
	// From is the upgrade's date when the request was made; Until the date
	// asked for.
	From      time.Time `json:"from"`
	Until     time.Time `json:"until"`
	Reason    string    `json:"reason"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
}

// PostponePending is a postpone request no operator has answered yet.
const PostponePending = "pending"

// MaxPostponeReason bounds a postpone request's reason, in characters.
const MaxPostponeReason = 1000

// Validate reports the first problem with p.
func (p *PostponeRequest) Validate() error {
	switch {
	case p.UpgradeID == "" || p.AccountID <= 0 || p.RequestedBy == "":
		return Errorf(EINVALID, "postpone request needs an upgrade, an account and who asked")
	case !p.Until.After(p.From):
		return Errorf(EINVALID, "postpone request must ask for a date after the upgrade's")
	case strings.TrimSpace(p.Reason) == "" || utf8.RuneCountInString(p.Reason) > MaxPostponeReason:
		return Errorf(EINVALID, "postpone request needs a reason of at most %d characters", MaxPostponeReason)
	case p.Status != PostponePending || p.CreatedAt.IsZero():
		return Errorf(EINVALID, "postpone request needs a status and a time")
	}
	return nil
}

// AskPostpone is the request, made now, to postpone u to until: u must be
// waiting for its date, until after that date and within the rules'
// horizon from now.
func AskPostpone(u *Upgrade, by string, until time.Time, reason string, rules ScheduleRules, now time.Time) (*PostponeRequest, error) {
	if u == nil || u.ScheduledFor == nil || u.State != UpgradeScheduled && u.State != UpgradeRequested {
		return nil, Errorf(ECONFLICT, "only an upgrade waiting for its date can be postponed")
	}
	if until.After(now.Add(rules.Horizon)) {
		return nil, Errorf(EINVALID, "the date must be before %s, the end of the scheduling horizon",
			now.Add(rules.Horizon).Format("2 January 2006"))
	}
	p := &PostponeRequest{UpgradeID: u.ID, AccountID: u.AccountID, RequestedBy: by, From: u.ScheduledFor.UTC(),
		Until: until.UTC(), Reason: strings.TrimSpace(reason), Status: PostponePending, CreatedAt: now.UTC()}
	return p, p.Validate()
}
