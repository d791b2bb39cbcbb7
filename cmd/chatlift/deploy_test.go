package main_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/app"
	"github.com/chatlift/chatlift/importer"
	"github.com/chatlift/chatlift/internal/pgtest"
)

// TestDistributedDeployment runs the deployment of docs/deploy.md on one
// machine: the workflow engine (`chatlift engine`, the Temporal server
// persisted in PostgreSQL), chatlift's stores in PostgreSQL, one
// `serve --no-worker` and three `chatlift worker` processes. It upgrades a
// fleet ($CHATLIFT_DEPLOY_ACCOUNTS accounts, 200 by default, with
// $CHATLIFT_DEPLOY_CHATS chats each, 5 by default), kills one worker with
// SIGKILL while the upgrades run, later kills the engine and starts it
// again while they still run, and proves that every upgrade completed
// once and that every account's history is in the platform, row for row
// (the import's verifier, by key and checksum).
func TestDistributedDeployment(t *testing.T) {
	d := setupDeployment(t)
	accounts, chats := envInt(t, "CHATLIFT_DEPLOY_ACCOUNTS", 200), envInt(t, "CHATLIFT_DEPLOY_CHATS", 5)
	start := time.Now()
	s, workers := d.startAll(t, accounts, chats)
	op := "Bearer op-deploy"

	upStart := time.Now()
	done := upgradeFleet(t, s, op, accounts, func() {
		// One worker dies while the fleet is under way: the upgrades it
		// held are taken over by the others.
		killed := workers[0]
		if err := killed.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		t.Logf("SIGKILLed worker pid %d; upgrades by state then: %v", killed.cmd.Process.Pid, byState(listUpgrades(t, s, op, "")))
	}, func() {
		// Then the engine dies, and comes back on the same databases.
		t.Logf("SIGKILLing the engine; upgrades by state: %v", byState(listUpgrades(t, s, op, "")))
		d.restartEngine(t)
	})
	elapsed := time.Since(upStart)
	t.Logf("%d upgrades completed in %s (%.1f/s) with 3 workers, one SIGKILLed, and the engine SIGKILLed and restarted; %s in all",
		len(done), elapsed.Round(time.Millisecond), float64(len(done))/elapsed.Seconds(), time.Since(start).Round(time.Millisecond))

	t.Run("EveryAccountUpgradedOnce", func(t *testing.T) {
		seen := map[int64]string{}
		for _, u := range listUpgrades(t, s, op, "") {
			if u.State != "completed" {
				t.Errorf("upgrade %s of account %d is %s", u.ID, u.AccountID, u.State)
			}
			if other, ok := seen[u.AccountID]; ok {
				t.Errorf("account %d has two upgrades: %s and %s", u.AccountID, other, u.ID)
			}
			seen[u.AccountID] = u.ID
		}
		if len(seen) != accounts {
			t.Fatalf("%d accounts upgraded, want %d", len(seen), accounts)
		}
	})
	t.Run("NothingLost", func(t *testing.T) {
		verifyFleet(t, d.chatliftURL, done)
	})
}

// startAll starts the engine, seeds the fleet, and starts serve and three
// workers, each process with a data directory of its own as on machines of
// their own.
func (d *deployment) startAll(t *testing.T, accounts, chats int) (*server, []*process) {
	t.Helper()
	start := time.Now()
	d.engineArgs = []string{"engine", "--database-url", d.temporalURL, "--setup-schema"}
	for _, flag := range []string{"--port", "--http-port", "--history-port", "--matching-port", "--worker-port"} {
		d.engineArgs = append(d.engineArgs, flag, strconv.Itoa(freePort(t)))
	}
	d.engine = d.start(t, "engine running", d.engineArgs...)
	address := d.engine.line["address"].(string)
	t.Logf("engine at %s after %s", address, time.Since(start).Round(time.Millisecond))

	seedStart := time.Now()
	if out, err := exec.Command(binary, "seed", "--database-url", d.chatliftURL, "--accounts", strconv.Itoa(accounts),
		"--chats-per-account", strconv.Itoa(chats)).CombinedOutput(); err != nil {
		t.Fatalf("seed: %v\n%s", err, out)
	}
	t.Logf("seeded %d accounts × %d chats in %s", accounts, chats, time.Since(seedStart).Round(time.Millisecond))

	backend := func() []string {
		return []string{"--database-url", d.chatliftURL, "--temporal-address", address, "--data", t.TempDir()}
	}
	s := startServe(t, append([]string{"--no-worker", "--no-demo", "--operator-token", "op-deploy"}, backend()...)...)
	s.waitHealthy(t, 30*time.Second)
	var workers []*process
	for range 3 {
		workers = append(workers, d.start(t, "worker running", append([]string{"worker"}, backend()...)...))
	}
	return s, workers
}

// restartEngine kills the engine with SIGKILL and starts it again on the
// same ports and databases.
func (d *deployment) restartEngine(t *testing.T) {
	t.Helper()
	if err := d.engine.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	d.engine = d.start(t, "engine running", d.engineArgs...)
	t.Logf("engine SIGKILLed and running again after %s", time.Since(start).Round(time.Millisecond))
}

// freePort is a TCP port free on 127.0.0.1 a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// upgradeFleet enrolls every account and runs the scheduled upgrades now.
// It calls atTenth once a tenth of them have completed and atThreeTenths
// once three tenths have, run-now being held back meanwhile as an operator
// would while the engine is down, and returns the upgrades once all have
// completed.
func upgradeFleet(t *testing.T, s *server, op string, accounts int, atTenth, atThreeTenths func()) []listedUpgrade {
	t.Helper()
	api(t, "POST", s.url+"/api/ops/upgrades/enroll", op, map[string]any{"all": true}, http.StatusAccepted, nil)
	scheduled := waitUpgrades(t, s, op, accounts, "scheduled", 3*time.Minute)
	ranNow := make(chan struct{})
	var failed []string
	var unavailable int
	var hold sync.RWMutex
	go func() { failed, unavailable = runNow(s, op, scheduled, &hold); close(ranNow) }()
	waitUpgrades(t, s, op, max(1, accounts/10), "completed", 5*time.Minute)
	atTenth()
	waitUpgrades(t, s, op, max(1, accounts*3/10), "completed", 5*time.Minute)
	hold.Lock()
	atThreeTenths()
	hold.Unlock()
	<-ranNow
	if len(failed) > 0 {
		t.Fatalf("run-now failed for %d upgrades: %v", len(failed), failed)
	}
	t.Logf("run-now answered 503 (the workflow did not answer in time) %d times; each time the upgrade was looked at and, still scheduled, asked again", unavailable)
	return waitUpgrades(t, s, op, accounts, "completed", 10*time.Minute)
}

// verifyFleet compares each upgraded account's history in the legacy store
// and the platform with the import's verifier, and their row counts.
func verifyFleet(t *testing.T, databaseURL string, upgrades []listedUpgrade) {
	t.Helper()
	ctx := context.Background()
	stores, err := app.OpenStores(ctx, "", databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer stores.Close()
	verifier := &importer.Verifier{From: stores.Legacy, To: stores.Platform}
	now := time.Now()
	var rows int64
	for _, u := range upgrades {
		job := chatlift.ImportJob{UpgradeID: u.ID, AccountID: u.AccountID, SwitchedAt: now}
		v, err := verifier.Verify(ctx, job, false, nil)
		if err != nil {
			t.Fatalf("verify account %d: %v", u.AccountID, err)
		}
		legacy, err := stores.Legacy.CountHistory(ctx, u.AccountID)
		if err != nil {
			t.Fatal(err)
		}
		platform, err := stores.Platform.CountHistory(ctx, u.AccountID)
		if err != nil {
			t.Fatal(err)
		}
		if !v.Passed || v.Repaired != 0 || v.Rows != legacy.Total() || platform.Total() != legacy.Total() {
			t.Errorf("account %d: passed %t, repaired %d, rows compared %d, legacy %d, platform %d: %+v",
				u.AccountID, v.Passed, v.Repaired, v.Rows, legacy.Total(), platform.Total(), v.Tables)
		}
		rows += legacy.Total()
	}
	t.Logf("%d accounts, %d history rows: every row in the platform with the same key and checksum", len(upgrades), rows)
}

// deployment is the databases of one TestDistributedDeployment run.
type deployment struct {
	temporalURL, chatliftURL string
	engineArgs               []string // to start the engine again on the same ports
	engine                   *process
}

// setupDeployment makes a fresh database for chatlift's stores and names
// one for the engine, which creates it and its visibility database with
// --setup-schema; all are dropped when the test ends.
func setupDeployment(t *testing.T) *deployment {
	t.Helper()
	return &deployment{temporalURL: pgtest.Database(t, "deploy_temporal", false), chatliftURL: pgtest.Database(t, "deploy_chatlift", true)}
}

// process is a running chatlift process and the log line it was waited for.
type process struct {
	cmd    *exec.Cmd
	stderr *lockedBuffer
	line   map[string]any
}

// start runs the binary with args and returns once it logs msg; the
// process is killed when the test ends.
func (d *deployment) start(t *testing.T, msg string, args ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(binary, args...), stderr: new(lockedBuffer)}
	pr, pw := io.Pipe()
	p.cmd.Stderr = io.MultiWriter(p.stderr, pw)
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- p.cmd.Wait(); pw.Close() }()
	t.Cleanup(func() { p.cmd.Process.Kill(); <-exited })
	found := make(chan map[string]any, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var line map[string]any
			if json.Unmarshal(sc.Bytes(), &line) == nil && line["msg"] == msg {
				found <- line
			}
		}
		io.Copy(io.Discard, pr)
	}()
	select {
	case p.line = <-found:
		return p
	case err := <-exited:
		t.Fatalf("%s exited early: %v\n%s", args[0], err, p.stderr)
	case <-time.After(2 * time.Minute):
		t.Fatalf("%s did not log %q\n%s", args[0], msg, p.stderr)
	}
	return nil
}

// listedUpgrade is an upgrade as the operator's list shows it.
type listedUpgrade struct {
	ID        string `json:"id"`
	AccountID int64  `json:"account_id"`
	State     string `json:"state"`
}

// listUpgrades pages through the upgrades in state (every state when empty).
func listUpgrades(t *testing.T, s *server, op, state string) []listedUpgrade {
	t.Helper()
	var all []listedUpgrade
	after := ""
	for {
		var page struct {
			Upgrades    []listedUpgrade `json:"upgrades"`
			NextAfterID string          `json:"next_after_id"`
		}
		q := url.Values{"limit": {"1000"}, "state": {state}, "after_id": {after}}
		api(t, "GET", s.url+"/api/v2/upgrades?"+q.Encode(), op, nil, http.StatusOK, &page)
		all = append(all, page.Upgrades...)
		if page.NextAfterID == "" {
			return all
		}
		after = page.NextAfterID
	}
}

// byState counts upgrades by state.
func byState(list []listedUpgrade) map[string]int {
	n := map[string]int{}
	for _, u := range list {
		n[u.State]++
	}
	return n
}

// waitUpgrades polls until at least n upgrades are in state and returns them.
func waitUpgrades(t *testing.T, s *server, op string, n int, state string, within time.Duration) []listedUpgrade {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		list := listUpgrades(t, s, op, state)
		if len(list) >= n {
			return list
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d upgrades %s after %s, want %d\n%s", len(list), state, within, n, s.stderr)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// runNow asks for every upgrade to run at once, a few requests at a time,
// each under hold's read lock, and returns the failures and how many times
// the API answered 503.
func runNow(s *server, op string, upgrades []listedUpgrade, hold *sync.RWMutex) (failed []string, unavailable int) {
	ids := make(chan string)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range ids {
				hold.RLock()
				n, err := runOneNow(s.url, op, id)
				hold.RUnlock()
				mu.Lock()
				unavailable += n
				if err != nil {
					failed = append(failed, fmt.Sprintf("%s: %v", id, err))
				}
				mu.Unlock()
			}
		}()
	}
	for _, u := range upgrades {
		ids <- u.ID
	}
	close(ids)
	wg.Wait()
	return failed, unavailable
}

// runOneNow asks for one upgrade to run now as an operator would: a 503
// means the workflow did not answer in time and may still carry the action
// out, so the upgrade is looked at and the action sent again only while it
// is still scheduled. It returns how many 503s it met.
func runOneNow(base, op, id string) (unavailable int, err error) {
	for deadline := time.Now().Add(5 * time.Minute); time.Now().Before(deadline); {
		status, _, err := call(http.MethodPost, base+"/api/ops/upgrades/"+id+"/run-now", op)
		switch {
		case err != nil:
			return unavailable, err
		case status == http.StatusOK:
			return unavailable, nil
		case status != http.StatusServiceUnavailable:
			return unavailable, fmt.Errorf("status %d", status)
		}
		unavailable++
		var u upgradeBody
		if status, body, err := call(http.MethodGet, base+"/api/v2/upgrades/"+id, op); err != nil || status != http.StatusOK {
			return unavailable, fmt.Errorf("GET upgrade: %d %v", status, err)
		} else if err := json.Unmarshal(body, &u); err != nil {
			return unavailable, err
		}
		if u.Upgrade.State != "scheduled" {
			return unavailable, nil // carried out after all
		}
	}
	return unavailable, fmt.Errorf("still scheduled after 5 minutes of run-now")
}

// call sends a request without a body and returns the status and body.
func call(method, url, auth string) (int, []byte, error) {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", auth)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// envInt is the integer environment variable name, or def when unset.
func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}
