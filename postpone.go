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
	// The operator's answer, once Status is accepted or declined: a note
	// for the account admin, who answered and when, and for an accepted
	// request the upgrade's new date.
	Answer     string     `json:"answer,omitempty"`
	AnsweredBy string     `json:"answered_by,omitempty"`
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
	NewDate    *time.Time `json:"new_date,omitempty"`
}

// Statuses of a postpone request: pending until an operator accepts or
// declines it.
const (
	PostponePending  = "pending"
	PostponeAccepted = "accepted"
	PostponeDeclined = "declined"
)

// ValidateAnswer reports the first problem with p as an answered request.
func (p *PostponeRequest) ValidateAnswer() error {
	switch {
	case p.ID <= 0 || p.UpgradeID == "":
		return Errorf(EINVALID, "an answer needs the request's id and upgrade")
	case p.Status != PostponeAccepted && p.Status != PostponeDeclined:
		return Errorf(EINVALID, "an answer accepts or declines the request")
	case p.AnsweredBy == "" || p.AnsweredAt == nil:
		return Errorf(EINVALID, "an answer needs who answered and when")
	case p.Status == PostponeAccepted && p.NewDate == nil:
		return Errorf(EINVALID, "an accepted request needs the upgrade's new date")
	case utf8.RuneCountInString(p.Answer) > MaxPostponeReason:
		return Errorf(EINVALID, "an answer's note must be at most %d characters", MaxPostponeReason)
	}
	return nil
}

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
