// Package progress draws one status line ("creating 120/1000 (12%) 31/s")
// on a terminal's stderr, redrawn at most ten times a second. It replaces a
// progress-bar library whose colour dependency compiled regular
// expressions at every start of orgctl.
package progress

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/orgctl/orgctl/pkg/text"
)

// Modes of --progress.
const (
	Auto   = "auto"
	Always = "always"
	Never  = "never"
)

// Enabled decides whether to draw: always, never, or (auto) when stderr is
// a terminal and CI is not set to true. mode "" reads ORGCTL_PROGRESS.
func Enabled(mode string, stderrTTY bool, getenv func(string) string) (bool, error) {
	if mode == "" {
		mode = getenv("ORGCTL_PROGRESS")
	}
	switch strings.ToLower(mode) {
	case "", Auto:
		return stderrTTY && getenv("CI") != "true", nil
	case Always:
		return true, nil
	case Never:
		return false, nil
	}
	return false, fmt.Errorf("--progress %s: use auto, always or never", text.Quote(mode))
}

// Line is a progress line. A nil *Line draws nothing, so callers need no
// checks.
type Line struct {
	w     io.Writer
	label string
	total int
	done  int
	start time.Time
	drawn time.Time
	shown bool
}

// New starts a line for total steps.
func New(w io.Writer, label string, total int) *Line {
	return &Line{w: w, label: label, total: total, start: time.Now()}
}

// Clear erases the line, before something else is written to the terminal.
func (l *Line) Clear() {
	if l != nil && l.shown {
		fmt.Fprint(l.w, "\r\x1b[K")
		l.shown = false
	}
}

// Add counts n more steps done and redraws when the last draw is old.
func (l *Line) Add(n int) {
	if l == nil {
		return
	}
	l.done += n
	if now := time.Now(); !l.shown || now.Sub(l.drawn) >= 100*time.Millisecond {
		l.draw(now)
	}
}

// Finish erases the line for good.
func (l *Line) Finish() { l.Clear() }

func (l *Line) draw(now time.Time) {
	pct := 0
	if l.total > 0 {
		pct = l.done * 100 / l.total
	}
	rate := float64(l.done) / max(now.Sub(l.start).Seconds(), 1e-3)
	fmt.Fprintf(l.w, "\r\x1b[K%s %d/%d (%d%%) %.0f/s", l.label, l.done, l.total, pct, rate)
	l.drawn, l.shown = now, true
}
