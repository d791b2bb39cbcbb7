package console_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/chatlift/chatlift/internal/browsertest"
)

const browserToken = "op-browser"

// browser is a headless chromium on a running chatlift serve
// (internal/browsertest), with the console's own steps.
type browser struct{ *browsertest.Browser }

func startBrowser(t *testing.T) *browser { return &browser{browsertest.Start(t, browserToken)} }

// signIn signs in through the form, with the keyboard.
func (b *browser) signIn() {
	b.T.Helper()
	b.Run(chromedp.Navigate(b.Base+"/console/"), chromedp.WaitVisible(`#token`, chromedp.ByID))
	b.Check("sign-in")
	b.Run(chromedp.SendKeys(`#token`, browserToken, chromedp.ByID), chromedp.SendKeys(`#name`, "Browser test", chromedp.ByID),
		chromedp.Submit(`#token`, chromedp.ByID), chromedp.WaitVisible(`#counts-h`, chromedp.ByID))
}

var wantIn = browsertest.WantIn
