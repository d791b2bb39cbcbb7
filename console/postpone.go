package console

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chatlift/chatlift"
)

// pendingListed bounds the postpone requests the fleet page lists.
const pendingListed = 50

type postponeData struct {
	U    *chatlift.Upgrade
	P    *chatlift.PostponeRequest
	Slot *time.Time // the slot accepting would move the upgrade to, nil if none is free
	Zone string
}

// postponeRequest finds the upgrade and its postpone request named in the path.
func (c *Console) postponeRequest(ctx context.Context, r *http.Request) (*chatlift.Upgrade, *chatlift.PostponeRequest, error) {
	u, err := c.Store.Upgrade(ctx, r.PathValue("id"))
	if err != nil {
		return nil, nil, err
	}
	id, _ := strconv.ParseInt(r.PathValue("req"), 10, 64)
	list, err := c.Store.PostponeRequests(ctx, u.ID)
	if err != nil {
		return nil, nil, err
	}
	for _, p := range list {
		if p.ID == id {
			return u, p, nil
		}
	}
	return nil, nil, chatlift.Errorf(chatlift.ENOTFOUND, "upgrade %s has no postpone request %s", u.ID, r.PathValue("req"))
}

// slotFrom is the first slot at or after from that the schedule rules
// allow the account and that has room, nil if none within the horizon.
func (c *Console) slotFrom(ctx context.Context, u *chatlift.Upgrade, from time.Time) (*time.Time, string, error) {
	loc, err := c.accountZone(ctx, u)
	if err != nil {
		return nil, "", err
	}
	rules := c.Rules
	rules.Notice, rules.Slot = 0, c.slot()
	for slot := range rules.Slots(c.now(), from.Truncate(rules.Slot), loc) {
		booked, err := c.Store.SlotBookings(ctx, slot)
		if err != nil {
			return nil, "", err
		}
		if booked < rules.Capacity {
			at := slot.In(loc)
			return &at, loc.String(), nil
		}
	}
	return nil, loc.String(), nil
}

// answerPage shows a postpone request and what accepting it would do.
func (c *Console) answerPage(w http.ResponseWriter, r *http.Request, s *session) {
	u, p, err := c.postponeRequest(r.Context(), r)
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	d := postponeData{U: u, P: p}
	if p.Status == chatlift.PostponePending {
		if d.Slot, d.Zone, err = c.slotFrom(r.Context(), u, p.Until); err != nil {
			c.fail(w, r, s, err)
			return
		}
	}
	c.render(w, r, http.StatusOK, "postpone", s, d)
}

// answer accepts a postpone request, rescheduling through the workflow,
// or declines it with a note; the answer is stored on the request and in
// the audit trail. A refused reschedule leaves the request pending.
func (c *Console) answer(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	u, p, err := c.postponeRequest(ctx, r)
	if err == nil && p.Status != chatlift.PostponePending {
		err = chatlift.Errorf(chatlift.ECONFLICT, "postpone request %d is already %s", p.ID, p.Status)
	}
	note, decision := strings.TrimSpace(r.PostForm.Get("note")), r.PostForm.Get("decision")
	switch {
	case err != nil:
	case decision != "accept" && decision != "decline":
		err = chatlift.Errorf(chatlift.EINVALID, "accept or decline the request")
	case decision == "decline" && note == "":
		err = chatlift.Errorf(chatlift.EINVALID, "say why the request is declined: the account admin reads the note")
	case utf8.RuneCountInString(note) > chatlift.MaxPostponeReason:
		err = chatlift.Errorf(chatlift.EINVALID, "the note must be at most %d characters", chatlift.MaxPostponeReason)
	}
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	flash, err := c.decide(ctx, s, u, p, decision == "accept", note)
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	c.sessions.SetFlash(r.Context(), s, flash)
	http.Redirect(w, r, "/console/upgrades/"+u.ID, http.StatusSeeOther)
}

// decide carries out the answer and says how it went.
func (c *Console) decide(ctx context.Context, s *session, u *chatlift.Upgrade, p *chatlift.PostponeRequest, accept bool, note string) (string, error) {
	at := c.now()
	p.Answer, p.AnsweredBy, p.AnsweredAt = note, actor(s), &at
	if !accept {
		p.Status = chatlift.PostponeDeclined
		entry := &chatlift.AuditEntry{UpgradeID: u.ID, At: at, Actor: actor(s), Action: "decline-postpone",
			Detail: fmt.Sprintf("request %d: %s", p.ID, note), Result: "declined"}
		if err := c.Store.AnswerPostponeRequest(ctx, p); err != nil {
			return "", err
		}
		return "Postpone request declined", c.Store.AddAuditEntry(ctx, entry)
	}
	slot, _, err := c.slotFrom(ctx, u, p.Until)
	if err != nil {
		return "", err
	}
	if slot == nil {
		return "", chatlift.Errorf(chatlift.ECONFLICT, "no free slot from %s within the scheduling horizon", when(p.Until))
	}
	entry, err := c.act(ctx, actor(s), u.ID, "reschedule", slot.UTC(), fmt.Sprintf("postpone request %d: to %s", p.ID, when(slot)), "")
	if err != nil {
		return "", err
	}
	if entry.Result != "accepted" {
		return "Postpone request still pending: " + entry.Result, nil
	}
	utc := slot.UTC()
	p.Status, p.NewDate = chatlift.PostponeAccepted, &utc
	if err := c.Store.AnswerPostponeRequest(ctx, p); err != nil {
		return "", err
	}
	return "Postpone request accepted: rescheduled to " + when(slot), nil
}
