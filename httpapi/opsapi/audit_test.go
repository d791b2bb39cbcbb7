package opsapi_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi"
	"github.com/chatlift/chatlift/internal/apitest"
	"github.com/chatlift/chatlift/upgrade"
)

// refusingUpgrades accepts run-now and refuses every other action, as an
// upgrade's workflow would.
type refusingUpgrades struct{ httpapi.Upgrades }

func (refusingUpgrades) Act(ctx context.Context, id, action string) (*chatlift.Upgrade, error) {
	if action == upgrade.ActionRunNow {
		return &chatlift.Upgrade{ID: id}, nil
	}
	return nil, chatlift.Errorf(chatlift.ECONFLICT, "%s refused: the upgrade is starting", action)
}

func (refusingUpgrades) Reschedule(ctx context.Context, id string, at time.Time) (*chatlift.Upgrade, error) {
	return nil, chatlift.Errorf(chatlift.ECONFLICT, "reschedule refused: the slot is full")
}

// TestActionsAudited: operator actions through the API (and so the CLI)
// leave an entry in the upgrade's audit trail, the refused ones with the
// reason; bad input leaves none.
func TestActionsAudited(t *testing.T) {
	t.Parallel()
	e := apitest.Setup(t, 1, 1, func(s *httpapi.Server) { s.Upgrades = refusingUpgrades{} })
	op := e.Op // Call sends it as the bearer token
	const id = "upg_0123456789abcdef"
	e.Call(t, "POST", "/api/ops/upgrades/"+id+"/run-now", op, nil, http.StatusOK, nil)
	e.Call(t, "POST", "/api/ops/upgrades/"+id+"/pause", op, nil, http.StatusConflict, nil)
	e.Call(t, "POST", "/api/ops/upgrades/"+id+"/reschedule", op, map[string]any{"scheduled_for": "2027-01-12T22:00:00Z"}, http.StatusConflict, nil)
	e.Call(t, "POST", "/api/ops/upgrades/"+id+"/reschedule", op, map[string]any{}, http.StatusBadRequest, nil)
	entries, err := e.Platform.AuditEntries(context.Background(), id, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range entries {
		got = append(got, a.Actor+" | "+a.Action+" | "+a.Detail+" | "+a.Result)
	}
	want := []string{
		"operator (API) | reschedule | to 2027-01-12T22:00:00Z | refused: reschedule refused: the slot is full",
		"operator (API) | pause |  | refused: pause refused: the upgrade is starting",
		"operator (API) | run-now |  | accepted",
	}
	if len(got) != len(want) {
		t.Fatalf("audit trail %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("audit trail %q, want %q", got, want)
		}
	}
}
