package upgrade

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/chatlift/chatlift"
)

// Service is how the API and operators act on upgrades: it keeps the
// upgrade rows and starts and signals their workflows.
type Service struct {
	Legacy    chatlift.ChatStore
	Platform  chatlift.PlatformStore
	Temporal  client.Client
	TaskQueue string
	Rules     chatlift.ScheduleRules
	Now       func() time.Time
	Log       *slog.Logger
	// ActionTimeout bounds the wait for the workflow's answer to an
	// operator action; 0 means DefaultActionTimeout.
	ActionTimeout time.Duration
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// ConflictError is the answer to a second request for an account: the
// upgrade it already has.
type ConflictError struct {
	Err       *chatlift.Error
	UpgradeID string
}

func (e *ConflictError) Error() string { return e.Err.Message }

// ExistingID is the upgrade the account already has.
func (e *ConflictError) ExistingID() string { return e.UpgradeID }

// Unwrap lets chatlift.ErrorCode see the conflict.
func (e *ConflictError) Unwrap() error { return e.Err }

// Request creates the account's upgrade and starts its workflow. An account
// with an unfinished upgrade gets a *ConflictError naming it; an upgraded
// account cannot be upgraded again.
func (s *Service) Request(ctx context.Context, accountID int64, requestedBy string) (*chatlift.Upgrade, error) {
	chat, err := s.Legacy.ChatAccount(ctx, accountID)
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		return nil, chatlift.Errorf(chatlift.ENOTFOUND, "account %d not found", accountID)
	} else if err != nil {
		return nil, err
	}
	if chat.State == chatlift.ChatAccountUpgraded {
		return nil, chatlift.Errorf(chatlift.ECONFLICT, "account %d is already upgraded", accountID)
	}
	now := s.now()
	u := &chatlift.Upgrade{ID: newUpgradeID(), AccountID: accountID, State: chatlift.UpgradeRequested, Attempt: 1,
		RequestedBy: requestedBy, CreatedAt: now, UpdatedAt: now, Steps: pendingSteps(),
		Import: chatlift.ImportProgress{State: chatlift.ImportPending}}
	if err := s.Platform.CreateUpgrade(ctx, u); chatlift.ErrorCode(err) == chatlift.ECONFLICT {
		return nil, s.conflict(ctx, accountID)
	} else if err != nil {
		return nil, err
	}
	if err := s.start(ctx, u); err != nil {
		return nil, err
	}
	return u, nil
}

func (s *Service) conflict(ctx context.Context, accountID int64) error {
	list, err := s.Platform.Upgrades(ctx, chatlift.UpgradeFilter{AccountID: accountID, Limit: chatlift.MaxLimit})
	if err != nil {
		return err
	}
	for _, u := range list {
		if !chatlift.Terminal(u.State) {
			return &ConflictError{Err: chatlift.Errorf(chatlift.ECONFLICT, "account %d already has upgrade %s (%s)", accountID, u.ID, u.State), UpgradeID: u.ID}
		}
	}
	return chatlift.Errorf(chatlift.ECONFLICT, "account %d already has an upgrade", accountID)
}

// start starts the upgrade's workflow; one that is already running is fine.
func (s *Service) start(ctx context.Context, u *chatlift.Upgrade) error {
	_, err := s.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: WorkflowID(u.ID), TaskQueue: s.TaskQueue},
		WorkflowName, Input{UpgradeID: u.ID, AccountID: u.AccountID, Attempt: u.Attempt})
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if err != nil && !errors.As(err, &started) {
		return fmt.Errorf("start upgrade workflow %s: %w", u.ID, err)
	}
	return nil
}

// Recover starts the workflow of every requested upgrade whose start was
// cut short (a crash between the row and the workflow).
func (s *Service) Recover(ctx context.Context) error {
	after := ""
	for {
		list, err := s.Platform.Upgrades(ctx, chatlift.UpgradeFilter{State: chatlift.UpgradeRequested, AfterID: after, Limit: 500})
		if err != nil {
			return err
		}
		for _, u := range list {
			if err := s.start(ctx, u); err != nil {
				return err
			}
		}
		if len(list) < 500 {
			return nil
		}
		after = list[len(list)-1].ID
	}
}

// Act carries out an operator action (run-now, pause, resume, cancel) on
// an upgrade: the upgrade's workflow accepts and carries it out, or refuses
// it with a conflict naming the reason. It returns the upgrade as the action
// left it.
func (s *Service) Act(ctx context.Context, upgradeID, action string) (*chatlift.Upgrade, error) {
	if !slices.Contains(Actions, action) || action == ActionReschedule {
		return nil, chatlift.Errorf(chatlift.EINVALID, "unknown action %q", action)
	}
	return s.update(ctx, upgradeID, action)
}

// Reschedule moves an upgrade waiting for its date to the slot at `at`,
// which must start a slot, lie ahead and within the scheduling horizon,
// and have room.
func (s *Service) Reschedule(ctx context.Context, upgradeID string, at time.Time) (*chatlift.Upgrade, error) {
	at, now := at.UTC(), s.now()
	switch {
	case !at.After(now):
		return nil, chatlift.Errorf(chatlift.EINVALID, "scheduled_for must be in the future")
	case at.After(now.Add(s.Rules.Horizon)):
		return nil, chatlift.Errorf(chatlift.EINVALID, "scheduled_for must be within %s of now (the scheduling horizon)", s.Rules.Horizon)
	case at.Truncate(s.Rules.Slot) != at:
		return nil, chatlift.Errorf(chatlift.EINVALID, "scheduled_for must start a slot (every %s)", s.Rules.Slot)
	}
	return s.update(ctx, upgradeID, ActionReschedule, at)
}

// update sends the action to the upgrade's workflow and waits for its answer.
func (s *Service) update(ctx context.Context, upgradeID, action string, args ...any) (*chatlift.Upgrade, error) {
	u, err := s.Platform.Upgrade(ctx, upgradeID)
	if err != nil {
		return nil, err
	}
	if !mayApply(u.State, action) {
		return nil, chatlift.Errorf(chatlift.ECONFLICT, "upgrade %s is %s; %s does not apply", u.ID, u.State, action)
	}
	timeout := s.ActionTimeout
	if timeout == 0 {
		timeout = DefaultActionTimeout
	}
	uctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	h, err := s.Temporal.UpdateWorkflow(uctx, client.UpdateWorkflowOptions{WorkflowID: WorkflowID(u.ID), UpdateName: action,
		Args: args, WaitForStage: client.WorkflowUpdateStageCompleted})
	if err == nil {
		err = h.Get(uctx, nil)
	}
	var gaveUp *client.WorkflowUpdateServiceTimeoutOrCanceledError // the engine's own wait ran out first
	switch {
	case err != nil && (uctx.Err() != nil || errors.As(err, &gaveUp)) && ctx.Err() == nil:
		return nil, chatlift.Errorf(chatlift.EUNAVAILABLE, "the upgrade's workflow did not answer %s within %s (is a worker running?); "+
			"it may still carry it out: look at the upgrade before sending it again", action, timeout)
	case err != nil:
		return nil, s.refused(ctx, u, action, err)
	}
	return s.Platform.Upgrade(ctx, upgradeID)
}

// DefaultActionTimeout bounds how long an operator action waits for the
// workflow's answer, within the HTTP server's write timeout.
const DefaultActionTimeout = 20 * time.Second

// refused turns the workflow's refusal into a conflict; other errors are
// the engine's.
func (s *Service) refused(ctx context.Context, u *chatlift.Upgrade, action string, err error) error {
	var app *temporal.ApplicationError
	var notFound *serviceerror.NotFound
	switch {
	case errors.As(err, &app) && app.Type() == chatlift.ECONFLICT:
		return chatlift.Errorf(chatlift.ECONFLICT, "%s refused: %s", action, app.Message())
	case errors.As(err, &app):
		return chatlift.Errorf(chatlift.ECONFLICT, "%s failed: %s", action, app.Message())
	case errors.As(err, &notFound): // the run ended meanwhile
		if now, lerr := s.Platform.Upgrade(ctx, u.ID); lerr == nil {
			return chatlift.Errorf(chatlift.ECONFLICT, "upgrade %s is %s; %s does not apply", u.ID, now.State, action)
		}
		return chatlift.Errorf(chatlift.ECONFLICT, "upgrade %s has no running workflow; %s does not apply", u.ID, action)
	}
	return fmt.Errorf("%s upgrade %s: %w", action, u.ID, err)
}

func newUpgradeID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return "upg_" + hex.EncodeToString(b)
}
