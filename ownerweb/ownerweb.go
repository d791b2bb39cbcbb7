package ownerweb

import (
	"context"
	"embed"
	"log/slog"
	"net/http"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/internal/webui"
)

// Store is what the pages read in the platform database, where their
// sessions are kept too.
type Store interface {
	webui.SessionStore
	SupportPasswords(ctx context.Context, email string) ([]*chatlift.SupportPassword, error)
	User(ctx context.Context, accountID, id int64) (*chatlift.User, error)
	SupportAccount(ctx context.Context, id int64) (*chatlift.SupportAccount, error)
	Upgrades(ctx context.Context, f chatlift.UpgradeFilter) ([]*chatlift.Upgrade, error)
	SlotBookings(ctx context.Context, slot time.Time) (int, error)
	Notifications(ctx context.Context, accountID int64) ([]*chatlift.Notification, error)
	PutNotification(ctx context.Context, n *chatlift.Notification) error
	AddPostponeRequest(ctx context.Context, p *chatlift.PostponeRequest) error
	PostponeRequests(ctx context.Context, upgradeID string) ([]*chatlift.PostponeRequest, error)
}

// Accounts finds a legacy chat account, for its time zone.
type Accounts interface {
	ChatAccount(ctx context.Context, id int64) (*chatlift.ChatAccount, error)
}

// Checklist computes the account's tasks as they are now: upgrade.Checklist,
// the code the upgrade's activities use too.
type Checklist interface {
	Pre(ctx context.Context, accountID int64) ([]chatlift.Task, error)
	Post(ctx context.Context, u *chatlift.Upgrade) ([]chatlift.Task, error)
	Merge(ctx context.Context, accountID int64) (*chatlift.MergeReview, error)
}

// Settings changes the account before the upgrade: upgrade.Settings.
type Settings interface {
	EnableAccountAssumption(ctx context.Context, accountID int64) error
	ChooseMerge(ctx context.Context, accountID int64, c chatlift.MergeChoice) error
}

// Upgrades requests and reschedules upgrades: upgrade.Service, whose
// workflow accepts an action or refuses it with the reason.
type Upgrades interface {
	Request(ctx context.Context, accountID int64, requestedBy string) (*chatlift.Upgrade, error)
	Reschedule(ctx context.Context, upgradeID string, at time.Time) (*chatlift.Upgrade, error)
}

var _ Store = chatlift.PlatformStore(nil)

// Pages is the account owners' HTTP handler, mounted at /account/.
type Pages struct {
	Store    Store
	Accounts Accounts
	Upgrades Upgrades
	Tasks    Checklist
	Settings Settings
	// Rules are the fleet's schedule rules, to offer free slots.
	Rules chatlift.ScheduleRules
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives errors; required.
	Logger *slog.Logger
	// SessionTTL is how long a session lasts; 0 means 12 hours.
	SessionTTL time.Duration
	// Compare checks a password against its bcrypt hash; nil means bcrypt's.
	Compare func(hash, password []byte) error

	handler  webui.Handler
	sessions *webui.Sessions[owner]
	guard    *guard
}

// owner is who a session is: a support admin of one account.
type owner struct {
	AccountID, UserID int64
	Email             string
}

const (
	sessionCookie = "chatlift_account"
	preCookie     = "chatlift_account_signin" // the sign-in form's CSRF token
	maxSessions   = 10000
	maxFormBytes  = 64 << 10
	cookiePath    = "/account/"
)

//go:embed templates/*.html
var templateFS embed.FS

func (p *Pages) now() time.Time { return webui.Now(p.Now) }

// ServeHTTP serves the account owners' pages.
func (p *Pages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.handler.Serve(w, r, "/account/", p.routes)
}

func (p *Pages) routes(m *http.ServeMux) {
	ttl := webui.SessionTTL(p.SessionTTL)
	p.sessions = webui.NewSessions[owner](p.Store, chatlift.FaceAccount, ttl, maxSessions, p.Logger)
	p.guard = newGuard(p.Compare)
	m.HandleFunc("GET /account/sign-in", p.signInPage)
	m.HandleFunc("POST /account/sign-in", p.signIn)
	m.HandleFunc("POST /account/sign-out", p.authed(p.signOut))
	m.HandleFunc("GET /account/{$}", p.authed(p.home))
	m.HandleFunc("GET /account/upgrade", p.authed(p.upgradePage))
	m.HandleFunc("GET /account/upgrade/progress", p.authed(p.progress))
	m.HandleFunc("GET /account/notifications", p.authed(p.inbox))
	m.HandleFunc("POST /account/notifications/read", p.authed(p.markRead))
	m.HandleFunc("POST /account/upgrade/request", p.authed(p.request))
	m.HandleFunc("POST /account/upgrade/reschedule", p.authed(p.reschedule))
	m.HandleFunc("POST /account/upgrade/postpone", p.authed(p.postpone))
	m.HandleFunc("POST /account/upgrade/account-assumption", p.authed(p.enableAssumption))
	m.HandleFunc("POST /account/upgrade/merge", p.authed(p.chooseMerge))
	m.HandleFunc("/account/", p.authed(func(w http.ResponseWriter, r *http.Request, s *session) {
		p.fail(w, r, s, chatlift.Errorf(chatlift.ENOTFOUND, "no page at %s", r.URL.Path))
	}))
}

// home says who is signed in, for which account.
func (p *Pages) home(w http.ResponseWriter, r *http.Request, s *session) {
	acct, err := p.Store.SupportAccount(r.Context(), s.User.AccountID)
	if err != nil {
		p.fail(w, r, s, err)
		return
	}
	p.render(w, r, http.StatusOK, "home", s, acct)
}
