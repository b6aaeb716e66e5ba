package ghactions

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/report"
	"github.com/orgctl/orgctl/pkg/text"
)

// command is a workflow command as the runner reads it.
type command struct {
	name  string
	props map[string]string
	data  string
}

// runnerLines splits output into lines as the runner's StreamReader.ReadLine
// does: at CR, LF or CR LF.
func runnerLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// registered are the runner's commands (ActionCommandManager's extensions
// and stop-commands).
var registered = map[string]bool{"error": true, "warning": true, "notice": true, "debug": true, "add-mask": true,
	"stop-commands": true, "group": true, "endgroup": true, "echo": true, "set-output": true, "save-state": true,
	"add-matcher": true, "remove-matcher": true, "set-env": true, "add-path": true}

// parseV2 is ActionCommand.TryParseV2 (actions/runner 258d6c857db3):
// after leading white space, "::name props::data", with the properties
// split at "," and "=" and unescaped, and the data unescaped.
func parseV2(line string) (command, bool) {
	line = strings.TrimLeft(line, " \t")
	if !strings.HasPrefix(line, "::") {
		return command{}, false
	}
	end := strings.Index(line[2:], "::")
	if end < 0 {
		return command{}, false
	}
	info := line[2 : 2+end]
	name, props, _ := strings.Cut(info, " ")
	if !registered[name] {
		return command{}, false
	}
	c := command{name: name, props: map[string]string{}}
	for _, p := range strings.Split(strings.TrimSpace(props), ",") {
		if k, v, ok := strings.Cut(p, "="); ok && k != "" && v != "" {
			c.props[k] = unescape(v, true)
		}
	}
	c.data = unescape(line[2+end+2:], false)
	return c, true
}

// unescape replaces as the runner does, in its order, "%25" last.
func unescape(s string, property bool) string {
	pairs := []string{"%0D", "\r", "%0A", "\n"}
	if property {
		pairs = append(pairs, "%3A", ":", "%2C", ",")
	}
	for i := 0; i < len(pairs); i += 2 {
		s = strings.ReplaceAll(s, pairs[i], pairs[i+1])
	}
	return strings.ReplaceAll(s, "%25", "%")
}

// injections try to start workflow commands of their own.
var injections = []string{
	"::add-mask::hunter2",
	"x\n::add-mask::hunter2",
	"x\r::stop-commands::tok",
	"x\r\n::set-output name=a::b",
	"  ::error::fake",
	"%0A::add-mask::literal percent escape",
	"a,b:c=d%2C%3A%25 ::warning:: title",
	"##[add-mask]legacy syntax, found anywhere in a line that is not a :: command",
	"line\u2028sep\u0085nel\u202eevil",
}

func TestAnnotationRoundTrip(t *testing.T) {
	for _, v := range injections {
		a := Annotation{Level: Error, File: "dir/" + v + ".yaml", Line: 7, Title: v, Message: "bad " + v}
		line := a.String()
		if lines := runnerLines(line); len(lines) != 1 {
			t.Errorf("%q makes %d lines: %q", v, len(lines), lines)
			continue
		}
		c, ok := parseV2(line)
		if !ok || c.name != "error" {
			t.Fatalf("%q: not our error command: %q", v, line)
		}
		if c.props["file"] != a.File || c.props["line"] != "7" || c.props["title"] != text.Safe(v) {
			t.Errorf("%q: properties come back as %q", v, c.props)
		}
		if want := safeLines("bad " + v); c.data != want {
			t.Errorf("%q: data comes back as %q, want %q", v, c.data, want)
		}
		if len(c.props) != 3 {
			t.Errorf("%q: a value added properties: %q", v, c.props)
		}
	}
}

func TestEscapeAsToolkit(t *testing.T) {
	// The toolkit's escapeData and escapeProperty, applied in its order.
	data := func(s string) string {
		return strings.NewReplacer("\r", "%0D", "\n", "%0A").Replace(strings.ReplaceAll(s, "%", "%25"))
	}
	prop := func(s string) string {
		return strings.NewReplacer(":", "%3A", ",", "%2C").Replace(data(s))
	}
	for _, s := range append(injections, "%", "%%0A", "100%", "a:b,c", "\r\n\n") {
		if got := EscapeData(s); got != data(s) {
			t.Errorf("EscapeData(%q) = %q, want %q", s, got, data(s))
		}
		if got := EscapeProperty(s); got != prop(s) {
			t.Errorf("EscapeProperty(%q) = %q, want %q", s, got, prop(s))
		}
		if strings.ContainsAny(EscapeData(s), "\r\n") || strings.ContainsAny(EscapeProperty(s), "\r\n:,") {
			t.Errorf("%q: escaped form still has a separator", s)
		}
	}
}

func TestWriter(t *testing.T) {
	var out bytes.Buffer
	w := New(&out, Options{Command: "apply", Manifest: "tenants.yaml",
		Redact: func(s string) string { return strings.ReplaceAll(s, "tok:en,1%", "***") }})
	rows := []report.Row{
		{Provider: "qovery", Name: "acme", Action: "create", Status: "created", Index: 1, Line: 2},
		{Provider: "qovery", Name: "bad\n::add-mask::x", Action: "update", Status: "failed", Error: "HTTP 403 for tok:en,1%\n::stop-commands::t", ExitCode: 3, Index: 2, Line: 9},
		{Provider: "vertra", Status: report.Invalid, Error: "name is required", Index: 3, Line: 14},
		{Provider: "vertra", Name: "ci-a", Action: "update", Status: report.Stale, Error: "description changed since the plan", ExitCode: 9, Index: 6, Line: 30},
		{Provider: "vertra", Name: "maybe", Action: "create", Status: "failed", Ambiguous: true, Error: "timeout: it may exist", Index: 4, Line: 20},
		{Provider: "vertra", Name: "gone", Action: "delete", Status: "failed", Error: "HTTP 500"}, // no entry: no file
	}
	for _, r := range rows {
		if err := w.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(report.Summary{Command: "apply", ExitCode: 3, Err: "3 of 5 changes failed"}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "tok") {
		t.Errorf("the token is in the output:\n%s", out.String())
	}
	var got []string
	for _, line := range runnerLines(out.String()) {
		c, ok := parseV2(line)
		if !ok {
			t.Errorf("a line that is not a command: %q", line)
			continue
		}
		got = append(got, fmt.Sprintf("%s file=%s line=%s title=%s: %s", c.name, c.props["file"], c.props["line"], c.props["title"], c.data))
	}
	want := []string{
		`error file=tenants.yaml line=9 title=orgctl apply: bad\n::add-mask::x on qovery: update failed: HTTP 403 for ***` + "\n::stop-commands::t",
		`error file=tenants.yaml line=14 title=orgctl apply: invalid manifest entry 3: name is required`,
		`error file=tenants.yaml line=30 title=orgctl apply: ci-a on vertra: update stale: description changed since the plan`,
		`warning file=tenants.yaml line=20 title=orgctl apply: maybe on vertra: outcome unknown: timeout: it may exist`,
		`error file= line= title=orgctl apply: gone on vertra: delete failed: HTTP 500`,
		// and not the run's error, "3 of 5 changes failed": the rows said it
	}
	if strings.Join(got, "\n|\n") != strings.Join(want, "\n|\n") {
		t.Errorf("annotations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestStandardInputHasNoFile(t *testing.T) {
	var out bytes.Buffer
	w := New(&out, Options{Command: "create", Manifest: "-"})
	_ = w.Add(report.Row{Provider: "vertra", Name: "a", Status: "failed", Error: "e", Index: 1, Line: 3})
	if got := out.String(); got != "::error title=orgctl create%3A a on vertra%3A failed::e\n" {
		t.Errorf("got %q", got)
	}
}

func TestCapped(t *testing.T) {
	var out bytes.Buffer
	w := New(&out, Options{Command: "create", Manifest: "m.yaml"})
	for i := range 25 {
		_ = w.Add(report.Row{Provider: "vertra", Name: fmt.Sprint("n", i), Action: "create", Status: "failed", Error: "e", Index: i + 1, Line: i + 1})
	}
	_ = w.Close(report.Summary{})
	lines := runnerLines(out.String())
	if len(lines) != MaxPerLevel+1 || !strings.HasPrefix(lines[MaxPerLevel], "orgctl: 15 more errors not annotated") {
		t.Errorf("%d lines, last %q", len(lines), lines[len(lines)-1])
	}
}

func TestRunError(t *testing.T) {
	var out bytes.Buffer
	w := New(&out, Options{Command: "diff", Manifest: "m.yaml"})
	_ = w.Add(report.Row{Provider: "vertra", Name: "a", Action: "create", Index: 1, Line: 2})
	_ = w.Close(report.Summary{Command: "diff", ExitCode: 3, Err: "listing the organizations on VertraCloud: HTTP 401\n::add-mask::x"})
	want := "::error title=orgctl diff failed (exit 3)::listing the organizations on VertraCloud: HTTP 401%0A::add-mask::x\n"
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}
