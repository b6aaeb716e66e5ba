// Package junit writes a run's report as JUnit XML (--junit FILE), the test
// report format GitLab shows in merge requests (artifacts:reports:junit)
// and Jenkins and CircleCI read. Each row is a test case: a failed or
// invalid entry a <failure>, one the run never started <skipped>, a run
// that ended early an <error>.
//
// The document is valid against Jenkins xunit-plugin's junit-10.xsd
// (jenkinsci/xunit-plugin, src/main/resources/org/jenkinsci/plugins/xunit/
// types/model/xsd/junit-10.xsd at 031e285ef3b6), the schema Jenkins checks
// JUnit reports against: testsuites > testsuite (name, tests, failures,
// errors required) > testcase (name required), with only the attributes it
// declares (no "file" on a testcase, no "skipped" on testsuites). GitLab's
// parser reads the same elements.
//
// A run may have a hundred thousand rows: test cases stream to a temporary
// file next to the target as they come, and Close writes the final file,
// counts first, by copying them after the header into a second temporary
// file that is renamed over the target. A reader never sees half a report.
package junit

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/orgctl/orgctl/pkg/bulk"
	"github.com/orgctl/orgctl/pkg/plan"
	"github.com/orgctl/orgctl/pkg/report"
)

// Options say what the report is of.
type Options struct {
	Command  string              // diff, apply or create: test cases are orgctl.<command>.<provider>
	Manifest string              // its path as given, named in each failure
	Redact   func(string) string // masks secrets in every value written; nil for none
	Now      func() time.Time    // the clock, for tests; nil for time.Now
}

// Writer is a report.Writer that writes JUnit XML to a file.
type Writer struct {
	mu     sync.Mutex
	path   string
	opts   Options
	start  time.Time
	body   *os.File // the test cases written so far
	buf    *bufio.Writer
	closed bool
	err    error // the first write error: Close returns it

	tests, failures, errors, skipped int
}

var _ report.Writer = (*Writer)(nil)

// Create starts a report to be written to path when the run ends. It fails
// when path's directory does not exist or cannot be written to, which a
// command checks before it sends anything.
func Create(path string, o Options) (*Writer, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Redact == nil {
		o.Redact = func(s string) string { return s }
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s is a directory", path)
	}
	body, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.cases")
	if err != nil {
		return nil, err
	}
	// Only our own unlinked-on-Close scratch file: never the target.
	return &Writer{path: path, opts: o, start: o.Now(), body: body, buf: bufio.NewWriterSize(body, 64<<10)}, nil
}

// Add writes r's test case.
func (w *Writer) Add(r report.Row) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return errors.New("junit: Add after Close")
	}
	if w.err != nil {
		return w.err
	}
	w.tests++
	b := w.buf
	fmt.Fprintf(b, "    <testcase classname=\"%s\" name=\"%s\">\n", attr(w.classname(r.Provider)), attr(w.clean(caseName(r))))
	switch r.Status {
	case report.Invalid, report.Stale, bulk.Failed:
		w.failures++
		fmt.Fprintf(b, "      <failure message=\"%s\" type=\"%s\">%s</failure>\n",
			attr(w.clean(firstLine(r.Error, 500))), attr(r.Status), text(w.clean(w.failureText(r))))
	case report.NotStarted:
		w.skipped++
		b.WriteString("      <skipped message=\"not started: the run stopped before it\"></skipped>\n")
	}
	if out := w.systemOut(r); out != "" && r.Status != report.Invalid && r.Status != report.Stale { // the failure says it all
		fmt.Fprintf(b, "      <system-out>%s</system-out>\n", text(w.clean(out)))
	}
	_, err := b.WriteString("    </testcase>\n")
	w.err = err
	return err
}

// Close writes the report: the header with the counts, the test cases, and
// the run's own error, if no failure explains it, as one more test case.
func (w *Writer) Close(s report.Summary) (err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return errors.New("junit: closed twice")
	}
	w.closed = true
	defer func() {
		w.body.Close()
		os.Remove(w.body.Name())
	}()
	if w.err != nil {
		return w.err
	}
	// The run's error is a test case of its own only when no failure
	// explains it already ("3 of 10 changes failed" adds nothing to them):
	// a listing that failed, an interruption, a report with no rows.
	if s.Err != "" && w.failures == 0 {
		w.tests++
		w.errors++
		fmt.Fprintf(w.buf, "    <testcase classname=\"%s\" name=\"%s\">\n      <error message=\"%s\" type=\"exit %d\">%s</error>\n    </testcase>\n",
			attr(w.classname("")), attr("orgctl "+w.opts.Command), attr(w.clean(firstLine(s.Err, 500))), s.ExitCode,
			text(w.clean(fmt.Sprintf("%s\nexit code %d (orgctl help exit-codes)", s.Err, s.ExitCode))))
	}
	// create -f knows how many entries it never started, not which.
	if s.NotStarted > 0 {
		w.tests++
		w.skipped++
		fmt.Fprintf(w.buf, "    <testcase classname=\"%s\" name=\"%s\">\n      <skipped message=\"%d entries not started: the run stopped before them\"></skipped>\n    </testcase>\n",
			attr(w.classname("")), attr(fmt.Sprintf("%d entries not started", s.NotStarted)), s.NotStarted)
	}
	if err := w.buf.Flush(); err != nil {
		return err
	}
	if _, err := w.body.Seek(0, io.SeekStart); err != nil {
		return err
	}

	out, err := os.CreateTemp(filepath.Dir(w.path), "."+filepath.Base(w.path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			out.Close()
			os.Remove(out.Name())
		}
	}()
	manifest := or(s.Manifest, w.opts.Manifest)
	elapsed := strconv.FormatFloat(w.opts.Now().Sub(w.start).Seconds(), 'f', 3, 64)
	suite := "orgctl " + w.opts.Command
	if manifest != "" {
		suite += " " + manifest
	}
	bw := bufio.NewWriterSize(out, 64<<10)
	fmt.Fprintf(bw, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"orgctl\" tests=\"%d\" failures=\"%d\" errors=\"%d\" time=\"%s\">\n",
		w.tests, w.failures, w.errors, elapsed)
	fmt.Fprintf(bw, "  <testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%s\" timestamp=\"%s\">\n",
		attr(w.clean(suite)), w.tests, w.failures, w.errors, w.skipped, elapsed, w.start.UTC().Format("2006-01-02T15:04:05"))
	fmt.Fprintf(bw, "    <properties>\n      <property name=\"command\" value=\"%s\"></property>\n      <property name=\"manifest\" value=\"%s\"></property>\n      <property name=\"exit_code\" value=\"%d\"></property>\n    </properties>\n",
		attr(w.opts.Command), attr(w.clean(manifest)), s.ExitCode)
	if _, err = io.Copy(bw, w.body); err != nil {
		return err
	}
	bw.WriteString("  </testsuite>\n</testsuites>\n")
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = out.Sync(); err != nil {
		return err
	}
	if err = out.Close(); err != nil {
		return err
	}
	// CreateTemp makes it 0600; a report is for the CI to collect and
	// holds no secret.
	if err = os.Chmod(out.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(out.Name(), w.path)
}

// SetManifest names the manifest in the failures to come, for a command
// that learns it after Create (apply PLAN reads it in the plan).
func (w *Writer) SetManifest(path string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.opts.Manifest = path
}

// classname groups test cases as a report tab shows them: by command and
// provider.
func (w *Writer) classname(provider string) string {
	c := "orgctl." + w.opts.Command
	if provider != "" {
		c += "." + provider
	}
	return w.clean(c)
}

// caseName is the organization's name alone, not its action: GitLab
// matches test cases across pipelines by name, so a failed create that a
// later run finds unchanged shows as fixed.
func caseName(r report.Row) string {
	if r.Name != "" {
		return r.Name
	}
	if r.Index > 0 {
		return fmt.Sprintf("entry %d", r.Index)
	}
	return "(no name)"
}

// failureText is a failure's body: the error, its exit code, and where in
// the manifest the entry is.
func (w *Writer) failureText(r report.Row) string {
	var b strings.Builder
	b.WriteString(r.Error)
	if r.ExitCode != 0 {
		fmt.Fprintf(&b, "\nexit code %d (orgctl help exit-codes)", r.ExitCode)
	}
	if where := w.where(r); where != "" {
		b.WriteString("\n" + where)
	}
	return b.String()
}

// where is the entry's place in the manifest, as path:line (entry N).
func (w *Writer) where(r report.Row) string {
	if r.Index == 0 {
		return ""
	}
	s := w.opts.Manifest
	switch s {
	case "":
		s = "manifest"
	case "-":
		s = "standard input"
	}
	if r.Line > 0 {
		s += ":" + strconv.Itoa(r.Line)
	}
	return fmt.Sprintf("%s (entry %d)", s, r.Index)
}

// systemOut is what the row did or would do: its action and status, the
// organization's id and each changed field.
func (w *Writer) systemOut(r report.Row) string {
	var b strings.Builder
	if r.Action != "" {
		b.WriteString(r.Action)
	}
	if r.Status != report.Planned {
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		b.WriteString(r.Status)
	}
	if r.ID != "" {
		b.WriteString(" (id " + r.ID + ")")
	}
	if where := w.where(r); where != "" && r.Status != report.Invalid && r.Status != report.Stale && r.Status != bulk.Failed {
		b.WriteString("\n" + where)
	}
	for _, ch := range r.Changes {
		if ch.Old == nil && r.Action == string(plan.Create) {
			fmt.Fprintf(&b, "\n  %s: %s", ch.Field, plan.ShowValue(ch.New))
			continue
		}
		fmt.Fprintf(&b, "\n  %s: %s → %s", ch.Field, plan.ShowValue(ch.Old), plan.ShowValue(ch.New))
	}
	return b.String()
}

// clean redacts secrets and makes s something XML 1.0 can carry.
func (w *Writer) clean(s string) string { return Clean(w.opts.Redact(s)) }

// Clean makes s a string XML 1.0 can carry (its Char production): invalid
// UTF-8, lone surrogates included, becomes U+FFFD, and the characters XML
// forbids (control characters other than tab, LF and CR; U+FFFE, U+FFFF)
// are dropped, as no escape can carry them either.
func Clean(s string) string {
	ok := true
	for i, r := range s {
		if !xmlChar(r) || (r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD")) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			b.WriteRune(utf8.RuneError) // an invalid byte
		case xmlChar(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

// attr escapes an attribute value. Tab, LF and CR are written as character
// references: a parser would otherwise normalise them to spaces.
var attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;",
	"\t", "&#x9;", "\n", "&#xA;", "\r", "&#xD;")

func attr(s string) string { return attrEscaper.Replace(s) }

// text escapes character data; ">" too, so "]]>" cannot appear. CR is a
// reference, as a parser turns a raw CR LF into LF.
var textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\r", "&#xD;")

func text(s string) string { return textEscaper.Replace(s) }

// firstLine is s's first line, cut to at most n bytes on a rune boundary:
// a failure's message attribute is a one-line summary; its body has all.
func firstLine(s string, n int) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
