package manifest

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/orgctl/orgctl/pkg/text"
)

// csvEntries reads a header row of field names, then one organization per
// row. A list cell holds comma-separated values ("ci,prod", quoted).
func csvEntries(in io.Reader) (func() (Entry, error), error) {
	r := csv.NewReader(in)
	r.TrimLeadingSpace = true
	r.ReuseRecord = true // cells are copied into the entry
	header, err := r.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("the manifest is empty")
	}
	if err != nil {
		return nil, fmt.Errorf("reading the CSV header: %w", err)
	}
	header = slices.Clone(header)
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
		if !slices.Contains(Fields(), header[i]) {
			return nil, fmt.Errorf("line 1: unknown column %s (columns: %s)", text.Quote(header[i]), strings.Join(Fields(), ", "))
		}
	}
	index := 0
	return func() (Entry, error) {
		row, err := r.Read()
		if err != nil {
			return Entry{}, err // io.EOF, or a csv.ParseError that names the line
		}
		index++
		line, _ := r.FieldPos(0)
		e := Entry{Index: index, Line: line}
		for i, cell := range row {
			if cell == "" {
				continue // every row has every column: an empty cell is left out
			}
			if err := e.set(header[i], []string{cell}); err != nil {
				return Entry{}, fmt.Errorf("%s: %w", e.Where(), err)
			}
		}
		return e, nil
	}, nil
}
