// Package iostreams holds the standard streams of one orgctl run and knows
// whether they are terminals and whether colour may be used on them.
package iostreams

import (
	"bytes"
	"io"
	"os"

	"github.com/fatih/color"
	"github.com/mattn/go-isatty"
	"golang.org/x/term"
)

// IOStreams are the streams a command reads and writes. Commands never touch
// os.Stdout directly, so tests can swap in buffers.
//
// Out and ErrOut pass every byte through one redactor that masks each
// secret registered with AddSecret, so no message, trace or echo of a
// hostile server can print a token, whichever code path writes it.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// ReadPassword reads a line from the terminal on stdin without echoing
	// it; tests replace it.
	ReadPassword func() ([]byte, error)

	stdinTTY  bool
	stdoutTTY bool
	stderrTTY bool
	colorOK   bool       // the environment allows colour (NO_COLOR, CLICOLOR, TERM)
	forced    bool       // CLICOLOR_FORCE asks for colour even when piped
	width     func() int // the terminal's width on stdout; 0 unknown

	secrets *secrets
	flush   []*redactWriter
}

// New returns streams over in, out and errOut, with out and errOut behind
// the redactor.
func New(in io.Reader, out, errOut io.Writer) *IOStreams {
	s := &IOStreams{In: in, secrets: &secrets{}}
	o := &redactWriter{w: out, secrets: s.secrets}
	e := &redactWriter{w: errOut, secrets: s.secrets}
	s.Out, s.ErrOut, s.flush = o, e, []*redactWriter{o, e}
	return s
}

// AddSecret registers values (tokens, Authorization headers) that must never
// be written: from now on Out and ErrOut mask them. Values shorter than
// MinSecretLen are ignored.
func (s *IOStreams) AddSecret(values ...string) {
	if s.secrets == nil {
		return // streams built by hand, without New: nothing to register with
	}
	for _, v := range values {
		s.secrets.add(v)
	}
}

// Redact returns s with every registered secret masked, for what orgctl
// writes elsewhere than Out and ErrOut (a report file), or before it is
// escaped into a form the streams' redactor would no longer recognise.
func (s *IOStreams) Redact(v string) string {
	if s.secrets == nil {
		return v
	}
	list := s.secrets.snapshot()
	if len(list) == 0 {
		return v
	}
	out, _ := redact([]byte(v), list, true)
	return string(out)
}

// Flush writes out what the redactor held back (a tail that might have
// begun a secret). Call it when the run ends.
func (s *IOStreams) Flush() {
	for _, w := range s.flush {
		_ = w.Flush()
	}
}

// System returns the process's own streams.
func System() *IOStreams {
	s := New(os.Stdin, os.Stdout, os.Stderr)
	s.ReadPassword = func() ([]byte, error) { return term.ReadPassword(int(os.Stdin.Fd())) }
	s.stdinTTY = isTerminal(os.Stdin)
	s.stdoutTTY = isTerminal(os.Stdout)
	s.stderrTTY = isTerminal(os.Stderr)
	s.colorOK = envAllowsColor(os.Getenv)
	s.forced = envForcesColor(os.Getenv)
	s.width = func() int {
		w, _, err := term.GetSize(int(os.Stdout.Fd()))
		if err != nil {
			return 0
		}
		return w
	}
	return s
}

// defaultWidth is assumed for a terminal that does not say how wide it is.
const defaultWidth = 80

// TerminalWidth is the width of the terminal on stdout, in columns.
func (s *IOStreams) TerminalWidth() int {
	if s.width != nil {
		if w := s.width(); w > 0 {
			return w
		}
	}
	return defaultWidth
}

// SetWidth pretends, in tests, that the terminal is this wide.
func (s *IOStreams) SetWidth(columns int) { s.width = func() int { return columns } }

// Test returns streams backed by buffers, behind the redactor like the
// real ones: no terminal, no colour.
func Test() (ios *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return New(in, out, errOut), in, out, errOut
}

// SetTTY pretends, in tests, that stdout and stderr are terminals.
func (s *IOStreams) SetTTY(tty bool) {
	s.stdoutTTY, s.stderrTTY, s.colorOK = tty, tty, tty
}

// DisableColor turns colour off for the rest of the run (--no-color).
func (s *IOStreams) DisableColor() { s.colorOK, s.forced = false, false }

// SetStdinTTY pretends, in tests, that stdin is a terminal.
func (s *IOStreams) SetStdinTTY(tty bool) { s.stdinTTY = tty }

// IsStdinTTY reports whether stdin is a terminal, so a prompt can be answered.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY reports whether stdout is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether stderr is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// ColorOut reports whether colour may be written to stdout.
func (s *IOStreams) ColorOut() bool { return s.forced || (s.colorOK && s.stdoutTTY) }

// ColorErr reports whether colour may be written to stderr.
func (s *IOStreams) ColorErr() bool { return s.forced || (s.colorOK && s.stderrTTY) }

// Palette returns colour helpers for a stream; enabled=false makes them plain.
// Each colour is its own color.Color, so nothing touches fatih/color's global
// NoColor switch (which ignores CLICOLOR and would race between tests).
func Palette(enabled bool) *Colors {
	mk := func(attrs ...color.Attribute) func(string) string {
		c := color.New(attrs...)
		if enabled {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		return func(s string) string { return c.Sprint(s) }
	}
	return &Colors{
		Bold:   mk(color.Bold),
		Faint:  mk(color.Faint),
		Red:    mk(color.FgRed),
		Yellow: mk(color.FgYellow),
		Green:  mk(color.FgGreen),
		Cyan:   mk(color.FgCyan),
	}
}

// Colors are string decorators; plain when colour is off.
type Colors struct {
	Bold, Faint, Red, Yellow, Green, Cyan func(string) string
}

// ErrColors is the palette for stderr.
func (s *IOStreams) ErrColors() *Colors { return Palette(s.ColorErr()) }

// OutColors is the palette for stdout.
func (s *IOStreams) OutColors() *Colors { return Palette(s.ColorOut()) }

func isTerminal(f *os.File) bool {
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

// envAllowsColor follows no-color.org and the CLICOLOR convention.
func envAllowsColor(getenv func(string) string) bool {
	return getenv("NO_COLOR") == "" && getenv("CLICOLOR") != "0" && getenv("TERM") != "dumb"
}

func envForcesColor(getenv func(string) string) bool {
	v := getenv("CLICOLOR_FORCE")
	return v != "" && v != "0" && getenv("NO_COLOR") == ""
}
