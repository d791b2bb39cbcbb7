package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/mattn/go-runewidth"
)

// cellWidth is how wide a table cell may be, in terminal columns, before it
// is cut with "…".
const cellWidth = 40

// table lays rows out in aligned columns measured in terminal columns, so
// CJK characters and emoji (two columns each) line up. A cell wider than
// cellWidth is cut with "…"; the last column is never padded.
type table struct {
	rows  [][]string
	width []int
}

// newTable starts a table; a header, when given, is its first row.
func newTable(header ...string) *table {
	t := &table{}
	if len(header) > 0 {
		t.add(header...)
	}
	return t
}

// add appends a row.
func (t *table) add(cells ...string) {
	row := make([]string, len(cells))
	for i, c := range cells {
		c = strings.Join(strings.Fields(c), " ")
		row[i] = runewidth.Truncate(c, cellWidth, "…")
		if i == len(t.width) {
			t.width = append(t.width, 0)
		}
		t.width[i] = max(t.width[i], runewidth.StringWidth(row[i]))
	}
	t.rows = append(t.rows, row)
}

// write writes the table, two spaces between columns.
func (t *table) write(w io.Writer) error {
	var b strings.Builder
	for _, row := range t.rows {
		var line strings.Builder
		for i, c := range row {
			if i < len(row)-1 {
				c = runewidth.FillRight(c, t.width[i]) + "  "
			}
			line.WriteString(c)
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeJSON writes v as indented JSON, for scripts (--json).
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	return nil
}
