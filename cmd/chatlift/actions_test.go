package main_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"
)

// action sends an operator action and returns its status and the upgrade
// it answered with.
func action(t *testing.T, s *server, op, id, name string) (int, actedUpgrade) {
	t.Helper()
	req, _ := http.NewRequest("POST", s.url+"/api/ops/upgrades/"+id+"/"+name, bytes.NewReader(nil))
	req.Header.Set("Authorization", op)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return 0, actedUpgrade{}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out struct {
		Upgrade actedUpgrade `json:"upgrade"`
		Error   string       `json:"error"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Errorf("%s %s: %d %s", name, id, resp.StatusCode, b)
	}
	if resp.StatusCode != http.StatusOK && (resp.StatusCode != http.StatusConflict || out.Error != "conflict") {
		t.Errorf("%s %s = %d %s: want 200 or a 409 conflict", name, id, resp.StatusCode, b)
	}
	return resp.StatusCode, out.Upgrade
}

type actedUpgrade struct {
	ID     string `json:"id"`
	State  string `json:"state"`
	Paused bool   `json:"paused"`
}

// ended waits until the upgrade is completed or cancelled.
func ended(t *testing.T, s *server, op, id string) actedUpgrade {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var u struct{ Upgrade actedUpgrade }
		api(t, "GET", s.url+"/api/v2/upgrades/"+id, op, nil, http.StatusOK, &u)
		if u.Upgrade.State == "completed" || u.Upgrade.State == "cancelled" {
			return u.Upgrade
		}
		if time.Now().After(deadline) {
			t.Fatalf("upgrade %s still %s\n%s", id, u.Upgrade.State, s.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestOperatorActionsAnswerTruly sends operator actions that race each other
// and the workflow on the real program: every "yes" (200) was carried out,
// every action not carried out was answered "no" (409).
func TestOperatorActionsAnswerTruly(t *testing.T) {
	data := t.TempDir()
	s := startServe(t, "--data", data, "--operator-token", "op-e2e")
	s.waitHealthy(t, 20*time.Second)
	op := "Bearer op-e2e"
	creds := readCredentials(t, data)
	ids := make([]string, len(creds))
	for i, c := range creds {
		var u upgradeBody
		api(t, "POST", s.url+"/api/v2/upgrades", op, map[string]any{"account_id": c.AccountID}, http.StatusCreated, &u)
		ids[i] = u.Upgrade.ID
	}
	for _, id := range ids {
		waitState(t, s, op, id, "scheduled", 20*time.Second)
	}

	t.Run("RunNowAndCancelAtOnce", func(t *testing.T) {
		var wg sync.WaitGroup
		runNow, cancel := make([]int, 4), make([]int, 4)
		start := make(chan struct{})
		for i, id := range ids[:4] {
			wg.Go(func() { <-start; runNow[i], _ = action(t, s, op, id, "run-now") })
			wg.Go(func() { <-start; cancel[i], _ = action(t, s, op, id, "cancel") })
		}
		close(start)
		wg.Wait()
		for i, id := range ids[:4] {
			u := ended(t, s, op, id)
			switch {
			case cancel[i] == http.StatusOK && u.State != "cancelled":
				t.Errorf("%s: cancel answered 200, run-now %d, and the upgrade ended %s", id, runNow[i], u.State)
			case cancel[i] == http.StatusConflict && (u.State != "completed" || runNow[i] != http.StatusOK):
				t.Errorf("%s: cancel answered 409, run-now %d, and the upgrade ended %s", id, runNow[i], u.State)
			}
		}
	})
	t.Run("PauseJustAfterRunNow", func(t *testing.T) {
		id := ids[4]
		status, _ := action(t, s, op, id, "run-now")
		time.Sleep(50 * time.Millisecond) // the interval of the reproduction: the pause must meet a run already starting
		pause, paused := action(t, s, op, id, "pause")
		if status != http.StatusOK || pause == http.StatusOK && (!paused.Paused || paused.State != "scheduled") {
			t.Fatalf("run-now %d, then pause %d answered with %+v", status, pause, paused)
		}
		if pause == http.StatusOK { // carried out: it holds; cancel to end it
			if c, _ := action(t, s, op, id, "cancel"); c != http.StatusOK {
				t.Fatalf("cancel of a paused upgrade answered %d", c)
			}
		}
		u := ended(t, s, op, id)
		if pause == http.StatusConflict && (u.State != "completed" || u.Paused) {
			t.Fatalf("pause answered 409, and the upgrade ended %+v", u)
		}
	})
	t.Run("PauseThenRunNow", func(t *testing.T) {
		id := ids[5]
		if status, u := action(t, s, op, id, "pause"); status != http.StatusOK || !u.Paused {
			t.Fatalf("pause answered %d with %+v", status, u)
		}
		if status, u := action(t, s, op, id, "run-now"); status != http.StatusOK || u.Paused {
			t.Fatalf("run-now answered %d with %+v", status, u)
		}
		if u := ended(t, s, op, id); u.State != "completed" || u.Paused {
			t.Fatalf("ended %+v, want completed and no longer paused", u)
		}
	})
	t.Run("ErrEnded", func(t *testing.T) {
		for _, name := range []string{"run-now", "pause", "resume", "cancel"} {
			if status, _ := action(t, s, op, ids[5], name); status != http.StatusConflict {
				t.Errorf("%s on a completed upgrade answered %d", name, status)
			}
		}
	})
}
