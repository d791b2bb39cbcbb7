package console

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"

	"github.com/chatlift/chatlift"
)

// listPage is how many rows one page of the list shows.
const listPage = 50

type listData struct {
	Filter    filter
	States    []string
	Rows      []listRow
	After     string // the page starts after this id
	Next      string // the next page's URL, "" on the last
	Query     string // the filter as a query string, for links
	Scanned   bool   // the page stopped at the scan bound with fewer rows
	BatchURLs []batchLink
}

type listRow struct {
	U      *chatlift.Upgrade
	Reason string
}

type batchLink struct{ Action, Label, URL string }

// list shows one page of the filtered upgrades, in id order, after after_id.
func (c *Console) list(w http.ResponseWriter, r *http.Request, s *session) {
	q := r.URL.Query()
	f, err := parseFilter(q)
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	d := listData{Filter: f, States: chatlift.UpgradeStates, After: trimmed(q, "after_id"), Query: f.Query().Encode()}
	next, err := c.scan(r.Context(), f, d.After, maxScan, func(u *chatlift.Upgrade) bool {
		d.Rows = append(d.Rows, listRow{u, attentionReason(u)})
		return len(d.Rows) < listPage
	})
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	if next != "" {
		v := f.Query()
		v.Set("after_id", next)
		d.Next, d.Scanned = "/console/upgrades?"+v.Encode(), len(d.Rows) < listPage
	}
	for _, a := range batchActions {
		v := f.Query()
		v.Set("action", a)
		d.BatchURLs = append(d.BatchURLs, batchLink{a, actionLabel[a], "/console/batch?" + v.Encode()})
	}
	c.render(w, r, http.StatusOK, "list", s, d)
}

// exportCSV writes every upgrade the filter selects as CSV, streamed.
func (c *Console) exportCSV(w http.ResponseWriter, r *http.Request, s *session) {
	f, err := parseFilter(r.URL.Query())
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="upgrades.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "account_id", "state", "attempt", "scheduled_for", "paused", "chat_downtime_ms",
		"import_done", "import_total", "needs_attention", "error", "updated_at"})
	_, err = c.scan(r.Context(), f, "", 0, func(u *chatlift.Upgrade) bool {
		cw.Write(csvRow(u))
		return cw.Error() == nil
	})
	cw.Flush()
	if err := cmpErr(err, cw.Error()); err != nil {
		// The header is sent: the export stops short, which the log records.
		c.Logger.ErrorContext(r.Context(), "export upgrades as CSV", "error", err)
	}
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

func csvRow(u *chatlift.Upgrade) []string {
	scheduled := ""
	if u.ScheduledFor != nil {
		scheduled = u.ScheduledFor.UTC().Format("2006-01-02T15:04:05Z")
	}
	return []string{u.ID, strconv.FormatInt(u.AccountID, 10), u.State, strconv.Itoa(u.Attempt), scheduled,
		strconv.FormatBool(u.Paused), strconv.FormatInt(u.ChatDowntimeMS, 10), strconv.FormatInt(u.Import.Done, 10),
		strconv.FormatInt(u.Import.Total, 10), cell(attentionReason(u)), cell(u.Error), u.UpdatedAt.UTC().Format("2006-01-02T15:04:05Z")}
}

// cell keeps a spreadsheet from reading text as a formula.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
