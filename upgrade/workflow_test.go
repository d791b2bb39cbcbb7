package upgrade_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/upgrade"
)

func TestWorkflowHappyPath(t *testing.T) {
	t.Parallel()
	f := setup(t, 0)
	ctx := context.Background()
	start := f.env.Now()
	f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
	if !f.env.IsWorkflowCompleted() || f.env.GetWorkflowError() != nil {
		t.Fatalf("workflow: completed %v, error %v", f.env.IsWorkflowCompleted(), f.env.GetWorkflowError())
	}
	u := f.upgrade(t)
	if u.State != chatlift.UpgradeCompleted || u.Attempt != 1 || u.FinishedAt == nil {
		t.Fatalf("upgrade = %s attempt %d", u.State, u.Attempt)
	}
	t.Run("DurableTimerWeeksAhead", func(t *testing.T) {
		if u.ScheduledFor == nil || u.ScheduledFor.Sub(start) < chatlift.DefaultScheduleRules.Notice || !u.StartedAt.Equal(*u.ScheduledFor) {
			t.Fatalf("scheduled for %v, started %v; requested at %v", u.ScheduledFor, u.StartedAt, start)
		}
	})
	t.Run("StepsInOrder", func(t *testing.T) {
		want := []string{"do:" + upgrade.StepBilling}
		for _, s := range upgrade.StepNames() {
			want = append(want, "do:"+s)
		}
		if !slices.Equal(f.events, want) {
			t.Fatalf("steps ran as %v, want %v", f.events, want)
		}
		for _, s := range u.Steps {
			if s.State != chatlift.StepDone {
				t.Fatalf("step %s is %s", s.Name, s.State)
			}
		}
	})
	t.Run("Switched", func(t *testing.T) {
		legacy, err := f.legacy.ChatAccount(ctx, f.account)
		if err != nil || legacy.State != chatlift.ChatAccountUpgraded {
			t.Fatalf("legacy chat account: %v %v", legacy, err)
		}
		tokens, _ := f.legacy.OAuthTokens(ctx, f.account)
		for _, tok := range tokens {
			if tok.Active(f.env.Now()) {
				t.Fatalf("token %d still active after the switch", tok.ID)
			}
		}
		if _, err := f.platform.UnifiedAccount(ctx, f.account); err != nil {
			t.Fatal(err)
		}
		integrations, _ := f.platform.Objects(ctx, f.account, chatlift.KindIntegration)
		channels, _ := f.platform.Objects(ctx, f.account, chatlift.KindMessageChannel)
		if len(integrations) == 0 || len(channels) == 0 {
			t.Fatalf("seed index 0 should have integrations (%d) and channels (%d)", len(integrations), len(channels))
		}
		for _, o := range integrations {
			var in chatlift.Integration
			if json.Unmarshal(o.Body, &in) != nil || in.Enabled {
				t.Fatalf("integration on the platform not disabled: %s", o.Body)
			}
		}
		for _, o := range channels {
			var ch chatlift.MessageChannel
			if json.Unmarshal(o.Body, &ch) != nil || ch.Enabled || !ch.NeedsReconfiguration {
				t.Fatalf("channel not marked for reconfiguration: %s", o.Body)
			}
		}
		agents, _ := f.platform.Agents(ctx, f.account)
		support, _ := f.platform.SupportAccount(ctx, f.account)
		owner := false
		for _, ag := range agents {
			if ag.Role == chatlift.ChatRoleOwner {
				t.Fatalf("agent %s is still chat owner on the platform", ag.Email)
			}
			owner = owner || chatlift.NormalizeEmail(ag.Email) == chatlift.NormalizeEmail(support.OwnerEmail) && ag.Role == chatlift.ChatRoleAdmin
		}
		if !owner {
			t.Fatal("the support owner has no chat administrator access")
		}
		clients, _ := f.legacy.OAuthClients(ctx, f.account)
		kept, _ := f.platform.OAuthClients(ctx, f.account)
		if len(clients) == 0 || len(kept) != len(clients) || kept[0].SecretHash != clients[0].SecretHash {
			t.Fatalf("OAuth clients: legacy %d, platform %d", len(clients), len(kept))
		}
		from, _ := f.legacy.CountHistory(ctx, f.account)
		to, _ := f.platform.CountHistory(ctx, f.account)
		if from != to || to.Total() == 0 || u.Import.State != chatlift.ImportDone || u.Import.Done != to.Total() {
			t.Fatalf("history legacy %+v, platform %+v, import %+v", from, to, u.Import)
		}
		if v := u.Verification; v == nil || !v.Passed || v.Rows != from.Total() || len(v.Tables) != len(chatlift.HistoryTables) {
			t.Fatalf("verification %+v", v)
		}
		if unified, err := f.platform.UnifiedAccount(ctx, f.account); err != nil || !unified.HistoryImported {
			t.Fatalf("unified account %+v, %v: history not marked imported", unified, err)
		}
	})
	t.Run("Notified", func(t *testing.T) {
		if !slices.Equal(f.notes.keys, []string{"upgrade_scheduled", "upgrade_completed"}) {
			t.Fatalf("notices %v", f.notes.keys)
		}
		if !slices.Equal(f.billing.calls, []string{"consolidate"}) {
			t.Fatalf("billing calls %v", f.billing.calls)
		}
	})
}

// TestWorkflowRollbackAtEveryStep fails each step before the switch in turn:
// every Undo runs in reverse order, the legacy account is byte for byte as
// it was, and the next attempt is scheduled.
func TestWorkflowRollbackAtEveryStep(t *testing.T) {
	t.Parallel()
	steps := append([]string{upgrade.StepBilling}, upgrade.StepNames()...)
	beforeSwitch := steps[:slices.Index(steps, upgrade.StepSwitch)+1]
	for i, failing := range beforeSwitch {
		t.Run(failing, func(t *testing.T) {
			t.Parallel()
			f := setup(t, 0)
			before, usersBefore := f.legacyChecksum(t), f.platformUsersChecksum(t)
			if err := f.acts.Faults.Set(context.Background(), f.account, failing, upgrade.FaultError); err != nil {
				t.Fatal(err)
			}
			f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
			var next *workflow.ContinueAsNewError
			if err := f.env.GetWorkflowError(); !errors.As(err, &next) {
				t.Fatalf("workflow ended with %v, want a continue-as-new to the next attempt", err)
			}
			var want []string
			for _, s := range steps[:i+1] {
				want = append(want, "do:"+s)
			}
			for j := len(steps) - 1; j >= 0; j-- { // every Undo, the last step's first
				want = append(want, "undo:"+steps[j])
			}
			if !slices.Equal(f.events, want) {
				t.Fatalf("events %v\nwant   %v", f.events, want)
			}
			if after := f.legacyChecksum(t); after != before {
				t.Fatal("the legacy account differs after the rollback")
			}
			if f.platformUsersChecksum(t) != usersBefore {
				t.Fatal("the support users differ after the rollback")
			}
			if n, _ := f.platform.CountHistory(context.Background(), f.account); n.Total() != 0 {
				t.Fatalf("platform kept %d history rows", n.Total())
			}
			if _, err := f.platform.ChatAccount(context.Background(), f.account); chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
				t.Fatalf("platform kept the chat account: %v", err)
			}
			u := f.upgrade(t)
			if u.State != chatlift.UpgradeRolledBack || u.Attempt != 2 || !slices.Contains(f.notes.keys, "upgrade_rolled_back") {
				t.Fatalf("upgrade %s attempt %d, notices %v", u.State, u.Attempt, f.notes.keys)
			}
		})
	}
}

// TestWorkflowNextAttemptCompletes runs the attempt after a rollback.
func TestWorkflowNextAttemptCompletes(t *testing.T) {
	t.Parallel()
	f := setup(t, 1)
	if err := f.acts.Faults.Set(context.Background(), f.account, upgrade.StepCopyConfiguration, upgrade.FaultError); err != nil {
		t.Fatal(err)
	}
	f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
	var next *workflow.ContinueAsNewError
	if !errors.As(f.env.GetWorkflowError(), &next) {
		t.Fatalf("first attempt: %v", f.env.GetWorkflowError())
	}
	first := *f.upgrade(t).ScheduledFor
	f.newEnv(f.env.Now()) // the next attempt runs as a new run, as after a continue-as-new
	f.env.ExecuteWorkflow(upgrade.Workflow, upgrade.Input{UpgradeID: "u1", AccountID: f.account, Attempt: 2, NotBefore: f.env.Now()})
	if err := f.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	u := f.upgrade(t)
	if u.State != chatlift.UpgradeCompleted || u.Attempt != 2 || !u.ScheduledFor.After(first) {
		t.Fatalf("second attempt: %s attempt %d scheduled %v (first %v)", u.State, u.Attempt, u.ScheduledFor, first)
	}
}

// TestWorkflowRetriesAfterSwitch fails the import twice: the upgrade is
// retried, never rolled back, and completes.
func TestWorkflowRetriesAfterSwitch(t *testing.T) {
	t.Parallel()
	f := setup(t, 0)
	failing := &flakyImporter{Importer: f.acts.Importer, failures: 2}
	f.acts.Importer = failing
	f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
	if err := f.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	u := f.upgrade(t)
	if u.State != chatlift.UpgradeCompleted || failing.calls != 3 || slices.ContainsFunc(f.events, func(e string) bool { return e[:5] == "undo:" }) {
		t.Fatalf("upgrade %s after %d import calls; events %v", u.State, failing.calls, f.events)
	}
}

type flakyImporter struct {
	upgrade.Importer
	failures, calls int
}

func (i *flakyImporter) Import(ctx context.Context, job chatlift.ImportJob, progress func(chatlift.ImportProgress)) error {
	i.calls++
	if i.calls <= i.failures {
		return errors.New("platform store briefly unavailable")
	}
	return i.Importer.Import(ctx, job, progress)
}

// answer is what the workflow said to an operator action.
type answer struct {
	accepted bool
	err      error // the refusal, or the failure of an accepted action
	done     bool
}

// act sends an operator action to the workflow as an Update.
func (f *fixture) act(name string, args ...any) *answer {
	a := &answer{}
	f.updates++
	f.env.UpdateWorkflow(name, fmt.Sprint(name, f.updates), &testsuite.TestUpdateCallback{
		OnAccept:   func() { a.accepted = true },
		OnReject:   func(err error) { a.err, a.done = err, true },
		OnComplete: func(_ any, err error) { a.err, a.done = err, true },
	}, args...)
	return a
}

func (a *answer) wantYes(t *testing.T, what string) {
	t.Helper()
	if !a.done || !a.accepted || a.err != nil {
		t.Errorf("%s: accepted %v, done %v, error %v; want carried out", what, a.accepted, a.done, a.err)
	}
}

func (a *answer) wantNo(t *testing.T, what, reason string) {
	t.Helper()
	if !a.done || a.err == nil || !strings.Contains(a.err.Error(), reason) {
		t.Errorf("%s: accepted %v, done %v, error %v; want refused with %q", what, a.accepted, a.done, a.err, reason)
	}
}

// TestOperatorActions: an action the workflow answers "yes" is carried out,
// one it cannot carry out is answered "no" with the reason.
func TestOperatorActions(t *testing.T) {
	t.Parallel()
	t.Run("RunNow", func(t *testing.T) {
		t.Parallel()
		f := setup(t, 0)
		start := f.env.Now()
		var runNow *answer
		f.env.RegisterDelayedCallback(func() { runNow = f.act(upgrade.ActionRunNow) }, time.Hour)
		f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
		runNow.wantYes(t, "run-now")
		u := f.upgrade(t)
		if u.State != chatlift.UpgradeCompleted || u.StartedAt.Sub(start) > 2*time.Hour {
			t.Fatalf("run-now: %s, started %v after request", u.State, u.StartedAt.Sub(start))
		}
	})
	t.Run("Cancel", func(t *testing.T) {
		t.Parallel()
		f := setup(t, 0)
		var cancel *answer
		f.env.RegisterDelayedCallback(func() { cancel = f.act(upgrade.ActionCancel) }, 24*time.Hour)
		f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
		cancel.wantYes(t, "cancel")
		f.wantCancelled(t)
	})
	t.Run("RunNowAndCancelAtOnce", func(t *testing.T) {
		t.Parallel()
		f := setup(t, 0)
		var runNow, cancel *answer
		f.env.RegisterDelayedCallback(func() { runNow, cancel = f.act(upgrade.ActionRunNow), f.act(upgrade.ActionCancel) }, time.Hour)
		f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
		runNow.wantYes(t, "run-now")
		cancel.wantYes(t, "cancel")
		f.wantCancelled(t)
	})
	t.Run("ErrPauseAfterRunNow", func(t *testing.T) {
		t.Parallel()
		f := setup(t, 0)
		var runNow, pause *answer
		f.env.RegisterDelayedCallback(func() { runNow, pause = f.act(upgrade.ActionRunNow), f.act(upgrade.ActionPause) }, time.Hour)
		f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
		runNow.wantYes(t, "run-now")
		pause.wantNo(t, "pause", "the upgrade is")
		if u := f.upgrade(t); u.State != chatlift.UpgradeCompleted || u.Paused {
			t.Fatalf("state %s, paused %v", u.State, u.Paused)
		}
	})
	t.Run("PauseThenRunNow", func(t *testing.T) {
		t.Parallel()
		f := setup(t, 0)
		var pause, runNow *answer
		f.env.RegisterDelayedCallback(func() { pause = f.act(upgrade.ActionPause) }, time.Hour)
		f.env.RegisterDelayedCallback(func() {
			if u := f.upgrade(t); !u.Paused {
				t.Error("the upgrade is not marked paused after pause answered yes")
			}
			runNow = f.act(upgrade.ActionRunNow)
		}, 2*time.Hour)
		f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
		pause.wantYes(t, "pause")
		runNow.wantYes(t, "run-now")
		if u := f.upgrade(t); u.State != chatlift.UpgradeCompleted || u.Paused {
			t.Fatalf("state %s, paused %v: run-now lifts the pause", u.State, u.Paused)
		}
	})
	t.Run("PauseAndRunNowAtOnce", func(t *testing.T) {
		t.Parallel()
		f := setup(t, 0)
		var pause, runNow *answer
		f.env.RegisterDelayedCallback(func() { pause, runNow = f.act(upgrade.ActionPause), f.act(upgrade.ActionRunNow) }, time.Hour)
		f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
		pause.wantYes(t, "pause")
		runNow.wantYes(t, "run-now")
		if u := f.upgrade(t); u.State != chatlift.UpgradeCompleted || u.Paused {
			t.Fatalf("state %s, paused %v: run-now after pause lifts it", u.State, u.Paused)
		}
	})
	t.Run("RescheduleAndCancelAtOnce", func(t *testing.T) {
		t.Parallel()
		f := setup(t, 0)
		later := time.Date(2027, 3, 1, 23, 0, 0, 0, time.UTC)
		var reschedule, cancel *answer
		f.env.RegisterDelayedCallback(func() {
			reschedule, cancel = f.act(upgrade.ActionReschedule, later), f.act(upgrade.ActionCancel)
		}, time.Hour)
		f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
		cancel.wantYes(t, "cancel")
		if !reschedule.done {
			t.Fatal("reschedule got no answer")
		}
		f.wantCancelled(t)
		if n, _ := f.platform.SlotBookings(context.Background(), later); n != 0 {
			t.Fatalf("the cancelled upgrade holds the slot it was rescheduled to (reschedule answered %v)", reschedule.err)
		}
	})
	t.Run("PauseResumeReschedule", func(t *testing.T) {
		t.Parallel()
		f := setup(t, 0)
		later := time.Date(2027, 3, 1, 23, 0, 0, 0, time.UTC)
		var answers []*answer
		f.env.RegisterDelayedCallback(func() { answers = append(answers, f.act(upgrade.ActionPause)) }, time.Hour)
		f.env.RegisterDelayedCallback(func() {
			answers = append(answers, f.act(upgrade.ActionReschedule, later), f.act(upgrade.ActionResume))
		}, 60*24*time.Hour) // paused past its date: it must not have run
		f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
		for i, a := range answers {
			a.wantYes(t, fmt.Sprint("action ", i))
		}
		u := f.upgrade(t)
		if u.State != chatlift.UpgradeCompleted || !u.ScheduledFor.Equal(later) || !u.StartedAt.Equal(later) || u.Paused {
			t.Fatalf("state %s, scheduled %v, started %v, paused %v", u.State, u.ScheduledFor, u.StartedAt, u.Paused)
		}
	})
	t.Run("ErrRefused", func(t *testing.T) {
		t.Parallel()
		f := setup(t, 0)
		full := time.Date(2027, 3, 1, 23, 0, 0, 0, time.UTC)
		for i := range f.acts.Rules.Capacity {
			if ok, err := f.platform.BookSlot(context.Background(), fmt.Sprint("other", i), full, f.acts.Rules.Capacity); !ok || err != nil {
				t.Fatal(ok, err)
			}
		}
		var resume, past, fullSlot, runNow *answer
		f.env.RegisterDelayedCallback(func() {
			resume = f.act(upgrade.ActionResume)
			past = f.act(upgrade.ActionReschedule, f.env.Now().Add(-time.Hour))
			fullSlot = f.act(upgrade.ActionReschedule, full)
			runNow = f.act(upgrade.ActionRunNow)
		}, time.Hour)
		f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
		resume.wantNo(t, "resume", "not paused")
		past.wantNo(t, "reschedule to the past", "has passed")
		fullSlot.wantNo(t, "reschedule to a full slot", "is full")
		runNow.wantYes(t, "run-now")
		if u := f.upgrade(t); u.State != chatlift.UpgradeCompleted || u.ScheduledFor.Equal(full) {
			t.Fatalf("state %s, scheduled for %v", u.State, u.ScheduledFor)
		}
	})
}

// wantCancelled checks the upgrade was cancelled before anything changed.
func (f *fixture) wantCancelled(t *testing.T) {
	t.Helper()
	u := f.upgrade(t)
	if err := f.env.GetWorkflowError(); err != nil || u.State != chatlift.UpgradeCancelled || len(f.events) != 0 {
		t.Fatalf("cancel: %v, state %s, steps %v", err, u.State, f.events)
	}
	if n, _ := f.platform.SlotBookings(context.Background(), *u.ScheduledFor); n != 0 {
		t.Fatalf("cancelled upgrade still holds its slot (%d)", n)
	}
}

// TestWorkflowBlockedTask stops an upgrade whose merge plan is blocked
// before anything changes, tells why, and reschedules it; once fixed, it runs.
func TestWorkflowBlockedTask(t *testing.T) {
	t.Parallel()
	t.Run("AtItsDate", func(t *testing.T) { t.Parallel(); blockedTask(t, false) })
	// After run-now, a blocked upgrade waits for its new date all the same.
	t.Run("AfterRunNow", func(t *testing.T) { t.Parallel(); blockedTask(t, true) })
}

// blockMerge gives a chat agent the email of another (a merge the upgrade
// cannot apply) and fixes it after the given time, calling atFix first.
func (f *fixture) blockMerge(t *testing.T, after time.Duration, atFix ...func()) {
	t.Helper()
	ctx := context.Background()
	agents, err := f.legacy.Agents(ctx, f.account)
	if err != nil {
		t.Fatal(err)
	}
	dup := *agents[1]
	dup.ID, dup.Email = 900, strings.ToUpper(agents[1].Email)
	if err := f.legacy.PutAgents(ctx, []*chatlift.Agent{&dup}); err != nil {
		t.Fatal(err)
	}
	f.env.RegisterDelayedCallback(func() {
		for _, fn := range atFix {
			fn()
		}
		dup.Email = "renamed@example.test"
		if err := f.legacy.PutAgents(ctx, []*chatlift.Agent{&dup}); err != nil {
			t.Error(err)
		}
	}, after)
}

func blockedTask(t *testing.T, runNow bool) {
	// The merge is fixed before the new date: 22 days after the request
	// (the first date is 21 days ahead), 10 days after a run-now.
	fixedAfter := 22 * 24 * time.Hour
	if runNow {
		fixedAfter = 10 * 24 * time.Hour
	}
	f := setup(t, 0)
	var before string
	var blocked *chatlift.Upgrade
	f.blockMerge(t, fixedAfter, func() {
		blocked = f.upgrade(t)
		if f.legacyChecksum(t) != before {
			t.Error("a blocked upgrade changed the legacy account")
		}
	})
	before = f.legacyChecksum(t)
	var started *answer
	if runNow {
		f.env.RegisterDelayedCallback(func() { started = f.act(upgrade.ActionRunNow) }, time.Hour)
	}
	f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
	if err := f.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if runNow {
		started.wantYes(t, "run-now")
	}
	if n := countOf(f.notes.keys, "upgrade_blocked"); n != 1 {
		t.Fatalf("the customer was told %d times it is blocked: %v", n, f.notes.keys)
	}
	if blocked == nil || blocked.State != chatlift.UpgradeScheduled || !strings.Contains(blocked.Error, "share the email") {
		t.Fatalf("after the blocked prepare: %+v", blocked)
	}
	var task chatlift.Task
	for _, x := range blocked.PreTasks {
		if x.Key == chatlift.TaskAgentEmails {
			task = x
		}
	}
	if task.Status != chatlift.TaskBlocked {
		t.Fatalf("merge task = %+v", task)
	}
	u := f.upgrade(t)
	if u.State != chatlift.UpgradeCompleted || !u.ScheduledFor.After(*blocked.StartedAt) {
		t.Fatalf("after the fix: %s, scheduled %v", u.State, u.ScheduledFor)
	}
}

// TestWorkflowRepairsImport corrupts a chat in the platform right after
// the copy: the verification finds it by key, the upgrade shows the
// mismatch while it is repaired, and completes only once a verification
// passed, listing the key as repaired.
func TestWorkflowRepairsImport(t *testing.T) {
	t.Parallel()
	f := setup(t, 0)
	corrupting := &corruptingImporter{Importer: f.acts.Importer, platform: f.platform}
	f.acts.Importer = corrupting
	f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
	if err := f.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	u := f.upgrade(t)
	v := u.Verification
	if u.State != chatlift.UpgradeCompleted || v == nil || !v.Passed || v.Repaired != 1 || corrupting.key == "" {
		t.Fatalf("upgrade %s, verification %+v", u.State, v)
	}
	if tv := v.Table(chatlift.TableChats); tv.RepairedCount != 1 || tv.Repaired[0].Key != corrupting.key || tv.Repaired[0].Kind != chatlift.MismatchDifferent {
		t.Fatalf("chats verification %+v; corrupted %s", tv, corrupting.key)
	}
	if !corrupting.sawMismatch {
		t.Fatal("the failed verification was not on the upgrade while the repair ran")
	}
	want, err := f.legacy.RawRows(context.Background(), chatlift.TableChats, f.account, "", "", chatlift.MaxLimit)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.platform.RawRows(context.Background(), chatlift.TableChats, f.account, "", "", chatlift.MaxLimit)
	if err != nil || len(got) != len(want) {
		t.Fatalf("platform chats %d, legacy %d, %v", len(got), len(want), err)
	}
	for i := range want {
		if string(want[i].Body) != string(got[i].Body) {
			t.Fatalf("chat %s still differs", want[i].Key)
		}
	}
}

// corruptingImporter damages one imported chat, and notes whether the
// upgrade showed the mismatch before the repair pass.
type corruptingImporter struct {
	upgrade.Importer
	platform    chatlift.PlatformStore
	key         string
	sawMismatch bool
}

func (c *corruptingImporter) Import(ctx context.Context, job chatlift.ImportJob, progress func(chatlift.ImportProgress)) error {
	if err := c.Importer.Import(ctx, job, progress); err != nil {
		return err
	}
	rows, err := c.platform.RawRows(ctx, chatlift.TableChats, job.AccountID, "", "", 3)
	if err != nil || len(rows) < 3 {
		return fmt.Errorf("read imported chats: %d, %v", len(rows), err)
	}
	bad := rows[2]
	bad.Body = append(append([]byte(nil), bad.Body[:len(bad.Body)-1]...), []byte(`,"x":1}`)...)
	c.key = bad.Key
	return c.platform.PutRawRows(ctx, chatlift.TableChats, job.AccountID, []chatlift.RawRow{bad})
}

func (c *corruptingImporter) Verify(ctx context.Context, job chatlift.ImportJob, repair bool, progress func(chatlift.ImportProgress)) (*chatlift.Verification, error) {
	if repair {
		u, err := c.platform.Upgrade(ctx, job.UpgradeID)
		if err != nil {
			return nil, err
		}
		if v := u.Verification; v != nil && !v.Passed && v.Table(chatlift.TableChats).Mismatches[0].Key == c.key {
			c.sawMismatch = true
		}
	}
	return c.Importer.Verify(ctx, job, repair, progress)
}

// countOf counts the times v occurs in list.
func countOf(list []string, v string) int {
	n := 0
	for _, x := range list {
		if x == v {
			n++
		}
	}
	return n
}
