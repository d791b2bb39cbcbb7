package upgrade

import (
	"context"
	"fmt"
	"time"

	"github.com/chatlift/chatlift"
)

// ScheduleInput asks for a slot no earlier than NotBefore (zero: as soon as
// the rules allow). Exact, when set, books that slot only.
type ScheduleInput struct {
	UpgradeID string
	NotBefore time.Time
	Exact     bool
	// Round numbers the dates booked in this attempt; a retry of the same
	// round keeps the date it booked (0: from a run that did not number them).
	Round int
}

// Schedule books the first free slot the rules allow, records the date and
// tells the customer by email and in-product message.
func (a *Activities) Schedule(ctx context.Context, in ScheduleInput) (time.Time, error) {
	u, err := a.load(ctx, in.UpgradeID)
	if err != nil {
		return time.Time{}, err
	}
	v, err := a.view(ctx, u.AccountID)
	if err != nil {
		return time.Time{}, err
	}
	retry := in.Round > 0 && u.ScheduleRound == in.Round && u.ScheduledFor != nil && u.State == chatlift.UpgradeScheduled
	if err := a.moveTo(u, chatlift.UpgradeScheduled); err != nil { // before booking: a cancelled upgrade books nothing
		return time.Time{}, err
	}
	at := time.Time{}
	if retry {
		at = *u.ScheduledFor // this round's date is booked
	} else if at, err = a.book(ctx, u, v, in); err != nil {
		return time.Time{}, err
	}
	u.ScheduledFor, u.ScheduleRound = &at, in.Round
	u.PreTasks = chatlift.PreUpgradeTasks(v)
	if err := a.save(ctx, u); err != nil {
		return time.Time{}, err
	}
	local := at.In(location(v.Chat.TimeZone)).Format("Mon 2 Jan 2006 15:04 MST")
	body := fmt.Sprintf("Your chat upgrade (attempt %d) is scheduled for %s. Chat will be unavailable for a few seconds; support is not affected. Review the pre-upgrade tasks on your account's upgrade page before then.", u.Attempt, local)
	return at, a.notify(ctx, u, v, "scheduled", roundKey(u, at), "Your chat upgrade is scheduled", body)
}

// roundKey tells this date's notices apart from those of the attempt's
// other dates: by the round, or for runs that did not number their rounds,
// by the date.
func roundKey(u *chatlift.Upgrade, at time.Time) string {
	if u.ScheduleRound > 0 {
		return fmt.Sprintf("round%d", u.ScheduleRound)
	}
	return at.Format("20060102T1504")
}

func (a *Activities) book(ctx context.Context, u *chatlift.Upgrade, v *chatlift.AccountView, in ScheduleInput) (time.Time, error) {
	if in.Exact {
		ok, err := a.Platform.BookSlot(ctx, u.ID, in.NotBefore, a.Rules.Capacity)
		if err != nil {
			return time.Time{}, err
		} else if !ok {
			return time.Time{}, permanent(chatlift.Errorf(chatlift.ECONFLICT, "the slot at %s is full", in.NotBefore.Format(time.RFC3339)))
		}
		return in.NotBefore, nil
	}
	for slot := range a.Rules.Slots(a.now(), in.NotBefore, location(v.Chat.TimeZone)) {
		ok, err := a.Platform.BookSlot(ctx, u.ID, slot, a.Rules.Capacity)
		if err != nil {
			return time.Time{}, err
		} else if ok {
			return slot, nil
		}
	}
	return time.Time{}, chatlift.Errorf(chatlift.EUNAVAILABLE, "no free slot within %s", a.Rules.Horizon)
}

func location(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	return time.UTC
}

// SetState moves the upgrade to state, recording why when reason is set.
func (a *Activities) SetState(ctx context.Context, upgradeID, state, reason string) error {
	u, err := a.load(ctx, upgradeID)
	if err != nil {
		return err
	}
	if err := a.moveTo(u, state); err != nil {
		return err
	}
	if reason != "" {
		u.Error = reason
	}
	if state == chatlift.UpgradeCancelled || state == chatlift.UpgradeCompleted {
		at := a.now()
		u.FinishedAt = &at
		if err := a.Platform.ReleaseSlot(ctx, u.ID); err != nil {
			return err
		}
	}
	return a.save(ctx, u)
}

// PrepareResult says whether the upgrade may go on to the cutover.
type PrepareResult struct {
	Blocked bool
	Reason  string
}

// Prepare recomputes the pre-upgrade tasks from the accounts as they are now;
// a blocking task stops the upgrade before cutover.
func (a *Activities) Prepare(ctx context.Context, upgradeID string) (PrepareResult, error) {
	u, err := a.load(ctx, upgradeID)
	if err != nil {
		return PrepareResult{}, err
	}
	v, err := a.view(ctx, u.AccountID)
	if err != nil {
		return PrepareResult{}, err
	}
	if v.Chat.State == chatlift.ChatAccountUpgraded {
		return PrepareResult{}, permanent(chatlift.Errorf(chatlift.ECONFLICT, "account %d is already upgraded", u.AccountID))
	}
	if err := a.moveTo(u, chatlift.UpgradePreparing); err != nil {
		return PrepareResult{}, err
	}
	now := a.now()
	u.StartedAt, u.Error = &now, ""
	u.PreTasks = chatlift.PreUpgradeTasks(v)
	u.Steps = pendingSteps()
	res := PrepareResult{}
	for _, t := range u.PreTasks {
		if t.Status == chatlift.TaskBlocked {
			res = PrepareResult{Blocked: true, Reason: t.Title + ": " + t.Description}
			u.Error = res.Reason
			break
		}
	}
	if err := a.save(ctx, u); err != nil || !res.Blocked {
		return res, err
	}
	body := "Your chat upgrade cannot start until this is resolved: " + res.Reason + ". A new date will be scheduled."
	return res, a.notify(ctx, u, v, "blocked", roundKey(u, *u.ScheduledFor), "Your chat upgrade needs your attention", body)
}

func pendingSteps() []chatlift.Step {
	names := append([]string{StepBilling}, StepNames()...)
	steps := make([]chatlift.Step, len(names))
	for i, n := range names {
		steps[i] = chatlift.Step{Name: n, State: chatlift.StepPending}
	}
	return steps
}

// StepBilling is the billing consolidation, done before the cutover.
const StepBilling = "consolidate_billing"

// ConsolidateBilling merges chat billing into support billing when they
// differ; it is undone by Rollback.
func (a *Activities) ConsolidateBilling(ctx context.Context, upgradeID string) error {
	u, err := a.load(ctx, upgradeID)
	if err != nil {
		return err
	}
	return a.runStep(ctx, u, StepBilling, func(ctx context.Context) error {
		_, err := a.Billing.Consolidate(ctx, u.AccountID, a.now())
		return err
	})
}

// SetPaused records whether an operator holds the upgrade.
func (a *Activities) SetPaused(ctx context.Context, upgradeID string, paused bool) error {
	u, err := a.load(ctx, upgradeID)
	if err != nil {
		return err
	}
	u.Paused = paused
	return a.save(ctx, u)
}
