package upgrade_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/upgrade"
)

// fakeRequester records requests; accounts in busy already have an upgrade.
type fakeRequester struct {
	mu   sync.Mutex
	got  []int64
	busy map[int64]bool
}

func (r *fakeRequester) Request(ctx context.Context, accountID int64, by string) (*chatlift.Upgrade, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.busy[accountID] {
		return nil, chatlift.Errorf(chatlift.ECONFLICT, "account %d already has an upgrade", accountID)
	}
	r.got = append(r.got, accountID)
	return &chatlift.Upgrade{AccountID: accountID}, nil
}

func TestEnrollAtDeadline(t *testing.T) {
	t.Parallel()
	f := setup(t, 0)
	ctx := context.Background()
	for _, id := range []int64{50, 51, 52} { // three more accounts; 51 is already upgraded
		a := chatlift.ChatAccount{ID: id, Name: "More", OwnerEmail: "o@more.test", State: chatlift.ChatAccountActive}
		if id == 51 {
			a.State = chatlift.ChatAccountUpgraded
		}
		if err := f.legacy.PutChatAccount(ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
	req := &fakeRequester{busy: map[int64]bool{52: true}}
	f.acts.Requester = req
	start := f.env.Now()
	deadline := start.Add(45 * 24 * time.Hour)
	var at time.Time
	f.env.SetOnActivityStartedListener(func(*activity.Info, context.Context, converter.EncodedValues) { at = f.env.Now() })
	f.env.ExecuteWorkflow(upgrade.EnrollWorkflow, upgrade.Enrollment{ID: "d", All: true, At: deadline})
	var res upgrade.EnrollResult
	if err := f.env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(req.got, []int64{f.account, 50}) || res.Enrolled != 2 || res.Skipped != 2 {
		t.Fatalf("enrolled %v, result %+v", req.got, res)
	}
	if at.Before(deadline) {
		t.Fatalf("enrolled at %v, before the deadline %v", at, deadline)
	}
}

func TestEnrollGivenAccounts(t *testing.T) {
	t.Parallel()
	f := setup(t, 0)
	req := &fakeRequester{busy: map[int64]bool{7: true}}
	f.acts.Requester = req
	f.env.ExecuteWorkflow(upgrade.EnrollWorkflow, upgrade.Enrollment{ID: "b", AccountIDs: []int64{5, 7, 9}})
	var res upgrade.EnrollResult
	if err := f.env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(req.got, []int64{5, 9}) || res.Enrolled != 2 || res.Skipped != 1 {
		t.Fatalf("enrolled %v, result %+v", req.got, res)
	}
}
