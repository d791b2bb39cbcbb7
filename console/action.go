package console

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chatlift/chatlift"
)

// The actions the console offers on one upgrade, and on a filtered set.
var (
	actions       = []string{"run-now", "pause", "resume", "cancel", "reschedule", "revert", "finish"}
	windowActions = []string{"revert", "finish"} // in a completed upgrade's revert window
	batchActions  = []string{"run-now", "pause", "cancel", "reschedule"}
	actionLabel   = map[string]string{"run-now": "Run now", "pause": "Pause", "resume": "Resume",
		"cancel": "Cancel", "reschedule": "Reschedule", "revert": "Revert", "finish": "Finish"}
	// actionEffect says what an accepted action will do.
	actionEffect = map[string]string{
		"run-now": "The upgrade stops waiting for its date and starts at once: the pre-upgrade tasks are checked again, " +
			"billing is consolidated, then the account's chat is frozen for the cutover (seconds; support stays up) and " +
			"its history is imported in the background. A pause is lifted. A failure before the switch rolls the account " +
			"back and books a new date.",
		"pause":  "The upgrade is held at its date and will not start until it is resumed. Its slot stays booked.",
		"resume": "The pause is lifted: the upgrade runs at its date, or at once if the date has passed.",
		"cancel": "The upgrade is cancelled and its slot released. Nothing changes on the account, which may be " +
			"requested again later.",
		"reschedule": "The upgrade moves to the slot you choose below, which must still have room when you confirm. " +
			"The customer is told the new date.",
		"revert": "Chat goes back to the legacy product: it is frozen for seconds (support stays up) while everything " +
			"the platform recorded since the switch (chats, visitors, analytics, agents and settings) is copied back and " +
			"verified. Platform tokens stop working; agents re-authorize; OAuth clients are kept. The customer is told. " +
			"A failure before chat moves back undoes the revert. The account may be upgraded again later.",
		"finish": "The revert window ends now: the legacy product's copy of the account is retired (deleted but for " +
			"the account's record) and the upgrade can no longer be reverted.",
	}
)

// offered is the actions the upgrade page offers on u: revert and finish
// in a completed upgrade's revert window, none once it is over, and the
// others until then (the workflow refuses those that do not apply).
func offered(u *chatlift.Upgrade, now time.Time) []string {
	switch {
	case u.Revertible(now):
		return windowActions
	case chatlift.Terminal(u.State):
		return nil
	}
	return slices.DeleteFunc(slices.Clone(actions), func(a string) bool { return slices.Contains(windowActions, a) })
}

type confirmData struct {
	U      *chatlift.Upgrade
	Action string
	Label  string
	Effect string
	Slots  []time.Time // free slots, for reschedule
	Zone   string      // the account's time zone
}

// freeSlots is how many free slots reschedule offers.
const freeSlots = 12

// confirmAction says what the action will do before it is done.
func (c *Console) confirmAction(w http.ResponseWriter, r *http.Request, s *session) {
	action := r.PathValue("action")
	if !slices.Contains(actions, action) {
		c.fail(w, r, s, chatlift.Errorf(chatlift.ENOTFOUND, "no action %q", action))
		return
	}
	u, err := c.Store.Upgrade(r.Context(), r.PathValue("id"))
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	d := confirmData{U: u, Action: action, Label: actionLabel[action], Effect: actionEffect[action]}
	if action == "reschedule" {
		if d.Slots, d.Zone, err = c.freeSlots(r.Context(), u); err != nil {
			c.fail(w, r, s, err)
			return
		}
	}
	c.render(w, r, http.StatusOK, "confirm", s, d)
}

// freeSlots are the next slots the schedule rules allow the account that
// still have room, in the account's time zone.
func (c *Console) freeSlots(ctx context.Context, u *chatlift.Upgrade) ([]time.Time, string, error) {
	loc, err := c.accountZone(ctx, u)
	if err != nil {
		return nil, "", err
	}
	rules := c.Rules
	rules.Notice = 0 // the operator may move an upgrade closer than the customer's notice
	free, err := chatlift.FreeSlots(ctx, c.Store.SlotBookings, rules, c.now(), loc, freeSlots)
	if err != nil {
		return nil, "", err
	}
	return free, loc.String(), nil
}

// accountZone is the time zone of the upgrade's account (UTC if unknown).
func (c *Console) accountZone(ctx context.Context, u *chatlift.Upgrade) (*time.Location, error) {
	acct, err := c.Accounts.ChatAccount(ctx, u.AccountID)
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(acct.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	return loc, nil
}

// doAction carries out a confirmed action through the upgrade service,
// records it in the audit trail and shows the upgrade with the answer.
func (c *Console) doAction(w http.ResponseWriter, r *http.Request, s *session) {
	id, action := r.PathValue("id"), r.PathValue("action")
	if !slices.Contains(actions, action) {
		c.fail(w, r, s, chatlift.Errorf(chatlift.ENOTFOUND, "no action %q", action))
		return
	}
	if _, err := c.Store.Upgrade(r.Context(), id); err != nil {
		c.fail(w, r, s, err)
		return
	}
	detail := ""
	var at time.Time
	if action == "reschedule" {
		var err error
		if at, err = time.Parse(time.RFC3339, r.PostForm.Get("slot")); err != nil {
			c.fail(w, r, s, chatlift.Errorf(chatlift.EINVALID, "choose one of the free slots"))
			return
		}
		detail = "to " + when(at)
	}
	note, err := auditNote(r.PostForm.Get("note"))
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	entry, err := c.act(r.Context(), actor(s), id, action, at, detail, note)
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	c.sessions.SetFlash(r.Context(), s, fmt.Sprintf("%s: %s", actionLabel[action], entry.Result))
	http.Redirect(w, r, "/console/upgrades/"+id, http.StatusSeeOther)
}

// act asks the upgrade service to carry out the action for who and
// records the answer in the audit trail. A refusal is an answer, not an
// error; the error is the store's or the engine's.
func (c *Console) act(ctx context.Context, who, id, action string, at time.Time, detail, note string) (*chatlift.AuditEntry, error) {
	var err error
	if action == "reschedule" {
		_, err = c.Upgrades.Reschedule(ctx, id, at)
	} else {
		_, err = c.Upgrades.Act(ctx, id, action)
	}
	entry := &chatlift.AuditEntry{UpgradeID: id, At: c.now(), Actor: who, Action: action, Detail: detail, Result: "accepted", Note: note}
	switch code := chatlift.ErrorCode(err); {
	case err == nil:
	case code == chatlift.ECONFLICT || code == chatlift.EINVALID || code == chatlift.EUNAVAILABLE || code == chatlift.ENOTFOUND:
		entry.Result = "refused: " + chatlift.ErrorMessage(err)
	default:
		c.Logger.ErrorContext(ctx, "console action failed", "upgrade_id", id, "action", action, "error", err)
		entry.Result = "failed: internal error"
	}
	if err := c.Store.AddAuditEntry(ctx, entry); err != nil {
		return nil, err
	}
	return entry, nil
}

// auditNote is the operator's note for the audit trail, from a form.
func auditNote(v string) (string, error) {
	note := strings.TrimSpace(v)
	if utf8.RuneCountInString(note) > chatlift.MaxAuditNote {
		return "", chatlift.Errorf(chatlift.EINVALID, "a note has at most %d characters", chatlift.MaxAuditNote)
	}
	return note, nil
}
