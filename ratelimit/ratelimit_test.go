package ratelimit_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/chatlift/chatlift/ratelimit"
)

// about reports whether d is want to the millisecond (buckets count in floats).
func about(d, want time.Duration) bool { return d > want-time.Millisecond && d <= want }

func TestKeyed(t *testing.T) {
	t.Parallel()
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	t.Run("BurstThenWait", func(t *testing.T) {
		k := ratelimit.New(30*time.Second, 3, 10)
		for i := range 3 {
			if ok, _ := k.Take("a", start); !ok {
				t.Fatalf("attempt %d refused", i+1)
			}
		}
		ok, wait := k.Take("a", start)
		if ok || !about(wait, 30*time.Second) {
			t.Fatalf("4th attempt: ok %v, wait %s; want refused, 30s", ok, wait)
		}
		if ok, _ := k.Take("b", start); !ok {
			t.Fatal("another key is limited too")
		}
		if ok, wait := k.Take("a", start.Add(29*time.Second)); ok || !about(wait, time.Second) {
			t.Fatalf("before the interval: ok %v, wait %s", ok, wait)
		}
		if ok, _ := k.Take("a", start.Add(30*time.Second)); !ok {
			t.Fatal("refused after the interval")
		}
	})
	t.Run("RefusalSpendsNothing", func(t *testing.T) {
		k := ratelimit.New(time.Minute, 1, 10)
		k.Take("a", start)
		for range 5 {
			k.Take("a", start.Add(30*time.Second))
		}
		if ok, _ := k.Take("a", start.Add(time.Minute)); !ok {
			t.Fatal("refused attempts delayed the next allowed one")
		}
	})
	t.Run("BoundedKeys", func(t *testing.T) {
		k := ratelimit.New(time.Hour, 1, 100)
		k.Take("first", start)
		for i := range 1000 {
			k.Take(fmt.Sprint("k", i), start)
			if n := k.Len(); n > 100 {
				t.Fatalf("%d keys remembered, limit 100", n)
			}
		}
		if ok, _ := k.Take("first", start); !ok {
			t.Fatal("the least recently used key was not forgotten")
		}
		if ok, _ := k.Take("k999", start); ok {
			t.Fatal("a recent key was forgotten")
		}
	})
}
