package supportapi

import (
	"context"
	"net/http"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
	"github.com/chatlift/chatlift/support"
)

// Store is what the support API reads and writes of a support account;
// the rules it calls (support.Service) have their own.
type Store interface {
	support.Store
	Users(ctx context.Context, accountID int64) ([]*chatlift.User, error)
	User(ctx context.Context, accountID, id int64) (*chatlift.User, error)
	Ticket(ctx context.Context, accountID, id int64) (*chatlift.Ticket, error)
	Tickets(ctx context.Context, f chatlift.KeyFilter) ([]*chatlift.Ticket, error)
	TicketPage(ctx context.Context, accountID int64, offset, limit int) ([]*chatlift.Ticket, int, error)
	DeleteTicket(ctx context.Context, accountID, id int64) error
	TicketComments(ctx context.Context, accountID, ticketID int64) ([]*chatlift.TicketComment, error)
	Groups(ctx context.Context, accountID int64) ([]*chatlift.Group, error)
	Group(ctx context.Context, accountID, id int64) (*chatlift.Group, error)
	Organizations(ctx context.Context, accountID int64) ([]*chatlift.Organization, error)
	Organization(ctx context.Context, accountID, id int64) (*chatlift.Organization, error)
	Apps(ctx context.Context, accountID int64) ([]*chatlift.AppInstallation, error)
}

// API is the support API: users, tickets and their comments, groups,
// organizations, apps and search, for the agents and admins of a support
// account.
type API struct {
	// Auth authenticates callers by their API tokens.
	Auth  *api.SupportAuth
	Store Store
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// supportCaller is who a support API request acts for, with the store and
// rules it is served by.
type supportCaller struct {
	*api.SupportCaller
	store Store
	// desk applies the support desk's rules.
	desk *support.Service
}

// supportHandler is a support API handler; a returned error is sent in the
// error shape.
type supportHandler func(w http.ResponseWriter, r *http.Request, c *supportCaller) error

// support authenticates a support API request and serves it for the caller.
func (s *API) support(h supportHandler) http.HandlerFunc {
	return s.Auth.Serve(func(w http.ResponseWriter, r *http.Request, c *api.SupportCaller) error {
		return h(w, r, &supportCaller{SupportCaller: c, store: s.Store, desk: &support.Service{Store: s.Store, Now: s.Now}})
	})
}
