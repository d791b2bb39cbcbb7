package console_test

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

const browserToken = "op-browser"

// browser is a headless chromium on a running chatlift serve.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	axe  string // axe-core's source
	dir  string // where screenshots go
	shot int
}

// startBrowser starts the real program in-process (port 0, a temp dir, a
// demo fleet, fault injection) and a headless chromium. It skips only when
// chromium or axe-core is missing and CI is unset.
func startBrowser(t *testing.T) *browser {
	t.Helper()
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		missing(t, "chromium is not installed (apt-get install chromium)")
	}
	axe, err := os.ReadFile(filepath.Join("..", "compat", "node", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		missing(t, "axe-core is not installed (cd compat/node && npm ci)")
	}
	s, err := app.StartServe(context.Background(), app.ServeConfig{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Namespace: "chatlift",
		OperatorToken: browserToken, Demo: seed.Spec{Accounts: 6, ChatsPerAccount: 25, Seed: 1}, Logger: slog.New(slog.DiscardHandler),
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
	b := &browser{t: t, ctx: ctx, base: s.HTTP.URL(), axe: string(axe), dir: dir}
	b.run(page.SetBypassCSP(true)) // lets the test inject axe-core; the pages themselves run under the CSP
	return b
}

func missing(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(why)
	}
	t.Skip(why)
}

func (b *browser) run(actions ...chromedp.Action) {
	b.t.Helper()
	if err := chromedp.Run(b.ctx, actions...); err != nil {
		b.t.Fatal(err)
	}
}

// check screenshots the page and runs axe-core on it: no serious or
// critical violation may be found.
func (b *browser) check(name string) {
	b.t.Helper()
	var png []byte
	b.run(chromedp.FullScreenshot(&png, 100))
	b.shot++
	path := filepath.Join(b.dir, fmt.Sprintf("%02d-%s.png", b.shot, name))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	var violations []string
	b.run(chromedp.Evaluate(b.axe, nil), chromedp.Evaluate(`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations
		.filter(v => v.impact === "serious" || v.impact === "critical")
		.map(v => v.impact + " " + v.id + ": " + v.help + " at " + v.nodes.map(n => n.target.join(" ")).join(", ")))`,
		&violations, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if len(violations) > 0 {
		b.t.Errorf("page %s has accessibility violations:\n%s", name, strings.Join(violations, "\n"))
	}
}

// signIn signs in through the form, with the keyboard.
func (b *browser) signIn() {
	b.t.Helper()
	b.run(chromedp.Navigate(b.base+"/console/"), chromedp.WaitVisible(`#token`, chromedp.ByID))
	b.check("sign-in")
	b.run(chromedp.SendKeys(`#token`, browserToken, chromedp.ByID), chromedp.SendKeys(`#name`, "Browser test", chromedp.ByID),
		chromedp.Submit(`#token`, chromedp.ByID), chromedp.WaitVisible(`#counts-h`, chromedp.ByID))
}

// api calls the operator API, for what the console does not do itself:
// requesting upgrades and injecting faults.
func (b *browser) api(method, path, body string, out any) {
	b.t.Helper()
	req, _ := http.NewRequest(method, b.base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+browserToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		b.t.Fatalf("%s %s = %s %s", method, path, resp.Status, data)
	}
	if out != nil {
		if err := json.NewDecoder(bytes.NewReader(data)).Decode(out); err != nil {
			b.t.Fatal(err)
		}
	}
}

// request requests the account's upgrade and waits until it has a date.
func (b *browser) request(account int64) string {
	b.t.Helper()
	var r struct{ Upgrade chatlift.Upgrade }
	b.api("POST", "/api/v2/upgrades", fmt.Sprintf(`{"account_id": %d}`, account), &r)
	for deadline := time.Now().Add(30 * time.Second); r.Upgrade.State != chatlift.UpgradeScheduled; {
		if time.Now().After(deadline) {
			b.t.Fatalf("upgrade %s is still %s", r.Upgrade.ID, r.Upgrade.State)
		}
		b.api("GET", "/api/v2/upgrades/"+r.Upgrade.ID, "", &r)
	}
	return r.Upgrade.ID
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	var s string
	b.run(chromedp.Text(sel, &s, chromedp.ByQuery))
	return s
}

func wantIn(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s = %q, want it to say %q", what, got, w)
		}
	}
}
