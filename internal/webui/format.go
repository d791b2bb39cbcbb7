package webui

import (
	"strconv"
	"time"
)

// Duration writes d for people: milliseconds under a second, tenths of a
// second under a minute, whole seconds beyond.
func Duration(d time.Duration) string {
	switch {
	case d < time.Second:
		return strconv.FormatInt(d.Milliseconds(), 10) + " ms"
	case d < time.Minute:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + " s"
	}
	return d.Round(time.Second).String()
}

// Percent is done of total in whole percent, 0 when total is not positive,
// at most 100.
func Percent(done, total int64) int64 {
	if total <= 0 {
		return 0
	}
	return min(100, done*100/total)
}

// Now is the time from the clock now (nil: time.Now), in UTC.
func Now(now func() time.Time) time.Time {
	if now != nil {
		return now().UTC()
	}
	return time.Now().UTC()
}
