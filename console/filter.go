package console

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chatlift/chatlift"
)

// filter selects upgrades in the list, the CSV export and batches; it
// lives in the URL so a view can be shared.
type filter struct {
	State     string
	Attempt   int
	Account   int64
	Error     string // words the upgrade's error contains, without regard to case
	Attention bool   // only upgrades needing attention (see attentionReason)
	// Dates as YYYY-MM-DD (UTC days), both ends included; "" leaves that end open.
	ScheduledFrom, ScheduledTo string
	FinishedFrom, FinishedTo   string
}

// dateFields are the filter's date fields by their query key.
func (f *filter) dateFields() []struct {
	Key   string
	Value *string
} {
	return []struct {
		Key   string
		Value *string
	}{{"scheduled_from", &f.ScheduledFrom}, {"scheduled_to", &f.ScheduledTo}, {"finished_from", &f.FinishedFrom}, {"finished_to", &f.FinishedTo}}
}

const dateLayout = "2006-01-02"

// parseDates reads the date fields; a date not in YYYY-MM-DD is EINVALID.
func (f *filter) parseDates(v url.Values) error {
	for _, d := range f.dateFields() {
		s := trimmed(v, d.Key)
		if s == "" {
			continue
		}
		if _, err := time.Parse(dateLayout, s); err != nil {
			return chatlift.Errorf(chatlift.EINVALID, "%s must be a date like 2026-11-30", d.Key)
		}
		*d.Value = s
	}
	return nil
}

// inDays reports whether t falls within the days from and to (UTC, both
// included, "" open); a missing t is outside any bounded range.
func inDays(t *time.Time, from, to string) bool {
	if from == "" && to == "" {
		return true
	}
	if t == nil {
		return false
	}
	day := t.UTC().Format(dateLayout)
	return (from == "" || day >= from) && (to == "" || day <= to)
}

const maxErrorText = 200

// parseFilter reads a filter from query values; a bad value is EINVALID.
func parseFilter(v url.Values) (filter, error) {
	f := filter{State: trimmed(v, "state"), Error: trimmed(v, "error"), Attention: v.Get("attention") == "on" || v.Get("attention") == "true"}
	if f.State != "" && !slices.Contains(chatlift.UpgradeStates, f.State) {
		return f, chatlift.Errorf(chatlift.EINVALID, "unknown state %q", f.State)
	}
	if s := trimmed(v, "attempt"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return f, chatlift.Errorf(chatlift.EINVALID, "attempt must be a whole number from 1")
		}
		f.Attempt = n
	}
	if s := trimmed(v, "account"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 {
			return f, chatlift.Errorf(chatlift.EINVALID, "account must be an account id (a whole number from 1)")
		}
		f.Account = n
	}
	if err := f.parseDates(v); err != nil {
		return f, err
	}
	if len([]rune(f.Error)) > maxErrorText {
		return f, chatlift.Errorf(chatlift.EINVALID, "error text must be at most %d characters", maxErrorText)
	}
	return f, nil
}

// Query is the filter as URL query values, empty fields left out.
func (f filter) Query() url.Values {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("state", f.State)
	if f.Attempt > 0 {
		set("attempt", strconv.Itoa(f.Attempt))
	}
	if f.Account > 0 {
		set("account", strconv.FormatInt(f.Account, 10))
	}
	set("error", f.Error)
	if f.Attention {
		set("attention", "on")
	}
	for _, d := range f.dateFields() {
		set(d.Key, *d.Value)
	}
	return v
}

// Empty reports whether the filter selects every upgrade.
func (f filter) Empty() bool { return f == filter{} }

func (f filter) match(u *chatlift.Upgrade) bool {
	switch {
	case f.Attempt > 0 && u.Attempt != f.Attempt:
		return false
	case f.Error != "" && !strings.Contains(strings.ToLower(u.Error), strings.ToLower(f.Error)):
		return false
	case f.Attention && attentionReason(u) == "":
		return false
	case !inDays(u.ScheduledFor, f.ScheduledFrom, f.ScheduledTo) || !inDays(u.FinishedAt, f.FinishedFrom, f.FinishedTo):
		return false
	}
	return true
}

// attentionReason says why an upgrade needs an operator, "" if it does not:
// its cutover or rollback has run too long, it was rolled back, or it waits
// for a new date after a blocked or failed try.
func attentionReason(u *chatlift.Upgrade) string {
	switch {
	case u.Attention != nil:
		return "running too long: " + u.Attention.Reason
	case u.State == chatlift.UpgradeRolledBack:
		return "rolled back: " + u.Error
	case (u.State == chatlift.UpgradeScheduled || u.State == chatlift.UpgradeRequested) && u.Error != "":
		return "blocked or failed, waiting for a new date: " + u.Error
	}
	return ""
}

// scanPage is how many rows one store read takes; maxScan bounds the rows
// one page of the list reads to find its matches.
const (
	scanPage = 1000
	maxScan  = 20000
)

// scan reads upgrades after after in id order and yields those matching f
// until yield returns false, the rows run out or maxScan rows were read (0
// = no bound). It returns the id to continue after, "" once every row was read.
func (c *Console) scan(ctx context.Context, f filter, after string, bound int, yield func(*chatlift.Upgrade) bool) (string, error) {
	sf := chatlift.UpgradeFilter{AccountID: f.Account, State: f.State, AfterID: after, Limit: scanPage}
	read := 0
	for {
		list, err := c.Store.Upgrades(ctx, sf)
		if err != nil {
			return "", err
		}
		for _, u := range list {
			read++
			sf.AfterID = u.ID
			if f.match(u) && !yield(u) {
				return u.ID, nil
			}
		}
		if len(list) < scanPage {
			return "", nil
		}
		if bound > 0 && read >= bound {
			return sf.AfterID, nil
		}
	}
}
