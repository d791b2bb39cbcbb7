// Package ratelimit limits how often each key (an email, a client address)
// may act, with one token bucket per key (golang.org/x/time/rate) and at
// most a fixed number of keys in memory. Time is passed in, so callers
// drive it from their own clock.
package ratelimit

import (
	"container/list"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Keyed is a token bucket per key: burst attempts at once, then one every
// interval. It remembers at most maxKeys keys and forgets the least
// recently used first. Safe for concurrent use.
type Keyed struct {
	every   rate.Limit
	burst   int
	maxKeys int

	mu   sync.Mutex
	keys map[string]*list.Element // of *entry
	lru  *list.List               // most recently used first
}

type entry struct {
	key string
	lim *rate.Limiter
}

// New returns a limiter allowing each key burst attempts at once and then
// one every interval, keeping at most maxKeys keys.
func New(interval time.Duration, burst, maxKeys int) *Keyed {
	return &Keyed{every: rate.Every(interval), burst: burst, maxKeys: maxKeys,
		keys: make(map[string]*list.Element), lru: list.New()}
}

// Take spends one attempt of key at now. If none is left it spends
// nothing, and returns false with how long until the next one.
func (k *Keyed) Take(key string, now time.Time) (bool, time.Duration) {
	k.mu.Lock()
	defer k.mu.Unlock()
	r := k.limiter(key).ReserveN(now, 1)
	if wait := r.DelayFrom(now); wait > 0 {
		r.CancelAt(now)
		return false, wait
	}
	return true, 0
}

// Len is how many keys are remembered.
func (k *Keyed) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.lru.Len()
}

// limiter returns key's bucket, made full if key is new, evicting the
// least recently used key past maxKeys.
func (k *Keyed) limiter(key string) *rate.Limiter {
	if el, ok := k.keys[key]; ok {
		k.lru.MoveToFront(el)
		return el.Value.(*entry).lim
	}
	e := &entry{key: key, lim: rate.NewLimiter(k.every, k.burst)}
	k.keys[key] = k.lru.PushFront(e)
	for k.lru.Len() > k.maxKeys {
		oldest := k.lru.Back()
		k.lru.Remove(oldest)
		delete(k.keys, oldest.Value.(*entry).key)
	}
	return e.lim
}
