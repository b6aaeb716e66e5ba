// Package ghactions writes GitHub Actions workflow-command annotations
// (::error and ::warning with file, line and title), which GitHub shows on
// the pull request's changed lines and in the run's summary.
//
// The runner reads workflow commands from a step's standard output and its
// standard error alike: actions/runner src/Runner.Worker/Handlers/
// ScriptHandler.cs hands both streams to an OutputManager whose
// OnDataReceived passes each line to ActionCommandManager.TryProcessCommand
// (commit 258d6c857db3). orgctl writes them on stderr, so stdout stays the
// JSON or NDJSON that -o json promises.
//
// Escaping follows the runner exactly: ActionCommand.cs (same commit)
// unescapes data %0D, %0A, %25 and properties also %3A and %2C, and the
// toolkit's packages/core/src/command.ts (actions/toolkit 4b9afa4c890d,
// escapeData and escapeProperty) escapes them so, "%" first. The runner
// takes a line as a command only when it starts, after white space, with
// "::" and a known command (TryParseV2): every line written here starts
// with "::error" or "::warning", and CR and LF in a value are escaped, so a
// value can never begin a line of its own; a "::add-mask::" or
// "::stop-commands::" in a name or message is data, shown as text.
package ghactions

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/orgctl/orgctl/pkg/bulk"
	"github.com/orgctl/orgctl/pkg/report"
	"github.com/orgctl/orgctl/pkg/text"
)

// Enabled says whether annotations are on by default: when the run is a
// GitHub Actions step (the runner sets GITHUB_ACTIONS=true).
func Enabled(getenv func(string) string) bool { return getenv("GITHUB_ACTIONS") == "true" }

// Levels of annotation.
const (
	Error   = "error"
	Warning = "warning"
)

// Annotation is one workflow command.
type Annotation struct {
	Level   string // Error or Warning
	File    string // the manifest, relative to the repository for the pull request to show it; "" for none
	Line    int    // 1-based; 0 for none
	Title   string
	Message string
}

// String is the annotation as one line, without its newline.
func (a Annotation) String() string {
	var b strings.Builder
	b.WriteString("::" + a.Level)
	var props []string
	if a.File != "" {
		props = append(props, "file="+EscapeProperty(a.File))
		if a.Line > 0 {
			props = append(props, "line="+strconv.Itoa(a.Line))
		}
	}
	if a.Title != "" {
		props = append(props, "title="+EscapeProperty(text.Safe(a.Title)))
	}
	if len(props) > 0 {
		b.WriteString(" " + strings.Join(props, ","))
	}
	b.WriteString("::" + EscapeData(safeLines(a.Message)))
	return b.String()
}

// EscapeData escapes a command's data as the runner unescapes it.
func EscapeData(s string) string { return dataEscaper.Replace(s) }

// EscapeProperty escapes a command's property value as the runner
// unescapes it: ":" would end the properties and "," start another.
func EscapeProperty(s string) string { return propertyEscaper.Replace(s) }

// A strings.Replacer replaces in one pass, so "%" is escaped once, before
// the escapes that add one: the same as the toolkit's replacing "%" first.
var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// safeLines keeps a message's line breaks (the runner shows them) and makes
// each line safe to show: controls, bidi overrides and other characters
// that could deceive a reader are escaped visibly (text.Safe).
func safeLines(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = text.Safe(l)
	}
	return strings.Join(lines, "\n")
}

// MaxPerLevel is how many errors, and how many warnings, a Writer
// annotates: GitHub shows 10 of each a step and drops the rest silently
// (github.com/orgs/community/discussions/68471), and a run of 100,000 failed entries must not write
// 100,000 commands. The rest are counted, and Close says so.
const MaxPerLevel = 10

// Options say what the annotations point at.
type Options struct {
	Command  string              // diff, apply or create: in each title
	Manifest string              // its path as given; "-" (standard input) points at no file
	Redact   func(string) string // masks secrets in every value, before escaping; nil for none
}

// Writer is a report.Writer that annotates invalid and failed entries, and
// a saved plan's stale actions, as errors, and ambiguous outcomes as warnings. (Deprecated plans are found
// before any row: the commands annotate them as they find them.)
type Writer struct {
	mu      sync.Mutex
	w       *bufio.Writer
	opts    Options
	written map[string]int
	left    map[string]int // not written: past MaxPerLevel
}

var _ report.Writer = (*Writer)(nil)

// New returns a Writer to w, the command's stderr.
func New(w io.Writer, o Options) *Writer {
	if o.Redact == nil {
		o.Redact = func(s string) string { return s }
	}
	return &Writer{w: bufio.NewWriter(w), opts: o, written: map[string]int{}, left: map[string]int{}}
}

// Add annotates r, if anything is wrong with it.
func (w *Writer) Add(r report.Row) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	who := r.Name
	if who == "" && r.Index > 0 {
		who = fmt.Sprintf("entry %d", r.Index)
	}
	where := fmt.Sprintf("orgctl %s: %s on %s", w.opts.Command, who, r.Provider)
	switch {
	case r.Status == report.Invalid:
		w.annotate(r, Error, fmt.Sprintf("orgctl %s: invalid manifest entry %d", w.opts.Command, r.Index), r.Error)
	case r.Status == report.Stale:
		w.annotate(r, Error, strings.TrimSpace(where+": "+r.Action)+" stale", r.Error)
	case r.Status == bulk.Failed && r.Ambiguous:
		w.annotate(r, Warning, where+": outcome unknown", r.Error)
	case r.Status == bulk.Failed:
		w.annotate(r, Error, strings.TrimSpace(where+": "+r.Action)+" failed", r.Error)
	}
	return w.w.Flush()
}

// annotate writes one annotation at r's manifest line, or counts it when
// its level has had its share.
func (w *Writer) annotate(r report.Row, level, title, msg string) {
	if w.written[level] >= MaxPerLevel {
		w.left[level]++
		return
	}
	w.written[level]++
	a := Annotation{Level: level, Title: w.opts.Redact(title), Message: w.opts.Redact(msg)}
	if w.opts.Manifest != "-" && r.Index > 0 {
		a.File, a.Line = w.opts.Redact(w.opts.Manifest), r.Line
	}
	w.w.WriteString(a.String() + "\n")
}

// SetManifest points the annotations at path, for a command that learns
// its manifest after the writer is made (apply PLAN reads it in the plan).
func (w *Writer) SetManifest(path string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.opts.Manifest = path
}

// Close annotates the error that ended the run, if no row's error did, and
// says how many annotations were left out.
func (w *Writer) Close(s report.Summary) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	// The run's error only when no row's error explains it already.
	if s.Err != "" && w.written[Error]+w.left[Error] == 0 {
		a := Annotation{Level: Error, Title: w.opts.Redact(fmt.Sprintf("orgctl %s failed (exit %d)", w.opts.Command, s.ExitCode)),
			Message: w.opts.Redact(s.Err)}
		w.w.WriteString(a.String() + "\n")
	}
	for _, level := range []string{Error, Warning} {
		if n := w.left[level]; n > 0 {
			// Plain text, not a command: past the limit GitHub would not show it.
			fmt.Fprintf(w.w, "orgctl: %d more %ss not annotated (GitHub shows %d a step); the results list them all\n", n, level, MaxPerLevel)
		}
	}
	return w.w.Flush()
}
