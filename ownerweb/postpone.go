package ownerweb

import (
	"net/http"
	"strconv"
	"time"

	"github.com/chatlift/chatlift"
)

// postponeWeeks are the numbers of weeks the postpone form offers.
var postponeWeeks = []int{1, 2, 3, 4, 6, 8, 12}

// postponeUntil reads the date asked for from the form: a date (in the
// account's zone, at the upgrade's time of day) or else a number of weeks
// after the upgrade's date.
func postponeUntil(u *chatlift.Upgrade, loc *time.Location, date, weeks string) (time.Time, bool) {
	if u == nil || u.ScheduledFor == nil {
		return time.Time{}, false
	}
	at := u.ScheduledFor.In(loc)
	if date != "" {
		d, err := time.ParseInLocation("2006-01-02", date, loc)
		if err != nil {
			return time.Time{}, false
		}
		return time.Date(d.Year(), d.Month(), d.Day(), at.Hour(), at.Minute(), 0, 0, loc), true
	}
	n, err := strconv.Atoi(weeks)
	if err != nil || n < 1 || n > 52 {
		return time.Time{}, false
	}
	return at.AddDate(0, 0, 7*n), true
}

// postpone records the admin's request to postpone the upgrade; an
// operator answers it, and the upgrade keeps its date until then.
func (p *Pages) postpone(w http.ResponseWriter, r *http.Request, s *session) {
	d, err := p.loadUpgrade(r.Context(), s)
	if err != nil {
		p.fail(w, r, s, err)
		return
	}
	loc, _ := time.LoadLocation(d.Zone)
	until, ok := postponeUntil(d.U, loc, r.PostForm.Get("date"), r.PostForm.Get("weeks"))
	if !ok {
		p.sessions.SetFlash(r.Context(), s, "Refused: give a number of weeks or a date.")
		http.Redirect(w, r, "/account/upgrade#postpone", http.StatusSeeOther)
		return
	}
	req, err := chatlift.AskPostpone(d.U, s.User.Email, until, r.PostForm.Get("reason"), p.Rules, p.now())
	if err == nil {
		err = p.Store.AddPostponeRequest(r.Context(), req)
	}
	p.answer(w, r, s, err, "Asked to postpone to "+until.In(loc).Format(dateLayout)+
		": support will answer; until then the upgrade keeps its date.", "/account/upgrade#postpone")
}
