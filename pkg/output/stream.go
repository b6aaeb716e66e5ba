package output

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
)

// ListWriter prints a list one element at a time, as it is read, in the
// bytes Write gives the whole list: a JSON array indented as WriteJSON
// indents it, or a YAML sequence. Nothing is kept but the element at hand.
//
// A list that fails half way is left unterminated (Close is not called), so
// that no script takes the part it got for the whole.
type ListWriter struct {
	w      *bufio.Writer
	format Format
	n      int
	buf    bytes.Buffer
	enc    *json.Encoder
}

// NewListWriter starts a list in format f (JSON or YAML) on w.
func NewListWriter(w io.Writer, f Format) *ListWriter {
	l := &ListWriter{w: bufio.NewWriterSize(w, 64<<10), format: f}
	l.enc = json.NewEncoder(&l.buf)
	l.enc.SetIndent("  ", "  ") // an element of an array indented by two
	l.enc.SetEscapeHTML(false)
	return l
}

// Add prints one element.
func (l *ListWriter) Add(v any) error {
	defer func() { l.n++ }()
	if l.format == YAML {
		return WriteYAML(l.w, []any{v}) // "- key: value", one item of the sequence
	}
	l.buf.Reset()
	if err := l.enc.Encode(v); err != nil {
		return err
	}
	sep := ",\n  "
	if l.n == 0 {
		sep = "[\n  "
	}
	l.w.WriteString(sep)
	_, err := l.w.Write(bytes.TrimSuffix(l.buf.Bytes(), []byte("\n")))
	return err
}

// Close ends the list and writes out what is buffered.
func (l *ListWriter) Close() error {
	switch {
	case l.n == 0:
		l.w.WriteString("[]\n")
	case l.format != YAML:
		l.w.WriteString("\n]\n")
	}
	return l.w.Flush()
}

// Flush writes out what is buffered, without ending the list.
func (l *ListWriter) Flush() error { return l.w.Flush() }
