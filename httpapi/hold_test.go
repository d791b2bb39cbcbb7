package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/billing"
	"github.com/chatlift/chatlift/chathome"
	"github.com/chatlift/chatlift/httpapi"
	"github.com/chatlift/chatlift/httpapi/api"
	"github.com/chatlift/chatlift/seed"
	"github.com/chatlift/chatlift/upgrade"
)

// reply is an HTTP answer, read.
type reply struct {
	status int
	header http.Header
	body   []byte
	err    error
}

// sendAsync sends req in the background; its answer comes on the channel.
func sendAsync(req *http.Request) <-chan reply {
	out := make(chan reply, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			out <- reply{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		out <- reply{resp.StatusCode, resp.Header, b, err}
	}()
	return out
}

// answered waits for a background request's answer.
func answered(t *testing.T, c <-chan reply) reply {
	t.Helper()
	select {
	case r := <-c:
		if r.err != nil {
			t.Fatal(r.err)
		}
		return r
	case <-time.After(20 * time.Second):
		t.Fatal("the request was never answered")
		return reply{}
	}
}

// chatRequest is a chat API GET with a bearer token, under ctx.
func (e *env) chatRequest(t *testing.T, ctx context.Context, path, token string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, "GET", e.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	return req
}

// tokenRequest asks the token endpoint for a client_credentials token.
func (e *env) tokenRequest(t *testing.T, id, secret string) *http.Request {
	t.Helper()
	req, err := http.NewRequest("POST", e.URL+"/oauth2/chat/token", strings.NewReader("grant_type=client_credentials&scope=read"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	return req
}

// metric is the value of the sample named name on the server's /metrics.
func (e *env) metric(t *testing.T, name string) float64 {
	t.Helper()
	_, b := do(t, e.chatRequest(t, context.Background(), "/metrics", ""))
	for sc := bufio.NewScanner(bytes.NewReader(b)); sc.Scan(); {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}

// untilHeld waits until n requests are held.
func (e *env) untilHeld(t *testing.T, n float64) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); e.metric(t, "chatlift_hold_requests_waiting") != n; {
		if time.Now().After(deadline) {
			t.Fatalf("%v requests held, want %v", e.metric(t, "chatlift_hold_requests_waiting"), n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// wantCounts fails unless the hold's counters are as given.
func (e *env) wantCounts(t *testing.T, want map[string]float64) {
	t.Helper()
	for name, n := range want {
		if got := e.metric(t, "chatlift_hold_requests_"+name+"_total"); got != n {
			t.Errorf("%s = %v, want %v", name, got, n)
		}
	}
}

// setState sets the account's legacy state, as the cutover's steps do.
func (e *env) setState(t *testing.T, id int64, state string) {
	t.Helper()
	if _, err := e.Legacy.SetChatAccountState(context.Background(), id, state); err != nil {
		t.Fatal(err)
	}
}

// pausedCutover is a real cutover of an account, run by the upgrade's
// activities, stopped right after the freeze until resumed.
type pausedCutover struct {
	acts            *upgrade.Activities
	frozen, resumed chan struct{}
	done            chan error
}

// startCutover starts the cutover of the account (its upgrade "u1"
// prepared) and returns once its chat is frozen.
func (e *env) startCutover(t *testing.T, id int64, faults *upgrade.Faults) *pausedCutover {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	if err := e.Platform.CreateUpgrade(ctx, &chatlift.Upgrade{ID: "u1", AccountID: id, State: chatlift.UpgradePreparing,
		Attempt: 1, RequestedBy: "operator", CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	c := &pausedCutover{frozen: make(chan struct{}), resumed: make(chan struct{}), done: make(chan error, 1)}
	c.acts = &upgrade.Activities{Legacy: e.Legacy, Platform: e.Platform, Billing: billing.Service{Store: e.Platform}, Faults: faults,
		OnStep: func(_, step, phase string) {
			if step == upgrade.StepCopyConfiguration && phase == "do" {
				close(c.frozen)
				<-c.resumed
			}
		}}
	go func() { _, err := c.acts.Cutover(ctx, "u1"); c.done <- err }()
	select {
	case <-c.frozen:
	case err := <-c.done:
		t.Fatalf("cutover ended before it froze chat: %v", err)
	}
	return c
}

// resume lets the cutover go on and returns its error.
func (c *pausedCutover) resume() error {
	close(c.resumed)
	return <-c.done
}

// TestHoldThroughACutover holds requests of an account while a real
// cutover has its chat frozen, with the server's default bounds.
func TestHoldThroughACutover(t *testing.T) {
	t.Parallel()
	t.Run("AnsweredByThePlatformAfterTheSwitch", func(t *testing.T) {
		t.Parallel()
		e := setup(t, 1, 2)
		id, legacyToken := e.Creds[0].AccountID, e.Creds[0].ChatAccessToken
		client := e.NewClient(t, legacyToken, nil)
		c := e.startCutover(t, id, nil)
		token := sendAsync(e.tokenRequest(t, client.ClientIdentifier, client.ClientSecret))
		chat := sendAsync(e.chatRequest(t, context.Background(), "/api/v2/chat/account", legacyToken))
		e.untilHeld(t, 2)
		if err := c.resume(); err != nil {
			t.Fatal(err)
		}
		r := answered(t, token)
		var issued struct {
			AccessToken string `json:"access_token"`
		}
		if r.status != http.StatusOK || json.Unmarshal(r.body, &issued) != nil {
			t.Fatalf("held token request: %d %s", r.status, r.body)
		}
		if _, err := e.Platform.OAuthTokenByHash(context.Background(), chatlift.HashSecret(issued.AccessToken)); err != nil {
			t.Fatalf("the token issued after the switch is not the platform's: %v", err)
		}
		e.Call(t, "GET", "/api/v2/chat/account", issued.AccessToken, nil, http.StatusOK, nil)
		if r := answered(t, chat); r.status != http.StatusUnauthorized {
			t.Fatalf("held request with a legacy token: %d %s; want 401 as after any switch", r.status, r.body)
		}
		e.wantCounts(t, map[string]float64{"held": 2, "released": 2, "expired": 0, "dropped": 0, "refused": 0})
	})
	t.Run("AnsweredByTheLegacyProductAfterARollback", func(t *testing.T) {
		t.Parallel()
		e := setup(t, 1, 2)
		id, token := e.Creds[0].AccountID, e.Creds[0].ChatAccessToken
		faults := &upgrade.Faults{Store: e.Platform}
		if err := faults.Set(context.Background(), id, upgrade.StepMergeUsers, upgrade.FaultError); err != nil {
			t.Fatal(err)
		}
		c := e.startCutover(t, id, faults)
		chat := sendAsync(e.chatRequest(t, context.Background(), "/api/v2/chat/account", token))
		e.untilHeld(t, 1)
		if err := c.resume(); err == nil {
			t.Fatal("the cutover switched despite its fault")
		}
		if _, err := c.acts.Rollback(context.Background(), "u1"); err != nil {
			t.Fatal(err)
		}
		if r := answered(t, chat); r.status != http.StatusOK || !bytes.Contains(r.body, []byte(`"id":`+itoa(id))) {
			t.Fatalf("held request after the rollback: %d %s", r.status, r.body)
		}
		e.wantCounts(t, map[string]float64{"held": 1, "released": 1})
	})
}

// wantUnavailable fails unless r is a 503 in the API's error shape with
// Retry-After.
func wantUnavailable(t *testing.T, r reply) {
	t.Helper()
	var body api.ErrorResponse
	if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" ||
		json.Unmarshal(r.body, &body) != nil || body.Error != chatlift.EUNAVAILABLE || body.Description == "" {
		t.Fatalf("%d %v %s; want 503 unavailable with Retry-After", r.status, r.header, r.body)
	}
}

// setupOneHeld is a server that holds one request at most, for 30 s, and
// its two accounts, both frozen.
func setupOneHeld(t *testing.T) (e *env, first, second *seed.Credentials) {
	t.Helper()
	e = setup(t, 2, 0, func(s *httpapi.Server) { s.Hold = chathome.HoldLimits{For: 30 * time.Second, Requests: 1} })
	for _, c := range e.Creds {
		e.setState(t, c.AccountID, chatlift.ChatAccountMaintenance)
	}
	return e, e.Creds[0], e.Creds[1]
}

func TestHoldBounds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("ErrPastTheLongestHold", func(t *testing.T) {
		t.Parallel()
		const bound = 100 * time.Millisecond
		e := setup(t, 1, 0, func(s *httpapi.Server) { s.Hold.For = bound })
		id, token := e.Creds[0].AccountID, e.Creds[0].ChatAccessToken
		client := e.NewClient(t, token, nil)
		e.setState(t, id, chatlift.ChatAccountMaintenance)
		start := time.Now()
		wantUnavailable(t, answered(t, sendAsync(e.chatRequest(t, ctx, "/api/v2/chat/chats", token))))
		r := answered(t, sendAsync(e.tokenRequest(t, client.ClientIdentifier, client.ClientSecret)))
		if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" || !bytes.Contains(r.body, []byte("temporarily_unavailable")) {
			t.Fatalf("token endpoint: %d %v %s", r.status, r.header, r.body)
		}
		if took := time.Since(start); took < 2*bound {
			t.Fatalf("answered after %s; want each held %s", took, bound)
		}
		e.wantCounts(t, map[string]float64{"held": 2, "expired": 2, "released": 0})
	})
	t.Run("ErrFleetFull", func(t *testing.T) {
		t.Parallel()
		e, first, second := setupOneHeld(t)
		held := sendAsync(e.chatRequest(t, ctx, "/api/v2/chat/account", first.ChatAccessToken))
		e.untilHeld(t, 1)
		start := time.Now()
		wantUnavailable(t, answered(t, sendAsync(e.chatRequest(t, ctx, "/api/v2/chat/account", second.ChatAccessToken))))
		if took := time.Since(start); took > 5*time.Second {
			t.Fatalf("refused after %s; want at once", took)
		}
		e.setState(t, first.AccountID, chatlift.ChatAccountActive)
		if r := answered(t, held); r.status != http.StatusOK {
			t.Fatalf("held request: %d %s", r.status, r.body)
		}
		e.wantCounts(t, map[string]float64{"held": 1, "released": 1, "refused": 1})
	})
	t.Run("DroppedWhenTheClientGoesAway", func(t *testing.T) {
		t.Parallel()
		e, first, second := setupOneHeld(t)
		gone, leave := context.WithCancel(ctx)
		write, err := http.NewRequestWithContext(gone, "POST", e.URL+"/api/v2/chat/departments", strings.NewReader(`{"name":"gone"}`))
		if err != nil {
			t.Fatal(err)
		}
		write.Header.Set("Authorization", "Bearer "+first.ChatAccessToken)
		dropped := sendAsync(write)
		e.untilHeld(t, 1)
		leave()
		if r := <-dropped; r.err == nil {
			t.Fatalf("a cancelled request answered %d", r.status)
		}
		e.untilHeld(t, 0) // at once, not after the 30 s
		next := sendAsync(e.chatRequest(t, ctx, "/api/v2/chat/account", second.ChatAccessToken))
		e.untilHeld(t, 1) // in the place the dropped one freed
		e.setState(t, second.AccountID, chatlift.ChatAccountActive)
		if r := answered(t, next); r.status != http.StatusOK {
			t.Fatalf("next request: %d %s", r.status, r.body)
		}
		e.wantCounts(t, map[string]float64{"held": 2, "dropped": 1, "released": 1, "refused": 0})
	})
	t.Run("OtherAccountsAreNotDelayed", func(t *testing.T) {
		t.Parallel()
		e := setup(t, 2, 0)
		frozen, other := e.Creds[0], e.Creds[1]
		e.setState(t, frozen.AccountID, chatlift.ChatAccountMaintenance)
		held := sendAsync(e.chatRequest(t, ctx, "/api/v2/chat/account", frozen.ChatAccessToken))
		e.untilHeld(t, 1)
		start := time.Now()
		e.Call(t, "GET", "/api/v2/chat/chats", other.ChatAccessToken, nil, http.StatusOK, nil)
		if took := time.Since(start); took > 2*time.Second {
			t.Fatalf("another account's request took %s", took)
		}
		e.untilHeld(t, 1)
		e.setState(t, frozen.AccountID, chatlift.ChatAccountActive)
		if r := answered(t, held); r.status != http.StatusOK {
			t.Fatalf("held request: %d %s", r.status, r.body)
		}
	})
}

// freezeFromTheServer freezes the account from a goroutine of the server
// or of the client, where the test cannot stop.
func (e *env) freezeFromTheServer(t *testing.T, id int64) {
	if _, err := e.Legacy.SetChatAccountState(context.Background(), id, chatlift.ChatAccountMaintenance); err != nil {
		t.Error(err)
	}
}

// freezingBody is a request body whose first read freezes the account:
// sent with Expect: 100-continue, it is read only once the server has
// authenticated the request and its handler reads the body.
type freezingBody struct {
	t      *testing.T
	e      *env
	id     int64
	body   io.Reader
	frozen bool
}

func (b *freezingBody) Read(p []byte) (int, error) {
	if !b.frozen {
		b.frozen = true
		b.e.freezeFromTheServer(b.t, b.id)
	}
	return b.body.Read(p)
}

// TestHoldAWriteTheFreezeRefused: a request authenticated just before the
// freeze, whose write the freeze refused (whole), is held and served again
// once the freeze ends.
func TestHoldAWriteTheFreezeRefused(t *testing.T) {
	t.Parallel()
	t.Run("ChatAPI", func(t *testing.T) {
		t.Parallel()
		e := setup(t, 1, 0)
		id, token := e.Creds[0].AccountID, e.Creds[0].ChatAccessToken
		const body = `{"name":"Held through the freeze"}`
		created := e.postAsync(t, "/api/v2/chat/departments", token, &freezingBody{t: t, e: e, id: id, body: strings.NewReader(body)}, len(body))
		e.untilHeld(t, 1)
		e.setState(t, id, chatlift.ChatAccountActive)
		if r := answered(t, created); r.status != http.StatusCreated || !bytes.Contains(r.body, []byte("Held through the freeze")) {
			t.Fatalf("write refused by the freeze: %d %s; want it served again once the freeze ended", r.status, r.body)
		}
		e.wantCounts(t, map[string]float64{"held": 1, "released": 1})
	})
	t.Run("TokenEndpoint", func(t *testing.T) {
		t.Parallel()
		var e *env
		var froze sync.Once
		e = setup(t, 1, 0, func(s *httpapi.Server) {
			s.ComparePassword = func(hash, password []byte) error {
				froze.Do(func() { e.freezeFromTheServer(t, e.Creds[0].AccountID) })
				return bcrypt.CompareHashAndPassword(hash, password)
			}
		})
		issued := e.passwordGrant(t)
		e.untilHeld(t, 1)
		e.setState(t, e.Creds[0].AccountID, chatlift.ChatAccountActive)
		if r := answered(t, issued); r.status != http.StatusOK || !bytes.Contains(r.body, []byte("access_token")) {
			t.Fatalf("grant refused by the freeze: %d %s; want it granted once the freeze ended", r.status, r.body)
		}
		e.wantCounts(t, map[string]float64{"held": 1, "released": 1})
	})
}
