package httpapi

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/chatlift/chatlift"
)

// TicketPage is the body of GET /tickets: cursor pages in id order, as the
// hosted API's cursor pagination answers.
type TicketPage struct {
	Tickets []*chatlift.Ticket `json:"tickets"`
	Meta    struct {
		HasMore     bool    `json:"has_more"`
		AfterCursor *string `json:"after_cursor"`
	} `json:"meta"`
	Links struct {
		Next *string `json:"next"`
	} `json:"links"`
}

// TicketEnvelope is the body of a single ticket.
type TicketEnvelope struct {
	Ticket *chatlift.Ticket `json:"ticket"`
}

// listTickets serves GET /tickets?page[size]=&page[after]=.
func listTickets(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	q := r.URL.Query()
	size, err := positiveParam(q.Get("page[size]"), "page[size]", maxPerPage, maxPerPage)
	if err != nil {
		return err
	}
	after := q.Get("page[after]")
	if after != "" {
		if _, ok := parseDecimal(after); !ok {
			return chatlift.Errorf(chatlift.EINVALID, "page[after] must be a cursor from meta.after_cursor")
		}
	}
	list, err := c.store.Tickets(r.Context(), chatlift.KeyFilter{AccountID: c.account.ID, AfterID: after, Limit: size + 1})
	if err != nil {
		return err
	}
	var out TicketPage
	out.Tickets = nonNil(list[:min(len(list), size)])
	if len(out.Tickets) > 0 {
		cursor := strconv.FormatInt(out.Tickets[len(out.Tickets)-1].ID, 10)
		out.Meta.AfterCursor = &cursor
	}
	if out.Meta.HasMore = len(list) > size; out.Meta.HasMore {
		next := pageURL(r, url.Values{"page[size]": {strconv.Itoa(size)}, "page[after]": {*out.Meta.AfterCursor}})
		out.Links.Next = &next
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func getTicket(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, err := c.store.Ticket(r.Context(), c.account.ID, id)
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		return chatlift.Errorf(chatlift.ENOTFOUND, "ticket %d not found", id)
	} else if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, TicketEnvelope{Ticket: t})
	return nil
}

// TicketRequest is the body of POST /tickets: {"ticket": {...}}; the first
// comment's body is the ticket's description.
type TicketRequest struct {
	Ticket *struct {
		Subject string `json:"subject"`
		Comment struct {
			Body string `json:"body"`
		} `json:"comment"`
		Status     string   `json:"status"`
		Priority   string   `json:"priority"`
		Tags       []string `json:"tags"`
		AssigneeID *int64   `json:"assignee_id"`
		Requester  *struct {
			Email string `json:"email"`
			Name  string `json:"name"`
		} `json:"requester"`
	} `json:"ticket"`
}

// createTicket serves POST /tickets. The requester defaults to the caller;
// the assignee must be an active agent or admin of the account.
func createTicket(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	var q TicketRequest
	if err := decode(r, &q); err != nil {
		return err
	} else if q.Ticket == nil {
		return chatlift.Errorf(chatlift.EINVALID, `body must be {"ticket": {...}}`)
	}
	f := q.Ticket
	t := &chatlift.Ticket{AccountID: c.account.ID, Subject: f.Subject, Description: f.Comment.Body, Status: f.Status, Priority: f.Priority,
		RequesterEmail: c.user.Email, AssigneeID: f.AssigneeID, Via: "api", Tags: tags(f.Tags), CreatedAt: c.now, UpdatedAt: c.now}
	if f.Requester != nil {
		if !chatlift.ValidEmail(f.Requester.Email) {
			return chatlift.Errorf(chatlift.EINVALID, "requester email %q is not an email address", f.Requester.Email)
		}
		t.RequesterEmail = f.Requester.Email
	}
	if err := ticketDefaults(r, c, t); err != nil {
		return err
	} else if err := t.Validate(); err != nil {
		return err
	}
	id, err := c.store.NextIDs(r.Context(), "tickets/"+strconv.FormatInt(c.account.ID, 10), 1)
	if err != nil {
		return err
	}
	t.ID = id
	if err := c.store.PutTickets(r.Context(), []*chatlift.Ticket{t}); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, TicketEnvelope{Ticket: t})
	return nil
}

// ticketDefaults checks the assignee and fills the status: new, or open
// when assigned. A ticket cannot be created closed.
func ticketDefaults(r *http.Request, c *supportCaller, t *chatlift.Ticket) error {
	if t.AssigneeID != nil {
		u, err := c.store.User(r.Context(), c.account.ID, *t.AssigneeID)
		if chatlift.ErrorCode(err) == chatlift.ENOTFOUND || err == nil && (!u.Active || u.Role == chatlift.UserRoleEndUser) {
			return chatlift.Errorf(chatlift.EINVALID, "assignee %d is not an active agent of this account", *t.AssigneeID)
		} else if err != nil {
			return err
		}
	}
	switch {
	case t.Status == "" && t.AssigneeID != nil:
		t.Status = "open"
	case t.Status == "":
		t.Status = "new"
	case t.Status == "closed":
		return chatlift.Errorf(chatlift.EINVALID, "a ticket cannot be created closed")
	}
	if t.Priority == "" {
		t.Priority = "normal"
	}
	return nil
}

// tags trims, drops empty and repeated tags and joins words with
// underscores, as the hosted API stores them.
func tags(in []string) []string {
	out := []string{}
	for _, t := range in {
		if t = strings.Join(strings.Fields(strings.ToLower(t)), "_"); t != "" {
			out = append(out, t)
		}
	}
	return distinct(out)
}

// InstallationList is the body of GET /apps/installations.
type InstallationList struct {
	Installations []*chatlift.AppInstallation `json:"installations"`
}

func listApps(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	list, err := c.store.Apps(r.Context(), c.account.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, InstallationList{Installations: nonNil(list)})
	return nil
}

// InstallRequest is the body of POST /apps/installations.
type InstallRequest struct {
	AppID    int64 `json:"app_id"`
	Settings struct {
		Name string `json:"name"`
	} `json:"settings"`
	Kind     string   `json:"kind"`     // public (default) or private
	Products []string `json:"products"` // support (default), chat or both
	Enabled  *bool    `json:"enabled"`
}

// installApp serves POST /apps/installations (admins only); an app is
// installed at most once per account. It answers the installation itself.
func installApp(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	if err := c.requireAdmin("install apps"); err != nil {
		return err
	}
	var q InstallRequest
	if err := decode(r, &q); err != nil {
		return err
	} else if q.AppID <= 0 {
		return chatlift.Errorf(chatlift.EINVALID, "app_id must be a positive integer")
	} else if strings.TrimSpace(q.Settings.Name) == "" {
		return chatlift.Errorf(chatlift.EINVALID, "settings.name required")
	}
	a := &chatlift.AppInstallation{AccountID: c.account.ID, AppID: q.AppID, Name: strings.TrimSpace(q.Settings.Name), Kind: q.Kind,
		Products: q.Products, Enabled: q.Enabled == nil || *q.Enabled, CreatedAt: c.now}
	if a.Kind == "" {
		a.Kind = chatlift.AppPublic
	}
	if len(a.Products) == 0 {
		a.Products = []string{"support"}
	}
	a.Products = distinct(a.Products)
	if err := a.Validate(); err != nil {
		return err
	}
	err := c.store.InTx(r.Context(), func(tx chatlift.PlatformStore) error {
		installed, err := tx.Apps(r.Context(), c.account.ID)
		if err != nil {
			return err
		}
		for _, other := range installed {
			if other.AppID == a.AppID {
				return chatlift.Errorf(chatlift.ECONFLICT, "app %d is already installed (installation %d)", a.AppID, other.ID)
			}
		}
		if a.ID, err = tx.NextIDs(r.Context(), "apps/"+strconv.FormatInt(c.account.ID, 10), 1); err != nil {
			return err
		}
		return tx.PutApps(r.Context(), []*chatlift.AppInstallation{a})
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, a)
	return nil
}

// distinct drops repeated strings, keeping the first of each.
func distinct(in []string) []string {
	out := []string{}
	for _, s := range in {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
