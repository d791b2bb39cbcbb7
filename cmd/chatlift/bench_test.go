package main_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/chatlift/chatlift/app"
)

// TestBenchImport runs a small `bench import` on SQLite, and on PostgreSQL
// when TEST_DATABASE_URL is set, and checks its report: the row count it
// seeded, a passed verification and figures that add up.
func TestBenchImport(t *testing.T) {
	t.Parallel()
	stores := map[string][]string{"sqlite": nil}
	if url := os.Getenv("TEST_DATABASE_URL"); url != "" {
		stores["postgres"] = []string{"--database-url", url}
	}
	for store, extra := range stores {
		t.Run(store, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"bench", "import", "--chats", "600", "--messages-per-chat", "7", "--json", "--quiet", "--data", t.TempDir()}, extra...)
			out, err := exec.Command(binary, args...).Output()
			if err != nil {
				t.Fatalf("bench import: %v", err)
			}
			var r app.ImportBenchReport
			if err := json.Unmarshal(out, &r); err != nil {
				t.Fatalf("report %s: %v", out, err)
			}
			// 600 chats, a visitor per three, two analytics events per served chat.
			if r.Store != store || r.Rows != 600+200+1200 || !r.Verified || r.Bytes <= 0 || r.PeakRSSBytes <= 0 {
				t.Fatalf("report %+v", r)
			}
			for name, v := range map[string]float64{"import": r.ImportRowsPerS, "raw": r.RawRowsPerS, "verify": r.VerifyRowsPerS} {
				if v <= 0 {
					t.Fatalf("%s rate %v in %+v", name, v, r)
				}
			}
			if d := r.Ratio - r.ImportRowsPerS/r.RawRowsPerS; d > 1e-9 || d < -1e-9 {
				t.Fatalf("ratio %v is not import/raw in %+v", r.Ratio, r)
			}
		})
	}
	t.Run("BadSize", func(t *testing.T) {
		t.Parallel()
		out, err := exec.Command(binary, "bench", "import", "--chats", "0", "--quiet").CombinedOutput()
		if err == nil || !strings.Contains(string(out), "--chats") || strings.Contains(string(out), "goroutine") {
			t.Fatalf("bench import --chats 0: %v: %s", err, out)
		}
	})
}

// TestBenchFleet runs a small `bench fleet` and checks that its JSON report
// has every figure and that they agree: every account's upgrade completed,
// no support request failed, percentiles in order. Timings are not
// asserted: the machine may be shared.
func TestBenchFleet(t *testing.T) {
	t.Parallel()
	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		cmd := exec.Command(binary, "bench", "fleet", "--accounts", "20", "--chats-per-account", "5", "--baseline", "2s",
			"--support-rate", "20", "--json", "--quiet", "--data", t.TempDir())
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("bench fleet: %v", err)
		}
		var fields map[string]any
		if err := json.Unmarshal(out, &fields); err != nil {
			t.Fatalf("report %s: %v", out, err)
		}
		for _, name := range []string{"accounts", "completed", "upgrades_per_s", "total_s", "chat_downtime_p50_ms", "chat_downtime_p99_ms",
			"support_requests", "support_errors", "support_p99_ms", "support_baseline_p99_ms", "peak_rss_bytes"} {
			if _, ok := fields[name]; !ok {
				t.Errorf("report has no %s: %s", name, out)
			}
		}
		var r app.FleetBenchReport
		if err := json.Unmarshal(out, &r); err != nil {
			t.Fatalf("report %s: %v", out, err)
		}
		switch {
		case r.Accounts != 20 || r.Completed != r.Accounts:
			t.Fatalf("completed %d of %d accounts: %s", r.Completed, r.Accounts, out)
		case r.SupportErrors != 0:
			t.Fatalf("%d support errors (first: %s)", r.SupportErrors, r.SupportFirstError)
		case r.SupportRequests <= 0 || r.SupportBaselineReqs <= 0 || r.PeakRSSBytes <= 0 || r.TotalS <= 0,
			r.SupportBaselineHalvesP99MS[0] <= 0 || r.SupportBaselineHalvesP99MS[1] <= 0:
			t.Fatalf("figures missing: %s", out)
		case r.ChatDowntimeP50MS > r.ChatDowntimeP99MS || r.ChatDowntimeP99MS > r.ChatDowntimeMaxMS:
			t.Fatalf("downtime percentiles out of order: %s", out)
		case r.SupportP50MS > r.SupportP99MS || r.SupportP99MS > r.SupportMaxMS || r.SupportBaselineP50MS > r.SupportBaselineP99MS:
			t.Fatalf("support percentiles out of order: %s", out)
		}
		if d := r.UpgradesPerS - float64(r.Completed)/r.TotalS; d > 1e-9 || d < -1e-9 {
			t.Fatalf("upgrades_per_s %v is not completed/total_s: %s", r.UpgradesPerS, out)
		}
		if d := r.SupportP99Ratio - r.SupportP99MS/r.SupportBaselineP99MS; d > 1e-9 || d < -1e-9 {
			t.Fatalf("support_p99_ratio %v is not p99/baseline p99: %s", r.SupportP99Ratio, out)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		t.Parallel()
		out, err := exec.Command(binary, "bench", "fleet", "--accounts", "0", "--quiet").CombinedOutput()
		if err == nil || !strings.Contains(string(out), "--accounts") || strings.Contains(string(out), "goroutine") {
			t.Fatalf("bench fleet --accounts 0: %v: %s", err, out)
		}
	})
}
