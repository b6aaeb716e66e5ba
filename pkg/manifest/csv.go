package manifest

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
)

// parseCSV reads a header row of field names, then one organization per
// row. A list cell holds comma-separated values ("ci,prod", quoted).
func parseCSV(data []byte) ([]Entry, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("reading the CSV header: %w", err)
	}
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
		if !slices.Contains(Fields(), header[i]) {
			return nil, fmt.Errorf("line 1: unknown column %q (columns: %s)", header[i], strings.Join(Fields(), ", "))
		}
	}
	var entries []Entry
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err // csv.ParseError names the line
		}
		line, _ := r.FieldPos(0)
		e := Entry{Index: len(entries) + 1, Line: line}
		for i, cell := range row {
			if cell == "" {
				continue // every row has every column: an empty cell is left out
			}
			if err := e.set(header[i], []string{cell}); err != nil {
				return nil, fmt.Errorf("%s: %w", e.Where(), err)
			}
		}
		entries = append(entries, e)
	}
	return entries, nil
}
