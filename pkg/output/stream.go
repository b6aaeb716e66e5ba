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
// A list may also be the last member of a document (NewMemberList).
//
// A list that fails half way is left unterminated (Close is not called), so
// that no script takes the part it got for the whole.
type ListWriter struct {
	w      *bufio.Writer
	format Format
	indent string // "" at the top; "  " for a member of a document
	n      int
	buf    bytes.Buffer
	enc    *json.Encoder
}

// NewListWriter starts a list in format f (JSON or YAML) on w.
func NewListWriter(w io.Writer, f Format) *ListWriter { return newListWriter(w, f, "") }

func newListWriter(w io.Writer, f Format, indent string) *ListWriter {
	l := &ListWriter{w: bufio.NewWriterSize(w, 64<<10), format: f, indent: indent}
	l.enc = json.NewEncoder(&l.buf)
	l.enc.SetIndent(indent+"  ", "  ") // an element of an array indented by two
	l.enc.SetEscapeHTML(false)
	return l
}

// Add prints one element.
func (l *ListWriter) Add(v any) error {
	defer func() { l.n++ }()
	if l.format == YAML {
		if l.n == 0 && l.indent != "" {
			l.w.WriteString("\n") // after "key:"
		}
		l.buf.Reset()
		if err := WriteYAML(&l.buf, []any{v}); err != nil { // "- key: value", one item of the sequence
			return err
		}
		return l.writeIndented(l.buf.Bytes())
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
	l.w.WriteString(l.indent)
	_, err := l.w.Write(bytes.TrimSuffix(l.buf.Bytes(), []byte("\n")))
	return err
}

// writeIndented writes YAML lines, each after the list's indent.
func (l *ListWriter) writeIndented(text []byte) error {
	for line := range bytes.Lines(text) {
		l.w.WriteString(l.indent)
		if _, err := l.w.Write(line); err != nil {
			return err
		}
	}
	return nil
}

// Close ends the list and writes out what is buffered.
func (l *ListWriter) Close() error {
	top := l.indent == ""
	switch {
	case l.n == 0 && l.format == YAML && !top:
		l.w.WriteString(" []\n")
	case l.n == 0 && l.format == YAML, l.n == 0 && top:
		l.w.WriteString("[]\n")
	case l.n == 0:
		l.w.WriteString("[]")
	case l.format == YAML:
	case top:
		l.w.WriteString("\n]\n")
	default:
		l.w.WriteString("\n" + l.indent + "]")
	}
	return l.w.Flush()
}

// Document writes a document whose last member is a list, as Write would
// write the whole of it, streaming the list: head is the value of the
// members before it (a struct or map marshalled as an object), key the
// list's, and each adds its elements one at a time. The JSON or YAML
// document is closed only when each succeeds.
func Document(w io.Writer, f Format, head any, key string, each func(add func(v any) error) error) error {
	var doc bytes.Buffer
	if err := Write(&doc, f, head); err != nil {
		return err
	}
	keyJSON, _ := json.Marshal(key)
	list := newListWriter(w, f, "  ")
	if f == YAML {
		list.w.Write(doc.Bytes()) // "summary: ..." lines
		list.w.WriteString(key + ":")
	} else {
		// Reopen the head's object: drop its closing "}" and add the key.
		body := bytes.TrimSuffix(bytes.TrimRight(doc.Bytes(), "\n"), []byte("}"))
		body = bytes.TrimRight(body, "\n")
		list.w.Write(body)
		if len(bytes.TrimSpace(body)) > 1 {
			list.w.WriteString(",")
		}
		list.w.WriteString("\n  " + string(keyJSON) + ": ")
	}
	if err := each(list.Add); err != nil {
		return err
	}
	if err := list.Close(); err != nil {
		return err
	}
	if f != YAML {
		_, err := io.WriteString(w, "\n}\n")
		return err
	}
	return nil
}
