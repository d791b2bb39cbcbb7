package support

import (
	"context"
	"slices"
	"strings"

	"github.com/chatlift/chatlift"
)

// TicketInput is what a client writes of a ticket; nil fields are unset.
// Typed clients send zero values for fields they do not mean: an id of 0 or
// an empty string counts as unset.
type TicketInput struct {
	Subject        *string
	Description    *string
	Comment        *CommentInput
	Type           *string
	Status         *string
	Priority       *string
	Tags           []string // nil keeps the tags
	RequesterID    *int64
	SubmitterID    *int64
	AssigneeID     *int64
	GroupID        *int64
	OrganizationID *int64
	// Requester names the requester by email, made an end user when the
	// account has no user of that email.
	Requester *RequesterInput
}

// CommentInput is a comment added with a ticket's create or update.
type CommentInput struct {
	Body     *string
	HTMLBody *string
	Public   *bool
	AuthorID *int64
}

// RequesterInput names a requester who may not be a user yet.
type RequesterInput struct {
	Name  string
	Email string
}

// CreateTicket opens a ticket on the caller's account, with its description
// as its first comment. The requester defaults to the caller, the submitter
// to the caller; the status is new, or open when assigned; a ticket cannot
// be created closed; the priority defaults to normal.
func (s *Service) CreateTicket(ctx context.Context, caller *chatlift.User, in TicketInput) (*chatlift.Ticket, error) {
	now := s.now()
	t := &chatlift.Ticket{AccountID: caller.AccountID, Via: chatlift.ViaChannel("api"), Tags: []string{}, CreatedAt: now, UpdatedAt: now}
	body := firstNonEmpty(in.commentBody(), value(in.Description))
	t.Description = body
	apply(t, in)
	switch {
	case t.Status == "" && t.AssigneeID != nil:
		t.Status = "open"
	case t.Status == "":
		t.Status = "new"
	case t.Status == "closed":
		return nil, chatlift.Errorf(chatlift.EINVALID, "a ticket cannot be created closed")
	}
	if t.Priority == "" {
		t.Priority = "normal"
	}
	t.ID = 1 // validated before an id is spent on it
	if err := t.Validate(); err != nil {
		return nil, err
	}
	err := s.inTx(ctx, func(tx txStore) (err error) {
		if err := s.people(ctx, tx, caller, t, in); err != nil {
			return err
		}
		if t.ID, err = nextID(ctx, tx, "tickets", t.AccountID); err != nil {
			return err
		}
		if err := tx.PutTickets(ctx, []*chatlift.Ticket{t}); err != nil {
			return err
		}
		if body == "" {
			return nil
		}
		c := chatlift.NewTicketComment(t, *t.SubmitterID, body, value(in.commentPublic()), t.Via, now)
		return addComment(ctx, tx, c)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// UpdateTicket changes the ticket id of the caller's account and adds the
// comment the input carries. A closed ticket cannot be changed; a new
// ticket given an assignee opens.
func (s *Service) UpdateTicket(ctx context.Context, caller *chatlift.User, id int64, in TicketInput) (*chatlift.Ticket, error) {
	if in.Requester != nil {
		return nil, chatlift.Errorf(chatlift.EINVALID, "requester is for new tickets; give requester_id")
	}
	var t *chatlift.Ticket
	err := s.inTx(ctx, func(tx txStore) (err error) {
		if t, err = findTicket(ctx, tx, caller.AccountID, id); err != nil {
			return err
		}
		if t.Status == "closed" {
			return chatlift.Errorf(chatlift.EINVALID, "ticket %d is closed and cannot be updated", id)
		}
		status := t.Status
		apply(t, in)
		if t.Status == "new" && status == "new" && t.AssigneeID != nil {
			t.Status = "open"
		}
		t.UpdatedAt = s.now()
		if err := t.Validate(); err != nil {
			return err
		}
		if err := s.people(ctx, tx, caller, t, in); err != nil {
			return err
		}
		if err := tx.PutTickets(ctx, []*chatlift.Ticket{t}); err != nil {
			return err
		}
		return s.comment(ctx, tx, caller, t, in.Comment)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// comment adds c, if it has a body, to t: public unless said otherwise, by
// the caller unless it names another user of the account.
func (s *Service) comment(ctx context.Context, tx txStore, caller *chatlift.User, t *chatlift.Ticket, c *CommentInput) error {
	body := c.body()
	if body == "" {
		return nil
	}
	author := caller.ID
	if a := positive(c.AuthorID); a != nil {
		if _, err := findUser(ctx, tx, t.AccountID, *a, "author"); err != nil {
			return err
		}
		author = *a
	}
	public := c.Public == nil || *c.Public
	return addComment(ctx, tx, chatlift.NewTicketComment(t, author, body, public, chatlift.ViaChannel("api"), t.UpdatedAt))
}

func addComment(ctx context.Context, tx txStore, c *chatlift.TicketComment) (err error) {
	if c.ID, err = nextID(ctx, tx, "ticket_comments", c.AccountID); err != nil {
		return err
	}
	return tx.PutTicketComments(ctx, []*chatlift.TicketComment{c})
}

// apply copies the input's set fields onto t.
func apply(t *chatlift.Ticket, in TicketInput) {
	setString(&t.Subject, in.Subject)
	setString(&t.Status, in.Status)
	setString(&t.Priority, in.Priority)
	if in.Type != nil && *in.Type != "" {
		t.Type = in.Type
	}
	if in.Tags != nil {
		t.Tags = Tags(in.Tags)
	}
	for _, f := range []struct{ to, from **int64 }{{&t.AssigneeID, &in.AssigneeID}, {&t.GroupID, &in.GroupID},
		{&t.OrganizationID, &in.OrganizationID}, {&t.RequesterID, &in.RequesterID}, {&t.SubmitterID, &in.SubmitterID}} {
		if p := positive(*f.from); p != nil {
			*f.to = p
		}
	}
}

// people checks the users, group and organization t names and fills the
// requester and submitter: the named requester, found or made by email,
// else the caller.
func (s *Service) people(ctx context.Context, tx txStore, caller *chatlift.User, t *chatlift.Ticket, in TicketInput) error {
	switch {
	case in.Requester != nil:
		u, err := requesterByEmail(ctx, tx, t, in.Requester)
		if err != nil {
			return err
		}
		t.RequesterID = &u.ID
	case t.RequesterID == nil:
		t.RequesterID = &caller.ID
	}
	if t.SubmitterID == nil {
		t.SubmitterID = &caller.ID
	}
	requester, err := findUser(ctx, tx, t.AccountID, *t.RequesterID, "requester")
	if err != nil {
		return err
	}
	t.RequesterEmail = requester.Email
	if _, err := findUser(ctx, tx, t.AccountID, *t.SubmitterID, "submitter"); err != nil {
		return err
	}
	if t.AssigneeID != nil {
		u, err := findUser(ctx, tx, t.AccountID, *t.AssigneeID, "assignee")
		if err != nil {
			return err
		} else if !u.Active || u.Role == chatlift.UserRoleEndUser {
			return chatlift.Errorf(chatlift.EINVALID, "assignee %d is not an active agent of this account", u.ID)
		}
	}
	if err := checkGroup(ctx, tx, t.AccountID, t.GroupID); err != nil {
		return err
	}
	if t.OrganizationID != nil {
		if _, err := tx.Organization(ctx, t.AccountID, *t.OrganizationID); chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
			return chatlift.Errorf(chatlift.EINVALID, "organization %d is not one of this account's", *t.OrganizationID)
		} else if err != nil {
			return err
		}
	}
	return nil
}

// requesterByEmail is the account's user of the requester's email, made an
// end user if there is none.
func requesterByEmail(ctx context.Context, tx txStore, t *chatlift.Ticket, r *RequesterInput) (*chatlift.User, error) {
	if !chatlift.ValidEmail(r.Email) {
		return nil, chatlift.Errorf(chatlift.EINVALID, "requester email %q is not an email address", r.Email)
	}
	u, err := tx.UserByEmail(ctx, t.AccountID, r.Email)
	if chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
		return u, err
	}
	u = &chatlift.User{AccountID: t.AccountID, Email: r.Email, Name: firstNonEmpty(strings.TrimSpace(r.Name), r.Email),
		Role: chatlift.UserRoleEndUser, Active: true, CreatedAt: t.UpdatedAt}
	if u.ID, err = nextID(ctx, tx, "users", t.AccountID); err != nil {
		return nil, err
	}
	return u, tx.PutUsers(ctx, []*chatlift.User{u})
}

func findTicket(ctx context.Context, tx txStore, accountID, id int64) (*chatlift.Ticket, error) {
	t, err := tx.Ticket(ctx, accountID, id)
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		return nil, chatlift.Errorf(chatlift.ENOTFOUND, "ticket %d not found", id)
	}
	return t, err
}

// findUser is the account's user id, EINVALID naming its role in the
// ticket when there is none.
func findUser(ctx context.Context, tx txStore, accountID, id int64, role string) (*chatlift.User, error) {
	u, err := tx.User(ctx, accountID, id)
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		return nil, chatlift.Errorf(chatlift.EINVALID, "%s %d is not a user of this account", role, id)
	}
	return u, err
}

func checkGroup(ctx context.Context, tx txStore, accountID int64, id *int64) error {
	if id == nil {
		return nil
	}
	if _, err := tx.Group(ctx, accountID, *id); chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		return chatlift.Errorf(chatlift.EINVALID, "group %d is not one of this account's", *id)
	} else if err != nil {
		return err
	}
	return nil
}

// Tags trims tags, drops empty and repeated ones and joins words with
// underscores, as the hosted API stores them.
func Tags(in []string) []string {
	out := []string{}
	for _, t := range in {
		if t = strings.Join(strings.Fields(strings.ToLower(t)), "_"); t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func (in TicketInput) commentBody() string { return in.Comment.body() }

func (in TicketInput) commentPublic() *bool {
	t := true
	if in.Comment == nil || in.Comment.Public == nil {
		return &t
	}
	return in.Comment.Public
}

// body is the comment's text: its body, else its HTML body.
func (c *CommentInput) body() string {
	if c == nil {
		return ""
	}
	return firstNonEmpty(value(c.Body), value(c.HTMLBody))
}

func setString(to *string, from *string) {
	if from != nil && *from != "" {
		*to = *from
	}
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
