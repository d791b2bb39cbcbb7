package console_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// TestBrowserRunNow: an operator signs in, runs an upgrade now and watches
// it reach completed, the live part of the page updating itself.
func TestBrowserRunNow(t *testing.T) {
	b := startBrowser(t)
	id := b.Request(2)
	b.Request(4) // booked ahead, for the calendar
	b.signIn()
	b.Check("fleet")
	b.Run(chromedp.Navigate(b.Base+"/console/upgrades"), chromedp.WaitVisible(`#upgrades`, chromedp.ByID))
	b.Check("list")
	b.Run(chromedp.Click(`a[href="/console/upgrades/`+id+`"]`, chromedp.ByQuery), chromedp.WaitVisible(`#progress`, chromedp.ByID))
	b.Check("upgrade-scheduled")
	b.Run(chromedp.Click(`a[href$="/run-now"]`, chromedp.ByQuery), chromedp.WaitVisible(`#confirm`, chromedp.ByID))
	wantIn(t, "the confirmation", b.Text(`#effect`), "starts at once", "frozen for the cutover")
	b.Check("confirm-run-now")
	b.Run(chromedp.Click(`#confirm`, chromedp.ByID), chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	wantIn(t, "the answer", b.Text(`.flash`), "Run now: accepted")
	// No reload from here: only htmx's polling of the fragment can show it.
	b.Run(chromedp.WaitVisible(`#progress[data-state="completed"]`, chromedp.ByQuery))
	var value string
	b.Run(chromedp.AttributeValue(`#import-bar`, "value", &value, nil, chromedp.ByID))
	if value != "100" {
		t.Errorf("the import bar of a completed upgrade is at %s%%", value)
	}
	wantIn(t, "the import", b.Text(`#import-rows`), " rows")
	wantIn(t, "the audit trail", b.Text(`#audit`), "operator (Browser test)", "run-now", "accepted")
	b.Run(chromedp.Reload(), chromedp.WaitVisible(`#verification`, chromedp.ByID))
	wantIn(t, "the verification", b.Text(`#verification`), "Passed")
	b.Check("upgrade-completed")
	b.Run(chromedp.Navigate(b.Base+"/console/"), chromedp.WaitVisible(`#downtime-chart`, chromedp.ByID))
	wantIn(t, "the downtime chart", b.Text(`#downtime-chart figcaption`), "completed upgrades by how long their chat was down")
	wantIn(t, "the per-hour chart", b.Text(`#perhour-chart figcaption`), "Most in one hour: 1")
	if through := b.Text(`#throughput-chart figcaption`); !strings.Contains(through, "rows imported across the fleet") || strings.Contains(through, ". 0 rows") {
		t.Errorf("the throughput chart does not count the import: %q", through)
	}
	wantIn(t, "the calendar", b.Text(`#calendar caption`), "by day and hour")
	b.Check("fleet-charts")
}

// TestBrowserRollback: an injected failure shows as rolled back, with the
// next attempt's new date, on the upgrade page and the fleet page.
func TestBrowserRollback(t *testing.T) {
	b := startBrowser(t)
	id := b.Request(3)
	b.API("POST", "/api/ops/faults", `{"account_id": 3, "step": "copy_configuration", "mode": "error"}`, nil)
	b.signIn()
	b.Run(chromedp.Navigate(b.Base+"/console/upgrades/"+id+"/run-now"), chromedp.WaitVisible(`#confirm`, chromedp.ByID),
		chromedp.Click(`#confirm`, chromedp.ByID), chromedp.WaitVisible(`.flash`, chromedp.ByQuery),
		chromedp.WaitVisible(`#progress[data-attempt="2"][data-state="scheduled"]`, chromedp.ByQuery))
	if date := b.Text(`#scheduled-for`); len(date) < 10 {
		t.Errorf("the next attempt shows no new date: %q", date)
	}
	wantIn(t, "the steps", b.Text(`#progress`), "Attempt", "2")
	b.Run(chromedp.Reload(), chromedp.WaitVisible(`#notices-h`, chromedp.ByID))
	wantIn(t, "the notices", b.Text(`.notices`), "was rolled back")
	wantIn(t, "why it needs attention", b.Text(`.attention`), "copy_configuration")
	b.Check("upgrade-rolled-back")
	b.Run(chromedp.Navigate(b.Base+"/console/"), chromedp.WaitVisible(`#attention-h`, chromedp.ByID))
	wantIn(t, "the fleet's attention list", b.Text(`#attention-h + div`), id)
	b.Check("fleet-attention")
}

// TestBrowserBatch: a batch action on a filtered list, with its progress.
func TestBrowserBatch(t *testing.T) {
	b := startBrowser(t)
	for _, account := range []int64{4, 5, 6} {
		b.Request(account)
	}
	b.signIn()
	b.Run(chromedp.Navigate(b.Base+"/console/upgrades"), chromedp.WaitVisible(`#f-state`, chromedp.ByID),
		chromedp.SetValue(`#f-state`, "scheduled", chromedp.ByID), chromedp.Submit(`#f-state`, chromedp.ByID),
		chromedp.WaitVisible(`#upgrades`, chromedp.ByID))
	var url string
	b.Run(chromedp.Location(&url))
	wantIn(t, "the filtered list's URL", url, "state=scheduled")
	b.Run(chromedp.Click(`a[href^="/console/batch?action=pause"]`, chromedp.ByQuery), chromedp.WaitVisible(`#confirm`, chromedp.ByID))
	wantIn(t, "the batch confirmation", b.Text(`#batch-count`), "3 upgrades match")
	b.Check("batch-confirm")
	b.Run(chromedp.Click(`#confirm`, chromedp.ByID), chromedp.WaitVisible(`#batch[data-finished="true"]`, chromedp.ByQuery))
	wantIn(t, "the batch", b.Text(`#batch`), "3 of 3", "3 accepted", "0 refused")
	b.Check("batch-done")
	b.Run(chromedp.Navigate(b.Base+"/console/upgrades?state=scheduled"), chromedp.WaitVisible(`#upgrades`, chromedp.ByID))
	var paused int
	b.Run(chromedp.Evaluate(`[...document.querySelectorAll("#upgrades tbody tr")].filter(r => r.textContent.includes("(paused)")).length`, &paused))
	if paused != 3 {
		t.Errorf("%d upgrades of the list are paused, want 3", paused)
	}
}

// TestBrowserPhoneAndKeyboard: at phone width nothing runs off the side,
// and the sign-in form is reached in order with the keyboard.
func TestBrowserPhoneAndKeyboard(t *testing.T) {
	b := startBrowser(t)
	b.Run(chromedp.Navigate(b.Base+"/console/sign-in"), chromedp.WaitVisible(`#token`, chromedp.ByID))
	focused := func() string {
		var id string
		b.Run(chromedp.Evaluate(`document.activeElement.id || document.activeElement.tagName`, &id))
		return id
	}
	order := []string{focused()} // the token field has autofocus
	for range 2 {
		b.Run(chromedp.KeyEvent("\t"))
		order = append(order, focused())
	}
	b.Run(chromedp.KeyEvent("\t", chromedp.KeyModifiers(input.ModifierShift)))
	b.Run(chromedp.KeyEvent("\t", chromedp.KeyModifiers(input.ModifierShift)))
	b.Run(chromedp.KeyEvent("\t", chromedp.KeyModifiers(input.ModifierShift)))
	b.Run(chromedp.KeyEvent("\t", chromedp.KeyModifiers(input.ModifierShift)))
	order = append(order, focused())
	if fmt.Sprint(order) != "[token name BUTTON A]" {
		t.Errorf("focus order = %v, want the token (autofocus), the name, the button, and back before the token the links above it", order)
	}
	var skip string
	b.Run(chromedp.Evaluate(`document.querySelector("a, button, input, select, [tabindex]:not([tabindex='-1'])").className`, &skip))
	if skip != "skip" {
		t.Errorf("the first focusable element is %q, want the skip link", skip)
	}
	b.signIn()
	b.Request(2)
	b.Run(emulation.SetDeviceMetricsOverride(390, 844, 3, true))
	for _, path := range []string{"/console/", "/console/upgrades"} {
		var overflow bool
		b.Run(chromedp.Navigate(b.Base+path), chromedp.WaitReady(`main`, chromedp.ByQuery),
			chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth`, &overflow))
		if overflow {
			t.Errorf("%s runs wider than a phone's 390 px", path)
		}
		b.Check("phone" + map[string]string{"/console/": "-fleet", "/console/upgrades": "-list"}[path])
	}
}

// TestBrowserNewerPages: the import limits page and a batch reschedule's
// confirmation are accessible too.
func TestBrowserNewerPages(t *testing.T) {
	b := startBrowser(t)
	b.Request(3)
	b.signIn()
	b.Run(chromedp.Navigate(b.Base+"/console/imports"), chromedp.WaitVisible(`#limits`, chromedp.ByID))
	wantIn(t, "the import limits", b.Text(`#limits`), "rows/s")
	b.Check("imports")
	b.Run(chromedp.Navigate(b.Base+"/console/batch?action=reschedule&state=scheduled"), chromedp.WaitVisible(`#batch-count`, chromedp.ByID))
	wantIn(t, "the batch reschedule", b.Text(`#batch-count`), "1 upgrade")
	b.Check("batch-reschedule-confirm")
}

// TestBrowserPostponeAnswer: an account admin asks to postpone on the
// account pages; the operator finds the request on the fleet page, answers
// it on its own page, and both faces show the upgrade moved.
func TestBrowserPostponeAnswer(t *testing.T) {
	b := startBrowser(t)
	id := b.Request(5)
	b.SignInAccount(5, "/account/upgrade", "#ask-postpone")
	b.Run(chromedp.SendKeys(`#reason`, "Our busy <season>", chromedp.ByID), chromedp.Click(`#ask-postpone`, chromedp.ByID),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	wantIn(t, "the request", b.Text(`.flash`), "Asked to postpone")
	b.signIn()
	b.Run(chromedp.Click(`a[href^="/console/upgrades/`+id+`/postpone/"]`, chromedp.ByQuery), chromedp.WaitVisible(`#postpone-reason`, chromedp.ByID))
	wantIn(t, "the reason", b.Text(`#postpone-reason`), "Our busy <season>")
	wantIn(t, "the slot offered", b.Text(`#accept-slot`), "reschedule to")
	b.Check("postpone-answer")
	var answerPage string
	b.Run(chromedp.Location(&answerPage))
	b.Run(chromedp.SendKeys(`#note`, "Fine by us", chromedp.ByID), chromedp.Click(`#confirm`, chromedp.ByID),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	wantIn(t, "the answer", b.Text(`.flash`), "Postpone request accepted: rescheduled to")
	wantIn(t, "the audit trail", b.Text(`#audit`), "operator (Browser test)", "reschedule", "accepted")
	b.Check("postpone-answered")
	b.Run(chromedp.Navigate(answerPage), chromedp.WaitVisible(`#answered`, chromedp.ByID))
	wantIn(t, "the request, answered", b.Text(`#answered`), "Already accepted by operator (Browser test): “Fine by us”")
	b.Check("postpone-answer-again")
	b.Run(chromedp.Navigate(b.Base+"/account/upgrade"), chromedp.WaitVisible(`#postpone`, chromedp.ByID))
	wantIn(t, "the account's page", b.Text(`#postpone`), "accepted", "moved to", "Support's answer: “Fine by us”")
}
