package console

import (
	"time"

	"github.com/chatlift/chatlift"
)

// calendar is the first booked week of slots as a grid: a column per day
// (UTC), a row per hour that holds a booking somewhere in the week.
type calendar struct {
	Days []time.Time
	Rows []calendarRow
}

type calendarRow struct {
	Hour  int
	Cells []calendarCell // one per day
}

// calendarCell adds up the slots starting in one hour of one day.
type calendarCell struct {
	Booked, Capacity int
	Percent          int64
}

// Level is the cell's fill in quarters, 0 (empty) to 4 (full), for its shade.
func (c calendarCell) Level() int64 {
	if c.Booked == 0 {
		return 0
	}
	return min(c.Percent/25+1, 4)
}

// calendarDays is how many days the calendar shows.
const calendarDays = 7

// newCalendar lays out the slots starting in the week from the first
// one's day (the notice period keeps the first weeks ahead empty); the
// slots are in time order.
func newCalendar(slots []chatlift.SlotFill, capacity int) calendar {
	var cal calendar
	if len(slots) == 0 {
		return cal
	}
	day0 := slots[0].Start.UTC().Truncate(24 * time.Hour)
	for i := range calendarDays {
		cal.Days = append(cal.Days, day0.AddDate(0, 0, i))
	}
	var grid [24][calendarDays]calendarCell
	var used [24]bool
	for _, s := range slots {
		day := int(s.Start.UTC().Sub(day0) / (24 * time.Hour))
		if day < 0 || day >= calendarDays {
			continue
		}
		h := s.Start.UTC().Hour()
		used[h] = true
		cell := &grid[h][day]
		cell.Booked += s.Booked
		cell.Capacity += capacity
	}
	for h := range 24 {
		if !used[h] {
			continue
		}
		row := calendarRow{Hour: h, Cells: grid[h][:]}
		for i := range row.Cells {
			row.Cells[i].Percent = percent(int64(row.Cells[i].Booked), int64(row.Cells[i].Capacity))
		}
		cal.Rows = append(cal.Rows, row)
	}
	return cal
}
