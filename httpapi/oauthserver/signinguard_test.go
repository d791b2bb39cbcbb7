package oauthserver

import (
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// TestSignInGuard checks the guard's parts that no request shows alone.
func TestSignInGuard(t *testing.T) {
	t.Parallel()
	t.Run("DummyHashBuiltUpFront", func(t *testing.T) {
		g := newSignInGuard(nil)
		done := make(chan []byte, 1)
		go func() { // hashing at bcrypt's top cost would take days
			done <- g.dummyHash(bcrypt.MaxCost)
		}()
		select {
		case h := <-done:
			if cost, err := bcrypt.Cost(h); err != nil || cost != bcrypt.MaxCost {
				t.Fatalf("dummy hash cost %d (%v), want %d", cost, err, bcrypt.MaxCost)
			}
		case <-time.After(time.Second):
			t.Fatal("the dummy hash was hashed on first use, not when the guard was built")
		}
	})
	t.Run("DummyHashMatchesNothing", func(t *testing.T) {
		g := newSignInGuard(nil)
		for _, cost := range []int{bcrypt.MinCost, bcrypt.MinCost + 1} {
			h := g.dummyHash(cost)
			if got, err := bcrypt.Cost(h); err != nil || got != cost {
				t.Fatalf("dummy hash cost %d (%v), want %d", got, err, cost)
			}
			for _, pw := range []string{dummyPassword, "", "guess"} {
				if bcrypt.CompareHashAndPassword(h, []byte(pw)) == nil {
					t.Fatalf("the dummy hash at cost %d matches %q", cost, pw)
				}
			}
		}
	})
}
