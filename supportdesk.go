package chatlift

import (
	"context"
	"encoding/json"
	"html"
	"time"
)

// Via says where a ticket or a comment came from, in the hosted support
// API's shape: {"channel": "api", "source": {"from": {}, "to": {}, "rel": null}}.
type Via struct {
	Channel string    `json:"channel"` // api, web, email, chat
	Source  ViaSource `json:"source"`
}

// ViaSource details a Via; chatlift records no more than the channel.
type ViaSource struct {
	From struct{} `json:"from"`
	To   struct{} `json:"to"`
	Rel  *string  `json:"rel"`
}

// ViaChannel is a Via of channel c.
func ViaChannel(c string) Via { return Via{Channel: c} }

// UnmarshalJSON reads a Via object, or a bare channel string as tickets
// stored before via became an object hold.
func (v *Via) UnmarshalJSON(b []byte) error {
	var channel string
	if err := json.Unmarshal(b, &channel); err == nil {
		*v = ViaChannel(channel)
		return nil
	}
	type plain Via
	return json.Unmarshal(b, (*plain)(v))
}

// Ticket types.
var ticketTypes = []string{"problem", "incident", "question", "task"}

// TicketComment is one comment of a ticket; a ticket's first comment is its
// description.
type TicketComment struct {
	ID        int64     `json:"id"`
	AccountID int64     `json:"-"`
	TicketID  int64     `json:"-"`
	Type      string    `json:"type"` // always "Comment"
	AuthorID  int64     `json:"author_id"`
	Body      string    `json:"body"`
	HTMLBody  string    `json:"html_body"`
	PlainBody string    `json:"plain_body"`
	Public    bool      `json:"public"`
	Via       Via       `json:"via"`
	CreatedAt time.Time `json:"created_at"`
}

// NewTicketComment is a comment of body by author on the ticket, with its
// HTML and plain renderings.
func NewTicketComment(t *Ticket, authorID int64, body string, public bool, via Via, at time.Time) *TicketComment {
	return &TicketComment{AccountID: t.AccountID, TicketID: t.ID, Type: "Comment", AuthorID: authorID, Body: body,
		HTMLBody: "<p>" + html.EscapeString(body) + "</p>", PlainBody: body, Public: public, Via: via, CreatedAt: at}
}

// Validate reports the first problem with c.
func (c *TicketComment) Validate() error {
	switch {
	case c.ID <= 0 || c.TicketID <= 0:
		return Errorf(EINVALID, "comment and ticket ids must be positive")
	case c.Body == "":
		return Errorf(EINVALID, "comment body required")
	}
	return firstError(checkBytes("body", c.Body, MaxTextBytes), checkBytes("html_body", c.HTMLBody, 2*MaxTextBytes))
}

// Group is a team of agents tickets can be assigned to.
type Group struct {
	ID          int64     `json:"id"`
	URL         string    `json:"url,omitempty"`
	AccountID   int64     `json:"-"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Default     bool      `json:"default"`
	Deleted     bool      `json:"deleted"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Validate reports the first problem with g.
func (g *Group) Validate() error {
	err := firstError(checkRunes("name", g.Name, MaxNameRunes), checkRunes("description", g.Description, MaxDescriptionRunes))
	switch {
	case err != nil:
		return err
	case g.ID <= 0:
		return Errorf(EINVALID, "group id must be positive")
	case g.Name == "":
		return Errorf(EINVALID, "group name required")
	}
	return nil
}

// Organization is a company end users belong to.
type Organization struct {
	ID             int64     `json:"id"`
	URL            string    `json:"url,omitempty"`
	AccountID      int64     `json:"-"`
	Name           string    `json:"name"`
	Details        string    `json:"details"`
	Notes          string    `json:"notes"`
	DomainNames    []string  `json:"domain_names"`
	GroupID        *int64    `json:"group_id"`
	SharedTickets  bool      `json:"shared_tickets"`
	SharedComments bool      `json:"shared_comments"`
	Tags           []string  `json:"tags"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// Validate reports the first problem with o.
func (o *Organization) Validate() error {
	err := firstError(checkRunes("name", o.Name, MaxNameRunes), checkRunes("details", o.Details, MaxDescriptionRunes),
		checkBytes("notes", o.Notes, MaxTextBytes), checkTags("tags", o.Tags), checkCount("domain_names", len(o.DomainNames), MaxListItems))
	switch {
	case err != nil:
		return err
	case o.ID <= 0:
		return Errorf(EINVALID, "organization id must be positive")
	case o.Name == "":
		return Errorf(EINVALID, "organization name required")
	}
	for _, d := range o.DomainNames {
		if err := checkRunes("domain_names", d, MaxNameRunes); err != nil {
			return err
		}
	}
	return nil
}

// SupportStore holds the support desk's tickets' comments, groups and
// organizations, and removes tickets.
type SupportStore interface {
	// DeleteTicket removes the ticket and its comments; ENOTFOUND if the
	// account has no such ticket.
	DeleteTicket(ctx context.Context, accountID, id int64) error
	// TicketPage lists limit tickets from offset in id order, with how many
	// the account has.
	TicketPage(ctx context.Context, accountID int64, offset, limit int) ([]*Ticket, int, error)
	PutTicketComments(ctx context.Context, comments []*TicketComment) error
	// TicketComments lists a ticket's comments in id order.
	TicketComments(ctx context.Context, accountID, ticketID int64) ([]*TicketComment, error)
	PutGroups(ctx context.Context, groups []*Group) error
	Groups(ctx context.Context, accountID int64) ([]*Group, error)
	// Group returns the account's group id; ENOTFOUND if it has none.
	Group(ctx context.Context, accountID, id int64) (*Group, error)
	// PutOrganizations upserts organizations; a name the account already
	// gives another organization (ignoring case) is ECONFLICT.
	PutOrganizations(ctx context.Context, orgs []*Organization) error
	Organizations(ctx context.Context, accountID int64) ([]*Organization, error)
	// Organization returns the account's organization id; ENOTFOUND if it
	// has none.
	Organization(ctx context.Context, accountID, id int64) (*Organization, error)
}
