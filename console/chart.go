package console

import (
	"context"
	"fmt"
	"strconv"
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

// fleetCharts are the fleet page's charts.
type fleetCharts struct {
	Downtime  chart
	PerHour   chart
	Rates     chart
	Completed int  // completed upgrades the charts count
	Partial   bool // more completed upgrades than maxScan: the charts count the first maxScan
}

// charts reads the completed upgrades (up to maxScan of them) into the
// downtime histogram and the upgrades per hour, and draws the current rate
// of each running import.
func (c *Console) charts(ctx context.Context, imports []*chatlift.Upgrade) (fleetCharts, error) {
	var d fleetCharts
	down := make([]bar, len(downtimeBuckets))
	for i, b := range downtimeBuckets {
		down[i].Label = b.label
	}
	end := c.now().Truncate(time.Hour).Add(time.Hour)
	start := end.Add(-chartHours * time.Hour)
	hours := make([]bar, chartHours)
	for i := range hours {
		hours[i].Label = start.Add(time.Duration(i) * time.Hour).Format("Jan 2 15h")
	}
	next, err := c.scan(ctx, filter{State: chatlift.UpgradeCompleted}, "", maxScan, func(u *chatlift.Upgrade) bool {
		d.Completed++
		down[downtimeBucket(time.Duration(u.ChatDowntimeMS)*time.Millisecond)].Value++
		if f := u.FinishedAt; f != nil && !f.Before(start) && f.Before(end) {
			hours[int(f.Sub(start)/time.Hour)].Value++
		}
		return true
	})
	if err != nil {
		return d, err
	}
	d.Partial = next != ""
	count := func(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) }
	d.Downtime = newChart("downtime", "Chat downtime of completed upgrades", "Chat downtime", "Upgrades", down, 480, 1, count)
	d.Downtime.Desc = fmt.Sprintf("%d completed upgrades by how long their chat was down.", d.Completed)
	d.PerHour = newChart("perhour", "Upgrades completed per hour, last 48 hours (UTC)", "Hour (UTC)", "Completed", hours, 480, 12, count)
	d.PerHour.Desc = fmt.Sprintf("Most in one hour: %s.", d.PerHour.MaxText)
	rates := make([]bar, len(imports))
	for i, u := range imports {
		rates[i] = bar{Label: u.ID, Value: u.Import.Rate}
	}
	d.Rates = newChart("rates", "Current rate of each running import", "Upgrade", "Rows/s", rates, 480, 0, count)
	d.Rates.Desc = fmt.Sprintf("Imports running: %d; the fastest at %s rows/s.", len(rates), d.Rates.MaxText)
	return d, nil
}

// downtimeBucket is the index of the histogram bucket holding d.
func downtimeBucket(d time.Duration) int {
	for i, b := range downtimeBuckets[:len(downtimeBuckets)-1] {
		if d < b.upTo {
			return i
		}
	}
	return len(downtimeBuckets) - 1
}
