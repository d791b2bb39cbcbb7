package console_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

// TestRevertActions: a completed upgrade in its revert window offers revert
// and finish, each with a confirmation saying what it does; once the legacy
// copy is retired it offers nothing.
func TestRevertActions(t *testing.T) {
	t.Parallel()
	e, c := signedIn(t)
	until := now.Add(10 * 24 * time.Hour)
	open := upgradeIn("upg_window", 1, chatlift.UpgradeCompleted)
	open.Revert.Until = &until
	retired := upgradeIn("upg_retired", 2, chatlift.UpgradeCompleted)
	retired.Revert.Until, retired.Revert.RetiredAt = &until, &until
	e.store.put(open, retired)
	t.Run("Offered", func(t *testing.T) {
		a := c.Get("/console/upgrades/upg_window")
		a.Want(t, http.StatusOK, `href="/console/upgrades/upg_window/revert"`, `href="/console/upgrades/upg_window/finish"`)
		if strings.Contains(a.Body, `href="/console/upgrades/upg_window/run-now"`) {
			t.Fatal("a completed upgrade offers run-now")
		}
	})
	t.Run("Confirm", func(t *testing.T) {
		c.Get("/console/upgrades/upg_window/revert").Want(t, http.StatusOK, "Revert upgrade upg_window?", "agents re-authorize", `id="confirm"`)
		c.Get("/console/upgrades/upg_window/finish").Want(t, http.StatusOK, "Finish upgrade upg_window?", "can no longer be reverted", `id="confirm"`)
		if calls := e.ups.called(); calls != "" {
			t.Fatalf("a confirmation page acted: %q", calls)
		}
	})
	t.Run("Accepted", func(t *testing.T) {
		c.Post("/console/upgrades/upg_window/revert", "/console/upgrades/upg_window/revert", nil).Want(t, http.StatusSeeOther)
		c.Get("/console/upgrades/upg_window").Want(t, http.StatusOK, `role="status">Revert: accepted`)
		if got := e.store.auditOf("upg_window"); len(got) != 1 || got[0] != "operator (Aiko) revert accepted" {
			t.Fatalf("audit = %q", got)
		}
	})
	t.Run("RetiredOffersNothing", func(t *testing.T) {
		a := c.Get("/console/upgrades/upg_retired")
		a.Want(t, http.StatusOK, "upg_retired")
		for _, action := range []string{"revert", "finish", "run-now", "cancel"} {
			if strings.Contains(a.Body, `href="/console/upgrades/upg_retired/`+action+`"`) {
				t.Fatalf("a retired upgrade offers %s", action)
			}
		}
	})
}
