package upgrade_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/billing"
	"github.com/chatlift/chatlift/upgrade"
)

// TestPreUpgradeBillingTask schedules and prepares the upgrade of every
// account of the seeded fleet: the billing task says what billing's preview
// says the consolidation will do, with the alignment amount and the invoice
// lines, or that nothing changes.
func TestPreUpgradeBillingTask(t *testing.T) {
	t.Parallel()
	needed := make([]bool, 10)
	for index := range needed {
		t.Run(fmt.Sprint(index), func(t *testing.T) {
			f := setup(t, index)
			ctx := context.Background()
			plan, _, err := billing.Preview(ctx, f.platform, f.account, f.env.Now())
			if err != nil {
				t.Fatal(err)
			}
			needed[index] = plan.Needed
			if _, err := f.acts.Schedule(ctx, upgrade.ScheduleInput{UpgradeID: "u1"}); err != nil {
				t.Fatal(err)
			}
			checkBillingTask(t, "scheduled", f.upgrade(t).PreTasks, plan)
			if res, err := f.acts.Prepare(ctx, "u1"); err != nil || res.Blocked {
				t.Fatalf("prepare: %+v, %v", res, err)
			}
			checkBillingTask(t, "preparing", f.upgrade(t).PreTasks, plan)
		})
	}
	if n := len(slices.DeleteFunc(needed, func(b bool) bool { return !b })); n < 3 {
		t.Fatalf("%d of 10 seeded accounts need a consolidation; the test needs some", n)
	}
	t.Run("AlignmentCharge", func(t *testing.T) {
		f := setup(t, 4)
		if _, err := f.acts.Schedule(context.Background(), upgrade.ScheduleInput{UpgradeID: "u1"}); err != nil {
			t.Fatal(err)
		}
		task := findTask(t, f.upgrade(t).PreTasks, chatlift.TaskBilling)
		if !strings.Contains(task.Description, "one invoice charges the alignment of 270.73 EUR.") {
			t.Fatalf("billing task %q", task.Description)
		}
	})
	t.Run("ErrCannotConsolidate", func(t *testing.T) {
		f := setup(t, 4)
		ctx := context.Background()
		addChatSubscription(t, f)
		if _, err := f.acts.Schedule(ctx, upgrade.ScheduleInput{UpgradeID: "u1"}); err != nil {
			t.Fatal(err)
		}
		res, err := f.acts.Prepare(ctx, "u1")
		if err != nil || !res.Blocked || !strings.Contains(res.Reason, "Billing consolidation: Chat billing cannot be consolidated") {
			t.Fatalf("prepare: %+v, %v", res, err)
		}
		if task := findTask(t, f.upgrade(t).PreTasks, chatlift.TaskBilling); task.Status != chatlift.TaskBlocked {
			t.Fatalf("billing task %+v", task)
		}
	})
}

// checkBillingTask compares the billing task among tasks with plan.
func checkBillingTask(t *testing.T, when string, tasks []chatlift.Task, plan *chatlift.Consolidation) {
	t.Helper()
	task := findTask(t, tasks, chatlift.TaskBilling)
	if !plan.Needed {
		if task.Status != chatlift.TaskDone || !strings.Contains(task.Description, "nothing changes") {
			t.Fatalf("%s: billing task %+v, want nothing changes", when, task)
		}
		return
	}
	verb, total := "charges", plan.TotalCents
	if total < 0 {
		verb, total = "credits", -total
	}
	amount := fmt.Sprintf("one invoice %s the alignment of %d.%02d %s.", verb, total/100, total%100, plan.Currency)
	if total == 0 {
		amount = "no alignment charge or credit"
	}
	if task.Status != chatlift.TaskInfo || !strings.Contains(task.Description, amount) {
		t.Fatalf("%s: billing task %q (%s), want it to say %q", when, task.Description, task.Status, amount)
	}
	details := strings.Join(task.Details, "\n")
	wants := []string{fmt.Sprintf("Support billing account (kept) #%d: ", plan.Into), fmt.Sprintf("Chat billing account (moves onto it) #%d: ", plan.From)}
	for _, l := range plan.Lines {
		wants = append(wants, "Invoice line: "+l.Description+": ")
	}
	for _, w := range wants {
		if !strings.Contains(details, w) {
			t.Fatalf("%s: billing task details %q, want %q", when, task.Details, w)
		}
	}
}

func findTask(t *testing.T, tasks []chatlift.Task, key string) chatlift.Task {
	t.Helper()
	for _, task := range tasks {
		if task.Key == key {
			return task
		}
	}
	t.Fatalf("no task %s in %+v", key, tasks)
	return chatlift.Task{}
}

// addChatSubscription gives the account's chat billing account a second
// subscription, which consolidation cannot move.
func addChatSubscription(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	accounts, err := f.platform.BillingAccounts(ctx, f.account)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range accounts {
		if b.Product != "chat" {
			continue
		}
		subs, err := f.platform.Subscriptions(ctx, b.ID)
		if err != nil || len(subs) != 1 {
			t.Fatalf("chat subscriptions %v, %v", subs, err)
		}
		extra := *subs[0]
		extra.ID += 1000
		if err := f.platform.PutSubscriptions(ctx, []*chatlift.Subscription{&extra}); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatal("no chat billing account")
}
