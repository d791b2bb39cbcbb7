package upgrade

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/workflow"

	"github.com/chatlift/chatlift"
)

// EnrollWorkflowName is the registered name of the enrollment workflow.
const EnrollWorkflowName = "chatlift.enroll"

// DeadlineWorkflowID is the one enrollment that enrolls every remaining
// account at the fleet's deadline; setting a new deadline replaces it.
const DeadlineWorkflowID = "fleet-deadline"

// Enrollment enrolls accounts at a time: the given ones, or with All every
// account not upgraded yet.
type Enrollment struct {
	ID         string    `json:"id"`
	AccountIDs []int64   `json:"account_ids,omitempty"`
	All        bool      `json:"all"`
	At         time.Time `json:"at"` // zero: at once
}

// EnrollResult counts what an enrollment did.
type EnrollResult struct {
	Enrolled int `json:"enrolled"`
	Skipped  int `json:"skipped"` // upgraded, or with an upgrade already
}

// Requester requests one account's upgrade (the Service does).
type Requester interface {
	Request(ctx context.Context, accountID int64, requestedBy string) (*chatlift.Upgrade, error)
}

// EnrollWorkflow waits (durably) until the enrollment's time, then enrolls.
func EnrollWorkflow(ctx workflow.Context, e Enrollment) (EnrollResult, error) {
	if wait := e.At.Sub(workflow.Now(ctx)); wait > 0 {
		if err := workflow.Sleep(ctx, wait); err != nil {
			return EnrollResult{}, err
		}
	}
	opts := workflow.ActivityOptions{StartToCloseTimeout: time.Hour, HeartbeatTimeout: 30 * time.Second}
	var res EnrollResult
	err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, opts), act.EnrollAccounts, e).Get(ctx, &res)
	return res, err
}

// enrollCursor is what EnrollAccounts heartbeats, to resume after a crash.
type enrollCursor struct {
	Next   int   // index into AccountIDs
	After  int64 // with All: the last account id done
	Result EnrollResult
}

// EnrollAccounts requests the upgrade of each account of the enrollment,
// skipping upgraded accounts and those with an upgrade already.
func (a *Activities) EnrollAccounts(ctx context.Context, e Enrollment) (EnrollResult, error) {
	var cur enrollCursor
	if activity.IsActivity(ctx) && activity.HasHeartbeatDetails(ctx) {
		activity.GetHeartbeatDetails(ctx, &cur)
	}
	by := "enrollment " + e.ID
	enroll := func(id int64) error {
		_, err := a.Requester.Request(ctx, id, by)
		switch chatlift.ErrorCode(err) {
		case "":
			cur.Result.Enrolled++
		case chatlift.ECONFLICT:
			cur.Result.Skipped++
		default:
			return fmt.Errorf("enroll account %d: %w", id, err)
		}
		return nil
	}
	if !e.All {
		for ; cur.Next < len(e.AccountIDs); cur.Next++ {
			if err := enroll(e.AccountIDs[cur.Next]); err != nil {
				return cur.Result, err
			}
			heartbeat(ctx, cur)
		}
		return cur.Result, nil
	}
	for {
		page, err := a.Legacy.ChatAccounts(ctx, chatlift.AccountFilter{AfterID: cur.After, Limit: 500})
		if err != nil {
			return cur.Result, err
		}
		for _, acc := range page {
			if acc.State == chatlift.ChatAccountUpgraded {
				cur.Result.Skipped++
			} else if err := enroll(acc.ID); err != nil {
				return cur.Result, err
			}
			cur.After = acc.ID
			heartbeat(ctx, cur)
		}
		if len(page) < 500 {
			return cur.Result, nil
		}
	}
}

// Enroll starts an enrollment. With deadline set, it is the fleet's
// deadline enrollment (replacing an earlier deadline); else it is one more
// batch.
func (s *Service) Enroll(ctx context.Context, e Enrollment, deadline bool) (*Enrollment, error) {
	if !e.All && len(e.AccountIDs) == 0 {
		return nil, chatlift.Errorf(chatlift.EINVALID, "give account_ids or all")
	}
	if e.All && len(e.AccountIDs) > 0 {
		return nil, chatlift.Errorf(chatlift.EINVALID, "give account_ids or all, not both")
	}
	for _, id := range e.AccountIDs {
		if id <= 0 {
			return nil, chatlift.Errorf(chatlift.EINVALID, "account ids are positive")
		}
	}
	opts := client.StartWorkflowOptions{TaskQueue: s.TaskQueue}
	if deadline {
		if !e.All || !e.At.After(s.now()) {
			return nil, chatlift.Errorf(chatlift.EINVALID, "a deadline enrolls all remaining accounts at a future time")
		}
		e.ID, opts.ID = DeadlineWorkflowID, DeadlineWorkflowID
		opts.WorkflowIDConflictPolicy = enums.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING
	} else {
		b := make([]byte, 6)
		rand.Read(b)
		e.ID = "enr_" + hex.EncodeToString(b)
		opts.ID = "enroll-" + e.ID
	}
	if _, err := s.Temporal.ExecuteWorkflow(ctx, opts, EnrollWorkflowName, e); err != nil {
		return nil, fmt.Errorf("start enrollment: %w", err)
	}
	return &e, nil
}
