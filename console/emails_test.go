package console_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

// TestUpgradeEmails shows the emails of an upgrade's notices beside them:
// recipients, subject, sent (when) or pending (with the failed attempts).
func TestUpgradeEmails(t *testing.T) {
	t.Parallel()
	e, c := signedIn(t)
	e.store.put(upgradeIn("upg_mail", 3, chatlift.UpgradeScheduled), upgradeIn("upg_quiet", 4, chatlift.UpgradeScheduled))
	sent := now.Add(-time.Hour)
	e.store.notices = []*chatlift.Notification{
		{AccountID: 3, Key: "upg_mail/1/scheduled", Kind: "upgrade_scheduled", Title: "Your chat upgrade is scheduled"},
		{AccountID: 3, Key: "upg_mail/1/reminder", Kind: "upgrade_reminder", Title: "Your chat upgrade is tomorrow"},
		{AccountID: 3, Key: "upg_other/1/scheduled", Kind: "upgrade_scheduled", Title: "Another upgrade"}}
	e.store.emails = []*chatlift.Email{
		{ID: 1, AccountID: 3, Key: "upg_mail/1/scheduled", To: []string{"boss@acme.test", "ap@acme.test"}, Subject: "Your chat upgrade is scheduled", SentAt: &sent},
		{ID: 2, AccountID: 3, Key: "upg_mail/1/reminder", To: []string{"boss@acme.test"}, Subject: "Your chat upgrade is <tomorrow>", Attempts: 2, LastError: "550 mailbox full"},
		{ID: 3, AccountID: 3, Key: "upg_other/1/scheduled", To: []string{"other@acme.test"}, Subject: "Another upgrade's email"}}
	t.Run("OK", func(t *testing.T) {
		a := c.Get("/console/upgrades/upg_mail")
		a.Want(t, http.StatusOK, `<h2 id="emails-h">Emails</h2>`, "boss@acme.test, ap@acme.test", "Your chat upgrade is scheduled",
			"<td>sent</td><td>2026-11-02 08:30:00 UTC</td>", "Your chat upgrade is &lt;tomorrow&gt;",
			"pending (2 failed attempts: 550 mailbox full)</td><td>—</td>")
		if strings.Contains(a.Body, "Another upgrade") {
			t.Fatal("the page shows another upgrade's email")
		}
	})
	t.Run("None", func(t *testing.T) {
		c.Get("/console/upgrades/upg_quiet").Want(t, http.StatusOK, "No email queued.")
	})
}
