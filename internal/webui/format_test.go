package webui_test

import (
	"testing"
	"time"

	"github.com/chatlift/chatlift/internal/webui"
)

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{450 * time.Millisecond: "450 ms", 2500 * time.Millisecond: "2.5 s",
		95 * time.Second: "1m35s"} {
		if got := webui.Duration(d); got != want {
			t.Errorf("Duration(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestPercent(t *testing.T) {
	for _, c := range []struct{ done, total, want int64 }{{0, 0, 0}, {5, 10, 50}, {12, 10, 100}, {1, 3, 33}} {
		if got := webui.Percent(c.done, c.total); got != c.want {
			t.Errorf("Percent(%d, %d) = %d, want %d", c.done, c.total, got, c.want)
		}
	}
}

func TestNow(t *testing.T) {
	at := time.Date(2026, 11, 2, 18, 30, 0, 0, time.FixedZone("JST", 9*3600))
	if got := webui.Now(func() time.Time { return at }); !got.Equal(at) || got.Location() != time.UTC {
		t.Errorf("Now(clock) = %s, want %s in UTC", got, at)
	}
	if got := webui.Now(nil); time.Since(got) > time.Minute || got.Location() != time.UTC {
		t.Errorf("Now(nil) = %s, want the time now in UTC", got)
	}
}
