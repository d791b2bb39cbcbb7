package api

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
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
