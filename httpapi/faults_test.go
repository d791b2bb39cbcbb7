package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi"
	"github.com/chatlift/chatlift/upgrade"
)

// setupFaults is a server with fault injection on (serve --fault-injection).
func setupFaults(t *testing.T) *env {
	t.Helper()
	return setup(t, 1, 0, func(s *httpapi.Server) {
		s.Faults = &upgrade.Faults{Store: s.Platform.(upgrade.FaultStore)}
	})
}

// TestFaultsAPI: operators arm, list and disarm faults; the faults are
// kept in the platform store.
func TestFaultsAPI(t *testing.T) {
	t.Parallel()
	type listed struct{ Faults []chatlift.Fault }
	t.Run("ArmListDisarm", func(t *testing.T) {
		t.Parallel()
		e := setupFaults(t)
		for _, step := range []string{upgrade.StepMergeUsers, upgrade.StepImport} {
			e.Call(t, "POST", "/api/ops/faults", e.Op, map[string]any{"account_id": 1, "step": step, "mode": "timeout"}, http.StatusCreated, nil)
		}
		var l listed
		e.Call(t, "GET", "/api/ops/faults", e.Op, nil, http.StatusOK, &l)
		if len(l.Faults) != 2 || l.Faults[0].Step != upgrade.StepImport || l.Faults[1].Mode != "timeout" || l.Faults[1].TakenAt != nil {
			t.Fatalf("listed %+v", l.Faults)
		}
		e.Call(t, "DELETE", "/api/ops/faults/1/"+upgrade.StepImport, e.Op, nil, http.StatusNoContent, nil)
		e.Call(t, "GET", "/api/ops/faults", e.Op, nil, http.StatusOK, &l)
		if len(l.Faults) != 1 || l.Faults[0].Step != upgrade.StepMergeUsers {
			t.Fatalf("after the disarm: %+v", l.Faults)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		t.Parallel()
		e := setupFaults(t)
		for _, body := range []map[string]any{{"account_id": 1, "step": "nope", "mode": "crash"},
			{"account_id": 1, "step": upgrade.StepSwitch, "mode": "sometimes"}, {"account_id": 0, "step": upgrade.StepSwitch, "mode": "crash"}} {
			e.Call(t, "POST", "/api/ops/faults", e.Op, body, http.StatusBadRequest, nil)
		}
		e.Call(t, "DELETE", "/api/ops/faults/one/"+upgrade.StepSwitch, e.Op, nil, http.StatusBadRequest, nil)
		e.Call(t, "DELETE", "/api/ops/faults/1/nope", e.Op, nil, http.StatusBadRequest, nil)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		t.Parallel()
		e := setupFaults(t)
		e.Call(t, "DELETE", "/api/ops/faults/1/"+upgrade.StepSwitch, e.Op, nil, http.StatusNotFound, nil)
	})
	t.Run("ErrOff", func(t *testing.T) {
		t.Parallel()
		e := setup(t, 1, 0)
		e.Call(t, "GET", "/api/ops/faults", e.Op, nil, http.StatusNotFound, nil)
		e.Call(t, "DELETE", "/api/ops/faults/1/"+upgrade.StepSwitch, e.Op, nil, http.StatusNotFound, nil)
	})
}
