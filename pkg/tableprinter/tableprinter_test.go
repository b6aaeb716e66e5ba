package tableprinter

import (
	"bytes"
	"strings"
	"testing"

	"github.com/rivo/uniseg"
)

func bold(s string) string { return "\x1b[1m" + s + "\x1b[22m" }

func TestWideCharactersAndBoldHeadersLineUp(t *testing.T) {
	var buf bytes.Buffer
	tb := New(&buf, Options{Header: bold})
	tb.AddHeader("ID", "NAME", "PROVIDER")
	tb.AddRow("1", "日本語", "vertra")
	tb.AddRow("2", "🚀 rocket", "vertra")
	tb.AddRow("3", "acme", "qovery")
	if err := tb.Render(); err != nil {
		t.Fatal(err)
	}
	want := "\x1b[1mID\x1b[22m  \x1b[1mNAME\x1b[22m       \x1b[1mPROVIDER\x1b[22m\n" +
		"1   日本語     vertra\n" +
		"2   🚀 rocket  vertra\n" +
		"3   acme       qovery\n"
	if buf.String() != want {
		t.Errorf("table =\n%q\nwant\n%q", buf.String(), want)
	}
}

func TestPipedTablesAreNeverShortened(t *testing.T) {
	var buf bytes.Buffer
	tb := New(&buf, Options{})
	tb.AddHeader("NAME", "DESCRIPTION")
	long := strings.Repeat("x", 300)
	tb.AddRow("acme", long)
	tb.Render()
	if !strings.Contains(buf.String(), long+"\n") {
		t.Errorf("a piped cell was shortened: %q", buf.String())
	}
}

func TestFitsTheTerminalNameLast(t *testing.T) {
	var buf bytes.Buffer
	tb := New(&buf, Options{Width: 40})
	tb.AddHeader("ID", "NAME", "PLAN", "CREATED")
	tb.ShrinkLast(1)
	tb.AddRow("3c90c3cc-0d44-4b50-8888-8dd25736052a", "acme-production", "TEAM_2025", "2023-11-07T05:31:56Z")
	tb.Render()
	for _, line := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
		if w := Width(line); w > 40 {
			t.Errorf("line is %d columns wide on a 40-column terminal: %q", w, line)
		}
	}
	if !strings.Contains(buf.String(), "acme-production") {
		t.Errorf("the name lost characters before the other columns were at their narrowest:\n%s", buf.String())
	}
	// The widest columns give first, ID then CREATED, levelled down.
	want := "ID       NAME             PLAN    CREAT…\n3c90c3…  acme-production  TEAM_…  2023-…\n"
	if buf.String() != want {
		t.Errorf("table =\n%q\nwant\n%q", buf.String(), want)
	}
}

func TestNoHeaders(t *testing.T) {
	var buf bytes.Buffer
	tb := New(&buf, Options{NoHeaders: true})
	tb.AddHeader("A-LONG-HEADER", "B")
	tb.AddRow("x", "y")
	tb.Render()
	if buf.String() != "x  y\n" {
		t.Errorf("got %q", buf.String())
	}
}

func TestStreamUsesReservedWidths(t *testing.T) {
	var buf bytes.Buffer
	tb := New(&buf, Options{Width: 40})
	tb.AddHeader("INDEX", "NAME", "PROVIDER", "STATUS", "ID / ERROR")
	tb.ShrinkLast(1)
	tb.Reserve("10", "日本語の名前", "vertra", "created")
	tb.Stream(Cell{Text: "1"}, Cell{Text: "日本語の名前"}, Cell{Text: "vertra"}, Cell{Text: "failed", Style: bold}, Cell{Text: "a long error message"})
	tb.Stream(Cell{Text: "10"}, Cell{Text: "b"}, Cell{Text: "qovery"}, Cell{Text: "created"}, Cell{Text: "id"})
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("want a header and two rows:\n%s", buf.String())
	}
	for _, l := range lines {
		plain := strings.NewReplacer("\x1b[1m", "", "\x1b[22m", "").Replace(l)
		if Width(plain) > 40 {
			t.Errorf("%d columns: %q", Width(plain), plain)
		}
	}
	want := "INDEX  NAME          PROV…  STAT…  ID /…\n" +
		"1      日本語の名前  vert…  \x1b[1mfail…\x1b[22m  a lo…\n" +
		"10     b             qove…  crea…  id\n"
	if buf.String() != want {
		t.Errorf("stream =\n%q\nwant\n%q", buf.String(), want)
	}
}

func TestTruncate(t *testing.T) {
	for _, tt := range []struct {
		in    string
		width int
		want  string
	}{
		{"acme", 4, "acme"},
		{"acme", 3, "ac…"},
		{"日本語", 5, "日本…"},
		{"日本語", 4, "日…"},
		{"👩‍👩‍👧 family", 3, "👩‍👩‍👧…"},
		{"abc", 0, ""},
	} {
		if got := Truncate(tt.in, tt.width); got != tt.want || Width(got) > tt.width {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
		}
	}
}

func TestCellsCannotDriveTheTerminal(t *testing.T) {
	var buf bytes.Buffer
	tb := New(&buf, Options{})
	tb.AddRow("evil\x1b[2Jname", "two\nlines")
	tb.Render()
	if strings.ContainsAny(buf.String(), "\x1b") || strings.Count(buf.String(), "\n") != 1 {
		t.Errorf("a control character reached the terminal: %q", buf.String())
	}
}

// FuzzTable checks, for any cell text and terminal width, that a fitted
// row never spans more columns than the terminal unless every column is at
// its narrowest, that a shortened cell is a prefix of the cell and the
// ellipsis, and that nothing reaches the terminal unescaped.
func FuzzTable(f *testing.F) {
	f.Add("acme", "日本語の名前", "🚀 launch", 40)
	f.Add("\x1b[2J", "a\u202eb", "\xff", 12)
	f.Fuzz(func(t *testing.T, a, b, c string, width int) {
		if width < 0 {
			width = -width
		}
		width = width%200 + 1 // 0 would be a pipe
		var buf bytes.Buffer
		tb := New(&buf, Options{Width: width})
		tb.AddHeader("A", "B", "C")
		tb.ShrinkLast(1)
		tb.AddRow(a, b, c)
		tb.Render()
		if strings.ContainsAny(buf.String(), "\x1b\r\u202e") {
			t.Fatalf("unescaped control: %q", buf.String())
		}
		narrowest := 3*minWidth + 2*len(gap)
		for _, line := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
			if w := Width(line); w > max(width, narrowest) {
				t.Fatalf("%d columns on a %d-column terminal: %q", w, width, line)
			}
		}
		for _, s := range []string{a, b, c} {
			clean := Clean(s)
			got := Truncate(clean, width)
			if Width(got) > width || !strings.HasPrefix(clean, strings.TrimSuffix(got, ellipsis)) {
				t.Fatalf("Truncate(%q, %d) = %q", clean, width, got)
			}
		}
	})
}

// Width's ASCII shortcut agrees with uniseg on every ASCII byte, alone and
// between letters, and leaves everything else to it.
func TestWidthShortcutAgrees(t *testing.T) {
	for b := 0; b < 0x80; b++ {
		for _, s := range []string{string(rune(b)), "a" + string(rune(b)) + "b", "acme-" + string(rune(b))} {
			if got, want := Width(s), uniseg.StringWidth(s); got != want {
				t.Errorf("Width(%q) = %d, uniseg says %d", s, got, want)
			}
		}
	}
	for _, s := range []string{"日本", "acme-😀", "e\u0301", "\u200b"} {
		if got, want := Width(s), uniseg.StringWidth(s); got != want {
			t.Errorf("Width(%q) = %d, uniseg says %d", s, got, want)
		}
	}
}
