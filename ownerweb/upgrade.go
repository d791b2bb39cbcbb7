package ownerweb

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/chatlift/chatlift"
)

// freeSlots is how many free slots the page offers.
const freeSlots = 12

// upgradeData is the upgrade page: the account's upgrade (nil before one is
// requested), its date and the free slots in the account's time zone, and
// the notice that told the date.
type upgradeData struct {
	Account *chatlift.SupportAccount
	Zone    string
	U       *chatlift.Upgrade
	Date    string
	Notice  *chatlift.Notification
	// RolledBack is the notice that an attempt of the upgrade was rolled
	// back, nil if none was.
	RolledBack *chatlift.Notification
	Slots      []time.Time
	// Postpone are the upgrade's postpone requests, oldest first, and
	// Weeks the numbers of weeks the form offers.
	Postpone []*chatlift.PostponeRequest
	Weeks    []int
	// Switched tells which checklist Tasks is: the post-upgrade one once
	// chat has switched, else the pre-upgrade one.
	Switched bool
	Tasks    []taskRow
	CSRF     string // the session's, for the tasks' forms
	Merge    []mergeRow
	Users    []*chatlift.User // whom a chat agent may be chosen to become
}

// switched reports whether u's chat has moved to the unified account.
func switched(u *chatlift.Upgrade) bool {
	return u != nil && slices.Contains([]string{chatlift.UpgradeUpgraded, chatlift.UpgradeImporting, chatlift.UpgradeCompleted}, u.State)
}

// tasks are the checklist the account is at, computed now.
func (p *Pages) tasks(ctx context.Context, accountID int64, u *chatlift.Upgrade) ([]taskRow, error) {
	var list []chatlift.Task
	var err error
	if switched(u) {
		list, err = p.Tasks.Post(ctx, u)
	} else {
		list, err = p.Tasks.Pre(ctx, accountID)
	}
	return rows(list), err
}

// current is the account's upgrade: the unfinished one, else the newest.
func current(list []*chatlift.Upgrade) *chatlift.Upgrade {
	var newest *chatlift.Upgrade
	for _, u := range list {
		if !chatlift.Terminal(u.State) {
			return u
		}
		if newest == nil || u.CreatedAt.After(newest.CreatedAt) {
			newest = u
		}
	}
	return newest
}

// zone is the time zone of the account's chat, UTC when unknown.
func (p *Pages) zone(ctx context.Context, accountID int64) (*time.Location, error) {
	acct, err := p.Accounts.ChatAccount(ctx, accountID)
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(acct.TimeZone)
	if err != nil {
		return time.UTC, nil
	}
	return loc, nil
}

// reschedulable reports whether the owner may pick another date for u.
func reschedulable(u *chatlift.Upgrade) bool {
	return u != nil && (u.State == chatlift.UpgradeScheduled || u.State == chatlift.UpgradeRequested && u.ScheduledFor != nil)
}

// loadProgress is what the live progress shows: the account's current
// upgrade, its date in the account's time zone. It is read every few
// seconds while the page is open, so it reads nothing else.
func (p *Pages) loadProgress(ctx context.Context, s *session) (*upgradeData, *time.Location, error) {
	id := s.User.AccountID
	d := &upgradeData{CSRF: s.CSRF}
	loc, err := p.zone(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	d.Zone = loc.String()
	list, err := p.Store.Upgrades(ctx, chatlift.UpgradeFilter{AccountID: id, Limit: chatlift.MaxLimit})
	if err != nil {
		return nil, nil, err
	}
	if d.U = current(list); d.U != nil && d.U.ScheduledFor != nil {
		d.Date = d.U.ScheduledFor.In(loc).Format(dateLayout)
	}
	return d, loc, nil
}

func (p *Pages) loadUpgrade(ctx context.Context, s *session) (*upgradeData, error) {
	id := s.User.AccountID
	d, loc, err := p.loadProgress(ctx, s)
	if err != nil {
		return nil, err
	}
	if d.Account, err = p.Store.SupportAccount(ctx, id); err != nil {
		return nil, err
	}
	d.Switched = switched(d.U)
	if d.Tasks, err = p.tasks(ctx, id, d.U); err != nil {
		return nil, err
	}
	if !d.Switched {
		if d.Merge, d.Users, err = p.mergeRows(ctx, id); err != nil {
			return nil, err
		}
	}
	if d.U == nil {
		return d, nil
	}
	notices, err := p.Store.Notifications(ctx, id)
	if err != nil {
		return nil, err
	}
	d.Notice = notice(notices, d.U, "upgrade_scheduled")
	d.RolledBack = notice(notices, d.U, "upgrade_rolled_back")
	if d.Postpone, err = p.Store.PostponeRequests(ctx, d.U.ID); err != nil {
		return nil, err
	}
	if reschedulable(d.U) {
		d.Weeks = postponeWeeks
	}
	if reschedulable(d.U) {
		d.Slots, err = chatlift.FreeSlots(ctx, p.Store.SlotBookings, p.Rules, p.now(), loc, freeSlots)
	}
	return d, err
}

// notice is the last notice of a kind about u in list, nil if none.
func notice(list []*chatlift.Notification, u *chatlift.Upgrade, kind string) *chatlift.Notification {
	var found *chatlift.Notification
	for _, n := range list {
		if n.Kind == kind && strings.HasPrefix(n.Key, u.ID+"/") {
			found = n
		}
	}
	return found
}

func (p *Pages) upgradePage(w http.ResponseWriter, r *http.Request, s *session) {
	d, err := p.loadUpgrade(r.Context(), s)
	if err != nil {
		p.fail(w, r, s, err)
		return
	}
	p.render(w, r, http.StatusOK, "upgrade", s, d)
}

// progress is the live part of the upgrade page, which htmx asks for again
// until the upgrade is finished.
func (p *Pages) progress(w http.ResponseWriter, r *http.Request, s *session) {
	d, _, err := p.loadProgress(r.Context(), s)
	if err != nil {
		p.fail(w, r, s, err)
		return
	}
	p.render(w, r, http.StatusOK, "progress", s, d)
}

// request asks for the account's upgrade; one already under way is shown.
func (p *Pages) request(w http.ResponseWriter, r *http.Request, s *session) {
	_, err := p.Upgrades.Request(r.Context(), s.User.AccountID, s.User.Email)
	var exists interface{ ExistingID() string }
	switch {
	case errors.As(err, &exists):
		p.sessions.SetFlash(r.Context(), s, "An upgrade is already under way for this account.")
	case err != nil:
		p.fail(w, r, s, err)
		return
	default:
		p.sessions.SetFlash(r.Context(), s, "Upgrade requested: a date is being booked and you will be told it here and by email.")
	}
	http.Redirect(w, r, "/account/upgrade", http.StatusSeeOther)
}

// reschedule moves the upgrade to one of the free slots offered; the
// workflow accepts or refuses, and the page says which.
func (p *Pages) reschedule(w http.ResponseWriter, r *http.Request, s *session) {
	d, err := p.loadUpgrade(r.Context(), s)
	if err != nil {
		p.fail(w, r, s, err)
		return
	}
	at, err := time.Parse(time.RFC3339, r.PostForm.Get("slot"))
	if err != nil || !reschedulable(d.U) || !slices.ContainsFunc(d.Slots, at.Equal) {
		p.sessions.SetFlash(r.Context(), s, "Refused: pick one of the free dates offered.")
		http.Redirect(w, r, "/account/upgrade", http.StatusSeeOther)
		return
	}
	if _, err := p.Upgrades.Reschedule(r.Context(), d.U.ID, at); err != nil {
		if chatlift.ErrorCode(err) == chatlift.EINTERNAL {
			p.fail(w, r, s, err)
			return
		}
		p.sessions.SetFlash(r.Context(), s, "Refused: "+chatlift.ErrorMessage(err))
	} else {
		loc, _ := time.LoadLocation(d.Zone)
		p.sessions.SetFlash(r.Context(), s, "Accepted: the upgrade moves to "+at.In(loc).Format(dateLayout)+".")
	}
	http.Redirect(w, r, "/account/upgrade", http.StatusSeeOther)
}
