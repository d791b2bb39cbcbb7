package ownerweb_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chatlift/chatlift"
)

func TestMergePlan(t *testing.T) {
	t.Run("Shown", func(t *testing.T) {
		e, c := signedIn(t)
		e.tasks.merge.Choices[7] = chatlift.MergeChoice{ChatAgentID: 7, UserID: 2}
		a := c.Do("GET", "/account/upgrade", nil)
		wantBody(t, "row", a, `id="merge-7"`)
		wantBody(t, "entry, escaped", a, "chat-only &lt;agent&gt;")
		wantBody(t, "the current choice selected", a, `<option value="user:2" selected>bob@example.com</option>`)
		wantBody(t, "labelled", a, `<label for="choice-7">`)
	})
	t.Run("Choose", func(t *testing.T) {
		for choice, want := range map[string]chatlift.MergeChoice{
			"skip":   {ChatAgentID: 7, Skip: true},
			"user:2": {ChatAgentID: 7, UserID: 2},
			"":       {ChatAgentID: 7},
		} {
			e, c := signedIn(t)
			tok := c.CSRF("/account/upgrade")
			a := c.Do("POST", "/account/upgrade/merge", url.Values{"csrf": {tok}, "agent": {"7"}, "choice": {choice}})
			wantStatus(t, choice, a, http.StatusSeeOther)
			if len(e.set.chosen) != 1 || e.set.chosen[0] != want {
				t.Fatalf("%q: chose %+v, want %+v", choice, e.set.chosen, want)
			}
			wantBody(t, "flash", c.Do("GET", "/account/upgrade", nil), "Merge plan changed")
		}
	})
	t.Run("ErrRefused", func(t *testing.T) {
		e, c := signedIn(t)
		e.set.refuse = chatlift.Errorf(chatlift.EUNAVAILABLE, "chat account 1 is maintenance: the merge can no longer change")
		tok := c.CSRF("/account/upgrade")
		c.Do("POST", "/account/upgrade/merge", url.Values{"csrf": {tok}, "agent": {"7"}, "choice": {"skip"}})
		wantBody(t, "flash", c.Do("GET", "/account/upgrade", nil), "Refused: chat account 1 is maintenance")
	})
	t.Run("ErrBadForm", func(t *testing.T) {
		e, c := signedIn(t)
		tok := c.CSRF("/account/upgrade")
		for _, form := range []url.Values{{"agent": {"x"}}, {"agent": {"7"}, "choice": {"user:x"}}, {"agent": {"7"}, "choice": {"all"}}} {
			form.Set("csrf", tok)
			wantStatus(t, form.Encode(), c.Do("POST", "/account/upgrade/merge", form), http.StatusBadRequest)
		}
		wantStatus(t, "forged", c.Do("POST", "/account/upgrade/merge", url.Values{"csrf": {"x"}, "agent": {"7"}}), http.StatusForbidden)
		if len(e.set.chosen) != 0 {
			t.Fatalf("chose %+v", e.set.chosen)
		}
	})
	t.Run("NotAfterTheSwitch", func(t *testing.T) {
		e, c := requested(t)
		e.store.upgrades[0].State = chatlift.UpgradeCompleted
		if strings.Contains(c.Do("GET", "/account/upgrade", nil).Body, `id="merge"`) {
			t.Fatal("the merge plan is offered after the switch")
		}
	})
}
