// Package ratelimit limits how often each key (an email, a client address)
// may act, with one token bucket per key (golang.org/x/time/rate) and at
// most a fixed number of keys in memory. Time is passed in, so callers
// drive it from their own clock.
package ratelimit

import (
	"container/heap"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Keyed is a token bucket per key: burst attempts at once, then one every
// interval. It remembers at most maxKeys keys. It forgets a key only once
// its bucket is full again, the same as a new key's, so that making up new
// keys never resets one that is still draining; while every bucket drains,
// new keys are refused. Safe for concurrent use.
type Keyed struct {
	interval time.Duration
	burst    int
	maxKeys  int

	mu     sync.Mutex
	keys   map[string]*entry
	byFull fullOrder
}

// entry is a key's bucket and when it is full again.
type entry struct {
	key    string
	lim    *rate.Limiter
	fullAt time.Time
	index  int // in byFull
}

// New returns a limiter allowing each key burst attempts at once and then
// one every interval, keeping at most maxKeys keys (at least one).
func New(interval time.Duration, burst, maxKeys int) *Keyed {
	return &Keyed{interval: interval, burst: burst, maxKeys: max(1, maxKeys), keys: make(map[string]*entry)}
}

// Take spends one attempt of key at now. If none is left, or key is new
// and every remembered key's bucket still drains, it spends nothing and
// returns false with how long until an attempt is allowed.
func (k *Keyed) Take(key string, now time.Time) (bool, time.Duration) {
	k.mu.Lock()
	defer k.mu.Unlock()
	e, ok := k.keys[key]
	if !ok {
		if wait := k.makeRoom(now); wait > 0 {
			return false, wait
		}
		e = &entry{key: key, lim: rate.NewLimiter(rate.Every(k.interval), k.burst)}
		k.keys[key] = e
		heap.Push(&k.byFull, e)
	}
	r := e.lim.ReserveN(now, 1)
	if wait := r.DelayFrom(now); wait > 0 {
		r.CancelAt(now)
		return false, wait
	}
	missing := float64(k.burst) - e.lim.TokensAt(now)
	e.fullAt = now.Add(time.Duration(missing * float64(k.interval)))
	heap.Fix(&k.byFull, e.index)
	return true, 0
}

// makeRoom forgets a key whose bucket is full at now if maxKeys are
// remembered, or returns how long until one is.
func (k *Keyed) makeRoom(now time.Time) time.Duration {
	if len(k.keys) < k.maxKeys {
		return 0
	}
	if first := k.byFull[0]; first.fullAt.After(now) {
		return first.fullAt.Sub(now)
	}
	delete(k.keys, heap.Pop(&k.byFull).(*entry).key)
	return 0
}

// Len is how many keys are remembered.
func (k *Keyed) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.keys)
}

// fullOrder is a heap of entries, the one full again first on top.
type fullOrder []*entry

func (h fullOrder) Len() int           { return len(h) }
func (h fullOrder) Less(i, j int) bool { return h[i].fullAt.Before(h[j].fullAt) }
func (h fullOrder) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *fullOrder) Push(x any) { e := x.(*entry); e.index = len(*h); *h = append(*h, e) }
func (h *fullOrder) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}
