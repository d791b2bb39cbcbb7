package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi"
	"github.com/chatlift/chatlift/seed"
	"github.com/chatlift/chatlift/throttle"
	"github.com/chatlift/chatlift/upgrade"
)

// CutoverBench is what `chatlift bench cutover` measures: the real server,
// in this process, upgrading every account of a fleet and reverting a
// quarter of them while live conversations and API clients run throughout.
type CutoverBench struct {
	Accounts, ConversationsPerAccount int
	// Every is how often each visitor sends, each conversation's agent
	// answers and each account's API client polls.
	Every time.Duration
	// DataDir holds the run's data directory (a temporary directory when
	// empty); Keep leaves it behind.
	DataDir string
	Keep    bool
	// DatabaseURL, when set, is a PostgreSQL server on which a database is
	// made for the run's stores (and dropped after it, unless Keep);
	// empty: SQLite in the data dir.
	DatabaseURL string
	// Logger gets the server's log; nil discards it.
	Logger *slog.Logger
	BenchProgress
}

// CutoverBenchReport is one run's figures.
type CutoverBenchReport struct {
	Store string `json:"store"` // sqlite or postgres
	// DataDir and Database (its name, on PostgreSQL) are what --keep kept.
	DataDir                 string   `json:"data_dir,omitempty"`
	Database                string   `json:"database,omitempty"`
	Accounts                int      `json:"accounts"`
	Conversations           int      `json:"conversations"`
	Upgrades                int      `json:"upgrades"` // completed
	Reverts                 int      `json:"reverts"`  // reverted
	MessagesSent            int64    `json:"messages_sent"`
	MessagesDelivered       int64    `json:"messages_delivered"`
	MessagesLost            int64    `json:"messages_lost"`
	MessagesDuplicated      int64    `json:"messages_duplicated"`
	MessagesOutOfOrder      int64    `json:"messages_out_of_order"`
	SendsFailed             int64    `json:"sends_failed"` // never answered, even sent again
	APIRequests             int64    `json:"api_requests"`
	API5xx                  int64    `json:"api_5xx"`
	API429                  int64    `json:"api_429"`
	APINoAnswer             int64    `json:"api_no_answer"` // the connection failed before an answer
	Reauthorizations        int64    `json:"reauthorizations"`
	RequestsHeld            int64    `json:"requests_held"` // held through a freeze (docs/hold.md)
	StreamReconnects        int64    `json:"stream_reconnects"`
	MaxAddedLatencyMS       int64    `json:"max_added_latency_ms"`
	ChatDowntimeP99MS       int64    `json:"chat_downtime_p99_ms"`
	RevertDowntimeP99MS     int64    `json:"revert_downtime_p99_ms"`
	RevertRowsReverseSynced int64    `json:"revert_rows_reverse_synced"`
	RevertRowsLost          int64    `json:"revert_rows_lost"`
	Seconds                 float64  `json:"seconds"`
	Errors                  []string `json:"errors,omitempty"` // the first unexpected answers
}

// benchChats is how many chats of history each account is seeded with.
const benchChats = 10

// benchAccountLoad is one account of the cutover bench: its agent and its conversations.
type benchAccountLoad struct {
	cred  *seed.Credentials
	agent *benchAgent
	convs []*benchConv
}

// Run starts the server, seeds the fleet, starts the conversations and
// clients, upgrades every account, reverts a quarter, stops the load and
// checks every conversation against its store.
func (b *CutoverBench) Run(ctx context.Context) (*CutoverBenchReport, error) {
	if b.Accounts < 1 || b.ConversationsPerAccount < 1 || b.Accounts*b.ConversationsPerAccount > 60_000 {
		return nil, chatlift.Errorf(chatlift.EINVALID, "--accounts and --conversations-per-account must be at least 1, and 60,000 conversations at most")
	}
	if b.Every <= 0 {
		b.Every = time.Second
	}
	began := time.Now()
	dir, err := os.MkdirTemp(b.DataDir, "chatlift-bench-cutover-")
	if err != nil {
		return nil, fmt.Errorf("bench directory: %w", err)
	}
	if !b.Keep {
		defer os.RemoveAll(dir)
	}
	b.phase("starting the server and seeding", 1)
	db := &benchDB{} // SQLite in dir
	if b.DatabaseURL != "" {
		if db, err = benchDatabase(ctx, b.DatabaseURL, "chatlift_cutover_bench"); err != nil {
			return nil, err
		}
		if !b.Keep {
			defer db.Drop() // deferred before the server's Close: runs after it
		}
	}
	srv, err := b.start(ctx, dir, db.URL)
	if err != nil {
		return nil, err
	}
	b.progress(1)
	defer func() {
		closing, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		srv.Close(closing)
	}()
	stats := &benchStats{}
	ops := &benchOps{benchHTTP: newBenchHTTP(srv.HTTP.URL(), stats, 1), auth: "Bearer " + srv.OperatorToken}
	accounts, err := b.open(ctx, dir, srv.HTTP.URL(), stats)
	if err != nil {
		return nil, err
	}
	r := &CutoverBenchReport{Store: srv.Stores.Platform.Dialect(), Accounts: len(accounts), Conversations: len(accounts) * b.ConversationsPerAccount}
	if b.Keep {
		r.DataDir, r.Database = dir, db.Name
	}

	loadCtx, stopStreams := context.WithCancel(ctx)
	defer stopStreams()
	stop := make(chan struct{})
	talking := b.startLoad(loadCtx, accounts, stop)
	throttle.Sleep(ctx, 2*b.Every) // the conversations are under way before the first freeze

	upgrades, err := b.upgradeAll(ctx, ops, accounts, r)
	if err == nil {
		err = b.revertQuarter(ctx, ops, upgrades, r)
	}
	throttle.Sleep(ctx, 2*b.Every) // and go on after the last
	close(stop)
	talking.Wait()
	if err != nil {
		return nil, err
	}
	b.phase("checking conversations", int64(r.Conversations))
	if err := b.check(ctx, srv, accounts, r); err != nil {
		return nil, err
	}
	stopStreams()
	r.RequestsHeld = ops.counter(ctx, "chatlift_hold_requests_held_total")
	stats.report(r)
	r.Seconds = time.Since(began).Seconds()
	return r, nil
}

// start starts the real server on a loopback port with a fresh fleet, its
// stores at databaseURL (empty: SQLite in dir).
func (b *CutoverBench) start(ctx context.Context, dir, databaseURL string) (*Serve, error) {
	logger := b.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	srv, err := StartServe(ctx, ServeConfig{Addr: "127.0.0.1:0", DataDir: dir, DatabaseURL: databaseURL, Namespace: "default",
		Demo:   seed.Spec{Accounts: b.Accounts, ChatsPerAccount: benchChats, Seed: 1},
		Logger: logger, Out: io.Discard, Version: "bench", Rules: chatlift.DefaultScheduleRules,
		RevertWindow: upgrade.DefaultRevertWindow, HTTPLimits: httpapi.Limits{MaxConnections: b.connections()}})
	if err != nil {
		return nil, fmt.Errorf("start the server: %w", err)
	}
	return srv, nil
}

// connections is the server's --http-max-connections for the bench's
// clients: each visitor holds two connections (its stream and its sends),
// each account's agent up to one per conversation and its poller's, and
// the operator a few. A server sized below its clients would keep new
// connections waiting until others close.
func (b *CutoverBench) connections() int {
	need := b.Accounts*(3*b.ConversationsPerAccount+1) + 16
	return max(need, httpapi.DefaultLimits().MaxConnections)
}

// open reads the fleet's credentials, gives every account its agent and
// starts its conversations, each visitor on its own address.
func (b *CutoverBench) open(ctx context.Context, dir, base string, stats *benchStats) ([]*benchAccountLoad, error) {
	var creds []*seed.Credentials
	raw, err := os.ReadFile(filepath.Join(dir, "demo-credentials.json"))
	if err == nil {
		err = json.Unmarshal(raw, &creds)
	}
	if err != nil {
		return nil, fmt.Errorf("the fleet's credentials: %w", err)
	}
	b.phase("starting conversations", int64(len(creds)*b.ConversationsPerAccount))
	next := 1 << 16 // 127.1.0.0 on: the operator is 127.0.0.1
	started := int64(0)
	var accounts []*benchAccountLoad
	for _, cred := range creds {
		client, err := confidentialClient(cred)
		if err != nil {
			return nil, err
		}
		a := &benchAccountLoad{cred: cred, agent: &benchAgent{benchHTTP: newBenchHTTP(base, stats, next), cred: cred, client: client, token: cred.ChatAccessToken}}
		next++
		status, body, err := a.agent.call(ctx, "poll", "GET", "/api/v2/chat/widget", nil, time.Now().Add(time.Minute))
		var widget struct {
			WidgetKey string `json:"widget_key"`
		}
		if err != nil || status != http.StatusOK || json.Unmarshal(body, &widget) != nil {
			return nil, fmt.Errorf("account %d: widget key: %d %s (%v)", cred.AccountID, status, body, err)
		}
		for i := range b.ConversationsPerAccount {
			c := &benchConv{visitor: newBenchHTTP(base, stats, next), agent: a.agent, key: widget.WidgetKey}
			next++
			if err := c.start(ctx, fmt.Sprintf("Visitor %d-%d", cred.AccountID, i+1)); err != nil {
				return nil, fmt.Errorf("account %d: %w", cred.AccountID, err)
			}
			a.convs = append(a.convs, c)
			started++
			b.progress(started)
		}
		accounts = append(accounts, a)
	}
	return accounts, nil
}

// startLoad starts, for every conversation, its visitor, its agent and its
// stream, and for every account a client polling the chat API. The
// senders and pollers end when stop is closed (the returned group waits
// for them), the streams when ctx ends.
func (b *CutoverBench) startLoad(ctx context.Context, accounts []*benchAccountLoad, stop <-chan struct{}) *sync.WaitGroup {
	var talking sync.WaitGroup
	for _, a := range accounts {
		talking.Go(func() { a.poll(ctx, stop, b.Every) })
		for _, c := range a.convs {
			go c.follow(ctx)
			talking.Go(func() { c.talk(ctx, 0, stop, b.Every) })
			talking.Go(func() { c.talk(ctx, 1, stop, b.Every) })
		}
	}
	return &talking
}

// poll reads the account's conversations and chats through the chat API,
// as an integration does, every interval until stop is closed.
func (a *benchAccountLoad) poll(ctx context.Context, stop <-chan struct{}, every time.Duration) {
	paths := []string{"/api/v2/chat/conversations?state=all", "/api/v2/chat/chats?limit=10"}
	for n := 0; ; n++ {
		select {
		case <-stop:
			return
		case <-time.After(every):
		}
		status, body, err := a.agent.call(ctx, "poll", "GET", paths[n%len(paths)], nil, time.Now().Add(time.Minute))
		if err != nil || status != http.StatusOK {
			a.agent.stats.note(fmt.Sprintf("account %d: poll: %d %s (%v)", a.cred.AccountID, status, body, err))
		}
	}
}

// p99 is the 99th percentile of xs (0 for none).
func p99(xs []int64) int64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return percentile(s, 0.99)
}
