package report

import (
	"bytes"
	"fmt"
	"html"
	"math/rand/v2"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/orgctl/orgctl/pkg/plan"
	"github.com/orgctl/orgctl/pkg/text"
)

// table is a GFM table read back from a document: its header cells and
// rows of cells, split the way GFM splits them (on every `|` not escaped
// by a backslash).
type table struct {
	header []string
	rows   [][]string
}

// tables reads every table of doc: a header row, a delimiter row, then
// rows until a line that does not start with `|`.
func tables(t *testing.T, doc string) []table {
	t.Helper()
	lines := strings.Split(doc, "\n")
	var out []table
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "|") {
			continue
		}
		if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "| ---") && !strings.HasPrefix(lines[i+1], "| --:") {
			t.Fatalf("line %d starts a table with no delimiter row: %q", i+1, lines[i])
		}
		tb := table{header: cells(lines[i])}
		if n := len(cells(lines[i+1])); n != len(tb.header) {
			t.Fatalf("delimiter row has %d cells, header %d", n, len(tb.header))
		}
		i += 2
		for ; i < len(lines) && strings.HasPrefix(lines[i], "|"); i++ {
			tb.rows = append(tb.rows, cells(lines[i]))
		}
		out = append(out, tb)
	}
	return out
}

// cells splits a table row as GFM does.
func cells(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(line, "|")
	if strings.HasSuffix(line, "|") && !strings.HasSuffix(line, `\|`) {
		line = line[:len(line)-1]
	}
	var out []string
	var cur strings.Builder
	for i := 0; i < len(line); i++ {
		switch {
		case line[i] == '\\' && i+1 < len(line):
			cur.WriteByte(line[i])
			cur.WriteByte(line[i+1])
			i++
		case line[i] == '|':
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(line[i])
		}
	}
	return append(out, strings.TrimSpace(cur.String()))
}

// shown is the text a renderer shows for a cell: backslash escapes and
// character references undone.
func shown(cell string) string {
	var b strings.Builder
	for i := 0; i < len(cell); i++ {
		if cell[i] == '\\' && i+1 < len(cell) && strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", cell[i+1]) >= 0 {
			i++
		}
		b.WriteByte(cell[i])
	}
	return html.UnescapeString(b.String())
}

// GitHub's and GitLab's references, as their filters find them in the
// rendered text: a mention, an issue, a GitLab merge request, GH-123.
var references = regexp.MustCompile(`(?i)(^|[^\w])(@[a-z0-9]|#[0-9]|![0-9]|&[0-9]|gh-[0-9])`)

var hostile = []string{
	"a|b|c",
	"tick`code`tick",
	"<script>alert(1)</script>",
	"<!-- hide the rest",
	"@someone please look",
	"fixes #123 and GH-7 and !42",
	"two\nlines\r\nthree",
	"bidi \u202eevil\u202c and \u2066iso\u2069",
	"[link](https://evil.example) ![img](https://evil.example/x.png)",
	"**bold** _em_ ~~strike~~ $x^2$",
	`back\slash \| already escaped`,
	"&lt;entity&gt; &#124;",
	strings.Repeat("long", 2000),
}

func hostileRows() []Row {
	var rows []Row
	for i, v := range hostile {
		rows = append(rows,
			Row{Provider: "vertra", Name: v, ID: v, Action: "update", Status: Planned, Line: i + 1,
				Changes: []plan.Change{{Field: "description", Old: v, New: v + "!"}, {Field: "tags", Old: []string{v}, New: []string{"x", v}}}},
			Row{Provider: "vertra", Name: v, Action: "create", Status: "failed", Error: v, ExitCode: 6, Line: i + 1},
			Row{Provider: "vertra", Name: v, ID: v, Action: "unchanged", Status: Unchanged, Line: i + 1},
		)
	}
	return rows
}

// TestHostileValuesStayInTheirCells: whatever a value holds, every row of
// every table has its header's number of cells, no row is lost, no HTML
// but ours gets through, and nothing a value holds makes a reference.
func TestHostileValuesStayInTheirCells(t *testing.T) {
	for _, command := range []string{"diff", "apply", "create"} {
		t.Run(command, func(t *testing.T) {
			var buf bytes.Buffer
			w := NewMarkdown(&buf, MarkdownOptions{Command: command})
			for _, r := range hostileRows() {
				if err := w.Add(r); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(Summary{Command: command, Manifest: "<b>@x</b>.yaml", ExitCode: 6, Err: "boom | @team #1"}); err != nil {
				t.Fatal(err)
			}
			doc := buf.String()
			tbs := tables(t, doc)
			if len(tbs) != 3 {
				t.Fatalf("%d tables, want 3 (failed, changes, unchanged):\n%s", len(tbs), doc)
			}
			for _, tb := range tbs {
				if len(tb.rows) != len(hostile) {
					t.Errorf("table %v has %d rows, want %d", tb.header, len(tb.rows), len(hostile))
				}
				for i, row := range tb.rows {
					if len(row) != len(tb.header) {
						t.Errorf("table %v row %d has %d cells: %q", tb.header, i, len(row), row)
					}
				}
			}
			checkInert(t, doc)
		})
	}
}

// checkInert fails on anything in doc a value could have slipped in.
func checkInert(t *testing.T, doc string) {
	t.Helper()
	ours := strings.NewReplacer("<br>", "", "<details>", "", "</details>", "", "<summary>", "", "</summary>", "")
	if rest := ours.Replace(doc); strings.Contains(rest, "<") {
		i := strings.Index(rest, "<")
		t.Errorf("raw < in the document: %q", rest[max(0, i-40):min(len(rest), i+40)])
	}
	for _, bad := range []string{"\u202e", "\u202c", "\u2066", "\u2069", "\r"} {
		if strings.Contains(doc, bad) {
			t.Errorf("the document holds %q", bad)
		}
	}
	for _, line := range strings.Split(doc, "\n") {
		if m := references.FindString(shown(line)); m != "" {
			t.Errorf("a reference %q is made by line %q", m, line)
		}
		if strings.Count(line, "`")-strings.Count(line, "\\`") > 0 {
			t.Errorf("an unescaped backtick in %q", line)
		}
	}
}

// TestEscapeShowsTheValue: an escaped value reads as the value (made safe
// for a terminal: one line, controls visible), nothing more, and is
// capped.
func TestEscapeShowsTheValue(t *testing.T) {
	zwsp := strings.NewReplacer("\u200b", "")
	for _, v := range hostile {
		got := Escape(v, 100)
		want := text.Safe(v)
		if n := utf8.RuneCountInString(want); n > 100 {
			want = string([]rune(want)[:99]) + "…"
		}
		if s := zwsp.Replace(shown(got)); s != want {
			t.Errorf("Escape(%q) shows %q, want %q", v, s, want)
		}
	}
	if got := Escape("@someone", 10); got != "@&#8203;someone" {
		t.Errorf("a mention is %q, want @&#8203;someone (GitHub does not link it)", got)
	}
	if got := Escape("50% off & more", 20); got != "50% off &amp; more" {
		t.Errorf("a sigil before a space is left alone: %q", got)
	}
}

// TestGoldenDocument pins the layout: heading, failures, changes,
// unchanged folded, exit code.
func TestGoldenDocument(t *testing.T) {
	var buf bytes.Buffer
	w := NewMarkdown(&buf, MarkdownOptions{Command: "apply", ExitMeaning: func(c int) string { return fmt.Sprintf("meaning of %d", c) }})
	rows := []Row{
		{Provider: "qovery", Name: "acme", ID: "q-1", Action: "create", Status: "created", Line: 2, Changes: []plan.Change{{Field: "name", New: "acme"}}},
		{Provider: "vertra", Name: "globex", ID: "v-1", Action: "update", Status: "failed", Line: 5, Error: "HTTP 500", ExitCode: 6,
			Changes: []plan.Change{{Field: "description", Old: "old", New: "new"}}},
		{Provider: "vertra", Name: "ci-old", ID: "v-2", Action: "delete", Status: NotStarted},
		{Provider: "vertra", Name: "steady", ID: "v-3", Action: "unchanged", Status: Unchanged, Line: 8},
	}
	for _, r := range rows {
		_ = w.Add(r)
	}
	_ = w.Close(Summary{Command: "apply", Manifest: "tenants.yaml", ExitCode: 6, Err: "1 of 3 changes failed"})
	want := "### orgctl apply: 1 created, 1 failed, 1 not started, 1 unchanged\n\n" +
		"File: tenants.yaml\n\n" +
		"#### Problems (1)\n\n" +
		"| Provider | Name | Action | Result | Line | Exit code | Error |\n| --- | --- | --- | --- | --: | --: | --- |\n" +
		"| vertra | globex | update | failed | 5 | 6 | HTTP 500 |\n\n" +
		"#### Changes (2)\n\n" +
		"| Provider | Name | Action | Result | ID | Line | Changes |\n| --- | --- | --- | --- | --- | --: | --- |\n" +
		"| qovery | acme | create | created | q-1 | 2 | name: \"acme\" |\n" +
		"| vertra | ci-old | delete | not started | v-2 |  |  |\n\n" +
		"<details><summary>1 unchanged</summary>\n\n" +
		"| Provider | Name | ID | Line |\n| --- | --- | --- | --: |\n" +
		"| vertra | steady | v-3 | 8 |\n\n" +
		"</details>\n\n" +
		"**Error:** 1 of 3 changes failed\n\n" +
		"**Exit code 6**: meaning of 6\n"
	if got := buf.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestFiftyThousandRowsStayUnderTheLimit: the unchanged rows are cut
// first, then the changes; failures stay; the document says how many rows
// were left out.
func TestFiftyThousandRowsStayUnderTheLimit(t *testing.T) {
	cases := []struct {
		name                       string
		failed, changed, unchanged int
	}{
		{"mostly unchanged", 10, 200, 49790},
		{"all changes", 5, 49995, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := NewMarkdown(&buf, MarkdownOptions{Command: "diff"})
			// Shuffled, as a run's results come.
			total := c.failed + c.changed + c.unchanged
			kinds := make([]int, total) // 0 unchanged, 1 changed, 2 failed
			for i := range c.failed + c.changed {
				kinds[i] = 1
				if i < c.failed {
					kinds[i] = 2
				}
			}
			rand.New(rand.NewPCG(1, 2)).Shuffle(total, func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
			for i, kind := range kinds {
				name := fmt.Sprintf("tenant-%05d-with-a-longish-name", i)
				r := Row{Provider: "vertra", Name: name, ID: "org_" + name, Line: i + 2}
				switch kind {
				case 2:
					r.Action, r.Status, r.Error, r.ExitCode = "create", Invalid, "description is longer than 200 characters", 2
				case 1:
					r.Action, r.Status = "update", Planned
					r.Changes = []plan.Change{{Field: "description", Old: "old", New: "new"}}
				default:
					r.Action, r.Status = "unchanged", Planned
				}
				_ = w.Add(r)
			}
			_ = w.Close(Summary{Command: "diff", ExitCode: 8})
			doc := buf.String()
			if len(doc) >= CommentLimit {
				t.Fatalf("the document is %d bytes, not under %d", len(doc), CommentLimit)
			}
			tbs := tables(t, doc)
			shownRows := 0
			for _, tb := range tbs {
				shownRows += len(tb.rows)
			}
			left := regexp.MustCompile(`\*\*(\d+) rows left out\*\*`).FindStringSubmatch(doc)
			if left == nil {
				t.Fatalf("the document does not say how many rows were left out:\n%s", doc[:500])
			}
			var n int
			fmt.Sscan(left[1], &n)
			if total := c.failed + c.changed + c.unchanged; shownRows+n != total {
				t.Errorf("%d rows shown + %d left out != %d", shownRows, n, total)
			}
			if !strings.Contains(doc, "#### Problems (") || len(tbs[0].rows) != c.failed {
				t.Errorf("failures were cut: %d of %d shown", len(tbs[0].rows), c.failed)
			}
			if c.unchanged > 0 && len(tbs[1].rows) != c.changed {
				t.Errorf("changes were cut (%d of %d) while unchanged rows could go", len(tbs[1].rows), c.changed)
			}
		})
	}
}

// TestMemoryIsBoundedForHundredThousandRows: rows past the limit are
// counted, not kept.
func TestMemoryIsBoundedForHundredThousandRows(t *testing.T) {
	w := NewMarkdown(&bytes.Buffer{}, MarkdownOptions{Command: "apply"})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range 100_000 {
		name := fmt.Sprintf("tenant-%06d-%s", i, strings.Repeat("x", 60))
		_ = w.Add(Row{Provider: "qovery", Name: name, Action: "update", Status: "updated", ID: name,
			Changes: []plan.Change{{Field: "description", Old: name, New: name}}})
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	kept := 0
	for _, s := range w.secs {
		for _, l := range s.lines {
			kept += len(l)
		}
	}
	if kept > w.budget || w.used != kept {
		t.Errorf("kept %d bytes of rows (used %d), budget %d", kept, w.used, w.budget)
	}
	// 100,000 rendered rows are over 30 MB; what is kept is under 64 KiB.
	if grown := int64(after.HeapAlloc) - int64(before.HeapAlloc); grown > 4<<20 {
		t.Errorf("the heap grew by %d bytes over 100,000 rows", grown)
	}
	if w.secs[secChanges].total != 100_000 {
		t.Errorf("counted %d rows", w.secs[secChanges].total)
	}
}

// TestLongChangesAreCounted: a row's changes stop at changesCap and say
// how many fields are left, so one row cannot crowd out the others.
func TestLongChangesAreCounted(t *testing.T) {
	long := make([]string, 10)
	for i := range long {
		long[i] = strings.Repeat("t", 100)
	}
	var chs []plan.Change
	for _, f := range []string{"tags", "admin_emails", "description", "plan", "website_url", "repository", "logo_url", "icon_url"} {
		chs = append(chs, plan.Change{Field: f, Old: long, New: long})
	}
	cell := changes(Row{Action: "update", Changes: chs})
	if !strings.HasSuffix(cell, "more fields") || len(cell) > changesCap+5000 {
		t.Errorf("%d bytes, ending %q", len(cell), cell[max(0, len(cell)-40):])
	}
}
