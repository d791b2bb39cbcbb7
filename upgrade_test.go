package chatlift_test

import (
	"testing"

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
		{chatlift.UpgradeCancelled, chatlift.UpgradeScheduled, false},
		{chatlift.UpgradeRequested, chatlift.UpgradeMigrating, false},
	} {
		if got := chatlift.CanTransition(tc.from, tc.to); got != tc.ok {
			t.Errorf("CanTransition(%s, %s) = %v, want %v", tc.from, tc.to, got, tc.ok)
		}
	}
	for _, s := range chatlift.UpgradeStates {
		want := s == chatlift.UpgradeCompleted || s == chatlift.UpgradeCancelled
		if chatlift.Terminal(s) != want {
			t.Errorf("Terminal(%s) = %v", s, !want)
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
