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
		k := ratelimit.New(time.Second, 1, 100)
		k.Take("first", start)
		for i := range 1000 { // each key's bucket is full again a second later
			k.Take(fmt.Sprint("k", i), start.Add(time.Duration(i)*time.Second))
			if n := k.Len(); n > 100 {
				t.Fatalf("%d keys remembered, limit 100", n)
			}
		}
		if ok, _ := k.Take("k998", start.Add(998*time.Second)); ok {
			t.Fatal("a draining key was forgotten")
		}
	})
	t.Run("DrainingKeyNotForgotten", func(t *testing.T) {
		k := ratelimit.New(time.Minute, 2, 100)
		k.Take("victim", start)
		k.Take("victim", start)
		for i := range 1000 { // made-up keys, each spending one of its two attempts
			k.Take(fmt.Sprint("k", i), start.Add(time.Second))
		}
		if ok, wait := k.Take("victim", start.Add(time.Second)); ok || !about(wait, 59*time.Second) {
			t.Fatalf("after 1,000 other keys, the drained key: ok %v, wait %s; want refused, 59s", ok, wait)
		}
	})
	t.Run("FullTableRefusesNewKeys", func(t *testing.T) {
		k := ratelimit.New(time.Minute, 2, 3)
		for i := range 3 {
			k.Take(fmt.Sprint("k", i), start.Add(time.Duration(i)*time.Second))
		}
		ok, wait := k.Take("new", start.Add(10*time.Second))
		if ok || !about(wait, 50*time.Second) {
			t.Fatalf("a new key while every bucket drains: ok %v, wait %s; want refused until the first is full, 50s", ok, wait)
		}
		if ok, _ := k.Take("k1", start.Add(10*time.Second)); !ok {
			t.Fatal("a known key with an attempt left was refused")
		}
		if ok, _ := k.Take("new", start.Add(time.Minute)); !ok {
			t.Fatal("a new key was refused once a bucket was full again")
		}
		if n := k.Len(); n != 3 {
			t.Fatalf("%d keys remembered, want 3", n)
		}
	})
}
