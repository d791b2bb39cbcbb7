package chatlift_test

import (
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

func TestCanTransition(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		from, to string
		ok       bool
	}{
		{chatlift.UpgradeRequested, chatlift.UpgradeScheduled, true},
		{chatlift.UpgradeScheduled, chatlift.UpgradePreparing, true},
		{chatlift.UpgradeMigrating, chatlift.UpgradeRollingBack, true},
		{chatlift.UpgradeRolledBack, chatlift.UpgradeScheduled, true},
		{chatlift.UpgradeImporting, chatlift.UpgradeCompleted, true},
		{chatlift.UpgradeUpgraded, chatlift.UpgradeRollingBack, false}, // no silent rollback after the switch
		{chatlift.UpgradeImporting, chatlift.UpgradeRollingBack, false},
		{chatlift.UpgradeCompleted, chatlift.UpgradeScheduled, false},
		{chatlift.UpgradeCompleted, chatlift.UpgradeReverting, true},
		{chatlift.UpgradeReverting, chatlift.UpgradeReverted, true},
		{chatlift.UpgradeReverting, chatlift.UpgradeCompleted, true},  // a failed revert, undone
		{chatlift.UpgradeImporting, chatlift.UpgradeReverting, false}, // only once completed
		{chatlift.UpgradeReverted, chatlift.UpgradeScheduled, false},  // a new upgrade, not this one
		{chatlift.UpgradeCancelled, chatlift.UpgradeScheduled, false},
		{chatlift.UpgradeRequested, chatlift.UpgradeMigrating, false},
	} {
		if got := chatlift.CanTransition(tc.from, tc.to); got != tc.ok {
			t.Errorf("CanTransition(%s, %s) = %v, want %v", tc.from, tc.to, got, tc.ok)
		}
	}
	for _, s := range chatlift.UpgradeStates {
		want := s == chatlift.UpgradeCompleted || s == chatlift.UpgradeReverted || s == chatlift.UpgradeCancelled
		if chatlift.Terminal(s) != want {
			t.Errorf("Terminal(%s) = %v", s, !want)
		}
	}
}

func TestRevertible(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	until, earlier := now.Add(time.Hour), now.Add(-time.Hour)
	for name, tc := range map[string]struct {
		u  chatlift.Upgrade
		ok bool
	}{
		"OK":           {chatlift.Upgrade{State: chatlift.UpgradeCompleted, Revert: chatlift.Revert{Until: &until}}, true},
		"ErrNoWindow":  {chatlift.Upgrade{State: chatlift.UpgradeCompleted}, false},
		"ErrPast":      {chatlift.Upgrade{State: chatlift.UpgradeCompleted, Revert: chatlift.Revert{Until: &earlier}}, false},
		"ErrRetired":   {chatlift.Upgrade{State: chatlift.UpgradeCompleted, Revert: chatlift.Revert{Until: &until, RetiredAt: &earlier}}, false},
		"ErrImporting": {chatlift.Upgrade{State: chatlift.UpgradeImporting, Revert: chatlift.Revert{Until: &until}}, false},
	} {
		if got := tc.u.Revertible(now); got != tc.ok {
			t.Errorf("%s: Revertible = %v, want %v", name, got, tc.ok)
		}
	}
}

func TestValidEmail(t *testing.T) {
	t.Parallel()
	for s, ok := range map[string]bool{
		"ann@acme.test": true, "Ann.Lee+chat@acme.co.jp": true, "ann": false, "ann@acme": false,
		"Ann <ann@acme.test>": false, "": false, " ann@acme.test": false,
	} {
		if chatlift.ValidEmail(s) != ok {
			t.Errorf("ValidEmail(%q) = %v", s, !ok)
		}
	}
	if chatlift.NormalizeEmail(" Ann.Lee@ACME.test ") != "ann.lee@acme.test" {
		t.Error("NormalizeEmail does not fold case and space")
	}
}

func TestErrorCode(t *testing.T) {
	t.Parallel()
	err := chatlift.Errorf(chatlift.ENOTFOUND, "chat %s not found", "c1")
	wrapped := &wrapErr{err}
	if chatlift.ErrorCode(wrapped) != chatlift.ENOTFOUND || chatlift.ErrorMessage(wrapped) != "chat c1 not found" {
		t.Fatalf("code/message lost through wrapping: %q %q", chatlift.ErrorCode(wrapped), chatlift.ErrorMessage(wrapped))
	}
	plain := errString("disk on fire")
	if chatlift.ErrorCode(plain) != chatlift.EINTERNAL || chatlift.ErrorMessage(plain) != "internal error" {
		t.Fatal("a plain error must read as internal")
	}
	if chatlift.ErrorCode(nil) != "" {
		t.Fatal("nil has a code")
	}
}

type wrapErr struct{ err error }

func (w *wrapErr) Error() string { return "wrapped: " + w.err.Error() }
func (w *wrapErr) Unwrap() error { return w.err }

type errString string

func (e errString) Error() string { return string(e) }

func TestSameBilling(t *testing.T) {
	t.Parallel()
	a := &chatlift.BillingAccount{Currency: "USD", Frequency: chatlift.BillingAnnual,
		Contacts: []chatlift.BillingContact{{Name: "AP", Email: "ap@acme.test"}}, PaymentMethod: chatlift.PaymentMethod{Type: "card", Last4: "4242"}}
	b := *a
	b.Contacts = append([]chatlift.BillingContact(nil), a.Contacts...)
	if !chatlift.SameBilling(a, &b) {
		t.Fatal("copies differ")
	}
	b.Frequency = chatlift.BillingMonthly
	if chatlift.SameBilling(a, &b) {
		t.Fatal("different cycles read as the same billing")
	}
	b.Frequency, b.Contacts[0].Email = a.Frequency, "other@acme.test"
	if chatlift.SameBilling(a, &b) {
		t.Fatal("different contacts read as the same billing")
	}
}
