package app

import (
	"database/sql"
	"runtime/metrics"
	"syscall"
	"time"
)

// processSnapshot is what the fleet benchmark reads of the process at the
// start and end of a span, to say where the time went in it: how long
// runnable goroutines waited for a CPU, how long queries waited for a
// connection of the platform database's pool, and the CPU time spent.
type processSnapshot struct {
	sched    *metrics.Float64Histogram
	poolWait time.Duration
	poolN    int64
	cpu      time.Duration
}

// spanFigures are the differences between two snapshots.
type spanFigures struct {
	SchedP99     time.Duration // goroutines' wait for a CPU, p99
	PoolWaits    int64         // queries that waited for a connection
	PoolWait     time.Duration // their waits, summed
	CPU          time.Duration // user + system
	SchedSamples uint64
}

const schedLatencies = "/sched/latencies:seconds"

func snapshot(platform *sql.DB) processSnapshot {
	s := []metrics.Sample{{Name: schedLatencies}}
	metrics.Read(s)
	st := platform.Stats()
	p := processSnapshot{poolWait: st.WaitDuration, poolN: st.WaitCount, cpu: cpuTime()}
	if s[0].Value.Kind() == metrics.KindFloat64Histogram {
		p.sched = s[0].Value.Float64Histogram()
	}
	return p
}

// since is the span from before to now.
func (p processSnapshot) since(platform *sql.DB) spanFigures {
	now := snapshot(platform)
	f := spanFigures{PoolWaits: now.poolN - p.poolN, PoolWait: now.poolWait - p.poolWait, CPU: now.cpu - p.cpu}
	if p.sched == nil || now.sched == nil {
		return f
	}
	counts := make([]uint64, len(now.sched.Counts))
	for i := range counts {
		counts[i] = now.sched.Counts[i] - p.sched.Counts[i]
		f.SchedSamples += counts[i]
	}
	var seen uint64
	for i, n := range counts {
		if seen += n; n > 0 && float64(seen) >= 0.99*float64(f.SchedSamples) {
			f.SchedP99 = time.Duration(now.sched.Buckets[i+1] * float64(time.Second)) // the bucket's upper bound
			break
		}
	}
	return f
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
