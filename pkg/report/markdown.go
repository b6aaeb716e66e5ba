package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/orgctl/orgctl/pkg/plan"
	"github.com/orgctl/orgctl/pkg/text"
)

// CommentLimit is the most a GitHub comment body may hold: 65,536
// characters ("Body is too long (maximum is 65536 characters)"). The writer
// counts bytes, never fewer than characters, so a document under it in
// bytes is under it in characters too. A job summary may take 1 MiB a step
// (docs.github.com, "Adding a job summary"), so the same cap fits there.
const CommentLimit = 65536

// Caps of one value in a cell, in characters: a 10,000-character name
// must not push every other row out.
const (
	nameCap  = 100
	valueCap = 100
	errorCap = 300
	// changesCap bounds a row's changes, in bytes of Markdown: past it, the
	// remaining fields are counted ("… 3 more fields"), so that two long
	// tag lists do not make a row that pushes out dozens of others.
	changesCap = 2000
)

// Sections of the document, in the order they are cut when the document
// would be too long: the unchanged rows first, then the changes, the
// failures last.
const (
	secUnchanged = iota
	secChanges
	secFailed
	nSections
)

// MarkdownOptions tune a Markdown writer.
type MarkdownOptions struct {
	Command string // diff, apply or create: picks the columns of the changes table
	// ExitMeaning says what an exit code means (cmdutil.ExitMeaning); nil
	// leaves the meaning out.
	ExitMeaning func(code int) string
	Limit       int // of the whole document, in bytes; 0 is CommentLimit
}

// Markdown writes a run as one Markdown document for a pull-request
// comment or a job summary (-o markdown, GITHUB_STEP_SUMMARY): a heading
// with the counts, the failures, a table of the changes and, folded in
// <details>, the unchanged rows. It renders alike on GitHub and GitLab:
// GFM tables (github.github.com/gfm, "Tables (extension)"; GitLab's
// docs/user/markdown.md "Tables"), and <details>/<summary> with a blank
// line before the Markdown inside (GitHub's "Organizing information with
// collapsed sections", GitLab's "Collapsible section"), the only HTML used
// besides <br>.
//
// Rows are rendered as they come and kept only while they fit under the
// limit; the rest are counted, so memory stays bounded whatever the size
// of the run.
type Markdown struct {
	w      io.Writer
	opts   MarkdownOptions
	budget int // bytes of table rows the document may hold
	used   int
	secs   [nSections]section
	counts map[string]int // rows by what the heading counts (see key)
}

type section struct {
	lines []string // rendered rows, each ending in a newline
	total int      // rows given, kept or not
}

func (s *section) left() int { return s.total - len(s.lines) }

// reserve is room kept for everything but the table rows: the heading,
// table headers, notes and the exit code. Close checks the real size and
// cuts more rows should it be too small.
const reserve = 4 << 10

// NewMarkdown returns a writer of the document to w, which gets it in one
// Write at Close.
func NewMarkdown(w io.Writer, opts MarkdownOptions) *Markdown {
	if opts.Limit <= 0 {
		opts.Limit = CommentLimit
	}
	return &Markdown{w: w, opts: opts, budget: max(0, opts.Limit-reserve), counts: map[string]int{}}
}

// Add renders r and keeps it if it fits, making room by dropping rows of
// a section cut before r's.
func (m *Markdown) Add(r Row) error {
	m.counts[key(r)]++
	sec := sectionOf(r)
	m.secs[sec].total++
	line := m.render(sec, r)
	for lower := 0; lower < sec && m.used+len(line) > m.budget; {
		if !m.drop(lower) {
			lower++
		}
	}
	if m.used+len(line) > m.budget {
		return nil // counted, not kept
	}
	m.secs[sec].lines = append(m.secs[sec].lines, line)
	m.used += len(line)
	return nil
}

// drop forgets the last kept row of a section, false when it has none.
func (m *Markdown) drop(sec int) bool {
	s := &m.secs[sec]
	if len(s.lines) == 0 {
		return false
	}
	last := len(s.lines) - 1
	m.used -= len(s.lines[last])
	s.lines[last] = "" // let it go
	s.lines = s.lines[:last]
	return true
}

// Close writes the document.
func (m *Markdown) Close(s Summary) error {
	doc := m.document(s)
	// The reserve is an estimate: cut rows until the document fits.
	for len(doc) > m.opts.Limit {
		cut := false
		for sec := range nSections {
			if m.drop(sec) {
				cut = true
				break
			}
		}
		if !cut {
			break // nothing left to cut: the fixed parts alone are too long
		}
		doc = m.document(s)
	}
	_, err := io.WriteString(m.w, doc)
	return err
}

func (m *Markdown) document(s Summary) string {
	var b strings.Builder
	b.Grow(m.used + reserve)
	fmt.Fprintf(&b, "### %s: %s\n\n", m.title(s), m.countLine(s))
	if s.Manifest != "" {
		fmt.Fprintf(&b, "File: %s\n\n", Escape(s.Manifest, valueCap))
	}
	left := 0
	for i := range m.secs {
		left += m.secs[i].left()
	}
	if left > 0 {
		fmt.Fprintf(&b, "**%s left out** to keep this under GitHub's %d-character comment limit (unchanged rows first, then changes).\n\n",
			rows(left), CommentLimit)
	}

	if f := &m.secs[secFailed]; f.total > 0 {
		fmt.Fprintf(&b, "#### Problems (%d)\n\n", f.total)
		writeTable(&b, failedColumns, f)
	}
	if c := &m.secs[secChanges]; c.total > 0 {
		title := "Changes"
		if m.opts.Command == "create" {
			title = "Organizations"
		}
		fmt.Fprintf(&b, "#### %s (%d)\n\n", title, c.total)
		writeTable(&b, m.changeColumns(), c)
	}
	if u := &m.secs[secUnchanged]; u.total > 0 {
		// The blank line after </summary> lets the table inside render.
		fmt.Fprintf(&b, "<details><summary>%d unchanged</summary>\n\n", u.total)
		writeTable(&b, unchangedColumns, u)
		b.WriteString("</details>\n\n")
	}

	if s.Err != "" {
		fmt.Fprintf(&b, "**Error:** %s\n\n", Escape(s.Err, errorCap))
	}
	fmt.Fprintf(&b, "**Exit code %d**", s.ExitCode)
	if m.opts.ExitMeaning != nil {
		if meaning := m.opts.ExitMeaning(s.ExitCode); meaning != "" {
			b.WriteString(": " + Escape(meaning, errorCap))
		}
	}
	b.WriteString("\n")
	return b.String()
}

// title names the command as it was run.
func (m *Markdown) title(s Summary) string {
	cmd := or(s.Command, m.opts.Command)
	if cmd == "create" {
		cmd = "create -f"
	}
	return "orgctl " + cmd
}

// counted are the heading's counts, in order, with their wording: a
// plan's "2 to create", a run's "2 created".
var counted = []struct{ key, label string }{
	{"plan:" + string(plan.Create), "to create"},
	{"plan:" + string(plan.Update), "to update"},
	{"plan:" + string(plan.Delete), "to delete"},
	{"created", "created"},
	{"updated", "updated"},
	{"deleted", "deleted"},
	{"skipped", "skipped"},
	{Invalid, "invalid"},
	{Stale, "stale"},
	{"failed", "failed"},
	{NotStarted, "not started"},
	{Unchanged, "unchanged"},
}

// key is what a row counts as in the heading.
func key(r Row) string {
	switch {
	case r.Action == string(plan.Unchanged):
		return Unchanged
	case r.Status == Planned:
		return "plan:" + r.Action
	}
	return r.Status
}

func (m *Markdown) countLine(s Summary) string {
	var parts []string
	for _, c := range counted {
		n := m.counts[c.key]
		if c.key == NotStarted {
			n += s.NotStarted
		}
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, c.label))
		}
	}
	if len(parts) == 0 {
		return "nothing to do"
	}
	return strings.Join(parts, ", ")
}

func rows(n int) string {
	if n == 1 {
		return "1 row"
	}
	return strconv.Itoa(n) + " rows"
}

func sectionOf(r Row) int {
	switch {
	case r.Status == "failed" || r.Status == Invalid || r.Status == Stale:
		return secFailed
	case r.Action == string(plan.Unchanged) || r.Status == Unchanged:
		return secUnchanged
	}
	return secChanges
}

// column is one column of a table: its header, alignment and cell.
type column struct {
	header string
	right  bool
	cell   func(Row) string
}

var (
	colProvider = column{"Provider", false, func(r Row) string { return Escape(r.Provider, nameCap) }}
	colName     = column{"Name", false, func(r Row) string { return Escape(r.Name, nameCap) }}
	colID       = column{"ID", false, func(r Row) string { return Escape(r.ID, nameCap) }}
	colAction   = column{"Action", false, func(r Row) string { return Escape(r.Action, nameCap) }}
	colResult   = column{"Result", false, func(r Row) string { return Escape(strings.ReplaceAll(r.Status, "_", " "), nameCap) }}
	colLine     = column{"Line", true, func(r Row) string { return number(r.Line) }}
	colExit     = column{"Exit code", true, func(r Row) string { return number(r.ExitCode) }}
	colError    = column{"Error", false, func(r Row) string { return Escape(r.Error, errorCap) }}
	colChanges  = column{"Changes", false, func(r Row) string { return changes(r) }}

	failedColumns    = []column{colProvider, colName, colAction, colResult, colLine, colExit, colError}
	unchangedColumns = []column{colProvider, colName, colID, colLine}
)

func (m *Markdown) changeColumns() []column {
	switch m.opts.Command {
	case "diff":
		return []column{colProvider, colName, colAction, colID, colLine, colChanges}
	case "create":
		return []column{colProvider, colName, colResult, colID, colLine}
	}
	return []column{colProvider, colName, colAction, colResult, colID, colLine, colChanges}
}

func (m *Markdown) render(sec int, r Row) string {
	cols := unchangedColumns
	switch sec {
	case secFailed:
		cols = failedColumns
	case secChanges:
		cols = m.changeColumns()
	}
	var b strings.Builder
	b.WriteString("|")
	for _, c := range cols {
		b.WriteString(" " + c.cell(r) + " |")
	}
	b.WriteString("\n")
	return b.String()
}

func writeTable(b *strings.Builder, cols []column, s *section) {
	b.WriteString("|")
	for _, c := range cols {
		b.WriteString(" " + c.header + " |")
	}
	b.WriteString("\n|")
	for _, c := range cols {
		if c.right {
			b.WriteString(" --: |")
		} else {
			b.WriteString(" --- |")
		}
	}
	b.WriteString("\n")
	for _, l := range s.lines {
		b.WriteString(l)
	}
	if n := s.left(); n > 0 {
		fmt.Fprintf(b, "\n_%s more not shown._\n", rows(n))
	}
	b.WriteString("\n")
}

func number(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// changes is each changed field, old → new, a line each (<br>: a table
// cell holds one line of Markdown).
func changes(r Row) string {
	parts := make([]string, 0, len(r.Changes))
	size := 0
	for i, ch := range r.Changes {
		if size > changesCap {
			parts = append(parts, fmt.Sprintf("… %d more fields", len(r.Changes)-i))
			break
		}
		if ch.Old == nil && (r.Action == string(plan.Create) || r.Status == "created") {
			parts = append(parts, Escape(ch.Field, nameCap)+": "+value(ch.New))
		} else {
			parts = append(parts, Escape(ch.Field, nameCap)+": "+value(ch.Old)+" → "+value(ch.New))
		}
		size += len(parts[len(parts)-1])
	}
	return strings.Join(parts, "<br>")
}

// value shows a field's value: text quoted, lists in brackets.
func value(v any) string {
	switch v := v.(type) {
	case nil:
		return "(none)"
	case string:
		return `"` + Escape(v, valueCap) + `"`
	case []string:
		parts := make([]string, 0, min(len(v), 10)+1)
		for i, s := range v {
			if i == 10 {
				parts = append(parts, fmt.Sprintf("… %d more", len(v)-10))
				break
			}
			parts = append(parts, `"`+Escape(s, valueCap)+`"`)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return Escape(fmt.Sprint(v), valueCap)
}

// zwsp, written as its character reference, breaks what GitHub and GitLab
// would turn into a reference: "@&#8203;someone" shows as @someone and
// pings nobody, "#&#8203;123" links no issue. Both hosts find references
// in the text after Markdown is rendered, so a backslash escape would not
// stop them; Renovate breaks them the same way (renovatebot/renovate,
// lib/util/markdown.ts, sanitizeMarkdown).
const zwsp = "&#8203;"

// sigils start a reference when a word follows: @user and #123 on both
// hosts; GitLab's !MR, &epic, ~label, %milestone and $snippet
// (docs.gitlab.com, user/markdown "GitLab-specific references").
const sigils = "@#!&~%$"

// Escape makes a value from a manifest or a server into the text of one
// table cell: one line (text.Safe shows controls, newlines and bidi
// controls as visible escapes), at most max characters, and every
// character Markdown or HTML would act on escaped: `|` cannot end the
// cell, `<` starts no tag or comment, backticks, brackets, emphasis, `~`
// and `$` (math) are literal, and no reference or mention is made.
func Escape(s string, max int) string {
	s = text.Safe(s)
	if utf8.RuneCountInString(s) > max {
		runes := []rune(s)
		s = string(runes[:max-1]) + "…"
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	prev := [2]rune{} // the two runes before, for GH-123
	for i, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '\\', '`', '*', '_', '[', ']', '|', '~', '$':
			// Backslash escapes are CommonMark's for ASCII punctuation;
			// GFM splits a row on every `|` not escaped.
			b.WriteByte('\\')
			b.WriteRune(r)
		case '-':
			// GitHub links GH-123 to issue 123.
			if unicode.ToLower(prev[0]) == 'g' && unicode.ToLower(prev[1]) == 'h' && nextIsDigit(s[i+1:]) {
				b.WriteString(zwsp)
			}
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
		if strings.ContainsRune(sigils, r) && i+1 < len(s) && !unicode.IsSpace(rune(s[i+1])) {
			b.WriteString(zwsp)
		}
		prev = [2]rune{prev[1], r}
	}
	return b.String()
}

func nextIsDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
