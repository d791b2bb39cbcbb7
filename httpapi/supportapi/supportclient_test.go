package supportapi_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestNodeZendesk runs node-zendesk 6.0.1, unmodified, against the support
// API: compat/node/zendesk.js lists users with offset and cursor paging and
// creates, shows, updates, comments on, searches for and deletes a ticket.
// It needs Node and `npm ci` in compat/node; without them it skips, except
// in CI (CI set), where it fails.
func TestNodeZendesk(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("..", "..", "compat", "node")
	node, err := exec.LookPath("node")
	if _, statErr := os.Stat(filepath.Join(dir, "node_modules", "node-zendesk")); err != nil || statErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("node or compat/node/node_modules missing in CI (run npm ci in compat/node): %v %v", err, statErr)
		}
		t.Skip("node or compat/node/node_modules missing; run npm ci in compat/node")
	}
	e := setupSupport(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "zendesk.js", e.URL, e.Owner, e.Token)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node-zendesk: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
