package ownerweb

import (
	"net/http"
	"slices"
	"strings"

	"github.com/chatlift/chatlift"
)

// inboxData is the account's notifications, newest first, with how many
// are unread.
type inboxData struct {
	Notices []noticeRow
	Unread  int
}

// noticeRow is a notification with the page it links to ("" for none).
type noticeRow struct {
	*chatlift.Notification
	Link string
}

// link is the page a notification speaks of, when it is one of these
// pages; nothing else is linked.
func link(n *chatlift.Notification) string {
	if strings.HasPrefix(n.URL, cookiePath) && !strings.ContainsAny(n.URL, "\\\r\n") {
		return n.URL
	}
	if strings.HasPrefix(n.Kind, "upgrade_") {
		return chatlift.UpgradePage // notices sent before they carried a URL
	}
	return ""
}

// mine are the account's notifications the signed-in admin may see: those
// for everyone on the account and those for the admin's own email.
func (p *Pages) mine(r *http.Request, s *session) ([]*chatlift.Notification, error) {
	list, err := p.Store.Notifications(r.Context(), s.User.AccountID)
	if err != nil {
		return nil, err
	}
	list = slices.DeleteFunc(list, func(n *chatlift.Notification) bool {
		return n.UserEmail != "" && chatlift.NormalizeEmail(n.UserEmail) != chatlift.NormalizeEmail(s.User.Email)
	})
	slices.Reverse(list)
	return list, nil
}

func (p *Pages) inbox(w http.ResponseWriter, r *http.Request, s *session) {
	list, err := p.mine(r, s)
	if err != nil {
		p.fail(w, r, s, err)
		return
	}
	d := inboxData{}
	for _, n := range list {
		d.Notices = append(d.Notices, noticeRow{Notification: n, Link: link(n)})
		if n.ReadAt == nil {
			d.Unread++
		}
	}
	p.render(w, r, http.StatusOK, "inbox", s, d)
}

// markRead marks every notification the admin sees as read.
func (p *Pages) markRead(w http.ResponseWriter, r *http.Request, s *session) {
	list, err := p.mine(r, s)
	if err != nil {
		p.fail(w, r, s, err)
		return
	}
	at := p.now()
	for _, n := range list {
		if n.ReadAt != nil {
			continue
		}
		n.ReadAt = &at
		if err := p.Store.PutNotification(r.Context(), n); err != nil {
			p.fail(w, r, s, err)
			return
		}
	}
	p.sessions.SetFlash(r.Context(), s, "Every notification is marked read.")
	http.Redirect(w, r, "/account/notifications", http.StatusSeeOther)
}
