package console

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/chatlift/chatlift"
)

// fleetAudit is the audit trail's upgrade id for actions on the whole
// fleet rather than one upgrade, such as the import limits.
const fleetAudit = "fleet"

type throttleData struct {
	Current chatlift.ImportSettings
	New     chatlift.ImportSettings // on the confirmation page
	Running int                     // imports holding a slot now
	Audit   []*chatlift.AuditEntry  // the fleet's newest actions
}

// parseThrottle reads new import limits from v.
func parseThrottle(v url.Values) (chatlift.ImportSettings, error) {
	var s chatlift.ImportSettings
	rate, err1 := strconv.ParseInt(trimmed(v, "rows_per_second"), 10, 64)
	n, err2 := strconv.Atoi(trimmed(v, "max_concurrent"))
	if err1 != nil || err2 != nil {
		return s, chatlift.Errorf(chatlift.EINVALID, "the rate and the concurrency must be whole numbers")
	}
	s = chatlift.ImportSettings{RowsPerSecond: rate, MaxConcurrent: n}
	return s, s.Validate()
}

// throttle shows the fleet's import limits or, to confirm, what the new
// ones asked for would change.
func (c *Console) throttle(confirm bool) func(http.ResponseWriter, *http.Request, *session) {
	return func(w http.ResponseWriter, r *http.Request, s *session) { c.showThrottle(w, r, s, confirm) }
}

func (c *Console) showThrottle(w http.ResponseWriter, r *http.Request, s *session, confirm bool) {
	ctx := r.Context()
	var d throttleData
	var err error
	if d.Current, err = c.Store.ImportSettings(ctx); err == nil {
		d.Running, err = c.Store.ActiveImportLeases(ctx, c.now())
	}
	name := "throttle"
	if err == nil && confirm {
		name = "throttleconfirm"
		d.New, err = parseThrottle(r.URL.Query())
	} else if err == nil {
		d.Audit, err = c.Store.AuditEntries(ctx, fleetAudit, 20)
	}
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	c.render(w, r, http.StatusOK, name, s, d)
}

// setThrottle stores confirmed import limits and records them in the audit
// trail; running imports follow within their poll interval.
func (c *Console) setThrottle(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	q, err := parseThrottle(r.PostForm)
	var old chatlift.ImportSettings
	if err == nil {
		old, err = c.Store.ImportSettings(ctx)
	}
	if err == nil {
		err = c.Store.PutImportSettings(ctx, q)
	}
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	entry := &chatlift.AuditEntry{UpgradeID: fleetAudit, At: c.now(), Actor: actor(s), Action: "throttle-imports",
		Detail: fmt.Sprintf("from %s to %s", limits(old), limits(q)), Result: "accepted"}
	if err := c.Store.AddAuditEntry(ctx, entry); err != nil {
		c.fail(w, r, s, err)
		return
	}
	c.sessions.SetFlash(r.Context(), s, "Import limits set: "+limits(q))
	http.Redirect(w, r, "/console/imports", http.StatusSeeOther)
}

// limits says import settings in words.
func limits(s chatlift.ImportSettings) string {
	rate := "unlimited rows/s"
	if s.RowsPerSecond > 0 {
		rate = strconv.FormatInt(s.RowsPerSecond, 10) + " rows/s"
	}
	return fmt.Sprintf("%s, %d at once", rate, s.MaxConcurrent)
}
