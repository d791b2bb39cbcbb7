package console

import (
	"net/http"
	"strings"

	"github.com/chatlift/chatlift"
)

type upgradeData struct {
	U       *chatlift.Upgrade
	Reason  string // why it needs attention, "" if it does not
	Notices []*chatlift.Notification
	// Emails are the notices' emails, queued or sent.
	Emails  []*chatlift.Email
	Audit   []*chatlift.AuditEntry
	Actions []batchLink // the actions offered, with their confirmation pages
	// Postpone are the account's requests to postpone, oldest first.
	Postpone []*chatlift.PostponeRequest
}

// upgradePage shows one upgrade: steps, downtime, tasks, import, verification,
// notices sent and the audit trail, with the actions that may apply.
func (c *Console) upgradePage(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	u, err := c.Store.Upgrade(ctx, r.PathValue("id"))
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	d := upgradeData{U: u, Reason: attentionReason(u)}
	notices, err := c.Store.Notifications(ctx, u.AccountID)
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	var keys []string
	for _, n := range notices { // an upgrade's notices are keyed "<upgrade id>/<attempt>/<kind>"
		if strings.HasPrefix(n.Key, u.ID+"/") {
			d.Notices = append(d.Notices, n)
			keys = append(keys, n.Key) // its email, if any, shares the key
		}
	}
	if len(keys) > chatlift.MaxEmailKeys { // the newest
		keys = keys[len(keys)-chatlift.MaxEmailKeys:]
	}
	if d.Emails, err = c.Store.EmailsByKey(ctx, keys); err != nil {
		c.fail(w, r, s, err)
		return
	}
	if d.Postpone, err = c.Store.PostponeRequests(ctx, u.ID); err != nil {
		c.fail(w, r, s, err)
		return
	}
	if d.Audit, err = c.Store.AuditEntries(ctx, u.ID, 100); err != nil {
		c.fail(w, r, s, err)
		return
	}
	for _, a := range offered(u, c.now()) {
		d.Actions = append(d.Actions, batchLink{a, actionLabel[a], "/console/upgrades/" + u.ID + "/" + a})
	}
	c.render(w, r, http.StatusOK, "upgrade", s, d)
}

// progress is the live part of the upgrade page: state, steps and import,
// polled by htmx while the upgrade is not finished.
func (c *Console) progress(w http.ResponseWriter, r *http.Request, s *session) {
	u, err := c.Store.Upgrade(r.Context(), r.PathValue("id"))
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	c.render(w, r, http.StatusOK, "progress", s, upgradeData{U: u, Reason: attentionReason(u)})
}
