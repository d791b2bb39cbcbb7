package upgrade

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/chatlift/chatlift"
)

// Activities are the upgrade's side effects. Each is idempotent: Temporal
// may run one again after a crash.
type Activities struct {
	Legacy   chatlift.ChatStore
	Platform chatlift.PlatformStore
	Billing  Billing
	Notifier Notifier
	Importer Importer
	// Reverse verifies and repairs the legacy product's copy of an
	// account's history against the platform's, for a revert.
	Reverse Verifier
	// RevertWindow is how long after its switch an upgrade can be
	// reverted; 0: none, its run ends at completed.
	RevertWindow time.Duration
	// Requester requests upgrades for enrollments.
	Requester Requester
	Rules     chatlift.ScheduleRules
	// Faults, when set, makes chosen steps fail (serve --fault-injection).
	Faults *Faults
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	Log *slog.Logger
	// OnStep, when set, observes every Do and Undo as it starts.
	OnStep func(upgradeID, step, phase string)
}

func (a *Activities) now() time.Time {
	if a.Now != nil {
		return a.Now().UTC()
	}
	return time.Now().UTC()
}

// permanent marks err as one retrying cannot fix; joined errors are kept.
func permanent(err error, more ...error) error {
	err = errors.Join(append([]error{err}, more...)...)
	return temporal.NewNonRetryableApplicationError(err.Error(), chatlift.ErrorCode(err), err)
}

// load reads an upgrade for an activity.
func (a *Activities) load(ctx context.Context, id string) (*chatlift.Upgrade, error) {
	u, err := a.Platform.Upgrade(ctx, id)
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		return nil, permanent(err)
	}
	return u, err
}

// save stores u with its update time.
func (a *Activities) save(ctx context.Context, u *chatlift.Upgrade) error {
	u.UpdatedAt = a.now()
	return a.Platform.PutUpgrade(ctx, u)
}

// moveTo sets u's state if the state machine allows it (staying is allowed).
func (a *Activities) moveTo(u *chatlift.Upgrade, state string) error {
	if u.State != state && !chatlift.CanTransition(u.State, state) {
		return permanent(chatlift.Errorf(chatlift.ECONFLICT, "upgrade %s cannot go from %s to %s", u.ID, u.State, state))
	}
	u.State = state
	return nil
}

// view loads what tasks and notices are computed from.
func (a *Activities) view(ctx context.Context, accountID int64) (*chatlift.AccountView, error) {
	return a.checklist().View(ctx, accountID)
}

func (a *Activities) checklist() *Checklist {
	return &Checklist{Legacy: a.Legacy, Platform: a.Platform, Billing: a.Billing, Now: a.now}
}

// owners are the addresses notices go to: the support owner and, when
// different, the chat owner.
func owners(v *chatlift.AccountView) []string {
	to := []string{v.Support.OwnerEmail}
	if chatlift.NormalizeEmail(v.Chat.OwnerEmail) != chatlift.NormalizeEmail(v.Support.OwnerEmail) {
		to = append(to, v.Chat.OwnerEmail)
	}
	return to
}

// notify sends a notice of a kind about u, once per upgrade, attempt, kind
// and (when set) round: the key is derived from the upgrade, never from the
// clock, so a retried activity sends nothing again.
func (a *Activities) notify(ctx context.Context, u *chatlift.Upgrade, v *chatlift.AccountView, kind, round, title, body string) error {
	key := fmt.Sprintf("%s/%d/%s", u.ID, u.Attempt, kind)
	if round != "" {
		key += "_" + round
	}
	return a.Notifier.Notify(ctx, Notice{AccountID: u.AccountID, Key: key,
		Kind: "upgrade_" + kind, Title: title, Body: body, URL: chatlift.UpgradePage, EmailTo: owners(v)})
}

// Attention flags the upgrade as needing an operator, for reason (an empty
// reason clears the flag), and logs it as an error.
func (a *Activities) Attention(ctx context.Context, upgradeID, reason string) error {
	if reason != "" {
		a.log().Error("upgrade needs attention", "upgrade_id", upgradeID, "reason", reason)
	} else {
		a.log().Info("upgrade no longer needs attention", "upgrade_id", upgradeID)
	}
	return a.Platform.SetUpgradeAttention(ctx, upgradeID, reason, a.now())
}

// heartbeat records progress for Temporal when running as an activity.
func heartbeat(ctx context.Context, details ...any) {
	if activity.IsActivity(ctx) {
		activity.RecordHeartbeat(ctx, details...)
	}
}
