package upgrade

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

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

// Signal sends an operator action to an upgrade that is waiting for its date.
func (s *Service) Signal(ctx context.Context, upgradeID, signal string) (*chatlift.Upgrade, error) {
	u, err := s.waiting(ctx, upgradeID, signal)
	if err != nil {
		return nil, err
	}
	if err := s.Temporal.SignalWorkflow(ctx, WorkflowID(u.ID), "", signal, nil); err != nil {
		return nil, fmt.Errorf("signal %s: %w", signal, err)
	}
	return u, nil
}

// Reschedule books the slot at `at` and moves the upgrade there.
func (s *Service) Reschedule(ctx context.Context, upgradeID string, at time.Time) (*chatlift.Upgrade, error) {
	u, err := s.waiting(ctx, upgradeID, SignalReschedule)
	if err != nil {
		return nil, err
	}
	at = at.UTC()
	if !at.After(s.now()) {
		return nil, chatlift.Errorf(chatlift.EINVALID, "scheduled_for must be in the future")
	}
	if at.Truncate(s.Rules.Slot) != at {
		return nil, chatlift.Errorf(chatlift.EINVALID, "scheduled_for must start a slot (every %s)", s.Rules.Slot)
	}
	ok, err := s.Platform.BookSlot(ctx, u.ID, at, s.Rules.Capacity)
	if err != nil {
		return nil, err
	} else if !ok {
		return nil, chatlift.Errorf(chatlift.ECONFLICT, "the slot at %s is full", at.Format(time.RFC3339))
	}
	if err := s.Temporal.SignalWorkflow(ctx, WorkflowID(u.ID), "", SignalReschedule, at); err != nil {
		return nil, fmt.Errorf("signal reschedule: %w", err)
	}
	return u, nil
}

// waiting loads an upgrade that can still take operator actions.
func (s *Service) waiting(ctx context.Context, upgradeID, action string) (*chatlift.Upgrade, error) {
	u, err := s.Platform.Upgrade(ctx, upgradeID)
	if err != nil {
		return nil, err
	}
	if u.State != chatlift.UpgradeRequested && u.State != chatlift.UpgradeScheduled {
		return nil, chatlift.Errorf(chatlift.ECONFLICT, "upgrade %s is %s; %s applies only before it starts", u.ID, u.State, action)
	}
	return u, nil
}

func newUpgradeID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return "upg_" + hex.EncodeToString(b)
}
