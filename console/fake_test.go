package console_test

import (
	"context"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/internal/webui/webuitest"
)

// fakeStore keeps upgrades, slots, notices, the audit trail and the
// sessions in memory.
type fakeStore struct {
	webuitest.Sessions
	fakeBatches
	mu       sync.Mutex
	upgrades map[string]*chatlift.Upgrade
	slots    map[time.Time]int
	notices  []*chatlift.Notification
	emails   []*chatlift.Email
	audit    []*chatlift.AuditEntry
	postpone []*chatlift.PostponeRequest
	imports  chatlift.ImportSettings
	reads    int                 // rows Upgrades returned
	rows     map[time.Time]int64 // import throughput by minute
}

func newFakeStore() *fakeStore {
	return &fakeStore{upgrades: map[string]*chatlift.Upgrade{}, slots: map[time.Time]int{}, imports: chatlift.DefaultImportSettings()}
}

func (s *fakeStore) put(list ...*chatlift.Upgrade) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range list {
		s.upgrades[u.ID] = u
	}
}

func (s *fakeStore) Upgrade(_ context.Context, id string) (*chatlift.Upgrade, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.upgrades[id]; u != nil {
		c := *u
		return &c, nil
	}
	return nil, chatlift.Errorf(chatlift.ENOTFOUND, "upgrade %s not found", id)
}

func (s *fakeStore) Upgrades(_ context.Context, f chatlift.UpgradeFilter) ([]*chatlift.Upgrade, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, 0, len(s.upgrades))
	for id := range s.upgrades {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var list []*chatlift.Upgrade
	for _, id := range ids {
		u := s.upgrades[id]
		if id <= f.AfterID || (f.State != "" && u.State != f.State) || (f.AccountID != 0 && u.AccountID != f.AccountID) || (f.Attention && u.Attention == nil) {
			continue
		}
		c := *u
		list = append(list, &c)
		if len(list) == chatlift.PageSize(f.Limit) {
			break
		}
	}
	s.reads += len(list)
	return list, nil
}

func (s *fakeStore) UpgradeCounts(context.Context) (map[string]int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := map[string]int{}
	for _, u := range s.upgrades {
		m[u.State]++
	}
	return m, nil
}

func (s *fakeStore) UpcomingSlots(_ context.Context, from time.Time, limit int) ([]chatlift.SlotFill, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var list []chatlift.SlotFill
	for at, n := range s.slots {
		if !at.Before(from) && n > 0 {
			list = append(list, chatlift.SlotFill{Start: at, Booked: n})
		}
	}
	slices.SortFunc(list, func(a, b chatlift.SlotFill) int { return a.Start.Compare(b.Start) })
	return list[:min(len(list), limit)], nil
}

func (s *fakeStore) SlotBookings(_ context.Context, at time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.slots[at], nil
}

func (s *fakeStore) Notifications(_ context.Context, accountID int64) ([]*chatlift.Notification, error) {
	var list []*chatlift.Notification
	for _, n := range s.notices {
		if n.AccountID == accountID {
			list = append(list, n)
		}
	}
	return list, nil
}

func (s *fakeStore) EmailsByKey(_ context.Context, keys []string) ([]*chatlift.Email, error) {
	var list []*chatlift.Email
	for _, e := range s.emails {
		if slices.Contains(keys, e.Key) {
			list = append(list, e)
		}
	}
	return list, nil
}

func (s *fakeStore) AddAuditEntry(_ context.Context, e *chatlift.AuditEntry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e.ID = int64(len(s.audit) + 1)
	s.audit = append(s.audit, e)
	return nil
}

func (s *fakeStore) AuditEntries(_ context.Context, upgradeID string, limit int) ([]*chatlift.AuditEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var list []*chatlift.AuditEntry
	for _, e := range slices.Backward(s.audit) {
		if e.UpgradeID == upgradeID && len(list) < limit {
			list = append(list, e)
		}
	}
	return list, nil
}

func (s *fakeStore) auditOf(id string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, e := range s.audit {
		if e.UpgradeID == id {
			out = append(out, e.Actor+" "+e.Action+" "+e.Result)
		}
	}
	return out
}

// fakeAccounts says every account lives in Tokyo.
type fakeAccounts struct{}

func (fakeAccounts) ChatAccount(_ context.Context, id int64) (*chatlift.ChatAccount, error) {
	return &chatlift.ChatAccount{ID: id, TimeZone: "Asia/Tokyo"}, nil
}

// fakeUpgrades accepts every action except on the upgrades it refuses, and
// records what it was asked. With hold set, each action waits for it to
// close once asked.
type fakeUpgrades struct {
	mu      sync.Mutex
	store   *fakeStore
	refuse  map[string]string
	calls   []string
	resched []time.Time
	hold    chan struct{}
}

func (f *fakeUpgrades) Act(ctx context.Context, id, action string) (*chatlift.Upgrade, error) {
	f.mu.Lock()
	f.calls = append(f.calls, action+" "+id)
	reason, refused := f.refuse[id]
	hold := f.hold
	f.mu.Unlock()
	if hold != nil {
		<-hold
	}
	if refused {
		return nil, chatlift.Errorf(chatlift.ECONFLICT, "%s refused: %s", action, reason)
	}
	u, err := f.store.Upgrade(ctx, id)
	if err != nil {
		return nil, err
	}
	u.Paused = action == "pause"
	if action == "cancel" {
		u.State = chatlift.UpgradeCancelled
	}
	f.store.put(u)
	return u, nil
}

func (f *fakeUpgrades) Reschedule(ctx context.Context, id string, at time.Time) (*chatlift.Upgrade, error) {
	f.mu.Lock()
	f.calls = append(f.calls, "reschedule "+id)
	f.resched = append(f.resched, at)
	reason, refused := f.refuse[id]
	f.mu.Unlock()
	if refused {
		return nil, chatlift.Errorf(chatlift.ECONFLICT, "reschedule refused: %s", reason)
	}
	u, err := f.store.Upgrade(ctx, id)
	if err != nil {
		return nil, err
	}
	u.ScheduledFor = &at
	f.store.put(u)
	return u, nil
}

func (f *fakeUpgrades) called() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.calls, "; ")
}

func (s *fakeStore) PostponeRequests(_ context.Context, upgradeID string) ([]*chatlift.PostponeRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var list []*chatlift.PostponeRequest
	for _, p := range s.postpone {
		if p.UpgradeID == upgradeID {
			c := *p
			list = append(list, &c)
		}
	}
	return list, nil
}

func (s *fakeStore) PendingPostponeRequests(_ context.Context, limit int) ([]*chatlift.PostponeRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var list []*chatlift.PostponeRequest
	for _, p := range s.postpone {
		if p.Status == chatlift.PostponePending && len(list) < limit {
			c := *p
			list = append(list, &c)
		}
	}
	return list, nil
}

func (s *fakeStore) AnswerPostponeRequest(_ context.Context, p *chatlift.PostponeRequest) error {
	if err := p.ValidateAnswer(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, q := range s.postpone {
		if q.ID == p.ID && q.UpgradeID == p.UpgradeID {
			if q.Status != chatlift.PostponePending {
				return chatlift.Errorf(chatlift.ECONFLICT, "postpone request %d is already answered", p.ID)
			}
			c := *p
			s.postpone[i] = &c
			return nil
		}
	}
	return chatlift.Errorf(chatlift.ENOTFOUND, "postpone request not found")
}

func (s *fakeStore) ImportSettings(context.Context) (chatlift.ImportSettings, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.imports, nil
}

func (s *fakeStore) PutImportSettings(_ context.Context, q chatlift.ImportSettings) error {
	if err := q.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.imports = q
	return nil
}

// ActiveImportLeases says two imports hold a slot.
func (s *fakeStore) ActiveImportLeases(context.Context, time.Time) (int, error) { return 2, nil }
