package main_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

// demoCredentials reads what serve wrote for its demo fleet.
type demoCredentials []struct {
	AccountID         int64  `json:"account_id"`
	SupportOwnerEmail string `json:"support_owner_email"`
	SupportAPIToken   string `json:"support_api_token"`
	ChatOwnerEmail    string `json:"chat_owner_email"`
	ChatAccessToken   string `json:"chat_access_token"`
}

func readCredentials(t *testing.T, data string) demoCredentials {
	t.Helper()
	var c demoCredentials
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(data, "demo-credentials.json"))), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// api sends a request to the server, failing the test unless the status is want.
func api(t *testing.T, method, url, auth string, body any, want int, out any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s = %d, want %d: %s", method, url, resp.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, url, err, b)
		}
	}
}

type upgradeBody struct {
	Upgrade struct {
		ID             string `json:"id"`
		State          string `json:"state"`
		Attempt        int    `json:"attempt"`
		ChatDowntimeMS int64  `json:"chat_downtime_ms"`
		Error          string `json:"error"`
		Import         struct {
			State       string
			Total, Done int64
		} `json:"import"`
		Verification *chatlift.Verification `json:"verification"`
	} `json:"upgrade"`
}

// waitState polls the upgrade until it reaches state, failing after within.
func waitState(t *testing.T, s *server, op, id, state string, within time.Duration) upgradeBody {
	t.Helper()
	deadline := time.Now().Add(within)
	var u upgradeBody
	for {
		api(t, "GET", s.url+"/api/v2/upgrades/"+id, op, nil, http.StatusOK, &u)
		if u.Upgrade.State == state {
			return u
		}
		if time.Now().After(deadline) {
			t.Fatalf("upgrade %s is %s (error %q), not %s, after %s\n%s", id, u.Upgrade.State, u.Upgrade.Error, state, within, s.stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestUpgradeSurvivesCrash kills the process (kill -9 by an injected fault)
// in the middle of the cutover; after a restart the upgrade completes.
func TestUpgradeSurvivesCrash(t *testing.T) {
	data := t.TempDir()
	s := startServe(t, "--data", data, "--fault-injection", "--operator-token", "op-e2e", "--worker-processes", "0") // the crash is serve's
	s.waitHealthy(t, 20*time.Second)
	op := "Bearer op-e2e"
	creds := readCredentials(t, data)
	account := creds[1].AccountID

	api(t, "POST", s.url+"/api/ops/faults", op, map[string]any{"account_id": account, "step": "copy_configuration", "mode": "crash"}, http.StatusCreated, nil)
	api(t, "POST", s.url+"/api/ops/faults", op, map[string]any{"account_id": account, "step": "nope", "mode": "crash"}, http.StatusBadRequest, nil)
	var u upgradeBody
	api(t, "POST", s.url+"/api/v2/upgrades", op, map[string]any{"account_id": account}, http.StatusCreated, &u)
	id := u.Upgrade.ID
	var conflict struct {
		UpgradeID string `json:"upgrade_id"`
	}
	api(t, "POST", s.url+"/api/v2/upgrades", op, map[string]any{"account_id": account}, http.StatusConflict, &conflict)
	if conflict.UpgradeID != id {
		t.Fatalf("second request named %q, want %q", conflict.UpgradeID, id)
	}
	waitState(t, s, op, id, "scheduled", 20*time.Second)
	api(t, "POST", s.url+"/api/ops/upgrades/"+id+"/run-now", op, nil, http.StatusOK, nil)
	select {
	case <-s.exited: // killed by the injected crash
	case <-time.After(60 * time.Second):
		t.Fatalf("the injected crash did not kill serve\n%s", s.stderr)
	}
	crashed := time.Now()

	s = startServe(t, "--data", data, "--operator-token", "op-e2e")
	s.waitHealthy(t, 20*time.Second)
	frozen := time.Since(crashed) // at least: chat stayed frozen from the crash until the server was back
	done := waitState(t, s, op, id, "completed", 90*time.Second)
	if done.Upgrade.Attempt != 1 || done.Upgrade.Import.Done != done.Upgrade.Import.Total {
		t.Fatalf("after the crash: %+v", done.Upgrade)
	}
	if got := time.Duration(done.Upgrade.ChatDowntimeMS) * time.Millisecond; got < frozen {
		t.Fatalf("chat_downtime_ms says %s; chat was frozen for at least %s across the crash", got, frozen)
	}
	// The old chat token was revoked; the account is upgraded for good.
	api(t, "GET", s.url+"/api/v2/chat/account", "Bearer "+creds[1].ChatAccessToken, nil, http.StatusUnauthorized, nil)
	api(t, "POST", s.url+"/api/v2/upgrades", op, map[string]any{"account_id": account}, http.StatusConflict, nil)

	t.Run("WatchCLI", func(t *testing.T) {
		cmd := exec.Command(binary, "upgrade", "watch", id, "--server", s.url, "--operator-token", "op-e2e")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "completed") {
			t.Fatalf("upgrade watch: %v\n%s", err, out)
		}
		list, err := exec.Command(binary, "upgrade", "list", "--server", s.url, "--operator-token", "op-e2e").Output()
		if err != nil || !strings.Contains(string(list), id) {
			t.Fatalf("upgrade list: %v\n%s", err, list)
		}
	})
}
