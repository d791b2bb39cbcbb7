// Package browsertest drives headless Debian chromium against the real
// program for the web faces' browser tests: it starts `serve` in-process
// (port 0, a temp dir, the demo fleet, fault injection), takes a screenshot
// of each page it is asked to check and runs axe-core on it.
package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/app"
	"github.com/chatlift/chatlift/seed"
)

// Browser is a headless chromium on a running chatlift serve.
type Browser struct {
	T     *testing.T
	Ctx   context.Context
	Base  string              // the server's URL
	Token string              // the operator token
	Creds []*seed.Credentials // the demo fleet's credentials
	axe   string              // axe-core's source
	dir   string              // where screenshots go
	shot  int
}

// Start starts the real program in-process with operatorToken and a
// headless chromium. It skips only when chromium or axe-core is missing and
// CI is unset.
func Start(t *testing.T, operatorToken string) *Browser {
	t.Helper()
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		missing(t, "chromium is not installed (apt-get install chromium)")
	}
	axe, err := os.ReadFile(filepath.Join(repoRoot(t), "compat", "node", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		missing(t, "axe-core is not installed (cd compat/node && npm ci)")
	}
	dataDir := t.TempDir()
	s, err := app.StartServe(context.Background(), app.ServeConfig{Addr: "127.0.0.1:0", DataDir: dataDir, Namespace: "chatlift",
		OperatorToken: operatorToken, Demo: seed.Spec{Accounts: 6, ChatsPerAccount: 25, Seed: 1}, Logger: slog.New(slog.DiscardHandler),
		Out: io.Discard, Version: "test", Rules: chatlift.DefaultScheduleRules, FaultInjection: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.WindowSize(1280, 900))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTime(); cancelCtx(); cancelAlloc() })
	dir := os.Getenv("CHATLIFT_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	dir = filepath.Join(dir, t.Name())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	b := &Browser{T: t, Ctx: ctx, Base: s.HTTP.URL(), Token: operatorToken, axe: string(axe), dir: dir,
		Creds: readCreds(t, filepath.Join(dataDir, "demo-credentials.json"))}
	b.Run(page.SetBypassCSP(true)) // lets the test inject axe-core; the pages themselves run under the CSP
	return b
}

// repoRoot is the module's root, found upwards from the test's directory.
func repoRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for ; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil || dir == filepath.Dir(dir) {
			return dir
		}
	}
}

func readCreds(t *testing.T, path string) []*seed.Credentials {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var creds []*seed.Credentials
	if err := json.Unmarshal(data, &creds); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return creds
}

func missing(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(why)
	}
	t.Skip(why)
}

// Run runs the actions, failing the test on an error.
func (b *Browser) Run(actions ...chromedp.Action) {
	b.T.Helper()
	if err := chromedp.Run(b.Ctx, actions...); err != nil {
		b.T.Fatal(err)
	}
}

// Check screenshots the page and runs axe-core on it: no serious or
// critical violation may be found.
func (b *Browser) Check(name string) {
	b.T.Helper()
	var png []byte
	b.Run(chromedp.FullScreenshot(&png, 100))
	b.shot++
	path := filepath.Join(b.dir, fmt.Sprintf("%02d-%s.png", b.shot, name))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.T.Fatal(err)
	}
	var violations []string
	b.Run(chromedp.Evaluate(b.axe, nil), chromedp.Evaluate(`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations
		.filter(v => v.impact === "serious" || v.impact === "critical")
		.map(v => v.impact + " " + v.id + ": " + v.help + " at " + v.nodes.map(n => n.target.join(" ")).join(", ")))`,
		&violations, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if len(violations) > 0 {
		b.T.Errorf("page %s has accessibility violations:\n%s", name, strings.Join(violations, "\n"))
	}
}

// API calls the operator API, for what a face does not do itself.
func (b *Browser) API(method, path, body string, out any) {
	b.T.Helper()
	req, _ := http.NewRequest(method, b.Base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+b.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.T.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		b.T.Fatalf("%s %s = %s %s", method, path, resp.Status, data)
	}
	if out != nil {
		if err := json.NewDecoder(bytes.NewReader(data)).Decode(out); err != nil {
			b.T.Fatal(err)
		}
	}
}

// WaitScheduled asks the operator API for the upgrade until it has a date.
func (b *Browser) WaitScheduled(id string) chatlift.Upgrade {
	b.T.Helper()
	var r struct{ Upgrade chatlift.Upgrade }
	for deadline := time.Now().Add(30 * time.Second); r.Upgrade.State != chatlift.UpgradeScheduled; {
		if time.Now().After(deadline) {
			b.T.Fatalf("upgrade %s is still %s", id, r.Upgrade.State)
		}
		b.API("GET", "/api/v2/upgrades/"+id, "", &r)
	}
	return r.Upgrade
}

// Request requests the account's upgrade through the operator API and
// waits until it has a date.
func (b *Browser) Request(account int64) string {
	b.T.Helper()
	var r struct{ Upgrade chatlift.Upgrade }
	b.API("POST", "/api/v2/upgrades", fmt.Sprintf(`{"account_id": %d}`, account), &r)
	return b.WaitScheduled(r.Upgrade.ID).ID
}

// Text is the text of the first element the query selects.
func (b *Browser) Text(sel string) string {
	b.T.Helper()
	var s string
	b.Run(chromedp.Text(sel, &s, chromedp.ByQuery))
	return s
}

// WantIn fails the test unless got says every one of wants.
func WantIn(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s = %q, want it to say %q", what, got, w)
		}
	}
}

// Admin is the demo account's support owner, an admin, with the password
// serve printed.
func (b *Browser) Admin(account int64) *seed.Credentials {
	b.T.Helper()
	for _, c := range b.Creds {
		if c.AccountID == account {
			return c
		}
	}
	b.T.Fatalf("no demo account %d", account)
	return nil
}

// SignInAccount signs the account's admin in to the account pages with
// the keyboard, from path (a page that needs a session), and waits for
// landmark on it.
func (b *Browser) SignInAccount(account int64, path, landmark string) {
	b.T.Helper()
	c := b.Admin(account)
	b.Run(chromedp.Navigate(b.Base+path), chromedp.WaitVisible(`#email`, chromedp.ByID))
	b.Check("sign-in")
	b.Run(chromedp.Focus(`#email`, chromedp.ByID), chromedp.KeyEvent(c.SupportOwnerEmail), chromedp.KeyEvent("\t"),
		chromedp.KeyEvent(c.SupportAdminPassword), chromedp.KeyEvent("\r"), chromedp.WaitVisible(landmark, chromedp.ByQuery))
}
