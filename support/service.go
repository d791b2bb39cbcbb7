package support

import (
	"context"
	"strconv"
	"time"

	"github.com/chatlift/chatlift"
)

// Store is what the support desk's rules read and write.
type Store interface {
	// InTx runs fn within one transaction; its writes land together or
	// not at all.
	InTx(ctx context.Context, fn func(chatlift.PlatformStore) error) error
}

// txStore is what one transaction of the rules uses.
type txStore interface {
	NextIDs(ctx context.Context, sequence string, n int) (int64, error)
	User(ctx context.Context, accountID, id int64) (*chatlift.User, error)
	UserByEmail(ctx context.Context, accountID int64, email string) (*chatlift.User, error)
	PutUsers(ctx context.Context, users []*chatlift.User) error
	DeleteUsers(ctx context.Context, accountID int64, ids []int64) error
	Ticket(ctx context.Context, accountID, id int64) (*chatlift.Ticket, error)
	PutTickets(ctx context.Context, tickets []*chatlift.Ticket) error
	PutTicketComments(ctx context.Context, comments []*chatlift.TicketComment) error
	Group(ctx context.Context, accountID, id int64) (*chatlift.Group, error)
	PutGroups(ctx context.Context, groups []*chatlift.Group) error
	Organization(ctx context.Context, accountID, id int64) (*chatlift.Organization, error)
	PutOrganizations(ctx context.Context, orgs []*chatlift.Organization) error
}

var _ txStore = chatlift.PlatformStore(nil)

// Service applies the support desk's rules.
type Service struct {
	Store Store
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// inTx runs fn on one transaction of the store.
func (s *Service) inTx(ctx context.Context, fn func(txStore) error) error {
	return s.Store.InTx(ctx, func(tx chatlift.PlatformStore) error { return fn(tx) })
}

// nextID reserves the next id of the account's table.
func nextID(ctx context.Context, tx txStore, table string, accountID int64) (int64, error) {
	return tx.NextIDs(ctx, table+"/"+strconv.FormatInt(accountID, 10), 1)
}

// GroupInput is what a client writes of a group; nil fields are unset.
type GroupInput struct {
	Name        *string
	Description *string
}

// CreateGroup adds a group to the account.
func (s *Service) CreateGroup(ctx context.Context, accountID int64, in GroupInput) (*chatlift.Group, error) {
	now := s.now()
	g := &chatlift.Group{AccountID: accountID, Name: value(in.Name), Description: value(in.Description), CreatedAt: now, UpdatedAt: now}
	g.ID = 1 // validated before an id is spent on it
	if err := g.Validate(); err != nil {
		return nil, err
	}
	err := s.inTx(ctx, func(tx txStore) (err error) {
		if g.ID, err = nextID(ctx, tx, "support_groups", accountID); err != nil {
			return err
		}
		return tx.PutGroups(ctx, []*chatlift.Group{g})
	})
	return g, err
}

// OrganizationInput is what a client writes of an organization; nil fields
// are unset.
type OrganizationInput struct {
	Name           *string
	Details        *string
	Notes          *string
	DomainNames    []string
	GroupID        *int64
	SharedTickets  *bool
	SharedComments *bool
	Tags           []string
}

// CreateOrganization adds an organization to the account; its name is
// unique in the account and its group, if any, one of the account's.
func (s *Service) CreateOrganization(ctx context.Context, accountID int64, in OrganizationInput) (*chatlift.Organization, error) {
	now := s.now()
	o := &chatlift.Organization{AccountID: accountID, Name: value(in.Name), Details: value(in.Details), Notes: value(in.Notes),
		DomainNames: nonNil(in.DomainNames), GroupID: positive(in.GroupID), SharedTickets: value(in.SharedTickets),
		SharedComments: value(in.SharedComments), Tags: Tags(in.Tags), CreatedAt: now, UpdatedAt: now}
	o.ID = 1
	if err := o.Validate(); err != nil {
		return nil, err
	}
	err := s.inTx(ctx, func(tx txStore) (err error) {
		if err := checkGroup(ctx, tx, accountID, o.GroupID); err != nil {
			return err
		}
		if o.ID, err = nextID(ctx, tx, "organizations", accountID); err != nil {
			return err
		}
		err = tx.PutOrganizations(ctx, []*chatlift.Organization{o})
		if chatlift.ErrorCode(err) == chatlift.ECONFLICT {
			return chatlift.Errorf(chatlift.ECONFLICT, "an organization named %q exists", o.Name)
		}
		return err
	})
	return o, err
}

// value is *p, or the zero value for nil.
func value[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// positive is p unless it points to zero or less, as typed clients send
// for "none".
func positive(p *int64) *int64 {
	if p == nil || *p <= 0 {
		return nil
	}
	return p
}

func nonNil[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}
