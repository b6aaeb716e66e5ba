package iostreams

import "io"

// WrapWriters puts wrap's writers between the redactor and stdout and
// stderr: what orgctl writes is redacted, then goes through them. In
// GitHub Actions the root command filters out the runner's older
// workflow-command form this way (ghactions.Guard). Call it before
// anything is written.
func (s *IOStreams) WrapWriters(wrap func(io.Writer) io.Writer) {
	if len(s.flush) == 0 { // streams built by hand, without New
		s.Out, s.ErrOut = wrap(s.Out), wrap(s.ErrOut)
		return
	}
	for _, r := range s.flush {
		r.mu.Lock()
		r.w = wrap(r.w)
		r.mu.Unlock()
	}
}
