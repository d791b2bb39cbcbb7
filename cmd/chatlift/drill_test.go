package main_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The crash drill (docs/reliability.md, "Crash drill"): the real binary
// upgrades a fleet while it is killed with SIGKILL again and again, at
// moments a seeded random generator picks, some aimed at a phase of an
// upgrade in flight. Its size and seed come from the environment.
const (
	drillKillsEnv = "CHATLIFT_DRILL_KILLS" // kills in the run (default 30)
	drillSeedEnv  = "CHATLIFT_DRILL_SEED"  // replays a run (default: the clock)
)

// Aims of a kill: a moment picked at random, or a phase of an upgrade in
// flight, seen by polling GET /api/v2/upgrades.
const (
	aimRandom    = "random"
	aimPreparing = "preparing" // consolidating billing, before the cutover
	aimMigrating = "migrating" // anywhere in the cutover
	aimImporting = "importing" // mid-import: some rows copied, not all
	aimRollback  = "rollback"  // a cutover failed for good: rollback due or running
	aimStep      = "step:"     // + a cutover step: it failed once and waits for its retry
)

// drillSteps are the cutover steps a kill can aim at.
var drillSteps = []string{"freeze_chat", "disable_integrations", "mark_message_channels",
	"copy_configuration", "merge_users", "switch_chat", "revoke_tokens"}

// drillFailSteps are the steps an "error" fault can fail for good: all but
// revoke_tokens roll the upgrade back (it runs after the switch).
var drillFailSteps = append([]string{"consolidate_billing"}, drillSteps...)

// drill is one run of the crash drill.
type drill struct {
	t        *testing.T
	rng      *rand.Rand
	data     string
	op       string // operator Authorization header
	s        *server
	accounts []int64
	upgrades map[int64]string     // account → upgrade id
	started  int                  // accounts[:started] were told to run now
	coverage []string             // aims still to kill at before random ones
	failing  map[int64]string     // account → step armed with an "error" fault
	before   map[int64]legacyDump // the legacy accounts before the drill
	kills    map[string]int       // aim → kills that found it
	missed   map[string]int       // aim → kills that fell back to a random moment
	client   *http.Client
}

// drillSize reads the run's size and seed from the environment.
func drillSize(t *testing.T) (kills int, seed uint64) {
	t.Helper()
	kills, seed = 30, uint64(time.Now().UnixNano())
	if v := os.Getenv(drillKillsEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a positive number", drillKillsEnv, v)
		}
		kills = n
	}
	if v := os.Getenv(drillSeedEnv); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: want a number", drillSeedEnv, v)
		}
		seed = n
	}
	return kills, seed
}

// TestCrashDrill kills serve with SIGKILL at least 30 times while it
// upgrades a fleet (at every cutover step, mid-import, mid-rollback and at
// random), restarting it each time; then every upgrade must be completed,
// or rolled back and rescheduled, and the stores must match by key and
// bytes.
func TestCrashDrill(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash drill runs the real binary for minutes")
	}
	kills, seed := drillSize(t)
	t.Logf("crash drill: %d kills, seed %d (replay with %s=%d %s=%d)", kills, seed, drillSeedEnv, seed, drillKillsEnv, kills)
	start := time.Now()
	d := setupDrill(t, seed, max(14, kills/2))
	for d.total() < kills {
		d.round()
	}
	d.startAll()
	d.call("PUT", "/api/ops/import/settings", map[string]any{"rows_per_second": 0, "max_concurrent": 4}, http.StatusOK, nil)
	settling := time.Now()
	final := d.settle(4*time.Minute + time.Duration(len(d.accounts))*time.Second)
	t.Logf("crash drill: every upgrade settled %s after the last kill", time.Since(settling).Round(time.Second))
	d.s.cmd.Process.Signal(os.Interrupt)
	select {
	case err := <-d.s.exited:
		if err != nil {
			t.Fatalf("serve did not stop cleanly after the drill: %v\n%s", err, d.s.stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not stop within 30s of SIGINT after the drill\n%s", d.s.stderr)
	}
	completed, rolledBack, rows := d.prove(final)
	t.Logf("crash drill: %d kills in %s; %d upgrades completed (%d history rows verified), %d rolled back and rescheduled; kills by aim: %s",
		d.total(), time.Since(start).Round(time.Second), completed, rows, rolledBack, d.tally())
	if rolledBack == 0 {
		t.Errorf("no upgrade rolled back, not even the one started after the last kill")
	}
}

// setupDrill seeds a fleet with the binary, dumps its legacy accounts,
// starts serve, slows the import and requests every account's upgrade.
func setupDrill(t *testing.T, seed uint64, accounts int) *drill {
	t.Helper()
	d := &drill{t: t, rng: rand.New(rand.NewPCG(seed, seed^0x5eed)), data: t.TempDir(), op: "Bearer op-drill",
		upgrades: map[int64]string{}, failing: map[int64]string{}, kills: map[string]int{}, missed: map[string]int{},
		client: &http.Client{Timeout: 10 * time.Second}}
	out, err := exec.Command(binary, "seed", "--data", d.data, "--accounts", strconv.Itoa(accounts),
		"--chats-per-account", "12", "--seed", strconv.FormatUint(seed%1000, 10), "--json").Output()
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	var creds []struct {
		AccountID int64 `json:"account_id"`
	}
	if err := json.Unmarshal(out, &creds); err != nil || len(creds) != accounts {
		t.Fatalf("seed printed %d accounts (%v): %.200s", len(creds), err, out)
	}
	for _, c := range creds {
		d.accounts = append(d.accounts, c.AccountID)
	}
	d.rng.Shuffle(len(d.accounts), func(i, j int) { d.accounts[i], d.accounts[j] = d.accounts[j], d.accounts[i] })
	d.coverage = coverage(d.rng)
	d.before = dumpLegacy(t, d.data, d.accounts)
	d.restart()
	// A few rows per second: each account's import spans several kills.
	d.call("PUT", "/api/ops/import/settings", map[string]any{"rows_per_second": accounts, "max_concurrent": 6}, http.StatusOK, nil)
	for _, id := range d.accounts {
		var u upgradeBody
		d.call("POST", "/api/v2/upgrades", map[string]any{"account_id": id}, http.StatusCreated, &u)
		d.upgrades[id] = u.Upgrade.ID
	}
	return d
}

// restart starts serve on the drill's data dir and re-arms the faults the
// kill took with it.
func (d *drill) restart() {
	d.t.Helper()
	d.s = startServe(d.t, "--data", d.data, "--no-demo", "--fault-injection", "--operator-token", "op-drill")
	d.s.waitHealthy(d.t, 30*time.Second)
	if len(d.upgrades) == 0 {
		return
	}
	list := d.list()
	for account, step := range d.failing {
		if u, ok := list[d.upgrades[account]]; ok && u.Attempt == 1 && reArm(u.State) {
			d.fault(account, step, "error")
		}
	}
}

// reArm says whether an upgrade in state may still reach a fault armed for
// its first attempt.
func reArm(state string) bool {
	switch state {
	case "requested", "scheduled", "preparing", "migrating":
		return true
	}
	return false
}

// round picks an aim, starts an upgrade to meet it where that helps, kills
// serve when the aim is found (or at a random moment) and restarts it.
func (d *drill) round() {
	d.t.Helper()
	aim := d.pickAim()
	before, at := d.phases(aim), time.Now()
	d.startFor(aim)
	found := aim
	if aim == aimRandom {
		time.Sleep(time.Duration(100+d.rng.IntN(2900)) * time.Millisecond) // the random moment itself
	} else {
		found = d.await(aim, before, aimWithin(aim))
	}
	if err := d.s.cmd.Process.Kill(); err != nil {
		d.t.Fatalf("kill serve: %v", err)
	}
	<-d.s.exited
	if found != "" {
		d.kills[tallyKey(found)]++
	} else {
		d.missed[aim]++
	}
	killed := time.Now()
	d.restart()
	d.t.Logf("kill %d: aim %s, found %q, after %s; up again after %s", d.total(), aim, found,
		killed.Sub(at).Round(time.Millisecond), time.Since(killed).Round(time.Millisecond))
}

// aimWithin is how long a kill waits for its aim before it falls back to a
// moment: an import moves only after the killed one's heartbeat timed out.
func aimWithin(aim string) time.Duration {
	if aim == aimImporting {
		return 25 * time.Second
	}
	return 8 * time.Second
}

// tallyKey is the phase a kill is counted under: its label without an
// import's rows.
func tallyKey(label string) string {
	if strings.HasPrefix(label, aimImporting) {
		return aimImporting
	}
	return label
}

// pickAim chooses what the next kill aims at: first every aim of the
// drill's coverage (each cutover step, a rollback, preparing, migrating,
// mid-import) in a random order, then aims at random. Phases that need an
// upgrade started for them are chosen only while accounts wait to start.
func (d *drill) pickAim() string {
	if len(d.coverage) > 0 {
		aim := d.coverage[0]
		d.coverage = d.coverage[1:]
		return aim
	}
	r := d.rng.IntN(10)
	if d.started == d.startable() { // every account started: imports and moments
		if r < 2 {
			return aimImporting
		}
		return aimRandom
	}
	switch {
	case r < 3:
		return aimStep + drillSteps[d.rng.IntN(len(drillSteps))]
	case r == 3:
		return aimRollback
	case r == 4:
		return aimPreparing
	case r == 5:
		return aimMigrating
	case r == 6:
		return aimImporting
	}
	return aimRandom
}

// coverage is the aims every run kills at least once, shuffled: each
// cutover step, three rollbacks, preparing, migrating and mid-import.
func coverage(rng *rand.Rand) []string {
	aims := []string{aimRollback, aimRollback, aimRollback, aimPreparing, aimMigrating, aimImporting}
	for _, s := range drillSteps {
		aims = append(aims, aimStep+s)
	}
	rng.Shuffle(len(aims), func(i, j int) { aims[i], aims[j] = aims[j], aims[i] })
	return aims
}

// startFor starts the next account's upgrade, armed to meet the aim: a
// step aimed at fails once (so it waits for its retry, in view), an
// aimed rollback comes from a step that fails for good.
func (d *drill) startFor(aim string) {
	if d.started == d.startable() {
		return
	}
	account := d.accounts[d.started]
	switch {
	case strings.HasPrefix(aim, aimStep):
		d.fault(account, strings.TrimPrefix(aim, aimStep), "transient")
	case aim == aimRollback:
		d.fail(account)
	case aim == aimImporting || aim == aimRandom:
		if d.rng.IntN(2) == 0 {
			return // let the fleet move on without a new start
		}
	}
	d.runNow(account)
	d.started++
}

// startable is how many accounts the rounds may start: the last one is
// kept to roll back after the last kill. A kill between a step's failure
// and its report to the engine retries the step, and with faults kept in
// memory the retry may run before the drill arms the fault again: then the
// upgrade completes, as it should, and the drill would see no rollback.
func (d *drill) startable() int { return len(d.accounts) - 1 }

// fail arms an "error" fault on a step before the switch of the account's
// upgrade, which therefore rolls back.
func (d *drill) fail(account int64) {
	step := drillFailSteps[d.rng.IntN(len(drillFailSteps)-1)] // not revoke_tokens: after the switch
	d.failing[account] = step
	d.fault(account, step, "error")
}

// startAll starts every account not started by the rounds, the last one
// armed to roll back.
func (d *drill) startAll() {
	for ; d.started < len(d.accounts); d.started++ {
		if d.started == d.startable() {
			d.fail(d.accounts[d.started])
		}
		d.runNow(d.accounts[d.started])
	}
}

// runNow waits for the account's upgrade to be scheduled and runs it now.
func (d *drill) runNow(account int64) {
	d.t.Helper()
	id := d.upgrades[account]
	deadline := time.Now().Add(30 * time.Second)
	for d.list()[id].State == "requested" {
		if time.Now().After(deadline) {
			d.t.Fatalf("upgrade %s not scheduled within 30s", id)
		}
		time.Sleep(20 * time.Millisecond)
	}
	d.call("POST", "/api/ops/upgrades/"+id+"/run-now", nil, http.StatusOK, nil)
}

// phases labels each upgrade by the phase of the aim it is in ("" when in
// none).
func (d *drill) phases(aim string) map[string]string {
	out := map[string]string{}
	for id, u := range d.list() {
		out[id] = phase(u, aim)
	}
	return out
}

// await polls the upgrades until one enters the aimed phase anew (a phase
// label unlike the one it had in before), and returns that label, or ""
// when none did within the time given. Entering anew means this process is
// at work there, not that a killed one left it so.
func (d *drill) await(aim string, before map[string]string, within time.Duration) string {
	d.t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		for id, u := range d.list() {
			if p := phase(u, aim); p != "" && p != before[id] {
				return p
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	return ""
}

// phase labels the upgrade's phase if it is the one the kill aims at: an
// import is labelled with its rows done, so that rows copied make a new
// label; a rollback is due (the cutover failed for good) or running.
func phase(u drillUpgrade, aim string) string {
	switch {
	case aim == aimImporting:
		if u.State == "importing" && u.Import.Done > 0 && u.Import.Done < u.Import.Total {
			return fmt.Sprintf("importing %d/%d", u.Import.Done, u.Import.Total)
		}
	case aim == aimRollback:
		if u.State == "rolling_back" {
			return "rollback running"
		}
		for _, s := range u.Steps {
			if (u.State == "preparing" || u.State == "migrating") && s.State == "failed" && strings.HasPrefix(s.Error, "injected fault") {
				return "rollback due"
			}
		}
	case strings.HasPrefix(aim, aimStep):
		for _, s := range u.Steps {
			if u.State == "migrating" && aimStep+s.Name == aim && s.State == "failed" {
				return aim
			}
		}
	case u.State == aim:
		return aim
	}
	return ""
}

// drillUpgrade is what the drill reads of an upgrade.
type drillUpgrade struct {
	ID      string `json:"id"`
	Account int64  `json:"account_id"`
	State   string `json:"state"`
	Attempt int    `json:"attempt"`
	Steps   []struct {
		Name, State, Error string
	} `json:"steps"`
	Import struct {
		Done, Total int64
	} `json:"import"`
}

// list reads every upgrade, by id.
func (d *drill) list() map[string]drillUpgrade {
	d.t.Helper()
	out := map[string]drillUpgrade{}
	for after := ""; ; {
		var page struct {
			Upgrades    []drillUpgrade `json:"upgrades"`
			NextAfterID string         `json:"next_after_id"`
		}
		d.call("GET", "/api/v2/upgrades?limit=1000&after_id="+after, nil, http.StatusOK, &page)
		for _, u := range page.Upgrades {
			out[u.ID] = u
		}
		if page.NextAfterID == "" {
			return out
		}
		after = page.NextAfterID
	}
}

// settle waits until no upgrade is in flight: each is completed, or rolled
// back and scheduled again as its next attempt.
func (d *drill) settle(within time.Duration) map[string]drillUpgrade {
	d.t.Helper()
	deadline, report := time.Now().Add(within), time.Now().Add(15*time.Second)
	for {
		var busy []string
		list := d.list()
		for _, u := range list {
			if !(u.State == "completed" || u.State == "scheduled" && u.Attempt > 1) {
				busy = append(busy, fmt.Sprintf("%s (account %d) %s, attempt %d", u.ID, u.Account, u.State, u.Attempt))
			}
		}
		if len(busy) == 0 {
			return list
		}
		sort.Strings(busy)
		if time.Now().After(deadline) {
			d.t.Fatalf("stuck %s after the last kill:\n%s\n%s", within, strings.Join(busy, "\n"), d.s.stderr)
		}
		if time.Now().After(report) {
			d.t.Logf("settling: %d upgrades in flight: %s", len(busy), strings.Join(busy, "; "))
			report = time.Now().Add(15 * time.Second)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// fault arms a fault through the operator API.
func (d *drill) fault(account int64, step, mode string) {
	d.t.Helper()
	d.call("POST", "/api/ops/faults", map[string]any{"account_id": account, "step": step, "mode": mode}, http.StatusCreated, nil)
}

// call sends an operator request to serve, failing the test unless it
// answers want.
func (d *drill) call(method, path string, body any, want int, out any) {
	d.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, d.s.url+path, rd)
	req.Header.Set("Authorization", d.op)
	resp, err := d.client.Do(req)
	if err != nil {
		d.t.Fatalf("%s %s: %v\n%s", method, path, err, d.s.stderr)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		d.t.Fatalf("%s %s = %d, want %d: %s", method, path, resp.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			d.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
}

func (d *drill) total() int {
	n := 0
	for _, k := range []map[string]int{d.kills, d.missed} {
		for _, v := range k {
			n += v
		}
	}
	return n
}

// tally is the kills by aim, and those whose aim was not found in time.
func (d *drill) tally() string {
	var parts []string
	for aim, n := range d.kills {
		parts = append(parts, fmt.Sprintf("%s %d", aim, n))
	}
	for aim, n := range d.missed {
		parts = append(parts, fmt.Sprintf("%s (not found in time) %d", aim, n))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}
