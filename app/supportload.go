package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/chatlift/chatlift/seed"
)

// supportLoad is a steady load on the support API: each client, acting as
// one account's support owner, sends a request every interval (a ticket
// created, shown, then the tickets listed, in turn) and records how long
// each answer took. A client has at most one request out: one tick that
// falls meanwhile waits for it, further ones are dropped (so a slow span
// sends fewer requests, and its p99 understates what an open-loop caller
// would see).
type supportLoad struct {
	base     string // the server's URL
	http     *http.Client
	clients  []*seed.Credentials
	interval time.Duration

	mu        sync.Mutex
	latencies map[string][]time.Duration // by request kind
	errors    int
	firstErr  string
}

// The kinds of request the load sends, in turn.
var loadRequests = []string{"create", "show", "list"}

// loadFigures are the figures of one span of load.
type loadFigures struct {
	Requests int
	Errors   int
	FirstErr string
	P50, P99 time.Duration
	Max      time.Duration
	// P99By is the p99 of each kind of request.
	P99By map[string]time.Duration
}

// run sends the load until ctx ends and returns its figures.
func (l *supportLoad) run(ctx context.Context) loadFigures {
	l.mu.Lock()
	l.latencies, l.errors, l.firstErr = map[string][]time.Duration{}, 0, ""
	l.mu.Unlock()
	var wg sync.WaitGroup
	for _, c := range l.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.client(ctx, c)
		}()
	}
	wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	f := loadFigures{Errors: l.errors, FirstErr: l.firstErr, P99By: map[string]time.Duration{}}
	var all []time.Duration
	for kind, d := range l.latencies {
		slices.Sort(d)
		f.P99By[kind] = percentile(d, 0.99)
		all = append(all, d...)
	}
	if f.Requests = len(all); f.Requests > 0 {
		slices.Sort(all)
		f.P50, f.P99, f.Max = percentile(all, 0.50), percentile(all, 0.99), all[len(all)-1]
	}
	return f
}

// client is one caller's loop.
func (l *supportLoad) client(ctx context.Context, c *seed.Credentials) {
	tick := time.NewTicker(l.interval)
	defer tick.Stop()
	var ticket int64 // the last ticket created, shown next
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		var err error
		start := time.Now()
		kind := loadRequests[i%len(loadRequests)]
		switch kind {
		case "create":
			var out struct {
				Ticket struct {
					ID int64 `json:"id"`
				} `json:"ticket"`
			}
			body := fmt.Sprintf(`{"ticket":{"subject":"Load %d","comment":{"body":"A steady support request."}}}`, i)
			if err = l.call(ctx, c, http.MethodPost, "/api/v2/tickets.json", body, http.StatusCreated, &out); err == nil {
				ticket = out.Ticket.ID
			}
		case "show":
			err = l.call(ctx, c, http.MethodGet, fmt.Sprintf("/api/v2/tickets/%d.json", ticket), "", http.StatusOK, nil)
		default:
			err = l.call(ctx, c, http.MethodGet, "/api/v2/tickets.json?per_page=25", "", http.StatusOK, nil)
		}
		if ctx.Err() != nil { // cut short by the end of the span: not counted
			return
		}
		l.record(kind, time.Since(start), err)
	}
}

func (l *supportLoad) record(kind string, d time.Duration, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.latencies[kind] = append(l.latencies[kind], d)
	if err != nil {
		if l.errors == 0 {
			l.firstErr = err.Error()
		}
		l.errors++
	}
}

// call sends one request as c's support owner and checks its status.
func (l *supportLoad) call(ctx context.Context, c *seed.Credentials, method, path, body string, want int, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, l.base+path, bytes.NewBufferString(body))
	if err != nil {
		return err
	}
	req.SetBasicAuth(c.SupportOwnerEmail+"/token", c.SupportAPIToken)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := l.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	switch {
	case err != nil:
		return fmt.Errorf("%s %s: %w", method, path, err)
	case resp.StatusCode != want:
		return fmt.Errorf("%s %s: %s: %.200s", method, path, resp.Status, b)
	case out != nil:
		return json.Unmarshal(b, out)
	}
	return nil
}

// percentile is the q-th quantile of sorted (nearest rank).
func percentile[T any](sorted []T, q float64) T {
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}
