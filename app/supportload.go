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

	mu       sync.Mutex
	samples  []loadSample
	errors   int
	firstErr string
}

// loadSample is one answered request: when it was sent, its kind and how
// long its answer took.
type loadSample struct {
	at   time.Time
	kind string
	took time.Duration
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

// run sends the load until ctx ends and returns its figures, and the
// figures of the requests sent before and after split (zero: none).
func (l *supportLoad) run(ctx context.Context, split time.Time) (all, before, after loadFigures) {
	l.mu.Lock()
	l.samples, l.errors, l.firstErr = nil, 0, ""
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
	return l.figures(split)
}

// figures are the figures of the requests recorded since run began, and
// those of the requests sent before and after split (zero: none).
func (l *supportLoad) figures(split time.Time) (all, before, after loadFigures) {
	l.mu.Lock()
	defer l.mu.Unlock()
	// In the order they were sent (the clients' answers come in any order).
	slices.SortStableFunc(l.samples, func(a, b loadSample) int { return a.at.Compare(b.at) })
	all = latencyFigures(l.samples)
	all.Errors, all.FirstErr = l.errors, l.firstErr
	if !split.IsZero() {
		i, _ := slices.BinarySearchFunc(l.samples, split, func(s loadSample, t time.Time) int { return s.at.Compare(t) })
		before, after = latencyFigures(l.samples[:i]), latencyFigures(l.samples[i:])
	}
	return all, before, after
}

// latencyFigures are the latency figures of samples.
func latencyFigures(samples []loadSample) loadFigures {
	f := loadFigures{Requests: len(samples), P99By: map[string]time.Duration{}}
	if len(samples) == 0 {
		return f
	}
	all := make([]time.Duration, 0, len(samples))
	by := map[string][]time.Duration{}
	for _, s := range samples {
		all = append(all, s.took)
		by[s.kind] = append(by[s.kind], s.took)
	}
	for kind, d := range by {
		slices.Sort(d)
		f.P99By[kind] = percentile(d, 0.99)
	}
	slices.Sort(all)
	f.P50, f.P99, f.Max = percentile(all, 0.50), percentile(all, 0.99), all[len(all)-1]
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
		l.record(loadSample{at: start, kind: kind, took: time.Since(start)}, err)
	}
}

func (l *supportLoad) record(s loadSample, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.samples = append(l.samples, s)
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
