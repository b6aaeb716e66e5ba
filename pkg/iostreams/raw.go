package iostreams

import "io"

// RawOut is stdout without the redactor. Only `orgctl auth token` writes
// there: its output is the token itself, asked for explicitly, for a pipe
// (docs/security.md). What Out held back is written first, so stdout keeps
// its order.
func (s *IOStreams) RawOut() io.Writer {
	if o, ok := s.Out.(*redactWriter); ok {
		_ = o.Flush()
		return o.w
	}
	return s.Out
}
