// Package manifest reads the list of organizations `orgctl create -f`
// creates, from YAML, JSON or CSV, keeping each entry's position so errors
// can point at it.
package manifest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/text"
)

// Entry is one organization of a manifest. Its fields are the flags of
// `orgctl create`, by their snake_case names, plus the id `apply` may pin.
type Entry struct {
	Index int // 1-based position in the manifest
	Line  int // line of the file where the entry starts

	Provider string
	// ID pins an existing organization for `apply`: with a different name,
	// the organization is renamed rather than replaced.
	ID string
	provider.CreateSpec
	// Set records which fields the entry names, so `apply` can tell a field
	// left out (left alone) from one set empty (cleared).
	Set Field
}

// Where names the entry for error messages: "entry 3 (line 12)".
func (e Entry) Where() string {
	if e.Line > 0 {
		return fmt.Sprintf("entry %d (line %d)", e.Index, e.Line)
	}
	return fmt.Sprintf("entry %d", e.Index)
}

// Fields lists the keys an entry may have.
func Fields() []string {
	return []string{"name", "provider", "id", "plan", "description", "website_url", "repository", "logo_url", "icon_url", "admin_emails", "tags"}
}

// set assigns one field; lists accept a comma-separated string, as the
// flags do.
func (e *Entry) set(key string, values []string) error {
	one := func() (string, error) {
		if len(values) != 1 {
			return "", fmt.Errorf("%s takes one value", key)
		}
		return values[0], nil
	}
	var err error
	e.Set |= fieldBits[key]
	switch key {
	case "id":
		e.ID, err = one()
	case "name":
		e.Name, err = one()
	case "provider":
		e.Provider, err = one()
	case "plan":
		e.Plan, err = one()
	case "description":
		e.Description, err = one()
	case "website_url":
		e.WebsiteURL, err = one()
	case "repository":
		e.Repository, err = one()
	case "logo_url":
		e.LogoURL, err = one()
	case "icon_url":
		e.IconURL, err = one()
	case "admin_emails":
		e.AdminEmails = splitList(values)
	case "tags":
		e.Tags = splitList(values)
	default:
		return fmt.Errorf("unknown field %s (fields: %s)", text.Quote(key), strings.Join(Fields(), ", "))
	}
	return err
}

// splitList splits comma-separated values and trims them: `a, b` is two.
// A blank value (an empty CSV cell) adds nothing.
func splitList(values []string) []string {
	var out []string
	for _, v := range values {
		if strings.TrimSpace(v) == "" {
			continue
		}
		for _, part := range strings.Split(v, ",") {
			out = append(out, strings.TrimSpace(part))
		}
	}
	return out
}

// Formats of a manifest.
const (
	YAML   = "yaml"
	JSON   = "json"   // an array of objects
	NDJSON = "ndjson" // objects one after another (JSON Lines)
	CSV    = "csv"
)

// Size limits, so that a wrong file (-f /dev/zero, a binary) ends with one
// line instead of exhausting memory. CSV, JSON and NDJSON stream, so only a
// single entry must fit in memory; YAML is parsed whole.
const (
	MaxSize      = 1 << 30  // any manifest
	MaxYAMLSize  = 32 << 20 // YAML is parsed whole: larger ones should be CSV, NDJSON or JSON
	MaxEntrySize = 1 << 20  // one CSV line or one JSON object
)

// Reader reads a manifest one entry at a time, holding only the current
// entry (YAML excepted: it is parsed whole, up to MaxYAMLSize).
type Reader struct {
	Format string // the format read, after sniffing
	next   func() (Entry, error)
	err    error // sticky: after an error or io.EOF, Next returns it again
}

// Next returns the next entry, or io.EOF after the last one.
func (r *Reader) Next() (Entry, error) {
	if r.err != nil {
		return Entry{}, r.err
	}
	e, err := r.next()
	if err != nil {
		r.err = err
	}
	return e, err
}

// NewReader reads a manifest in format (YAML, JSON, NDJSON or CSV); ""
// guesses from the content (for standard input). A UTF-8 byte order mark
// is skipped.
func NewReader(r io.Reader, format string) (*Reader, error) {
	lim := &limitReader{r: r, max: MaxSize}
	br := bufio.NewReaderSize(lim, 64<<10)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	}
	head, err := br.Peek(4096)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, err
	}
	err = nil
	if bytes.IndexByte(head, 0) >= 0 {
		return nil, fmt.Errorf("not a text manifest (it holds NUL bytes): give a .yaml, .json, .ndjson or .csv file")
	}
	if format == "" {
		format = sniff(head)
	}
	m := &Reader{Format: format}
	switch format {
	case CSV:
		lim.maxLine = MaxEntrySize
		m.next, err = csvEntries(br)
	case JSON, NDJSON:
		m.next = jsonEntries(br, lim)
	case YAML:
		lim.max = MaxYAMLSize
		m.next, err = yamlEntries(br)
	default:
		return nil, fmt.Errorf("unknown manifest format %s: use .yaml, .yml, .json, .ndjson, .jsonl or .csv", text.Quote(format))
	}
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Parse reads a whole manifest into memory; see NewReader. Use a Reader
// for manifests that may be large.
func Parse(r io.Reader, format string) ([]Entry, error) {
	m, err := NewReader(r, format)
	if err != nil {
		return nil, err
	}
	var entries []Entry
	for {
		e, err := m.Next()
		if err == io.EOF {
			return entries, nil
		}
		if err != nil {
			return nil, err
		}
		entries = append(entries, e)
	}
}

// FormatOf picks the format from a file name; "" when it cannot tell.
func FormatOf(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		return YAML
	case ".json":
		return JSON
	case ".ndjson", ".jsonl":
		return NDJSON
	case ".csv":
		return CSV
	}
	return ""
}

// sniff guesses a format from the first bytes: JSON starts with [,
// NDJSON with {, CSV with a header line naming the name column, anything
// else is YAML.
func sniff(head []byte) string {
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '[' {
		return JSON
	}
	if len(trimmed) > 0 && trimmed[0] == '{' {
		return NDJSON
	}
	first, _, _ := bytes.Cut(trimmed, []byte("\n"))
	if bytes.Contains(first, []byte(",")) && !bytes.Contains(first, []byte(":")) {
		for _, col := range strings.Split(string(first), ",") {
			if strings.TrimSpace(col) == "name" {
				return CSV
			}
		}
	}
	return YAML
}

// EntryError is a problem with one entry, found before anything is sent.
// It keeps where the entry is, for reports that point at its line.
type EntryError struct {
	Index, Line    int
	Provider, Name string // as the entry gives them
	Err            error
}

// Problem is err about entry e.
func Problem(e *Entry, err error) *EntryError {
	return &EntryError{Index: e.Index, Line: e.Line, Provider: e.Provider, Name: e.Name, Err: err}
}

// Error reads "entry 3 (line 12): what is wrong".
func (e *EntryError) Error() string {
	return Entry{Index: e.Index, Line: e.Line}.Where() + ": " + e.Err.Error()
}

func (e *EntryError) Unwrap() error { return e.Err }
