package console_test

import (
	"context"
	"slices"
	"time"

	"github.com/chatlift/chatlift"
)

// The fake's chart summaries count its upgrades as the store's SQL does.

func (s *fakeStore) DowntimeHistogram(_ context.Context, bounds []time.Duration) ([]int, error) {
	if err := chatlift.ValidateHistogramBounds(bounds); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	counts := make([]int, len(bounds)+1)
	for _, u := range s.upgrades {
		if u.State == chatlift.UpgradeCompleted {
			down, i := time.Duration(u.ChatDowntimeMS)*time.Millisecond, 0
			for i < len(bounds) && down >= bounds[i] {
				i++
			}
			counts[i]++
		}
	}
	return counts, nil
}

func (s *fakeStore) CompletedPerPeriod(_ context.Context, from time.Time, period time.Duration, n int) ([]int, error) {
	if err := chatlift.ValidatePeriods(period, n); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	counts := make([]int, n)
	for _, u := range s.upgrades {
		if f := u.FinishedAt; u.State == chatlift.UpgradeCompleted && f != nil && !f.Before(from) {
			if i := int(f.Sub(from) / period); i < n {
				counts[i]++
			}
		}
	}
	return counts, nil
}

// addRows adds rows to the import throughput of at's minute.
func (s *fakeStore) addRows(at time.Time, rows int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rows == nil {
		s.rows = map[time.Time]int64{}
	}
	s.rows[at.Truncate(time.Minute)] += rows
}

func (s *fakeStore) ImportThroughput(_ context.Context, from, to time.Time) ([]chatlift.ThroughputMinute, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var list []chatlift.ThroughputMinute
	for m, rows := range s.rows {
		if !m.Before(from.Truncate(time.Minute)) && m.Before(to) {
			list = append(list, chatlift.ThroughputMinute{Minute: m, Rows: rows})
		}
	}
	slices.SortFunc(list, func(a, b chatlift.ThroughputMinute) int { return a.Minute.Compare(b.Minute) })
	return list, nil
}
