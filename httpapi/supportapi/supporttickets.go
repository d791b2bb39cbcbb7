package supportapi

import (
	"net/http"
	"strconv"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
	"github.com/chatlift/chatlift/support"
)

// ticketRoutes registers the tickets and their comments.
func (s *API) ticketRoutes(handle func(string, http.HandlerFunc)) {
	const p = "/api/v2/tickets"
	handle("GET "+p, s.support(listTickets))
	handle("POST "+p, s.support(createTicket))
	handle("GET "+p+"/show_many", s.support(showManyTickets))
	handle("GET "+p+"/{id}", s.support(getTicket))
	handle("PUT "+p+"/{id}", s.support(updateTicket))
	handle("DELETE "+p+"/{id}", s.support(deleteTicket))
	handle("GET "+p+"/{id}/comments", s.support(listTicketComments))
}

// TicketPage is the body of GET /tickets: tickets in id order, paged by
// offset (next_page, previous_page, count) or by cursor (meta, links).
type TicketPage struct {
	Tickets      []*chatlift.Ticket `json:"tickets"`
	NextPage     *string            `json:"next_page"`
	PreviousPage *string            `json:"previous_page"`
	Count        int                `json:"count"`
	Meta         cursorMeta         `json:"meta"`
	Links        struct {
		Next *string `json:"next"`
	} `json:"links"`
}

// TicketEnvelope is the body of a single ticket.
type TicketEnvelope struct {
	Ticket *chatlift.Ticket `json:"ticket"`
}

// TicketList is the body of GET /tickets/show_many.
type TicketList struct {
	Tickets []*chatlift.Ticket `json:"tickets"`
}

// listTickets serves GET /tickets in either paging style.
func listTickets(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	p, err := parsePager(r)
	if err != nil {
		return err
	}
	var list []*chatlift.Ticket
	var f pageFields
	if p.cursor && !p.offset {
		after := ""
		if p.after > 0 {
			after = strconv.FormatInt(p.after, 10)
		}
		list, err = c.store.Tickets(r.Context(), chatlift.KeyFilter{AccountID: c.Account.ID, AfterID: after, Limit: p.size + 1})
		if err != nil {
			return err
		}
		more := len(list) > p.size
		list = list[:min(len(list), p.size)]
		f = cursorFields(r, p, list, more, ticketID)
	} else {
		var total int
		list, total, err = c.store.TicketPage(r.Context(), c.Account.ID, (p.page-1)*p.perPage, p.perPage)
		if err != nil {
			return err
		}
		f = p.offsetFields(r, total)
		if p.cursor {
			p.size = p.perPage
			for k, v := range cursorFields(r, p, list, p.page*p.perPage < total, ticketID) {
				f[k] = v
			}
		}
	}
	writePage(w, "tickets", withTicketURLs(r, api.NonNil(list)), f)
	return nil
}

func ticketID(t *chatlift.Ticket) int64 { return t.ID }

func getTicket(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	t, err := pathTicket(r, c)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, TicketEnvelope{Ticket: withTicketURL(r, t)})
	return nil
}

// pathTicket is the caller's account's ticket of the path's {id}.
func pathTicket(r *http.Request, c *supportCaller) (*chatlift.Ticket, error) {
	id, err := api.PathID(r)
	if err != nil {
		return nil, err
	}
	t, err := c.store.Ticket(r.Context(), c.Account.ID, id)
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		return nil, chatlift.Errorf(chatlift.ENOTFOUND, "ticket %d not found", id)
	}
	return t, err
}

// showManyTickets serves GET /tickets/show_many?ids=: the account's tickets
// of those ids, in the order asked, leaving out ids it has none of.
func showManyTickets(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	ids, err := idsParam(r)
	if err != nil {
		return err
	}
	out := TicketList{Tickets: []*chatlift.Ticket{}}
	for _, id := range ids {
		t, err := c.store.Ticket(r.Context(), c.Account.ID, id)
		if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
			continue
		} else if err != nil {
			return err
		}
		out.Tickets = append(out.Tickets, withTicketURL(r, t))
	}
	api.WriteJSON(w, http.StatusOK, out)
	return nil
}

// TicketRequest is the body of POST and PUT /tickets: {"ticket": {...}}.
// Fields it does not list are ignored, as the hosted API does.
type TicketRequest struct {
	Ticket *TicketFields `json:"ticket"`
}

// TicketFields are the writable fields of a ticket. On create the
// comment's body is the description; on update a comment is added.
type TicketFields struct {
	Subject        *string        `json:"subject"`
	Description    *string        `json:"description"`
	Comment        *CommentFields `json:"comment"`
	Type           *string        `json:"type"`
	Status         *string        `json:"status"`
	Priority       *string        `json:"priority"`
	Tags           []string       `json:"tags"`
	RequesterID    *int64         `json:"requester_id"`
	SubmitterID    *int64         `json:"submitter_id"`
	AssigneeID     *int64         `json:"assignee_id"`
	GroupID        *int64         `json:"group_id"`
	OrganizationID *int64         `json:"organization_id"`
	Requester      *struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	} `json:"requester"`
}

// CommentFields are the writable fields of a comment.
type CommentFields struct {
	Body     *string `json:"body"`
	HTMLBody *string `json:"html_body"`
	Public   *bool   `json:"public"`
	AuthorID *int64  `json:"author_id"`
}

// decodeTicket reads a TicketRequest as the service's input.
func decodeTicket(r *http.Request) (support.TicketInput, error) {
	var q TicketRequest
	if err := decodeLenient(r, &q); err != nil {
		return support.TicketInput{}, err
	} else if q.Ticket == nil {
		return support.TicketInput{}, chatlift.Errorf(chatlift.EINVALID, `body must be {"ticket": {...}}`)
	}
	f := q.Ticket
	in := support.TicketInput{Subject: f.Subject, Description: f.Description, Type: f.Type, Status: f.Status, Priority: f.Priority,
		Tags: f.Tags, RequesterID: f.RequesterID, SubmitterID: f.SubmitterID, AssigneeID: f.AssigneeID, GroupID: f.GroupID,
		OrganizationID: f.OrganizationID}
	if c := f.Comment; c != nil {
		in.Comment = &support.CommentInput{Body: c.Body, HTMLBody: c.HTMLBody, Public: c.Public, AuthorID: c.AuthorID}
	}
	if f.Requester != nil {
		in.Requester = &support.RequesterInput{Name: f.Requester.Name, Email: f.Requester.Email}
	}
	return in, nil
}

// createTicket serves POST /tickets; support.Service.CreateTicket holds the
// rules.
func createTicket(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	in, err := decodeTicket(r)
	if err != nil {
		return err
	}
	t, err := c.desk.CreateTicket(r.Context(), c.User, in)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, TicketEnvelope{Ticket: withTicketURL(r, t)})
	return nil
}

// updateTicket serves PUT /tickets/{id}, a comment included.
func updateTicket(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	in, err := decodeTicket(r)
	if err != nil {
		return err
	}
	t, err := c.desk.UpdateTicket(r.Context(), c.User, id, in)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, TicketEnvelope{Ticket: withTicketURL(r, t)})
	return nil
}

// deleteTicket serves DELETE /tickets/{id} (admins only), answering 204.
func deleteTicket(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	if err := c.RequireAdmin("delete tickets"); err != nil {
		return err
	}
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	if err := c.store.DeleteTicket(r.Context(), c.Account.ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listTicketComments serves GET /tickets/{id}/comments, paged by cursor.
func listTicketComments(w http.ResponseWriter, r *http.Request, c *supportCaller) error {
	p, err := parsePager(r)
	if err != nil {
		return err
	}
	t, err := pathTicket(r, c)
	if err != nil {
		return err
	}
	all, err := c.store.TicketComments(r.Context(), c.Account.ID, t.ID)
	if err != nil {
		return err
	}
	items, f := pageSlice(r, p, all, func(c *chatlift.TicketComment) int64 { return c.ID })
	writePage(w, "comments", api.NonNil(items), f)
	return nil
}

// withTicketURL sets the ticket's API address, as the hosted API answers it.
func withTicketURL(r *http.Request, t *chatlift.Ticket) *chatlift.Ticket {
	t.URL = resourceURL(r, "tickets", t.ID)
	return t
}

func withTicketURLs(r *http.Request, list []*chatlift.Ticket) []*chatlift.Ticket {
	for _, t := range list {
		withTicketURL(r, t)
	}
	return list
}
