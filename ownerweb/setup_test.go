package ownerweb_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/internal/webtest"
	"github.com/chatlift/chatlift/internal/webui/webuitest"
	"github.com/chatlift/chatlift/ownerweb"
)

const password = "correct horse battery staple"

var now = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

// fakeStore holds one account (1) with an admin (ann), an agent (bob) and
// a suspended admin (cid), each with the password, and the sessions.
type fakeStore struct {
	webuitest.Sessions
	users     map[int64]*chatlift.User
	passwords []*chatlift.SupportPassword
	upgrades  []*chatlift.Upgrade
	notices   []*chatlift.Notification
	booked    map[time.Time]int
	postpone  []*chatlift.PostponeRequest
}

func (s *fakeStore) AddPostponeRequest(_ context.Context, p *chatlift.PostponeRequest) error {
	if err := p.Validate(); err != nil {
		return err
	}
	p.ID = int64(len(s.postpone) + 1)
	s.postpone = append(s.postpone, p)
	return nil
}

func (s *fakeStore) PostponeRequests(_ context.Context, upgradeID string) ([]*chatlift.PostponeRequest, error) {
	var out []*chatlift.PostponeRequest
	for _, p := range s.postpone {
		if p.UpgradeID == upgradeID {
			out = append(out, p)
		}
	}
	return out, nil
}

func newFakeStore(t *testing.T) *fakeStore {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	s := &fakeStore{booked: map[time.Time]int{}, users: map[int64]*chatlift.User{
		1: {ID: 1, AccountID: 1, Email: "ann@example.com", Role: chatlift.UserRoleAdmin, Active: true},
		2: {ID: 2, AccountID: 1, Email: "bob@example.com", Role: "agent", Active: true},
		3: {ID: 3, AccountID: 1, Email: "cid@example.com", Role: chatlift.UserRoleAdmin},
	}}
	for _, u := range s.users {
		s.passwords = append(s.passwords, &chatlift.SupportPassword{AccountID: 1, UserID: u.ID, Email: u.Email, Hash: string(hash)})
	}
	return s
}

func (s *fakeStore) SupportPasswords(_ context.Context, email string) ([]*chatlift.SupportPassword, error) {
	var out []*chatlift.SupportPassword
	for _, p := range s.passwords {
		if p.Email == chatlift.NormalizeEmail(email) {
			out = append(out, p)
		}
	}
	return out, nil
}

func (s *fakeStore) User(_ context.Context, accountID, id int64) (*chatlift.User, error) {
	if u := s.users[id]; u != nil && u.AccountID == accountID {
		return u, nil
	}
	return nil, chatlift.Errorf(chatlift.ENOTFOUND, "no user %d", id)
}

func (s *fakeStore) SupportAccount(_ context.Context, id int64) (*chatlift.SupportAccount, error) {
	return &chatlift.SupportAccount{ID: id, Name: "Acme <Support>", OwnerEmail: "ann@example.com"}, nil
}

func (s *fakeStore) Upgrades(_ context.Context, f chatlift.UpgradeFilter) ([]*chatlift.Upgrade, error) {
	var out []*chatlift.Upgrade
	for _, u := range s.upgrades {
		if u.AccountID == f.AccountID {
			out = append(out, u)
		}
	}
	return out, nil
}

func (s *fakeStore) SlotBookings(_ context.Context, slot time.Time) (int, error) {
	return s.booked[slot], nil
}

func (s *fakeStore) Notifications(_ context.Context, accountID int64) ([]*chatlift.Notification, error) {
	var out []*chatlift.Notification
	for _, n := range s.notices {
		if n.AccountID == accountID {
			out = append(out, n)
		}
	}
	return out, nil
}

func (s *fakeStore) PutNotification(_ context.Context, n *chatlift.Notification) error {
	for i, old := range s.notices {
		if old.AccountID == n.AccountID && old.ID == n.ID {
			s.notices[i] = n
			return nil
		}
	}
	s.notices = append(s.notices, n)
	return nil
}

// fakeSettings records account assumption being enabled, or refuses it.
type fakeSettings struct {
	enabled []int64
	chosen  []chatlift.MergeChoice
	refuse  error
}

func (f *fakeSettings) ChooseMerge(_ context.Context, _ int64, c chatlift.MergeChoice) error {
	if f.refuse != nil {
		return f.refuse
	}
	f.chosen = append(f.chosen, c)
	return nil
}

func (f *fakeSettings) EnableAccountAssumption(_ context.Context, accountID int64) error {
	if f.refuse != nil {
		return f.refuse
	}
	f.enabled = append(f.enabled, accountID)
	return nil
}

// fakeAccounts puts every chat account in Tokyo.
type fakeAccounts struct{}

func (fakeAccounts) ChatAccount(_ context.Context, id int64) (*chatlift.ChatAccount, error) {
	return &chatlift.ChatAccount{ID: id, TimeZone: "Asia/Tokyo"}, nil
}

// fakeUpgrades books a requested upgrade at firstDate with its notice, and
// reschedules unless refuse says why not.
type fakeUpgrades struct {
	store  *fakeStore
	refuse string
}

// conflict is upgrade.ConflictError's shape: an upgrade already under way.
type conflict struct{ id string }

func (c conflict) Error() string      { return "account already has upgrade " + c.id }
func (c conflict) ExistingID() string { return c.id }

var firstDate = time.Date(2026, 11, 24, 14, 0, 0, 0, time.UTC) // 23:00 in Tokyo

func (f *fakeUpgrades) Request(_ context.Context, accountID int64, by string) (*chatlift.Upgrade, error) {
	for _, u := range f.store.upgrades {
		if !chatlift.Terminal(u.State) {
			return nil, conflict{u.ID}
		}
	}
	at := firstDate
	u := &chatlift.Upgrade{ID: "upg_1", AccountID: accountID, State: chatlift.UpgradeScheduled, Attempt: 1, RequestedBy: by, ScheduledFor: &at}
	f.store.upgrades = append(f.store.upgrades, u)
	f.store.notices = append(f.store.notices, &chatlift.Notification{ID: 1, AccountID: accountID, Key: "upg_1/1/scheduled_1",
		Kind: "upgrade_scheduled", Title: "Your chat upgrade is scheduled", Body: "Review the <tasks>."})
	return u, nil
}

func (f *fakeUpgrades) Reschedule(_ context.Context, id string, at time.Time) (*chatlift.Upgrade, error) {
	if f.refuse != "" {
		return nil, chatlift.Errorf(chatlift.ECONFLICT, "%s", f.refuse)
	}
	for _, u := range f.store.upgrades {
		if u.ID == id {
			u.ScheduledFor = &at
			return u, nil
		}
	}
	return nil, chatlift.Errorf(chatlift.ENOTFOUND, "no upgrade %s", id)
}

// fakeChecklist answers the tasks as they are when asked: tests change
// them between views.
type fakeChecklist struct {
	pre, post []chatlift.Task
	asked     int
	merge     *chatlift.MergeReview
}

func (c *fakeChecklist) Pre(context.Context, int64) ([]chatlift.Task, error) {
	c.asked++
	return c.pre, nil
}

func (c *fakeChecklist) Post(context.Context, *chatlift.Upgrade) ([]chatlift.Task, error) {
	c.asked++
	return c.post, nil
}

func (c *fakeChecklist) Merge(context.Context, int64) (*chatlift.MergeReview, error) {
	return c.merge, nil
}

type env struct {
	t       *testing.T
	srv     *httptest.Server
	store   *fakeStore
	ups     *fakeUpgrades
	tasks   *fakeChecklist
	set     *fakeSettings
	compare int                            // bcrypt comparisons made
	later   time.Duration                  // how far the pages' clock is past now; set before restart
	serve   atomic.Pointer[ownerweb.Pages] // the pages srv's requests reach
}

func setup(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, store: newFakeStore(t)}
	e.ups, e.set = &fakeUpgrades{store: e.store}, &fakeSettings{}
	e.tasks = &fakeChecklist{
		pre: []chatlift.Task{{Key: chatlift.TaskAccountAssume, Title: "Enable account assumption", Status: chatlift.TaskTodo,
			Description: "Lets support staff <help>."}},
		merge: &chatlift.MergeReview{
			Plan: &chatlift.MergePlan{Entries: []chatlift.MergeEntry{
				{Action: chatlift.MergeCreate, Email: "jdoe@old.example", ChatAgentID: 7, Note: "chat-only <agent>"}}},
			Agents:  []*chatlift.Agent{{ID: 7, Email: "jdoe@old.example", DisplayName: "J. Doe"}},
			Users:   []*chatlift.User{{ID: 2, Email: "bob@example.com"}},
			Choices: map[int64]chatlift.MergeChoice{},
		},
		post: []chatlift.Task{{Key: chatlift.TaskReauthorizeOAuth, Title: "Re-authorize OAuth clients", Status: chatlift.TaskTodo,
			Details: []string{"CRM (crm): no new token yet"}}},
	}
	e.restart()
	return e
}

// restart builds new pages over the same store, as a restarted server (or
// another serve process) would: clients go on with their cookies.
func (e *env) restart() {
	e.t.Helper()
	rules := chatlift.DefaultScheduleRules
	rules.Capacity = 1
	p := &ownerweb.Pages{Store: e.store, Accounts: fakeAccounts{}, Upgrades: e.ups, Tasks: e.tasks, Settings: e.set, Rules: rules,
		Now: func() time.Time { return now.Add(e.later) }, Logger: slog.New(slog.DiscardHandler),
		Compare: func(hash, pw []byte) error { e.compare++; return bcrypt.CompareHashAndPassword(hash, pw) }}
	e.serve.Store(p)
	if e.srv == nil { // one address throughout, as behind a balancer
		e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { e.serve.Load().ServeHTTP(w, r) }))
		e.t.Cleanup(e.srv.Close)
	}
}

// client is a browser without JavaScript (internal/webtest) with the
// account pages' own steps.
type client struct{ *webtest.Client }

func (e *env) client() *client { return &client{webtest.NewClient(e.t, e.srv.URL)} }

// answer is what the server answered.
type answer = webtest.Answer

// signIn signs the client in as email with pw and returns the answer.
func (c *client) signIn(email, pw string) answer {
	c.T.Helper()
	tok := c.CSRF("/account/sign-in")
	return c.Do("POST", "/account/sign-in", url.Values{"csrf": {tok}, "email": {email}, "password": {pw}, "next": {"/account/"}})
}

func wantStatus(t *testing.T, what string, a answer, status int) {
	t.Helper()
	if a.Status != status {
		t.Fatalf("%s: status %d, want %d: %s", what, a.Status, status, a.Body)
	}
}

func wantBody(t *testing.T, what string, a answer, text string) {
	t.Helper()
	if !strings.Contains(a.Body, text) {
		t.Fatalf("%s: body lacks %q: %s", what, text, a.Body)
	}
}
