package app

import (
	"errors"
	"testing"
	"time"
)

// TestSupportLoadFigures checks the figures of a load's samples: recorded
// out of order (the clients answer in any order), split by when each
// request was sent, the whole span's figures count every request and error.
func TestSupportLoadFigures(t *testing.T) {
	t0 := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	l := &supportLoad{}
	// 200 requests, one every 10 ms; the first half answered in 1 ms (the
	// last two of it in 5 ms), the second in 2 ms (the last two in 9 ms).
	// Each pair is recorded in the reverse order of its sending.
	for i := 0; i < 200; i += 2 {
		for _, j := range []int{i + 1, i} {
			took := time.Millisecond
			if j >= 100 {
				took = 2 * time.Millisecond
			}
			switch j {
			case 98, 99:
				took = 5 * time.Millisecond
			case 198, 199:
				took = 9 * time.Millisecond
			}
			var err error
			if j == 150 {
				err = errors.New("503")
			}
			l.record(loadSample{at: t0.Add(time.Duration(j) * 10 * time.Millisecond), kind: loadRequests[j%3], took: took}, err)
		}
	}
	all, first, second := l.figures(t0.Add(time.Second))
	if all.Requests != 200 || first.Requests != 100 || second.Requests != 100 {
		t.Fatalf("requests %d, %d before the split, %d after; want 200, 100, 100", all.Requests, first.Requests, second.Requests)
	}
	if all.Errors != 1 || all.FirstErr != "503" {
		t.Errorf("errors %d (%q), want 1 (503)", all.Errors, all.FirstErr)
	}
	// Nearest rank, in ascending order: the p99 of 100 is the 99th, of 200
	// the 198th; the p50 of 200 the 100th.
	want := []struct {
		name          string
		f             loadFigures
		p50, p99, max time.Duration
	}{
		{"first half", first, time.Millisecond, 5 * time.Millisecond, 5 * time.Millisecond},
		{"second half", second, 2 * time.Millisecond, 9 * time.Millisecond, 9 * time.Millisecond},
		{"whole", all, 2 * time.Millisecond, 5 * time.Millisecond, 9 * time.Millisecond},
	}
	for _, w := range want {
		if w.f.P50 != w.p50 || w.f.P99 != w.p99 || w.f.Max != w.max {
			t.Errorf("%s: p50 %v p99 %v max %v, want %v %v %v", w.name, w.f.P50, w.f.P99, w.f.Max, w.p50, w.p99, w.max)
		}
	}
	// The second half's slowest two are a create (198) and a show (199).
	if by := second.P99By; by["create"] != 9*time.Millisecond || by["show"] != 9*time.Millisecond || by["list"] != 2*time.Millisecond {
		t.Errorf("second half's p99 by request %v, want create and show 9ms, list 2ms", by)
	}
	if _, _, none := l.figures(time.Time{}); none.Requests != 0 {
		t.Errorf("no split: %d requests after it, want 0", none.Requests)
	}
}
