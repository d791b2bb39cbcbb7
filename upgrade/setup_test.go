package upgrade_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/billing"
	"github.com/chatlift/chatlift/importer"
	"github.com/chatlift/chatlift/seed"
	"github.com/chatlift/chatlift/sqlstore"
	"github.com/chatlift/chatlift/upgrade"
)

// fakeBilling is the real billing service, recording the calls the saga
// makes to it, so that tasks and steps see the plans billing computes.
type fakeBilling struct {
	billing.Service
	mu    sync.Mutex
	calls []string
}

func (b *fakeBilling) Consolidate(ctx context.Context, accountID int64, now time.Time) (*chatlift.Consolidation, error) {
	b.record("consolidate")
	return b.Service.Consolidate(ctx, accountID, now)
}

func (b *fakeBilling) Unconsolidate(ctx context.Context, accountID int64) error {
	b.record("unconsolidate")
	return b.Service.Unconsolidate(ctx, accountID)
}

func (b *fakeBilling) record(call string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.calls = append(b.calls, call)
}

// fakeNotifier records notices by key, once each, as the real one keeps them.
type fakeNotifier struct {
	mu   sync.Mutex
	keys []string
	urls []string // each notice's URL, in order
	seen map[string]bool
}

func (n *fakeNotifier) Notify(ctx context.Context, x upgrade.Notice) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.seen == nil {
		n.seen = map[string]bool{}
	}
	if !n.seen[x.Key] {
		n.seen[x.Key] = true
		n.keys = append(n.keys, x.Kind)
		n.urls = append(n.urls, x.URL)
	}
	return nil
}

// fixture is a test workflow environment over real stores with one
// seeded account and an upgrade requested for it.
type fixture struct {
	env      *testsuite.TestWorkflowEnvironment
	acts     *upgrade.Activities
	legacy   *sqlstore.DB
	platform *sqlstore.DB
	billing  *fakeBilling
	notes    *fakeNotifier
	account  int64
	input    upgrade.Input
	mu       sync.Mutex
	events   []string // "do:step" and "undo:step", in order
	updates  int      // operator actions sent, for their ids
}

// openStores opens a legacy chat store and a platform store in a fresh
// directory, closed when the test ends.
func openStores(tb testing.TB) (legacy, platform *sqlstore.DB) {
	tb.Helper()
	dir := tb.TempDir()
	open := func(name, role string) *sqlstore.DB {
		db, err := sqlstore.Open(context.Background(), sqlstore.Config{Path: filepath.Join(dir, name), Role: role})
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { db.Close() })
		return db
	}
	return open("legacy.db", sqlstore.RoleChat), open("platform.db", sqlstore.RolePlatform)
}

// setup seeds the account made for seed index `index` and requests its upgrade.
func setup(t *testing.T, index int) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{notes: &fakeNotifier{}}
	f.legacy, f.platform = openStores(t)
	f.billing = &fakeBilling{Service: billing.Service{Store: f.platform}}
	a := seed.Generate(seed.Spec{Accounts: 10, ChatsPerAccount: 12, Seed: 3}, 41, index)
	if _, err := seed.Load(ctx, f.legacy, f.platform, a, seed.DefaultStart); err != nil {
		t.Fatal(err)
	}
	f.account = a.ID()
	f.newEnv(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
	u := &chatlift.Upgrade{ID: "u1", AccountID: f.account, State: chatlift.UpgradeRequested, Attempt: 1, CreatedAt: f.env.Now()}
	if err := f.platform.CreateUpgrade(ctx, u); err != nil {
		t.Fatal(err)
	}
	f.input = upgrade.Input{UpgradeID: u.ID, AccountID: f.account, Attempt: 1}
	return f
}

// deadlockTimeout is how long the workflow's goroutine may run without
// yielding before the test environment calls it a deadlock: the SDK's
// default, a second, is for workers; on a loaded test machine a slow
// scheduler alone can exceed it.
const deadlockTimeout = 10 * time.Second

// newEnv starts a fresh workflow environment at start over the same stores.
func (f *fixture) newEnv(start time.Time) {
	var s testsuite.WorkflowTestSuite
	f.env = s.NewTestWorkflowEnvironment()
	f.env.SetStartTime(start)
	// On a busy machine one activity, or one workflow task, may take seconds.
	f.env.SetTestTimeout(time.Minute)
	f.env.SetWorkerOptions(worker.Options{DeadlockDetectionTimeout: deadlockTimeout})
	faults := &upgrade.Faults{Store: f.platform, Now: f.env.Now}
	f.acts = &upgrade.Activities{Legacy: f.legacy, Platform: f.platform, Billing: f.billing, Notifier: f.notes,
		Importer: smallBatches(importer.New(f.legacy, f.platform, nil)), Rules: chatlift.DefaultScheduleRules,
		Reverse: &importer.Verifier{From: f.platform, To: f.legacy, Range: 7},
		Faults:  faults, Now: f.env.Now, OnStep: f.onStep}
	upgrade.Register(f.env, f.acts)
}

func (f *fixture) onStep(_, step, phase string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events = append(f.events, phase+":"+step)
}

func (f *fixture) upgrade(t *testing.T) *chatlift.Upgrade {
	t.Helper()
	u, err := f.platform.Upgrade(context.Background(), "u1")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// legacyChecksum hashes every legacy row of the account, secrets included.
func (f *fixture) legacyChecksum(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	id := f.account
	var parts []any
	add := func(v any, err error) {
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, v)
	}
	add(f.legacy.ChatAccount(ctx, id))
	add(f.legacy.Agents(ctx, id))
	for _, k := range chatlift.ObjectKinds {
		add(f.legacy.Objects(ctx, id, k))
	}
	add(f.legacy.Chats(ctx, chatlift.ChatFilter{AccountID: id, Limit: chatlift.MaxLimit}))
	add(f.legacy.Visitors(ctx, chatlift.KeyFilter{AccountID: id, Limit: chatlift.MaxLimit}))
	add(f.legacy.Analytics(ctx, chatlift.KeyFilter{AccountID: id, Limit: chatlift.MaxLimit}))
	clients, err := f.legacy.OAuthClients(ctx, id)
	add(clients, err)
	for _, c := range clients {
		parts = append(parts, c.SecretHash)
	}
	tokens, err := f.legacy.OAuthTokens(ctx, id)
	add(tokens, err)
	for _, tok := range tokens {
		parts = append(parts, tok.TokenHash, tok.RefreshHash)
	}
	return hashJSON(t, parts)
}

// platformUsersChecksum hashes the support users of the account.
func (f *fixture) platformUsersChecksum(t *testing.T) string {
	t.Helper()
	users, err := f.platform.Users(context.Background(), f.account)
	if err != nil {
		t.Fatal(err)
	}
	return hashJSON(t, users)
}

func hashJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// smallBatches makes the import take many batches on a small account.
func smallBatches(h *importer.History) *importer.History {
	h.Copier.Batch, h.Verifier.Range = 5, 7
	return h
}
