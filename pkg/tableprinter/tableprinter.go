// Package tableprinter lines up columns of text for people: it measures
// cells by their display width (CJK and emoji take two columns, escape codes
// none), and on a terminal it fits each row to the terminal's width by
// shortening the widest columns first and the column marked with ShrinkLast
// (a name) after every other. Every cell is made safe for a
// terminal first. Piped, nothing is shortened.
package tableprinter

import (
	"io"
	"strings"

	"github.com/rivo/uniseg"

	"github.com/orgctl/orgctl/pkg/text"
)

// gap separates two columns.
const gap = "  "

// ellipsis ends a shortened cell; it is one column wide.
const ellipsis = "…"

// minWidth is the narrowest a column is shortened to, so a cell still says
// something (four characters and the ellipsis).
const minWidth = 5

// Options say how a table is drawn.
type Options struct {
	// Width is the terminal's width, to which rows are fitted; 0 (piped)
	// never shortens a cell.
	Width int
	// Header styles the header cells (bold); nil leaves them plain.
	Header func(string) string
	// NoHeaders leaves the header row out (--no-headers).
	NoHeaders bool
}

// Cell is one cell; Style (a colour) is applied after it is measured and
// shortened, so its escape codes never shift a column.
type Cell struct {
	Text  string
	Style func(string) string
}

// Table collects rows and draws them with Render, or draws each row as it
// comes with Stream.
type Table struct {
	w          io.Writer
	opts       Options
	header     []string
	rows       [][]Cell
	natural    []int // widest cell seen (or reserved) per column
	shrinkLast int   // the column shortened last; -1 for none
	layout     []int // widths fitted to the terminal, once drawing started
	drawn      bool  // the header is out (or left out)
}

// New returns an empty table writing to w.
func New(w io.Writer, opts Options) *Table {
	return &Table{w: w, opts: opts, shrinkLast: -1}
}

// AddHeader sets the header row; it also fixes the number of columns.
func (t *Table) AddHeader(columns ...string) {
	t.header = columns
	if !t.opts.NoHeaders {
		t.measure(stringCells(columns))
	}
}

// ShrinkLast marks the column that keeps its characters longest when a row
// is too wide for the terminal, the one people read rows by (a name).
func (t *Table) ShrinkLast(column int) { t.shrinkLast = column }

// AddRow adds a row of plain cells.
func (t *Table) AddRow(cells ...string) { t.AddCells(stringCells(cells)...) }

// AddCells adds a row of cells, some of them styled.
func (t *Table) AddCells(cells ...Cell) {
	row := make([]Cell, len(cells))
	for i, c := range cells {
		row[i] = Cell{Text: Clean(c.Text), Style: c.Style}
	}
	t.measure(row)
	t.rows = append(t.rows, row)
}

// Render draws the header and every row added, then forgets the rows.
func (t *Table) Render() error {
	t.fit()
	var b strings.Builder
	t.writeHeader(&b)
	for _, row := range t.rows {
		t.writeRow(&b, row)
	}
	t.rows = nil
	_, err := io.WriteString(t.w, b.String())
	return err
}

// Reserve widens the columns to fit these cells without drawing them: a
// streamed table reserves what it knows of every row before the first.
func (t *Table) Reserve(cells ...string) { t.measure(stringCells(cells)) }

// StreamRow is Stream for a row of plain cells.
func (t *Table) StreamRow(cells ...string) error { return t.Stream(stringCells(cells)...) }

// Stream draws one row now, and the header before the first; the columns
// keep the widths the first row found, so reserve first.
func (t *Table) Stream(cells ...Cell) error {
	if t.layout == nil {
		t.fit()
	}
	row := make([]Cell, len(cells))
	for i, c := range cells {
		row[i] = Cell{Text: Clean(c.Text), Style: c.Style}
	}
	var b strings.Builder
	t.writeHeader(&b)
	t.writeRow(&b, row)
	_, err := io.WriteString(t.w, b.String())
	return err
}

func stringCells(texts []string) []Cell {
	cells := make([]Cell, len(texts))
	for i, s := range texts {
		cells[i] = Cell{Text: Clean(s)}
	}
	return cells
}

func (t *Table) measure(row []Cell) {
	for len(t.natural) < len(row) {
		t.natural = append(t.natural, 0)
	}
	for i, c := range row {
		t.natural[i] = max(t.natural[i], Width(c.Text))
	}
}

// fit shortens columns until a row fits the terminal: always the widest
// column (the rightmost of equals), so short columns such as a status keep
// their text; the ShrinkLast column only when every other is down to
// minWidth.
func (t *Table) fit() {
	t.layout = append([]int(nil), t.natural...)
	if t.opts.Width <= 0 || len(t.layout) == 0 {
		return
	}
	excess := len(gap)*(len(t.layout)-1) - t.opts.Width
	for _, w := range t.layout {
		excess += w
	}
	floor := func(i int) int { return min(t.natural[i], minWidth) }
	for ; excess > 0; excess-- {
		widest := -1
		for i, w := range t.layout {
			if i != t.shrinkLast && w > floor(i) && (widest < 0 || w >= t.layout[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			widest = t.shrinkLast
			if widest < 0 || widest >= len(t.layout) || t.layout[widest] <= floor(widest) {
				return // as narrow as it goes: the terminal wraps
			}
		}
		t.layout[widest]--
	}
}

func (t *Table) writeHeader(b *strings.Builder) {
	if t.drawn {
		return
	}
	t.drawn = true
	if t.opts.NoHeaders || t.header == nil {
		return
	}
	style := t.opts.Header
	if style == nil {
		style = func(s string) string { return s }
	}
	cells := stringCells(t.header)
	for i := range cells {
		cells[i].Style = style
	}
	t.writeRow(b, cells)
}

// writeRow pads every cell but the last to its column's width; the last
// cell may use what is left of the terminal's width.
func (t *Table) writeRow(b *strings.Builder, row []Cell) {
	offset := 0
	for i, c := range row {
		last := i == len(row)-1
		width := 0
		if i < len(t.layout) {
			width = t.layout[i]
		}
		text := c.Text
		switch {
		case t.opts.Width > 0 && last:
			text = Truncate(text, max(t.opts.Width-offset, min(Width(text), minWidth)))
		case t.opts.Width > 0:
			text = Truncate(text, width)
		}
		if c.Style != nil && text != "" {
			b.WriteString(c.Style(text))
		} else {
			b.WriteString(text)
		}
		if last {
			break
		}
		b.WriteString(strings.Repeat(" ", max(width-Width(text), 0)))
		b.WriteString(gap)
		offset += width + len(gap)
	}
	b.WriteByte('\n')
}

// Width is the number of terminal columns s takes.
func Width(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return uniseg.StringWidth(s)
		}
	}
	return len(s) // printable ASCII, most names: one column a byte
}

// Truncate shortens s to at most width columns, ending it with an ellipsis
// when something was cut; it never splits a character.
func Truncate(s string, width int) string {
	if Width(s) <= width {
		return s
	}
	if width <= 0 {
		return ""
	}
	var b strings.Builder
	used := 0
	g := uniseg.NewGraphemes(s)
	for g.Next() {
		w := g.Width()
		if used+w > width-1 { // keep a column for the ellipsis
			break
		}
		b.WriteString(g.Str())
		used += w
	}
	return b.String() + ellipsis
}

// Clean is the single place where a cell is made safe for a terminal:
// controls, escape sequences, bidi overrides and invalid bytes that a
// hostile server could put in a name are shown escaped (text.Safe).
func Clean(s string) string { return text.Safe(s) }
