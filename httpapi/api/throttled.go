package api

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/chatlift/chatlift/ratelimit"
)

// Throttled is a request refused for coming too often; Wait is when the
// next one is allowed.
type Throttled struct{ Wait time.Duration }

func (e *Throttled) Error() string {
	return fmt.Sprintf("too many sign-in attempts; try again in %d seconds", e.Seconds())
}

// Seconds is the wait in whole seconds, rounded up: Retry-After's value.
func (e *Throttled) Seconds() int { return max(1, int(math.Ceil(e.Wait.Seconds()))) }

// SetRetryAfter tells the client when to retry.
func (e *Throttled) SetRetryAfter(w http.ResponseWriter) {
	w.Header().Set("Retry-After", strconv.Itoa(e.Seconds()))
}

// RateLimit limits requests per key, built on first use from the
// RateConfig its config func returns then. The zero value is ready.
type RateLimit struct {
	once  sync.Once
	keyed *ratelimit.Keyed
}

// RateConfig is a RateLimit's: PerMinute requests a minute per key,
// Burst at once (PerMinute when 0), at most Keys keys tracked.
type RateConfig struct{ PerMinute, Burst, Keys int }

// Take spends one request of key at now. Past the limit it answers 429
// with Retry-After, says what was exceeded and when to retry, and returns
// false.
// config is called once, on the first Take.
func (l *RateLimit) Take(w http.ResponseWriter, config func() RateConfig, key string, now time.Time, what string) bool {
	l.once.Do(func() {
		cfg := config()
		burst := cfg.Burst
		if burst <= 0 {
			burst = cfg.PerMinute
		}
		l.keyed = ratelimit.New(time.Minute/time.Duration(cfg.PerMinute), burst, cfg.Keys)
	})
	ok, wait := l.keyed.Take(key, now)
	if ok {
		return true
	}
	th := &Throttled{Wait: wait}
	th.SetRetryAfter(w)
	WriteJSON(w, http.StatusTooManyRequests, ErrorResponse{Error: "too_many_requests",
		Description: fmt.Sprintf("%s; retry in %d seconds", what, th.Seconds())})
	return false
}
