package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/seed"
	"github.com/chatlift/chatlift/throttle"
)

// benchStats counts every request the cutover bench makes and how long
// each took, by kind.
type benchStats struct {
	mu                     sync.Mutex
	requests, fiveXX, x429 int64
	broken                 int64 // no answer: the connection failed
	reauthorizations       int64
	latency                map[string][]time.Duration
	errors                 []string // the first few unexpected answers
}

// maxBenchErrors is how many unexpected answers a report lists.
const maxBenchErrors = 20

func (s *benchStats) record(kind string, d time.Duration, status int, what string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	if s.latency == nil {
		s.latency = map[string][]time.Duration{}
	}
	s.latency[kind] = append(s.latency[kind], d)
	switch {
	case status == 0:
		s.broken++
		s.noteLocked(what + ": no answer")
	case status >= 500:
		s.fiveXX++
		s.noteLocked(fmt.Sprintf("%s: %d %s", what, status, bytes.TrimSpace(body)))
	case status == http.StatusTooManyRequests:
		s.x429++
	}
}

func (s *benchStats) note(msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noteLocked(msg)
}

func (s *benchStats) noteLocked(msg string) {
	if len(s.errors) < maxBenchErrors {
		s.errors = append(s.errors, msg)
	}
}

// report puts the counts into r.
func (s *benchStats) report(r *CutoverBenchReport) {
	r.APIRequests, r.API5xx, r.API429, r.APINoAnswer = s.requests, s.fiveXX, s.x429, s.broken
	r.Reauthorizations, r.Errors = s.reauthorizations, s.errors
	r.MaxAddedLatencyMS = s.maxAddedLatency().Milliseconds()
}

// maxAddedLatency is the longest any request took beyond the median of
// its kind: how long the slowest request was held.
func (s *benchStats) maxAddedLatency() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	var most time.Duration
	for _, ds := range s.latency {
		sorted := slices.Clone(ds)
		slices.Sort(sorted)
		most = max(most, sorted[len(sorted)-1]-sorted[len(sorted)/2])
	}
	return most
}

// benchHTTP is one client of the bench: its own source address on the
// loopback network (127.0.0.0/8), as distinct visitors and agents have
// theirs, so that per-address limits count each alone.
type benchHTTP struct {
	base  string
	stats *benchStats
	hc    *http.Client
}

// newBenchHTTP is a client at loopback address 127.a.b.c for n (n < 2^24).
func newBenchHTTP(base string, stats *benchStats, n int) *benchHTTP {
	ip := net.IPv4(127, byte(n>>16), byte(n>>8), byte(n))
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}, Timeout: 10 * time.Second}
	// At most half the server's connections per address: requests beyond
	// wait for a connection here instead of being refused there.
	transport := &http.Transport{DialContext: dialer.DialContext, MaxConnsPerHost: 32, MaxIdleConnsPerHost: 8, IdleConnTimeout: 30 * time.Second}
	return &benchHTTP{base: base, stats: stats, hc: &http.Client{Transport: transport}}
}

// call sends one request (a JSON body, or a form when body is url.Values)
// and records it; a transport error is returned as such and recorded as a
// request without a status.
func (c *benchHTTP) call(ctx context.Context, kind, method, path, auth string, body any) (int, []byte, error) {
	req, err := c.request(ctx, method, path, auth, body)
	if err != nil {
		return 0, nil, err
	}
	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		c.stats.record(kind, time.Since(start), 0, method+" "+path, nil)
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	c.stats.record(kind, time.Since(start), resp.StatusCode, method+" "+path, b)
	return resp.StatusCode, b, err
}

func (c *benchHTTP) request(ctx context.Context, method, path, auth string, body any) (*http.Request, error) {
	var rd io.Reader
	contentType := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, contentType = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			return nil, err
		}
		rd, contentType = bytes.NewReader(j), "application/json"
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	return req, nil
}

// retryable tells an answer worth sending again (the same request, with the
// same client message id): none, a 5xx or a 429, after how long.
func retryable(status int, err error) (bool, time.Duration) {
	switch {
	case err != nil, status >= 500:
		return true, 100 * time.Millisecond
	case status == http.StatusTooManyRequests:
		return true, 500 * time.Millisecond
	}
	return false, 0
}

// benchAgent is one account's agent: it holds an access token and, when
// the token stops working (the switch, the revert), re-authorizes through
// the OAuth token endpoint as a real agent's app would.
type benchAgent struct {
	*benchHTTP
	cred   *seed.Credentials
	client seed.ClientCredentials

	mu    sync.Mutex
	token string
	gen   int // counts the tokens
}

func (a *benchAgent) current() (string, int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.token, a.gen
}

// reauthorize gets a new token by the password grant unless another caller
// did since gen.
func (a *benchAgent) reauthorize(ctx context.Context, gen int) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.gen != gen {
		return nil
	}
	form := url.Values{"grant_type": {"password"}, "username": {a.cred.ChatOwnerEmail}, "password": {a.cred.ChatOwnerPassword},
		"scope": {"read write"}, "client_id": {a.client.ClientIdentifier}, "client_secret": {a.client.ClientSecret}}
	deadline := time.Now().Add(time.Minute)
	for {
		status, b, err := a.benchHTTP.call(ctx, "token", "POST", "/oauth2/chat/token", "", form)
		var out struct {
			AccessToken string `json:"access_token"`
		}
		if err == nil && status == http.StatusOK && json.Unmarshal(b, &out) == nil && out.AccessToken != "" {
			a.token, a.gen = out.AccessToken, a.gen+1
			a.stats.mu.Lock()
			a.stats.reauthorizations++
			a.stats.mu.Unlock()
			return nil
		}
		again, wait := retryable(status, err)
		if !again || time.Now().After(deadline) || throttle.Sleep(ctx, wait) != nil {
			return fmt.Errorf("account %d: re-authorize: %d %s (%v)", a.cred.AccountID, status, b, err)
		}
	}
}

// call sends a chat API request with the agent's token, re-authorizing
// and sending again on 401, and again on a 5xx or a 429, until deadline.
func (a *benchAgent) call(ctx context.Context, kind, method, path string, body any, deadline time.Time) (int, []byte, error) {
	for {
		token, gen := a.current()
		status, b, err := a.benchHTTP.call(ctx, kind, method, path, "Bearer "+token, body)
		if status == http.StatusUnauthorized && time.Now().Before(deadline) {
			if err := a.reauthorize(ctx, gen); err != nil {
				return status, b, err
			}
			continue
		}
		again, wait := retryable(status, err)
		if !again || time.Now().After(deadline) || throttle.Sleep(ctx, wait) != nil {
			return status, b, err
		}
	}
}

// confidentialClient is the first of the account's OAuth clients that may
// use the password grant with the write scope.
func confidentialClient(c *seed.Credentials) (seed.ClientCredentials, error) {
	for _, x := range c.OAuthClients {
		if x.ClientType == chatlift.ClientConfidential {
			return x, nil
		}
	}
	return seed.ClientCredentials{}, fmt.Errorf("account %d has no confidential OAuth client", c.AccountID)
}
