package chatlift

import "time"

// ImportThroughputKept is how long the platform keeps the fleet's import
// throughput: adding a minute forgets the minutes older than this.
const ImportThroughputKept = 7 * 24 * time.Hour

// ThroughputMinute is how many history rows the imports of the whole fleet
// committed in one minute.
type ThroughputMinute struct {
	Minute time.Time // the minute's start, UTC
	Rows   int64
}

// MaxHistogramBounds is the most bucket bounds a histogram may ask for.
const MaxHistogramBounds = 64

// ValidateHistogramBounds returns EINVALID unless bounds are increasing,
// from a millisecond on, and at most MaxHistogramBounds: the upper ends of
// a histogram's buckets, the last bucket open.
func ValidateHistogramBounds(bounds []time.Duration) error {
	if len(bounds) > MaxHistogramBounds {
		return Errorf(EINVALID, "at most %d histogram bounds", MaxHistogramBounds)
	}
	for i, b := range bounds {
		if b < time.Millisecond || i > 0 && b <= bounds[i-1] {
			return Errorf(EINVALID, "histogram bounds must increase from 1 ms on")
		}
	}
	return nil
}

// ValidatePeriods returns EINVALID unless n periods of length period can be
// counted: between 1 and MaxLimit periods of at least a second.
func ValidatePeriods(period time.Duration, n int) error {
	switch {
	case period < time.Second:
		return Errorf(EINVALID, "a period lasts at least a second")
	case n < 1 || n > MaxLimit:
		return Errorf(EINVALID, "between 1 and %d periods", MaxLimit)
	}
	return nil
}
