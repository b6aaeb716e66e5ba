package junit

import (
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orgctl/orgctl/pkg/plan"
	"github.com/orgctl/orgctl/pkg/report"
)

// The document as a JUnit reader sees it.
type suites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Suites   []suite  `xml:"testsuite"`
}

type suite struct {
	Name       string     `xml:"name,attr"`
	Tests      int        `xml:"tests,attr"`
	Failures   int        `xml:"failures,attr"`
	Errors     int        `xml:"errors,attr"`
	Skipped    int        `xml:"skipped,attr"`
	Time       string     `xml:"time,attr"`
	Properties []property `xml:"properties>property"`
	Cases      []testcase `xml:"testcase"`
}

type property struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type testcase struct {
	Classname string   `xml:"classname,attr"`
	Name      string   `xml:"name,attr"`
	Failure   *problem `xml:"failure"`
	Error     *problem `xml:"error"`
	Skipped   *problem `xml:"skipped"`
	SystemOut string   `xml:"system-out"`
}

type problem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// hostile are names a manifest or a server could hold.
var hostile = []string{
	`<script>alert(1)</script>`,
	`a & b "quoted" 'single'`,
	`]]><![CDATA[x]]>`,
	"bell\a nul\x00 esc\x1b[31m vt\v ff\f",
	"bad utf-8 \xff\xfe end",
	"lone surrogate \xed\xa0\x80 end",
	"noncharacters \uFFFE\uFFFF end",
	"tab\tnew\nline\r\nCR",
	"::error::injected",
}

func write(t *testing.T, path string, opts Options, rows []report.Row, s report.Summary) []byte {
	t.Helper()
	w, err := Create(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(s); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func parse(t *testing.T, data []byte) suites {
	t.Helper()
	var s suites
	if err := xml.Unmarshal(data, &s); err != nil {
		t.Fatalf("not XML: %v\n%s", err, data)
	}
	checkSchema(t, data)
	return s
}

func TestHostileNamesRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.xml")
	var rows []report.Row
	for i, name := range hostile {
		rows = append(rows, report.Row{Provider: "vertra", Name: name, Action: "create", Status: "failed",
			Error: "HTTP 409: " + name, ExitCode: 4, Index: i + 1, Line: 10 * (i + 1),
			Changes: []plan.Change{{Field: "description", New: name}}})
	}
	data := write(t, path, Options{Command: "apply", Manifest: "<m&>.yaml"}, rows, report.Summary{Command: "apply", ExitCode: 4})
	got := parse(t, data)
	if len(got.Suites) != 1 || len(got.Suites[0].Cases) != len(hostile) {
		t.Fatalf("parsed %+v", got)
	}
	for i, c := range got.Suites[0].Cases {
		want := Clean(hostile[i])
		if c.Name != want {
			t.Errorf("case %d: name %q, want %q", i, c.Name, want)
		}
		if c.Classname != "orgctl.apply.vertra" {
			t.Errorf("case %d: classname %q", i, c.Classname)
		}
		if c.Failure == nil {
			t.Fatalf("case %d: no failure", i)
		}
		if !strings.Contains(c.Failure.Text, want) || !strings.Contains(c.Failure.Text, "exit code 4") {
			t.Errorf("case %d: failure text %q", i, c.Failure.Text)
		}
		if where := "<m&>.yaml:" + strconv.Itoa(10*(i+1)); !strings.Contains(c.Failure.Text, where) {
			t.Errorf("case %d: failure text %q does not say %s", i, c.Failure.Text, where)
		}
		if strings.ContainsAny(c.Failure.Message, "\r\n") {
			t.Errorf("case %d: message is not one line: %q", i, c.Failure.Message)
		}
		if !strings.Contains(c.SystemOut, "description: ") {
			t.Errorf("case %d: system-out %q", i, c.SystemOut)
		}
	}
	// What XML cannot carry is gone; what it can is kept, exactly.
	cases := got.Suites[0].Cases
	if cases[3].Name != "bell nul esc[31m vt ff" {
		t.Errorf("control characters: %q", cases[3].Name)
	}
	if cases[4].Name != "bad utf-8 \uFFFD\uFFFD end" || cases[5].Name != "lone surrogate \uFFFD\uFFFD\uFFFD end" {
		t.Errorf("invalid UTF-8: %q, %q", cases[4].Name, cases[5].Name)
	}
	if cases[6].Name != "noncharacters  end" {
		t.Errorf("noncharacters: %q", cases[6].Name)
	}
	if cases[7].Name != "tab\tnew\nline\r\nCR" {
		t.Errorf("white space not kept through the attribute: %q", cases[7].Name)
	}
	if strings.Contains(string(data), "]]>") {
		t.Error(`"]]>" appears in the document`)
	}
}

func TestCounts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junit.xml")
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := func() time.Time { now = now.Add(1500 * time.Millisecond); return now }
	rows := []report.Row{
		{Provider: "qovery", Name: "acme", Action: "create", Status: "created", ID: "id-1", Index: 1, Line: 2,
			Changes: []plan.Change{{Field: "plan", New: "TEAM_2025"}, {Field: "admin_emails", New: []string{"a@b.c"}}}},
		{Provider: "qovery", Name: "globex", Action: "update", Status: "failed", Error: "HTTP 503\nretry later", ExitCode: 6, Index: 2, Line: 7},
		{Provider: "vertra", Name: "initech", Action: "update", Status: report.NotStarted, Index: 3, Line: 12},
		{Provider: "vertra", Name: "old", Action: "delete", Status: "deleted", ID: "v-9"},
		{Provider: "vertra", Name: "", Status: report.Invalid, Error: "name is required", ExitCode: 2, Index: 5, Line: 20},
	}
	data := write(t, path, Options{Command: "apply", Manifest: "tenants.yaml", Now: clock}, rows,
		report.Summary{Command: "apply", Manifest: "tenants.yaml", ExitCode: 6, Err: "2 of 4 changes failed"})
	got := parse(t, data)
	s := got.Suites[0]
	// The run's error adds no test case: the failures say it.
	if got.Tests != 5 || got.Failures != 2 || got.Errors != 0 ||
		s.Tests != 5 || s.Failures != 2 || s.Errors != 0 || s.Skipped != 1 {
		t.Errorf("counts: testsuites %d/%d/%d, testsuite %d/%d/%d/%d", got.Tests, got.Failures, got.Errors, s.Tests, s.Failures, s.Errors, s.Skipped)
	}
	if s.Time != "1.500" || s.Name != "orgctl apply tenants.yaml" {
		t.Errorf("suite name %q, time %q", s.Name, s.Time)
	}
	if s.Cases[0].Failure != nil || s.Cases[0].SystemOut != "create: created (id id-1)\ntenants.yaml:2 (entry 1)\n  plan: \"TEAM_2025\"\n  admin_emails: [\"a@b.c\"]" {
		t.Errorf("a created row: %+v", s.Cases[0])
	}
	if f := s.Cases[1].Failure; f == nil || f.Message != "HTTP 503" || f.Type != "failed" ||
		f.Text != "HTTP 503\nretry later\nexit code 6 (orgctl help exit-codes)\ntenants.yaml:7 (entry 2)" {
		t.Errorf("a failed row: %+v", f)
	}
	if s.Cases[2].Skipped == nil || s.Cases[2].Failure != nil {
		t.Errorf("a row not started: %+v", s.Cases[2])
	}
	if s.Cases[3].Name != "old" || s.Cases[3].Failure != nil || s.Cases[3].SystemOut != "delete: deleted (id v-9)" {
		t.Errorf("a delete: %+v", s.Cases[3])
	}
	if s.Cases[4].Name != "entry 5" || s.Cases[4].Failure == nil || s.Cases[4].Failure.Type != "invalid" || s.Cases[4].SystemOut != "" ||
		s.Cases[4].Failure.Text != "name is required\nexit code 2 (orgctl help exit-codes)\ntenants.yaml:20 (entry 5)" {
		t.Errorf("an invalid entry: %+v", s.Cases[4])
	}
	want := []property{{"command", "apply"}, {"manifest", "tenants.yaml"}, {"exit_code", "6"}}
	if len(s.Properties) != 3 || s.Properties[0] != want[0] || s.Properties[1] != want[1] || s.Properties[2] != want[2] {
		t.Errorf("properties %+v", s.Properties)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v", st.Mode())
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestRunError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junit.xml")
	data := write(t, path, Options{Command: "apply", Manifest: "m.yaml"}, []report.Row{
		{Provider: "qovery", Name: "acme", Action: "create", Status: report.NotStarted, Index: 1},
	}, report.Summary{Command: "apply", ExitCode: 130, Err: "interrupted: context canceled"})
	s := parse(t, data).Suites[0]
	if s.Tests != 2 || s.Errors != 1 || s.Skipped != 1 || len(s.Cases) != 2 {
		t.Fatalf("counts %+v", s)
	}
	c := s.Cases[1]
	if c.Classname != "orgctl.apply" || c.Name != "orgctl apply" || c.Error == nil ||
		c.Error.Message != "interrupted: context canceled" || c.Error.Type != "exit 130" {
		t.Errorf("the run's error: %+v", c)
	}
}

func TestStaleIsAFailure(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junit.xml")
	w, err := Create(path, Options{Command: "apply"})
	if err != nil {
		t.Fatal(err)
	}
	w.SetManifest("tenants.yaml") // apply PLAN learns it from the plan
	_ = w.Add(report.Row{Provider: "vertra", Name: "ci-a", Action: "update", Status: report.Stale,
		Error: "description changed since the plan", ExitCode: 9, Index: 1, Line: 3})
	if err := w.Close(report.Summary{Command: "apply", ExitCode: 9}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	s := parse(t, data).Suites[0]
	if f := s.Cases[0].Failure; s.Failures != 1 || f == nil || f.Type != "stale" || s.Cases[0].SystemOut != "" ||
		f.Text != "description changed since the plan\nexit code 9 (orgctl help exit-codes)\ntenants.yaml:3 (entry 1)" {
		t.Errorf("%+v", s)
	}
}

func TestStandardInput(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junit.xml")
	data := write(t, path, Options{Command: "create", Manifest: "-"}, []report.Row{
		{Provider: "vertra", Name: "a", Action: "create", Status: "failed", Error: "taken", ExitCode: 4, Index: 1, Line: 3},
	}, report.Summary{Command: "create", Manifest: "-", ExitCode: 4})
	if f := parse(t, data).Suites[0].Cases[0].Failure; f == nil || !strings.HasSuffix(f.Text, "\nstandard input:3 (entry 1)") {
		t.Errorf("%+v", f)
	}
}

func TestNotStartedCount(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junit.xml")
	data := write(t, path, Options{Command: "create", Manifest: "m.yaml"}, []report.Row{
		{Provider: "vertra", Name: "a", Action: "create", Status: "created", Index: 1},
	}, report.Summary{Command: "create", NotStarted: 41, ExitCode: 6, Err: "the daily quota is used up: 41 organizations not started"})
	s := parse(t, data).Suites[0]
	if s.Tests != 3 || s.Skipped != 1 || s.Errors != 1 || s.Cases[2].Name != "41 entries not started" || s.Cases[2].Skipped == nil || s.Cases[1].Error == nil {
		t.Errorf("%+v", s)
	}
}

func TestDiffRowsPass(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junit.xml")
	data := write(t, path, Options{Command: "diff"}, []report.Row{
		{Provider: "qovery", Name: "acme", Action: "update", ID: "q1", Index: 1,
			Changes: []plan.Change{{Field: "description", Old: "a", New: "b"}}},
		{Provider: "qovery", Name: "globex", Action: "unchanged", ID: "q2", Index: 2},
	}, report.Summary{Command: "diff", ExitCode: 8})
	s := parse(t, data).Suites[0]
	if s.Tests != 2 || s.Failures != 0 || s.Errors != 0 || s.Skipped != 0 {
		t.Errorf("a plan's counts: %+v", s)
	}
	if s.Cases[0].SystemOut != "update (id q1)\nmanifest (entry 1)\n  description: \"a\" → \"b\"" {
		t.Errorf("system-out %q", s.Cases[0].SystemOut)
	}
}

func TestRedacts(t *testing.T) {
	const token = "qov_secret&token<1>"
	path := filepath.Join(t.TempDir(), "junit.xml")
	redact := func(s string) string { return strings.ReplaceAll(s, token, "***") }
	data := write(t, path, Options{Command: "create", Redact: redact}, []report.Row{
		{Provider: "qovery", Name: token, Status: "failed", Error: "401 for " + token, Index: 1},
	}, report.Summary{Command: "create", Err: "the token " + token + " was refused", ExitCode: 3})
	for _, spelling := range []string{token, "qov_secret&amp;token&lt;1&gt;", "qov_secret"} {
		if strings.Contains(string(data), spelling) {
			t.Errorf("the token is in the report as %q:\n%s", spelling, data)
		}
	}
}

func TestTargetUntouchedUntilClose(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "junit.xml")
	if err := os.WriteFile(path, []byte("previous"), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := Create(path, Options{Command: "apply"})
	if err != nil {
		t.Fatal(err)
	}
	_ = w.Add(report.Row{Provider: "vertra", Name: "acme", Status: "created"})
	if data, _ := os.ReadFile(path); string(data) != "previous" {
		t.Errorf("the target changed before Close: %q", data)
	}
	if err := w.Close(report.Summary{}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(report.Summary{}); err == nil {
		t.Error("a second Close succeeded")
	}
	if err := w.Add(report.Row{}); err == nil {
		t.Error("Add after Close succeeded")
	}
}

func TestCreateFails(t *testing.T) {
	dir := t.TempDir()
	if _, err := Create(filepath.Join(dir, "missing", "junit.xml"), Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing directory: %v", err)
	}
	if _, err := Create(dir, Options{}); err == nil {
		t.Error("a directory as the target was accepted")
	}
}

// TestStreams writes 100,000 rows (20,000 under -race) and checks that the
// heap does not grow with them: the test cases are on disk, not in memory.
func TestStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000 rows")
	}
	path := filepath.Join(t.TempDir(), "junit.xml")
	w, err := Create(path, Options{Command: "apply", Manifest: "big.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	n := 100_000
	if raceEnabled {
		n = 20_000 // the race detector is ~10x slower; the heap must stay flat all the same
	}
	for i := range n {
		r := report.Row{Provider: "vertra", Name: "tenant-" + strings.Repeat("x", 40) + strconv.Itoa(i), Action: "create", Status: "created", Index: i + 1, Line: i + 2,
			Changes: []plan.Change{{Field: "description", New: strings.Repeat("d", 100)}}}
		if err := w.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	if grew := int64(heap()) - int64(before); grew > 4<<20 {
		t.Errorf("the heap grew by %d bytes over %d rows", grew, n)
	}
	if err := w.Close(report.Summary{Command: "apply"}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got suites
	if err := xml.NewDecoder(f).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.Tests != n || len(got.Suites[0].Cases) != n {
		t.Errorf("tests %d, cases %d", got.Tests, len(got.Suites[0].Cases))
	}
}

// checkSchema checks the document against the rules of Jenkins
// xunit-plugin's junit-10.xsd (see the package comment): which element may
// hold which, the required attributes, no undeclared attribute, and time
// in its SUREFIRE_TIME form. encoding/xml has already checked that it is
// well-formed.
func checkSchema(t *testing.T, data []byte) {
	t.Helper()
	type rule struct {
		children           []string
		required, optional []string
	}
	rules := map[string]rule{
		"testsuites": {children: []string{"testsuite"}, optional: []string{"name", "time", "tests", "failures", "errors"}},
		"testsuite": {children: []string{"testsuite", "properties", "testcase", "system-out", "system-err"},
			required: []string{"name", "tests", "failures", "errors"},
			optional: []string{"group", "time", "skipped", "timestamp", "hostname", "id", "package", "file", "log", "url"}},
		"properties": {children: []string{"property"}},
		"property":   {required: []string{"name", "value"}},
		"testcase": {children: []string{"skipped", "error", "failure", "system-out", "system-err"},
			required: []string{"name"}, optional: []string{"time", "classname", "group"}},
		"failure":    {optional: []string{"type", "message"}},
		"error":      {optional: []string{"type", "message"}},
		"skipped":    {optional: []string{"type", "message"}},
		"system-out": {},
		"system-err": {},
	}
	surefireTime := regexp.MustCompile(`^((([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?)$`)
	d := xml.NewDecoder(strings.NewReader(string(data)))
	var stack []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("schema check: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			name := tok.Name.Local
			r, known := rules[name]
			switch {
			case !known:
				t.Errorf("element <%s> is not in the schema", name)
			case len(stack) == 0 && name != "testsuites":
				t.Errorf("root <%s>, want <testsuites>", name)
			case len(stack) > 0 && !slices.Contains(rules[stack[len(stack)-1]].children, name):
				t.Errorf("<%s> inside <%s>", name, stack[len(stack)-1])
			}
			seen := map[string]bool{}
			for _, a := range tok.Attr {
				seen[a.Name.Local] = true
				if !slices.Contains(r.required, a.Name.Local) && !slices.Contains(r.optional, a.Name.Local) {
					t.Errorf("<%s %s=...>: attribute not in the schema", name, a.Name.Local)
				}
				if a.Name.Local == "time" && !surefireTime.MatchString(a.Value) {
					t.Errorf("<%s time=%q>: not a SUREFIRE_TIME", name, a.Value)
				}
			}
			for _, a := range r.required {
				if !seen[a] {
					t.Errorf("<%s> without its required %s", name, a)
				}
			}
			stack = append(stack, name)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 && len(rules[stack[len(stack)-1]].children) > 0 && strings.TrimSpace(string(tok)) != "" {
				t.Errorf("text inside <%s>, which holds only elements", stack[len(stack)-1])
			}
		}
	}
}
