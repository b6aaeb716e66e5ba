package ghactions

import (
	"bytes"
	"io"
	"sync"
)

// Guard returns w with every "##[" written as `##\u005b`. GitHub's runner
// still reads the older workflow-command form "##[name props]data"
// anywhere in a line that is not a "::" command (ActionCommand.TryParse,
// tried after TryParseV2; actions/runner 258d6c857db3), and it still obeys
// add-mask, stop-commands and set-output there. A name a manifest or a
// server gives, printed in a result line, must not start one.
//
// `\u005b` is "[" in a JSON string, where every "##[" of -o json output
// is, so JSON and NDJSON decode to the same values; in text it shows the
// escape. Nothing is held back: a "[" that completes a "##" written by an
// earlier Write is escaped then.
func Guard(w io.Writer) io.Writer { return &guard{w: w} }

type guard struct {
	mu   sync.Mutex
	w    io.Writer
	last [2]byte // the last two bytes written, 0 for none
}

var escapedBracket = []byte(`\u005b`)

func (g *guard) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []byte // nil while p needs no change
	start := 0
	for i, c := range p {
		if c != '[' || !g.hashesBefore(p, i) {
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(p)+len(escapedBracket))
		}
		out = append(append(out, p[start:i]...), escapedBracket...)
		start = i + 1
	}
	if out != nil {
		out = append(out, p[start:]...)
	}
	if n := len(p); n >= 2 {
		g.last = [2]byte{p[n-2], p[n-1]}
	} else if n == 1 {
		g.last = [2]byte{g.last[1], p[0]}
	}
	if out == nil {
		return g.w.Write(p)
	}
	if _, err := g.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// hashesBefore says whether the two bytes before p[i], in this write or
// the last ones, are "##".
func (g *guard) hashesBefore(p []byte, i int) bool {
	switch i {
	case 0:
		return g.last == [2]byte{'#', '#'}
	case 1:
		return p[0] == '#' && g.last[1] == '#'
	}
	return bytes.Equal(p[i-2:i], []byte("##"))
}
