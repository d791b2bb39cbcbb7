package ownerweb_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/internal/browsertest"
)

// account is the demo account the browser tests act for.
const account = 4

// signIn signs the account's admin in with the keyboard, from a page that
// needs a session, and lands on it.
func signIn(b *browsertest.Browser, path, landmark string) {
	b.T.Helper()
	b.SignInAccount(account, path, landmark)
}

// reloadUntil reloads the page until sel is on it: what the server shows
// only on a full page (the notice) is written by the workflow a moment
// after the state it follows.
func reloadUntil(b *browsertest.Browser, sel string) {
	b.T.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; {
		var n int
		b.Run(chromedp.Reload(), chromedp.WaitReady(`main`, chromedp.ByQuery),
			chromedp.Evaluate(fmt.Sprintf(`document.querySelectorAll(%q).length`, sel), &n))
		if n > 0 {
			return
		}
		if time.Now().After(deadline) {
			b.T.Fatalf("%s never appeared", sel)
		}
	}
}

// changeMerge chooses not to merge a chat agent the plan would create a
// support user for, and sees the checklist say so.
func changeMerge(b *browsertest.Browser) {
	b.T.Helper()
	var row string
	b.Run(chromedp.Navigate(b.Base+"/account/upgrade"), chromedp.WaitVisible(`#merge`, chromedp.ByID),
		chromedp.Evaluate(`document.querySelector("#merge .status-create").closest("tr").id`, &row))
	b.Check("merge-plan")
	b.Run(chromedp.SetValue(`#`+row+` select`, "skip", chromedp.ByQuery), chromedp.Click(`#`+row+` button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	browsertest.WantIn(b.T, "the answer", b.Text(`.flash`), "Merge plan changed")
	browsertest.WantIn(b.T, "the checklist, recomputed", b.Text(`#task-confirm_agent_emails`), "skip: ")
	var chosen string
	b.Run(chromedp.Evaluate(`document.querySelector("#`+row+` select").value`, &chosen))
	if chosen != "skip" {
		b.T.Errorf("the choice shown is %q, want skip", chosen)
	}
	browsertest.WantIn(b.T, "the plan", b.Text(`#`+row+` td`), "skip")
}

// TestBrowserAccountUpgrade: an account admin signs in, sees the checklist,
// enables account assumption and sees its task done, chooses not to merge
// an agent and sees the checklist say so, requests the upgrade, watches it get a date with its notice, moves it to
// another free date, and finds the notices in the inbox linking back.
func TestBrowserAccountUpgrade(t *testing.T) {
	b := browsertest.Start(t, "op-browser-account")
	signIn(b, "/account/upgrade", `#no-upgrade`)
	browsertest.WantIn(t, "the checklist before a request", b.Text(`#tasks`), "Before the upgrade", "Confirm agent emails",
		"Enable account assumption", "What to do")
	b.Check("upgrade-none")
	b.Run(chromedp.Click(`#do-enable_account_assumption`, chromedp.ByID), chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	browsertest.WantIn(t, "the answer", b.Text(`.flash`), "Account assumption is on")
	browsertest.WantIn(t, "the checklist, recomputed", b.Text(`#task-enable_account_assumption .status`), "done")
	changeMerge(b)
	b.Run(chromedp.Click(`#request`, chromedp.ByID), chromedp.WaitNotPresent(`#no-upgrade`, chromedp.ByID))
	browsertest.WantIn(t, "the answer", b.Text(`.flash`), "Upgrade requested")
	// No reload: only htmx's polling of the progress fragment can show it.
	b.Run(chromedp.WaitVisible(`#progress[data-state="scheduled"]`, chromedp.ByQuery))
	reloadUntil(b, `#notice`)
	browsertest.WantIn(t, "the notice", b.Text(`#notice`), "scheduled", "pre-upgrade tasks")
	date := b.Text(`#date`)
	if len(date) < 10 {
		t.Fatalf("no date: %q", date)
	}
	browsertest.WantIn(t, "the checklist", b.Text(`#tasks`), "Before the upgrade", "Confirm agent emails")
	b.Check("upgrade-scheduled")
	var value, label string
	b.Run(chromedp.AttributeValue(`#slot option:nth-child(3)`, "value", &value, nil, chromedp.ByQuery),
		chromedp.Text(`#slot option:nth-child(3)`, &label, chromedp.ByQuery))
	b.Run(chromedp.SetValue(`#slot`, value, chromedp.ByID), chromedp.Click(`#reschedule`, chromedp.ByID),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	browsertest.WantIn(t, "the workflow's answer", b.Text(`.flash`), "Accepted: the upgrade moves to")
	if got := b.Text(`#date`); got == date {
		t.Errorf("the date is still %q after moving it to %s", got, label)
	}
	b.Check("upgrade-rescheduled")
	b.Run(chromedp.Navigate(b.Base+"/account/notifications"), chromedp.WaitVisible(`#inbox-h`, chromedp.ByID))
	var links int
	b.Run(chromedp.Evaluate(`document.querySelectorAll('.inbox a[href="/account/upgrade"]').length`, &links))
	if links == 0 {
		t.Error("no notice links to the upgrade page")
	}
	b.Check("inbox")
}

// TestBrowserAccountPhoneAndKeyboard: the skip link comes first, the
// sign-in form is reached in order with the keyboard, and at phone width
// nothing runs off the side.
func TestBrowserAccountPhoneAndKeyboard(t *testing.T) {
	b := browsertest.Start(t, "op-browser-account")
	b.Run(chromedp.Navigate(b.Base+"/account/sign-in"), chromedp.WaitVisible(`#email`, chromedp.ByID))
	var first string
	b.Run(chromedp.Evaluate(`document.querySelector("a, button, input, select, [tabindex]:not([tabindex='-1'])").className`, &first))
	if first != "skip" {
		t.Errorf("the first focusable element is %q, want the skip link", first)
	}
	focused := func() string {
		var id string
		b.Run(chromedp.Evaluate(`document.activeElement.id || document.activeElement.tagName`, &id))
		return id
	}
	b.Run(chromedp.Focus(`#email`, chromedp.ByID))
	order := []string{focused()}
	for range 2 {
		b.Run(chromedp.KeyEvent("\t"))
		order = append(order, focused())
	}
	b.Run(chromedp.KeyEvent("\t", chromedp.KeyModifiers(input.ModifierShift)))
	order = append(order, focused())
	if fmt.Sprint(order) != "[email password BUTTON password]" {
		t.Errorf("focus order = %v, want the email, the password, the button and back", order)
	}
	b.Run(emulation.SetDeviceMetricsOverride(390, 844, 3, true))
	signIn(b, "/account/upgrade", `#tasks`)
	for _, path := range []string{"/account/upgrade", "/account/notifications", "/account/"} {
		var overflow bool
		b.Run(chromedp.Navigate(b.Base+path), chromedp.WaitReady(`main`, chromedp.ByQuery),
			chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth`, &overflow))
		if overflow {
			t.Errorf("%s runs wider than a phone's 390 px", path)
		}
		b.Check("phone-" + strings.Trim(strings.TrimPrefix(path, "/account"), "/"))
	}
}

// TestBrowserAccountRollback: an injected failure shows on the account
// admin's page as rolled back, with chat as it was and the next attempt's
// date in the account's time zone, and the inbox links the notice to it.
func TestBrowserAccountRollback(t *testing.T) {
	b := browsertest.Start(t, "op-browser-account")
	id := b.Request(account)
	b.API("POST", "/api/ops/faults", fmt.Sprintf(`{"account_id": %d, "step": "copy_configuration", "mode": "error"}`, account), nil)
	b.API("POST", "/api/ops/upgrades/"+id+"/run-now", "", nil)
	signIn(b, "/account/upgrade", `#progress`)
	// No reload: htmx's polling shows the next attempt get its date.
	b.Run(chromedp.WaitVisible(`#progress[data-attempt="2"][data-state="scheduled"]`, chromedp.ByQuery))
	reloadUntil(b, `#rolled-back`)
	browsertest.WantIn(t, "the rollback", b.Text(`#rolled-back`), "rolled back", "exactly as it was", "copy_configuration")
	browsertest.WantIn(t, "the checklist", b.Text(`#tasks`), "Before the upgrade")
	var list struct {
		Accounts []struct {
			ID        int64  `json:"id"`
			ChatState string `json:"chat_state"`
			TimeZone  string `json:"time_zone"`
		}
	}
	b.API("GET", "/api/ops/accounts", "", &list)
	var upg struct{ Upgrade chatlift.Upgrade }
	b.API("GET", "/api/v2/upgrades/"+id, "", &upg)
	found := false
	for _, a := range list.Accounts {
		if a.ID != account {
			continue
		}
		found = true
		if a.ChatState != chatlift.ChatAccountActive {
			t.Errorf("chat is %s after the rollback, want it active as it was", a.ChatState)
		}
		loc, err := time.LoadLocation(a.TimeZone)
		if err != nil || upg.Upgrade.ScheduledFor == nil {
			t.Fatalf("zone %q (%v), date %v", a.TimeZone, err, upg.Upgrade.ScheduledFor)
		}
		want := upg.Upgrade.ScheduledFor.In(loc).Format("Monday 2 January 2006, 15:04 MST")
		browsertest.WantIn(t, "the new date in the account's zone", b.Text(`#date`), want)
	}
	if !found {
		t.Fatalf("account %d is not in the operator's list", account)
	}
	b.Check("upgrade-rolled-back")
	b.Run(chromedp.Navigate(b.Base+"/account/notifications"), chromedp.WaitVisible(`#inbox-h`, chromedp.ByID))
	var links int
	b.Run(chromedp.Evaluate(`[...document.querySelectorAll('.inbox a[href="/account/upgrade"]')]
		.filter(a => a.textContent.includes("rolled back")).length`, &links))
	if links == 0 {
		t.Error("no rolled-back notice links to the upgrade page")
	}
	b.Check("inbox-rolled-back")
}
