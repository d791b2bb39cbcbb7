package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/chatlift/chatlift"
)

// finishedMS is the upgrade's finished_at column: unix milliseconds, or
// NULL while it has not finished.
func finishedMS(u *chatlift.Upgrade) any {
	if u.FinishedAt == nil {
		return nil
	}
	return u.FinishedAt.UnixMilli()
}

// DowntimeHistogram implements chatlift.PlatformStore: one pass over the
// completed upgrades' index, whatever the fleet's size.
func (d *DB) DowntimeHistogram(ctx context.Context, bounds []time.Duration) ([]int, error) {
	if err := chatlift.ValidateHistogramBounds(bounds); err != nil {
		return nil, err
	}
	bucket, args := "0", make([]any, 0, len(bounds)+1)
	if len(bounds) > 0 {
		var b strings.Builder
		b.WriteString("CASE")
		for i, upTo := range bounds {
			fmt.Fprintf(&b, " WHEN chat_downtime_ms < ? THEN %d", i)
			args = append(args, upTo.Milliseconds())
		}
		fmt.Fprintf(&b, " ELSE %d END", len(bounds))
		bucket = b.String()
	}
	q := "SELECT " + bucket + " AS bucket, COUNT(*) FROM upgrades WHERE state = ? GROUP BY 1"
	counts := make([]int, len(bounds)+1)
	return counts, d.countInto(ctx, counts, "downtime histogram", q, append(args, chatlift.UpgradeCompleted)...)
}

// CompletedPerPeriod implements chatlift.PlatformStore: a range of the
// completed upgrades' index.
func (d *DB) CompletedPerPeriod(ctx context.Context, from time.Time, period time.Duration, n int) ([]int, error) {
	if err := chatlift.ValidatePeriods(period, n); err != nil {
		return nil, err
	}
	start, step := from.UnixMilli(), period.Milliseconds()
	end := from.Add(time.Duration(n) * period).UnixMilli()
	q := `SELECT (finished_at - ?) / ? AS period, COUNT(*) FROM upgrades
		WHERE state = ? AND finished_at >= ? AND finished_at < ? GROUP BY 1`
	counts := make([]int, n)
	return counts, d.countInto(ctx, counts, "completed upgrades per period", q, start, step, chatlift.UpgradeCompleted, start, end)
}

// countInto runs q, whose rows are (index, count), into counts.
func (d *DB) countInto(ctx context.Context, counts []int, what, q string, args ...any) error {
	rows, err := d.q().QueryContext(ctx, d.rebind(q), args...)
	if err != nil {
		return fmt.Errorf("count %s: %w", what, interpret(err))
	}
	defer rows.Close()
	for rows.Next() {
		var i int64
		var n int
		if err := rows.Scan(&i, &n); err != nil {
			return fmt.Errorf("scan %s: %w", what, err)
		}
		if i < 0 || i >= int64(len(counts)) {
			return fmt.Errorf("count %s: index %d out of %d", what, i, len(counts))
		}
		counts[i] = n
	}
	return rows.Err()
}

// AddImportThroughput implements chatlift.PlatformStore: one upsert of the
// minute's row, after forgetting the minutes no longer kept, so the table
// holds at most a week of minutes.
func (d *DB) AddImportThroughput(ctx context.Context, at time.Time, rows int) error {
	if rows < 1 {
		return chatlift.Errorf(chatlift.EINVALID, "import throughput adds at least 1 row")
	}
	return d.inTx(ctx, func(q querier) error { return d.addThroughput(ctx, q, at, rows) })
}

// addThroughput is AddImportThroughput in the transaction q.
func (d *DB) addThroughput(ctx context.Context, q querier, at time.Time, rows int) error {
	minute := at.Truncate(time.Minute)
	if _, err := q.ExecContext(ctx, d.rebind("DELETE FROM import_throughput WHERE minute < ?"),
		minute.Add(-chatlift.ImportThroughputKept).Unix()); err != nil {
		return fmt.Errorf("add import throughput: %w", interpret(err))
	}
	_, err := q.ExecContext(ctx, d.rebind(`INSERT INTO import_throughput (minute, row_count) VALUES (?, ?)
		ON CONFLICT (minute) DO UPDATE SET row_count = import_throughput.row_count + excluded.row_count`), minute.Unix(), rows)
	if err != nil {
		return fmt.Errorf("add import throughput: %w", interpret(err))
	}
	return nil
}

// ImportThroughput implements chatlift.PlatformStore.
func (d *DB) ImportThroughput(ctx context.Context, from, to time.Time) ([]chatlift.ThroughputMinute, error) {
	rows, err := d.q().QueryContext(ctx, d.rebind("SELECT minute, row_count FROM import_throughput WHERE minute >= ? AND minute < ? ORDER BY minute"),
		from.Truncate(time.Minute).Unix(), to.Unix())
	if err != nil {
		return nil, fmt.Errorf("read import throughput: %w", interpret(err))
	}
	defer rows.Close()
	var list []chatlift.ThroughputMinute
	for rows.Next() {
		var m chatlift.ThroughputMinute
		var at int64
		if err := rows.Scan(&at, &m.Rows); err != nil {
			return nil, fmt.Errorf("scan import throughput: %w", err)
		}
		m.Minute = time.Unix(at, 0).UTC()
		list = append(list, m)
	}
	return list, rows.Err()
}
