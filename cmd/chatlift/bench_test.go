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
