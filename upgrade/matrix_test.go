package upgrade_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/upgrade"
)

// rollsBack is the designed outcome of a fault: an error before the switch
// rolls the attempt back; everything else (a hang, an error after the
// switch) is retried and the upgrade completes.
func rollsBack(step, mode string) bool {
	steps := upgrade.FaultSteps()
	return mode == upgrade.FaultError && slices.Index(steps, step) <= slices.Index(steps, upgrade.StepSwitch)
}

// TestFaultMatrix arms each fault the upgrade knows (every step where a
// fault can be armed × error and timeout) and checks the designed outcome:
// a rollback leaves every legacy row of the account as it was, by key and
// bytes, and the next attempt completes; a completed upgrade has every
// history row on the platform, by key and bytes. The crash column runs on
// the real program (TestFaultMatrixCrash in cmd/chatlift).
func TestFaultMatrix(t *testing.T) {
	t.Parallel()
	for _, step := range upgrade.FaultSteps() {
		for _, mode := range []string{upgrade.FaultError, upgrade.FaultTimeout} {
			t.Run(step+"/"+mode, func(t *testing.T) {
				t.Parallel()
				f := setup(t, 0)
				f.env.SetWorkerOptions(worker.Options{Interceptors: []interceptor.WorkerInterceptor{&shortHeartbeats{}}, DeadlockDetectionTimeout: time.Minute})
				before := dumpAccount(t, f.legacy.SQL(), f.account)
				if err := f.acts.Faults.Set(context.Background(), f.account, step, mode); err != nil {
					t.Fatal(err)
				}
				f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
				f.wantFaultTaken(t, step)
				if rollsBack(step, mode) {
					f.wantRolledBack(t, before)
				} else {
					f.wantCompleted(t, 1)
				}
			})
		}
	}
}

// TestFaultMatrixHangThenFail: a cutover that hung at a step (leaving the
// steps before it done) and then failed for good at the switch on its retry
// rolls back to every legacy row as it was.
func TestFaultMatrixHangThenFail(t *testing.T) {
	t.Parallel()
	steps := upgrade.FaultSteps()
	for _, step := range steps[:slices.Index(steps, upgrade.StepSwitch)] {
		t.Run(step, func(t *testing.T) {
			t.Parallel()
			f := setup(t, 0)
			f.env.SetWorkerOptions(worker.Options{Interceptors: []interceptor.WorkerInterceptor{&shortHeartbeats{}}, DeadlockDetectionTimeout: time.Minute})
			before := dumpAccount(t, f.legacy.SQL(), f.account)
			ctx := context.Background()
			if err := errors.Join(f.acts.Faults.Set(ctx, f.account, step, upgrade.FaultTimeout),
				f.acts.Faults.Set(ctx, f.account, upgrade.StepSwitch, upgrade.FaultError)); err != nil {
				t.Fatal(err)
			}
			f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
			f.wantRolledBack(t, before)
		})
	}
}

// TestFaultSurvivesRestart: a fault armed before a restart (new Activities
// and Faults over the same store) fires in the restarted process, once.
func TestFaultSurvivesRestart(t *testing.T) {
	t.Parallel()
	f := setup(t, 0)
	before := dumpAccount(t, f.legacy.SQL(), f.account)
	if err := f.acts.Faults.Set(context.Background(), f.account, upgrade.StepMergeUsers, upgrade.FaultError); err != nil {
		t.Fatal(err)
	}
	f.newEnv(f.env.Now()) // the restart
	f.env.ExecuteWorkflow(upgrade.Workflow, f.input)
	f.wantFaultTaken(t, upgrade.StepMergeUsers)
	f.wantRolledBack(t, before)
}

// shortHeartbeats gives every activity a short heartbeat timeout, so that a
// step hung by a timeout fault times out in a second (the test
// environment does not enforce heartbeat timeouts otherwise).
type shortHeartbeats struct {
	interceptor.WorkerInterceptorBase
}

func (*shortHeartbeats) InterceptWorkflow(ctx workflow.Context, next interceptor.WorkflowInboundInterceptor) interceptor.WorkflowInboundInterceptor {
	return &shortHeartbeatsInbound{WorkflowInboundInterceptorBase: interceptor.WorkflowInboundInterceptorBase{Next: next}}
}

type shortHeartbeatsInbound struct {
	interceptor.WorkflowInboundInterceptorBase
}

func (i *shortHeartbeatsInbound) Init(out interceptor.WorkflowOutboundInterceptor) error {
	return i.Next.Init(&shortHeartbeatsOutbound{WorkflowOutboundInterceptorBase: interceptor.WorkflowOutboundInterceptorBase{Next: out}})
}

type shortHeartbeatsOutbound struct {
	interceptor.WorkflowOutboundInterceptorBase
}

func (o *shortHeartbeatsOutbound) ExecuteActivity(ctx workflow.Context, activityType string, args ...any) workflow.Future {
	return o.Next.ExecuteActivity(workflow.WithHeartbeatTimeout(ctx, 800*time.Millisecond), activityType, args...)
}

// wantFaultTaken checks that the fault at step fired and is marked taken.
func (f *fixture) wantFaultTaken(t *testing.T, step string) {
	t.Helper()
	list, err := f.acts.Faults.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Step != step || list[0].TakenAt == nil {
		b, _ := json.Marshal(list)
		t.Fatalf("faults after the run: %s, want the one at %s taken; workflow error %v", b, step, f.env.GetWorkflowError())
	}
}

// wantRolledBack checks a rollback to the next attempt that left every
// legacy row of the account as before, then runs that attempt to the end.
func (f *fixture) wantRolledBack(t *testing.T, before map[string]string) {
	t.Helper()
	var next *workflow.ContinueAsNewError
	if err := f.env.GetWorkflowError(); !errors.As(err, &next) {
		t.Fatalf("workflow ended with %v, want a continue-as-new to the next attempt", err)
	}
	if u := f.upgrade(t); u.State != chatlift.UpgradeRolledBack || u.Attempt != 2 {
		t.Fatalf("upgrade %s attempt %d, want rolled_back and attempt 2", u.State, u.Attempt)
	}
	if diff := diffRows(before, dumpAccount(t, f.legacy.SQL(), f.account)); diff != "" {
		t.Fatalf("legacy rows changed across the rollback:\n%s", diff)
	}
	f.newEnv(f.env.Now())
	f.env.ExecuteWorkflow(upgrade.Workflow, upgrade.Input{UpgradeID: f.input.UpgradeID, AccountID: f.account, Attempt: 2, NotBefore: f.env.Now()})
	f.wantCompleted(t, 2)
}

// wantCompleted checks a completed upgrade whose every history row is on
// the platform as it is in the legacy store.
func (f *fixture) wantCompleted(t *testing.T, attempt int) {
	t.Helper()
	if err := f.env.GetWorkflowError(); err != nil {
		t.Fatalf("workflow error: %v", err)
	}
	u := f.upgrade(t)
	if u.State != chatlift.UpgradeCompleted || u.Attempt != attempt || u.Verification == nil || !u.Verification.Passed {
		t.Fatalf("upgrade %s attempt %d verification %+v, want completed attempt %d, verified", u.State, u.Attempt, u.Verification, attempt)
	}
	ctx := context.Background()
	for _, table := range []string{chatlift.TableChats, chatlift.TableVisitors, chatlift.TableAnalytics} {
		src, err := f.legacy.RawRows(ctx, table, f.account, "", "", chatlift.MaxLimit)
		if err != nil {
			t.Fatal(err)
		}
		dst, err := f.platform.RawRows(ctx, table, f.account, "", "", chatlift.MaxLimit)
		if err != nil {
			t.Fatal(err)
		}
		if len(src) == 0 || fmt.Sprint(src) != fmt.Sprint(dst) {
			t.Fatalf("%s: %d legacy rows, %d platform rows, or their bytes differ", table, len(src), len(dst))
		}
	}
}

// dumpAccount reads every row of the account in a SQLite store: each table
// with an account_id column, and the account's own row. It maps table and
// primary key to the row's columns as stored.
func dumpAccount(t *testing.T, db *sql.DB, accountID int64) map[string]string {
	t.Helper()
	rows := map[string]string{}
	for _, table := range accountTables(t, db) {
		where := "account_id"
		if table.ownRow {
			where = "id"
		}
		q := fmt.Sprintf("SELECT * FROM %s WHERE %s = ?", table.name, where)
		res, err := db.Query(q, accountID)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := res.Columns()
		for res.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := res.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var key, row []string
			for i, c := range cols {
				v := fmt.Sprintf("%s=%q", c, fmt.Sprint(vals[i]))
				row = append(row, v)
				if slices.Contains(table.key, c) {
					key = append(key, v)
				}
			}
			rows[table.name+"["+strings.Join(key, ",")+"]"] = strings.Join(row, " ")
		}
		if err := res.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if len(rows) == 0 {
		t.Fatalf("account %d has no rows", accountID)
	}
	return rows
}

type accountTable struct {
	name   string
	key    []string // primary key columns
	ownRow bool     // the account's own row, by id
}

// accountTables lists the store's tables that hold an account's rows.
func accountTables(t *testing.T, db *sql.DB) []accountTable {
	t.Helper()
	names, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'goose_%' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	var list []string
	for names.Next() {
		var n string
		if err := names.Scan(&n); err != nil {
			t.Fatal(err)
		}
		list = append(list, n)
	}
	names.Close()
	var tables []accountTable
	for _, n := range list {
		table := accountTable{name: n}
		var hasAccount bool
		cols, err := db.Query("SELECT name, pk FROM pragma_table_info(?)", n)
		if err != nil {
			t.Fatal(err)
		}
		for cols.Next() {
			var c string
			var pk int
			if err := cols.Scan(&c, &pk); err != nil {
				t.Fatal(err)
			}
			hasAccount = hasAccount || c == "account_id"
			if pk > 0 {
				table.key = append(table.key, c)
			}
		}
		cols.Close()
		table.ownRow = n == "chat_accounts"
		if hasAccount || table.ownRow {
			tables = append(tables, table)
		}
	}
	return tables
}

// diffRows names the rows added, removed or changed from before to after.
func diffRows(before, after map[string]string) string {
	var diff []string
	for k, v := range before {
		if w, ok := after[k]; !ok {
			diff = append(diff, "removed "+k)
		} else if w != v {
			diff = append(diff, fmt.Sprintf("changed %s:\n  before %s\n  after  %s", k, v, w))
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			diff = append(diff, "added "+k)
		}
	}
	slices.Sort(diff)
	return strings.Join(diff, "\n")
}
