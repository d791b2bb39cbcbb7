package console

import (
	"context"
	"embed"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/internal/webui"
	"github.com/chatlift/chatlift/ratelimit"
)

// Store is what the console reads and writes in the platform database:
// its sessions and batches too.
type Store interface {
	webui.SessionStore
	Upgrade(ctx context.Context, id string) (*chatlift.Upgrade, error)
	Upgrades(ctx context.Context, f chatlift.UpgradeFilter) ([]*chatlift.Upgrade, error)
	UpgradeCounts(ctx context.Context) (map[string]int, error)
	DowntimeHistogram(ctx context.Context, bounds []time.Duration) ([]int, error)
	CompletedPerPeriod(ctx context.Context, from time.Time, period time.Duration, n int) ([]int, error)
	ImportThroughput(ctx context.Context, from, to time.Time) ([]chatlift.ThroughputMinute, error)
	UpcomingSlots(ctx context.Context, from time.Time, limit int) ([]chatlift.SlotFill, error)
	SlotBookings(ctx context.Context, slot time.Time) (int, error)
	Notifications(ctx context.Context, accountID int64) ([]*chatlift.Notification, error)
	EmailsByKey(ctx context.Context, keys []string) ([]*chatlift.Email, error)
	AddAuditEntry(ctx context.Context, e *chatlift.AuditEntry) error
	AuditEntries(ctx context.Context, upgradeID string, limit int) ([]*chatlift.AuditEntry, error)
	PostponeRequests(ctx context.Context, upgradeID string) ([]*chatlift.PostponeRequest, error)
	PendingPostponeRequests(ctx context.Context, limit int) ([]*chatlift.PostponeRequest, error)
	AnswerPostponeRequest(ctx context.Context, p *chatlift.PostponeRequest) error
	ImportSettings(ctx context.Context) (chatlift.ImportSettings, error)
	PutImportSettings(ctx context.Context, s chatlift.ImportSettings) error
	ActiveImportLeases(ctx context.Context, now time.Time) (int, error)
	CreateBatchAction(ctx context.Context, b *chatlift.BatchAction, upgradeIDs []string) error
	BatchAction(ctx context.Context, id string) (*chatlift.BatchAction, error)
	UnfinishedBatchActions(ctx context.Context) ([]*chatlift.BatchAction, error)
	ClaimBatchItem(ctx context.Context, batchID string, now time.Time) (*chatlift.BatchItem, error)
	RecordBatchItem(ctx context.Context, batchID, upgradeID, result string) error
	BatchItems(ctx context.Context, f chatlift.BatchItemFilter) ([]*chatlift.BatchItem, error)
	FinishBatchAction(ctx context.Context, id string, at time.Time) (bool, error)
}

var _ Store = chatlift.PlatformStore(nil)

// Accounts finds a legacy chat account, for its time zone.
type Accounts interface {
	ChatAccount(ctx context.Context, id int64) (*chatlift.ChatAccount, error)
}

// Upgrades carries out operator actions: the upgrade's workflow accepts
// and does them, or refuses them with the reason.
type Upgrades interface {
	Act(ctx context.Context, upgradeID, action string) (*chatlift.Upgrade, error)
	Reschedule(ctx context.Context, upgradeID string, at time.Time) (*chatlift.Upgrade, error)
}

// Console is the operator console's HTTP handler, mounted at /console/.
type Console struct {
	Store    Store
	Accounts Accounts
	Upgrades Upgrades
	// OperatorToken is what the operator signs in with.
	OperatorToken string
	// Rules are the fleet's schedule rules, to offer free slots.
	Rules chatlift.ScheduleRules
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives errors; required.
	Logger *slog.Logger
	// SessionTTL is how long a session lasts; 0 means 12 hours.
	SessionTTL time.Duration
	// ResumeEvery is how often, once started, the console looks for
	// batches no process is running; 0 means 30 seconds.
	ResumeEvery time.Duration

	handler  webui.Handler
	once     sync.Once // init
	sessions *webui.Sessions[string]
	signIns  *ratelimit.Keyed
	batches  *running
	ctx      context.Context // the batches' context, cancelled by Stop
	stop     context.CancelFunc
	workers  sync.WaitGroup
}

// maxFormBytes caps every form the console reads.
const maxFormBytes = 64 << 10

//go:embed templates/*.html
var templateFS embed.FS

func (c *Console) now() time.Time { return webui.Now(c.Now) }

// ServeHTTP serves the console's pages.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.handler.Serve(w, r, "/console/", c.routes)
}

func (c *Console) init() {
	ttl := webui.SessionTTL(c.SessionTTL)
	c.sessions = webui.NewSessions[string](c.Store, chatlift.FaceConsole, ttl, maxSessions, c.Logger)
	c.signIns = ratelimit.New(signInInterval, signInBurst, 10000)
	c.batches = &running{ids: map[string]bool{}}
	c.ctx, c.stop = context.WithCancel(context.Background())
}

func (c *Console) routes(m *http.ServeMux) {
	c.once.Do(c.init)
	m.HandleFunc("GET /console/sign-in", c.signInPage)
	m.HandleFunc("POST /console/sign-in", c.signIn)
	m.HandleFunc("POST /console/sign-out", c.authed(c.signOut))
	m.HandleFunc("GET /console/{$}", c.authed(c.fleet))
	m.HandleFunc("GET /console/upgrades", c.authed(c.list))
	m.HandleFunc("GET /console/upgrades.csv", c.authed(c.exportCSV))
	m.HandleFunc("GET /console/upgrades/{id}", c.authed(c.upgradePage))
	m.HandleFunc("GET /console/upgrades/{id}/progress", c.authed(c.progress))
	m.HandleFunc("GET /console/upgrades/{id}/{action}", c.authed(c.confirmAction))
	m.HandleFunc("POST /console/upgrades/{id}/{action}", c.authed(c.doAction))
	m.HandleFunc("GET /console/upgrades/{id}/postpone/{req}", c.authed(c.answerPage))
	m.HandleFunc("POST /console/upgrades/{id}/postpone/{req}", c.authed(c.answer))
	m.HandleFunc("GET /console/imports", c.authed(c.throttle(false)))
	m.HandleFunc("GET /console/imports/confirm", c.authed(c.throttle(true)))
	m.HandleFunc("POST /console/imports", c.authed(c.setThrottle))
	m.HandleFunc("GET /console/batch", c.authed(c.confirmBatch))
	m.HandleFunc("POST /console/batch", c.authed(c.startBatch))
	m.HandleFunc("GET /console/batches/{id}", c.authed(c.batchPage))
	m.HandleFunc("/console/", c.authed(func(w http.ResponseWriter, r *http.Request, _ *session) {
		c.fail(w, r, nil, chatlift.Errorf(chatlift.ENOTFOUND, "no page at %s", r.URL.Path))
	}))
}

// Start finishes the batches a stopped process left unfinished, now and
// every ResumeEvery, until ctx ends or Stop.
func (c *Console) Start(ctx context.Context) {
	c.once.Do(c.init)
	every := c.ResumeEvery
	if every == 0 {
		every = resumeEvery
	}
	c.workers.Go(func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			c.resumeBatches(c.ctx)
			select {
			case <-ctx.Done():
				return
			case <-c.ctx.Done():
				return
			case <-t.C:
			}
		}
	})
}

// Stop stops the batches: no upgrade is claimed any more, and Stop returns
// once the actions under way are done and recorded.
func (c *Console) Stop() {
	c.once.Do(c.init)
	c.stop()
	c.workers.Wait()
}
