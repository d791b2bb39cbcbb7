package upgrade_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/billing"
	"github.com/chatlift/chatlift/engine"
	"github.com/chatlift/chatlift/importer"
	"github.com/chatlift/chatlift/seed"
	"github.com/chatlift/chatlift/sqlstore"
	"github.com/chatlift/chatlift/temporalserver"
	"github.com/chatlift/chatlift/upgrade"
)

// recorder runs upgrades on an embedded Temporal server and keeps their
// histories, for TestReplay.
type recorder struct {
	t        *testing.T
	c        client.Client
	svc      *upgrade.Service
	platform *sqlstore.DB
	legacy   *sqlstore.DB
	faults   *upgrade.Faults
	out      string
	next     int
}

// TestRecordHistories records the histories TestReplay replays, with the
// workflow code as it is: CHATLIFT_RECORD_HISTORIES=upgrade/testdata/histories/vN
// go test ./upgrade/ -run TestRecordHistories, for a new vN whenever the
// workflow changes.
func TestRecordHistories(t *testing.T) {
	out := os.Getenv("CHATLIFT_RECORD_HISTORIES")
	if out == "" {
		t.Skip("set CHATLIFT_RECORD_HISTORIES=DIR to record")
	}
	ctx := context.Background()
	dir := t.TempDir()
	srv, err := temporalserver.Start(ctx, temporalserver.Config{DataDir: filepath.Join(dir, "temporal"), Namespace: "chatlift"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	c, err := engine.Dial(ctx, srv.Address(), "chatlift", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := &recorder{t: t, c: c, out: out}
	r.legacy, r.platform = openStores(t)
	r.faults = &upgrade.Faults{Store: r.platform}
	r.svc = &upgrade.Service{Legacy: r.legacy, Platform: r.platform, Temporal: c, TaskQueue: engine.TaskQueue, Rules: chatlift.DefaultScheduleRules}
	acts := &upgrade.Activities{Legacy: r.legacy, Platform: r.platform, Billing: &fakeBilling{Service: billing.Service{Store: r.platform}}, Notifier: &fakeNotifier{},
		Importer: importer.New(r.legacy, r.platform, nil), Rules: chatlift.DefaultScheduleRules, Faults: r.faults,
		Reverse: &importer.Verifier{From: r.platform, To: r.legacy}, RevertWindow: upgrade.DefaultRevertWindow}
	w := worker.New(c, engine.TaskQueue, worker.Options{})
	upgrade.Register(w, acts)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()

	t.Run("completed", func(t *testing.T) {
		id, run := r.start(ctx)
		r.waitState(id, chatlift.UpgradeScheduled)
		r.act(id, upgrade.ActionRunNow)
		r.finish(id)
		r.save(id, run, "completed")
	})
	t.Run("cancelled", func(t *testing.T) {
		id, run := r.start(ctx)
		r.waitState(id, chatlift.UpgradeScheduled)
		r.act(id, upgrade.ActionCancel)
		r.waitState(id, chatlift.UpgradeCancelled)
		r.save(id, run, "cancelled")
	})
	t.Run("paused_resumed", func(t *testing.T) {
		id, run := r.start(ctx)
		r.waitState(id, chatlift.UpgradeScheduled)
		r.act(id, upgrade.ActionPause)
		r.waitPaused(id, true)
		r.act(id, upgrade.ActionResume)
		r.waitPaused(id, false)
		r.act(id, upgrade.ActionRunNow)
		r.finish(id)
		r.save(id, run, "paused_resumed")
	})
	t.Run("rescheduled", func(t *testing.T) {
		id, run := r.start(ctx)
		r.waitState(id, chatlift.UpgradeScheduled)
		at := r.upgrade(id).ScheduledFor.Add(48 * time.Hour)
		if _, err := r.svc.Reschedule(ctx, id, at); err != nil {
			t.Fatal(err)
		}
		r.act(id, upgrade.ActionRunNow)
		r.finish(id)
		r.save(id, run, "rescheduled")
	})
	t.Run("reverted", func(t *testing.T) {
		id, run := r.start(ctx)
		r.waitState(id, chatlift.UpgradeScheduled)
		r.act(id, upgrade.ActionRunNow)
		r.inWindow(id, upgrade.ActionRevert)
		r.waitState(id, chatlift.UpgradeReverted)
		r.save(id, run, "reverted")
	})
	t.Run("revert_undone_finished", func(t *testing.T) {
		id, run := r.start(ctx)
		r.waitState(id, chatlift.UpgradeScheduled)
		r.act(id, upgrade.ActionRunNow)
		if err := r.faults.Set(context.Background(), r.upgrade(id).AccountID, upgrade.StepRevertHistory, upgrade.FaultError); err != nil {
			t.Fatal(err)
		}
		r.inWindow(id, upgrade.ActionRevert)
		r.wait(id, func(u *chatlift.Upgrade) bool { return u.State == chatlift.UpgradeCompleted && u.Error != "" })
		r.finish(id)
		r.save(id, run, "revert_undone_finished")
	})
	t.Run("rolled_back_rescheduled", func(t *testing.T) {
		id, run := r.start(ctx)
		u := r.upgrade(id)
		if err := r.faults.Set(context.Background(), u.AccountID, upgrade.StepCopyConfiguration, upgrade.FaultError); err != nil {
			t.Fatal(err)
		}
		r.waitState(id, chatlift.UpgradeScheduled)
		r.act(id, upgrade.ActionRunNow)
		r.wait(id, func(u *chatlift.Upgrade) bool { return u.Attempt == 2 && u.State == chatlift.UpgradeScheduled })
		r.save(id, run, "rolled_back")
		r.act(id, upgrade.ActionCancel)
		r.waitState(id, chatlift.UpgradeCancelled)
		r.save(id, "", "rescheduled_cancelled")
	})
}

func (r *recorder) start(ctx context.Context) (string, string) {
	r.t.Helper()
	r.next++
	a := seed.Generate(seed.Spec{Accounts: 10, ChatsPerAccount: 6, Seed: 3}, int64(40+r.next), r.next) // an account each: a retired one has no legacy copy to upgrade
	if _, err := seed.Load(ctx, r.legacy, r.platform, a, seed.DefaultStart); err != nil {
		r.t.Fatal(err)
	}
	id := "rec" + string(rune('0'+r.next))
	u := &chatlift.Upgrade{ID: id, AccountID: a.ID(), State: chatlift.UpgradeRequested, Attempt: 1, CreatedAt: time.Now().UTC()}
	if err := r.platform.CreateUpgrade(ctx, u); err != nil {
		r.t.Fatal(err)
	}
	run, err := r.c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: upgrade.WorkflowID(id), TaskQueue: engine.TaskQueue},
		upgrade.WorkflowName, upgrade.Input{UpgradeID: id, AccountID: a.ID(), Attempt: 1})
	if err != nil {
		r.t.Fatal(err)
	}
	return id, run.GetRunID()
}

func (r *recorder) act(id, name string) {
	r.t.Helper()
	if _, err := r.svc.Act(context.Background(), id, name); err != nil {
		r.t.Fatal(err)
	}
}

// inWindow sends a revert-window action once the completed upgrade's run
// waits in its window, or a revert that failed is undone (it refuses it until then).
func (r *recorder) inWindow(id, name string) {
	r.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		_, err := r.svc.Act(context.Background(), id, name)
		if err == nil {
			return
		}
		if msg := err.Error(); time.Now().After(deadline) || !strings.Contains(msg, "only in its revert window") && !strings.Contains(msg, "being reverted") {
			r.t.Fatalf("%s %s: %v", name, id, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// finish ends the completed upgrade's revert window, so that its run closes.
func (r *recorder) finish(id string) {
	r.t.Helper()
	r.inWindow(id, upgrade.ActionFinish)
	r.wait(id, func(u *chatlift.Upgrade) bool { return u.Revert.RetiredAt != nil })
}

func (r *recorder) upgrade(id string) *chatlift.Upgrade {
	r.t.Helper()
	u, err := r.platform.Upgrade(context.Background(), id)
	if err != nil {
		r.t.Fatal(err)
	}
	return u
}

func (r *recorder) wait(id string, ok func(*chatlift.Upgrade) bool) {
	r.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !ok(r.upgrade(id)) {
		if time.Now().After(deadline) {
			r.t.Fatalf("upgrade %s: %+v", id, r.upgrade(id))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (r *recorder) waitState(id, state string) {
	r.wait(id, func(u *chatlift.Upgrade) bool { return u.State == state })
}

func (r *recorder) waitPaused(id string, paused bool) {
	r.wait(id, func(u *chatlift.Upgrade) bool { return u.Paused == paused })
}

// save writes the history of the run (its latest when run is "") once it closed.
func (r *recorder) save(id, run, name string) {
	r.t.Helper()
	ctx := context.Background()
	var events []*historypb.HistoryEvent
	deadline := time.Now().Add(time.Minute)
	for {
		events = nil
		it := r.c.GetWorkflowHistory(ctx, upgrade.WorkflowID(id), run, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			e, err := it.Next()
			if err != nil {
				r.t.Fatal(err)
			}
			events = append(events, e)
		}
		last := events[len(events)-1].GetEventType()
		if last == enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED || last == enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW ||
			last == enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED {
			break
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("run of %s did not close: last event %s", id, last)
		}
		time.Sleep(20 * time.Millisecond)
	}
	b, err := temporalproto.CustomJSONMarshalOptions{Indent: " "}.Marshal(&historypb.History{Events: events})
	if err != nil {
		r.t.Fatal(err)
	}
	if err := os.MkdirAll(r.out, 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(r.out, name+".json"), b, 0o644); err != nil {
		r.t.Fatal(err)
	}
}
