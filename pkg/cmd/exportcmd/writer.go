package exportcmd

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"

	"github.com/orgctl/orgctl/pkg/output"
)

// writer prints a manifest one entry at a time, holding only the entry at
// hand: in YAML the document form (organizations:, then prune:), in JSON
// the same as an object or, without a prune rule, a plain array (which
// apply reads as a stream). The prune rule comes after the list, so that
// only a list read to its end declares what it owns.
type writer struct {
	w      *bufio.Writer
	format output.Format
	object bool // JSON: {"organizations": [...], "prune": ...}
	n      int
	buf    bytes.Buffer
	enc    *json.Encoder
	indent string // of an element of the JSON array
	err    error  // the first write error
}

func newWriter(w io.Writer, format output.Format, own bool) *writer {
	x := &writer{w: bufio.NewWriterSize(w, 64<<10), format: format, object: own}
	x.enc = json.NewEncoder(&x.buf)
	x.enc.SetEscapeHTML(false)
	x.indent = "  "
	if x.object {
		x.indent = "    " // the array is inside the object
	}
	x.enc.SetIndent(x.indent, "  ") // the lines after the first
	return x
}

// add prints one entry.
func (x *writer) add(e entry) error {
	defer func() { x.n++ }()
	x.buf.Reset()
	if x.format == output.YAML {
		if x.n == 0 {
			x.w.WriteString("organizations:\n")
		}
		appendYAML(&x.buf, &e, "  ")
		x.w.Write(x.buf.Bytes())
		return x.flushed()
	}
	if err := x.enc.Encode(e); err != nil {
		return err
	}
	switch {
	case x.n > 0:
		x.w.WriteString(",\n")
	case x.object:
		x.w.WriteString("{\n  \"organizations\": [\n")
	default:
		x.w.WriteString("[\n")
	}
	x.w.WriteString(x.indent)
	x.w.Write(bytes.TrimSuffix(x.buf.Bytes(), []byte("\n")))
	return x.flushed()
}

// flushed reports a failed write of what bufio passed on (a closed pipe):
// it ends the list.
func (x *writer) flushed() error {
	if x.err == nil {
		// bufio keeps its first error and returns it from every call after.
		_, x.err = x.w.Write(nil)
	}
	return x.err
}

// abandon writes out what was printed, leaving the document unterminated:
// a JSON list cut short does not parse, and no prune rule was written.
func (x *writer) abandon() { _ = x.w.Flush() }

// close ends the list and, unless rule is "", adds a prune rule owning the
// names it matches on the provider.
func (x *writer) close(providerName, rule string) error {
	if x.format == output.YAML {
		if x.n == 0 {
			x.w.WriteString("organizations: []\n")
		}
		if rule != "" {
			x.w.WriteString("# apply --prune deletes the organizations this rule owns that the list no longer names.\n")
			x.buf.Reset()
			x.buf.WriteString("prune:\n  " + providerName + ":\n    match: ")
			appendScalar(&x.buf, rule)
			x.buf.WriteString("\n")
			x.w.Write(x.buf.Bytes())
		}
		return x.w.Flush()
	}
	switch {
	case x.n == 0 && x.object:
		x.w.WriteString("{\n  \"organizations\": []")
	case x.n == 0:
		x.w.WriteString("[]\n")
	case x.object:
		x.w.WriteString("\n  ]")
	default:
		x.w.WriteString("\n]\n")
	}
	if x.object {
		x.buf.Reset()
		if rule == "" {
			x.w.WriteString("\n}\n") // --own left it out: the object owns nothing
			return x.w.Flush()
		}
		enc := json.NewEncoder(&x.buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("  ", "  ")
		if err := enc.Encode(map[string]any{providerName: map[string]string{"match": rule}}); err != nil {
			return err
		}
		x.w.WriteString(",\n  \"prune\": ")
		x.w.Write(bytes.TrimSuffix(x.buf.Bytes(), []byte("\n")))
		x.w.WriteString("\n}\n")
	}
	return x.w.Flush()
}
