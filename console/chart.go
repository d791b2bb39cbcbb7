package console

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/chatlift/chatlift"
)

// chart is a bar chart drawn server-side as inline SVG; Bars also fill the
// data table that is its text alternative.
type chart struct {
	ID      string // prefix of the element ids
	Title   string
	Desc    string // one sentence summing the data up, the SVG's <desc>
	XLabel  string // the table's heading for a bar's label
	YLabel  string // the table's heading for a bar's value
	Bars    []bar
	Width   int
	Height  int
	Max     float64
	MaxText string
}

// bar is one bar, placed in the chart's SVG coordinates.
type bar struct {
	Label, Text string
	Value       float64
	X, Y, W, H  int
	Tick        bool // the label is drawn under the bar
}

// Chart geometry: the plot area sits above a strip for the labels.
const (
	chartHeight = 160
	chartLabels = 20
	chartTop    = 14
	chartMaxBar = 48
)

// newChart lays the bars out, at most width wide, with every tick-th label
// drawn under its bar (none for tick 0).
func newChart(id, title, xLabel, yLabel string, bars []bar, width, tick int, text func(float64) string) chart {
	c := chart{ID: id, Title: title, XLabel: xLabel, YLabel: yLabel, Bars: bars, Width: width, Height: chartHeight + chartLabels}
	for _, b := range bars {
		c.Max = max(c.Max, b.Value)
	}
	c.MaxText = text(c.Max)
	if len(bars) == 0 {
		return c
	}
	slot := min(width/len(bars), chartMaxBar)
	for i := range c.Bars {
		b := &c.Bars[i]
		b.Text = text(b.Value)
		b.X, b.W = i*slot+1, max(slot-2, 1)
		if c.Max > 0 {
			b.H = int(b.Value / c.Max * float64(chartHeight-chartTop))
		}
		b.Y = chartHeight - b.H
		b.Tick = tick > 0 && i%tick == 0
	}
	c.Width = slot * len(bars)
	return c
}

// downtimeBuckets are the histogram's upper bounds; the last bucket is open.
var downtimeBuckets = []struct {
	upTo  time.Duration
	label string
}{
	{time.Second, "< 1 s"}, {5 * time.Second, "1–5 s"}, {15 * time.Second, "5–15 s"}, {30 * time.Second, "15–30 s"},
	{time.Minute, "30–60 s"}, {2 * time.Minute, "1–2 min"}, {5 * time.Minute, "2–5 min"}, {0, "≥ 5 min"},
}

// chartHours is how far back the upgrades-per-hour chart looks.
const chartHours = 48

// The throughput chart shows throughputHours in bars of throughputBar.
const (
	throughputHours = 6
	throughputBar   = 5 * time.Minute
)

// fleetCharts are the fleet page's charts.
type fleetCharts struct {
	Downtime   chart
	PerHour    chart
	Throughput chart
	Rates      chart
}

// charts draws the fleet page's charts from the store's summaries (which
// read no upgrade, whatever the fleet's size) and the current rate of each
// running import.
func (c *Console) charts(ctx context.Context, imports []*chatlift.Upgrade) (fleetCharts, error) {
	var d fleetCharts
	var err error
	if d.Downtime, err = c.downtimeChart(ctx); err != nil {
		return d, err
	}
	if d.PerHour, err = c.perHourChart(ctx); err != nil {
		return d, err
	}
	if d.Throughput, err = c.throughputChart(ctx); err != nil {
		return d, err
	}
	rates := make([]bar, len(imports))
	for i, u := range imports {
		rates[i] = bar{Label: u.ID, Value: u.Import.Rate}
	}
	d.Rates = newChart("rates", "Current rate of each running import", "Upgrade", "Rows/s", rates, 480, 0, count)
	d.Rates.Desc = fmt.Sprintf("Imports running: %d; the fastest at %s rows/s.", len(rates), d.Rates.MaxText)
	return d, nil
}

// count writes a bar's value as a whole number.
func count(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) }

// downtimeChart is the histogram of the completed upgrades' chat downtime.
func (c *Console) downtimeChart(ctx context.Context) (chart, error) {
	bounds := make([]time.Duration, len(downtimeBuckets)-1)
	for i := range bounds {
		bounds[i] = downtimeBuckets[i].upTo
	}
	counts, err := c.Store.DowntimeHistogram(ctx, bounds)
	if err != nil {
		return chart{}, err
	}
	down, total := make([]bar, len(downtimeBuckets)), 0
	for i, b := range downtimeBuckets {
		down[i] = bar{Label: b.label, Value: float64(counts[i])}
		total += counts[i]
	}
	ch := newChart("downtime", "Chat downtime of completed upgrades", "Chat downtime", "Upgrades", down, 480, 1, count)
	ch.Desc = fmt.Sprintf("%d completed upgrades by how long their chat was down.", total)
	return ch, nil
}

// perHourChart counts the upgrades completed in each of the last
// chartHours hours, the current one included.
func (c *Console) perHourChart(ctx context.Context) (chart, error) {
	start := c.now().Truncate(time.Hour).Add((1 - chartHours) * time.Hour)
	counts, err := c.Store.CompletedPerPeriod(ctx, start, time.Hour, chartHours)
	if err != nil {
		return chart{}, err
	}
	hours := make([]bar, chartHours)
	for i := range hours {
		hours[i] = bar{Label: start.Add(time.Duration(i) * time.Hour).Format("Jan 2 15h"), Value: float64(counts[i])}
	}
	ch := newChart("perhour", "Upgrades completed per hour, last 48 hours (UTC)", "Hour (UTC)", "Completed", hours, 480, 12, count)
	ch.Desc = fmt.Sprintf("Most in one hour: %s.", ch.MaxText)
	return ch, nil
}

// throughputChart draws the rows the fleet's imports committed per minute
// over the last throughputHours hours, each bar a minute's mean over
// throughputBar, the current bar still filling.
func (c *Console) throughputChart(ctx context.Context) (chart, error) {
	end := c.now().Truncate(throughputBar).Add(throughputBar)
	start := end.Add(-throughputHours * time.Hour)
	minutes, err := c.Store.ImportThroughput(ctx, start, end)
	if err != nil {
		return chart{}, err
	}
	bars := make([]bar, throughputHours*time.Hour/throughputBar)
	for i := range bars {
		bars[i].Label = start.Add(time.Duration(i) * throughputBar).Format("15:04")
	}
	var total int64
	for _, m := range minutes {
		if i := int(m.Minute.Sub(start) / throughputBar); i >= 0 && i < len(bars) {
			bars[i].Value += float64(m.Rows) / throughputBar.Minutes()
			total += m.Rows
		}
	}
	ch := newChart("throughput", "Import throughput, rows per minute, last 6 hours (UTC)", "5 minutes from (UTC)", "Rows/min", bars, 480, 0, count)
	for i := range ch.Bars {
		ch.Bars[i].Tick = strings.HasSuffix(ch.Bars[i].Label, ":00") // whole hours
	}
	ch.Desc = fmt.Sprintf("%d rows imported across the fleet; the most %s rows/min, a minute's mean over 5 minutes.", total, ch.MaxText)
	return ch, nil
}
