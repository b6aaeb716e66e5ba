package apply_test

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/sandbox"
	"github.com/orgctl/orgctl/pkg/text"
)

// workflowCommand is a line as GitHub's runner reads it
// (ActionCommand.TryParseV2, actions/runner 258d6c857db3): after leading
// white space, "::name properties::data"; ok is false for any other line.
func workflowCommand(line string) (name string, props map[string]string, data string, ok bool) {
	line = strings.TrimLeft(line, " \t")
	if !strings.HasPrefix(line, "::") {
		return "", nil, "", false
	}
	end := strings.Index(line[2:], "::")
	if end < 0 {
		return "", nil, "", false
	}
	info, rest := line[2:2+end], line[2+end+2:]
	name, list, _ := strings.Cut(info, " ")
	unescape := func(s string, property bool) string {
		pairs := []string{"%0D", "\r", "%0A", "\n"}
		if property {
			pairs = append(pairs, "%3A", ":", "%2C", ",")
		}
		for i := 0; i < len(pairs); i += 2 {
			s = strings.ReplaceAll(s, pairs[i], pairs[i+1])
		}
		return strings.ReplaceAll(s, "%25", "%")
	}
	props = map[string]string{}
	for _, p := range strings.Split(list, ",") {
		if k, v, found := strings.Cut(p, "="); found {
			props[k] = unescape(v, true)
		}
	}
	return name, props, unescape(rest, false), true
}

// lines splits output as the runner does: at CR, LF or CR LF.
func lines(s string) []string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// hostileName is a valid organization name that tries to start workflow
// commands and to add properties of its own.
const hostileName = "evil ::add-mask::x, line=1: %0A"

// annotations runs orgctl's output through the runner's reading: every
// workflow command of either stream, which must be an error or a warning
// with a title (and file and line, or neither), and stdout must be NDJSON.
func annotations(t *testing.T, r result) [][5]string {
	t.Helper()
	for _, l := range lines(r.out) {
		if l != "" && !json.Valid([]byte(l)) {
			t.Errorf("stdout is not NDJSON: %q", l)
		}
	}
	var got [][5]string
	for _, stream := range []string{r.out, r.errOut} {
		for _, l := range lines(stream) {
			name, props, data, ok := workflowCommand(l)
			if !ok {
				continue
			}
			if name != "error" && name != "warning" {
				t.Errorf("a %q workflow command: %q", name, l)
			}
			// title always; file and line together, or neither; nothing else
			if _, file := props["file"]; props["title"] == "" || (file && len(props) != 3) || (!file && len(props) != 1) {
				t.Errorf("properties %q in %q", props, l)
			}
			got = append(got, [5]string{name, props["file"], props["line"], props["title"], data})
		}
	}
	return got
}

// TestAnnotationsInGitHubActions runs apply with GITHUB_ACTIONS=true: a
// deprecated plan is a ::warning at its entry's line, a failed create an
// ::error at its line, on stderr; stdout stays NDJSON; and no line of the
// whole run, on either stream, is a workflow command but those, though a
// name and the manifest's path hold "::", ",", ":" and "%0A".
func TestAnnotationsInGitHubActions(t *testing.T) {
	sb := sandboxed(t)
	t.Setenv("GITHUB_ACTIONS", "true")
	summary := filepath.Join(t.TempDir(), "summary.md")
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	m := filepath.Join(t.TempDir(), "ten,ants:1.yaml")
	if err := os.WriteFile(m, []byte(`organizations:
- name: acme
  provider: qovery
  plan: FREE
- name: "`+hostileName+`"
  provider: vertra
`), 0o600); err != nil {
		t.Fatal(err)
	}
	sb.Server.AddFault(sandbox.Fault{Method: http.MethodPost, Path: "/v1/organizations", Code: "PLAN_RESTRICTED_FEATURE"})
	r := run(t, "", false, "--retries", "0", "apply", "-f", m, "-o", "json")
	if r.code != 5 {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	got := annotations(t, r)
	want := [][5]string{
		{"warning", m, "2", "orgctl apply", "plan FREE is deprecated by Qovery; the 2025 plans (USER_2025, TEAM_2025, BUSINESS_2025, ENTERPRISE_2025) replace it"},
		{"error", m, "5", "orgctl apply: " + hostileName + " on vertra: create failed"},
	}
	if len(got) != len(want) {
		t.Fatalf("annotations %q, want %d\nstderr:\n%s", got, len(want), r.errOut)
	}
	if got[0] != want[0] {
		t.Errorf("the deprecated plan:\n%q\nwant\n%q", got[0], want[0])
	}
	if got[1][0] != want[1][0] || got[1][1] != m || got[1][2] != "5" || got[1][3] != want[1][3] || !strings.Contains(got[1][4], "plan does not allow") {
		t.Errorf("the failed create:\n%q\nwant\n%q", got[1], want[1])
	}
	if strings.Contains(r.errOut, "warning: plan FREE") {
		t.Errorf("the deprecated plan is also a plain warning:\n%s", r.errOut)
	}
	// The job summary came too, with the failure, and stayed off stdout.
	if doc, err := os.ReadFile(summary); err != nil || !strings.Contains(string(doc), "### orgctl apply:") ||
		!strings.Contains(string(doc), "| failed |") || strings.Contains(r.out, "### orgctl") {
		t.Errorf("job summary (%v):\n%s", err, doc)
	}

	// An invalid entry: an ::error at its line, and the hostile name's
	// new lines cannot start a command.
	bad := write(t, "bad.yaml", "- {name: acme, provider: vertra}\n- name: \"x\\n::stop-commands::tok\\r::add-mask::y\"\n  provider: vertra\n")
	r = run(t, "", false, "diff", "-f", bad, "-o", "json")
	got = annotations(t, r)
	if r.code != 2 || len(got) != 1 || got[0][0] != "error" || got[0][1] != bad || got[0][2] != "2" ||
		got[0][3] != "orgctl diff: invalid manifest entry 2" {
		t.Errorf("exit %d, annotations %q\nstderr:\n%s", r.code, got, r.errOut)
	}

	// Off: no workflow command at all, the plain warning instead.
	for _, off := range [][]string{{"--annotations=false"}, nil} {
		if off == nil {
			t.Setenv("ORGCTL_ANNOTATIONS", "0")
		}
		r := run(t, "", false, append([]string{"diff", "-f", m}, off...)...)
		for _, l := range lines(r.out + "\n" + r.errOut) {
			if _, _, _, ok := workflowCommand(l); ok {
				t.Errorf("annotations off (%v), yet %q", off, l)
			}
		}
		if !strings.Contains(r.errOut, "warning: plan FREE is deprecated") {
			t.Errorf("no plain warning with annotations off:\n%s", r.errOut)
		}
	}
}

// TestAnnotationsOnlyInGitHubActions: outside Actions nothing changes.
func TestAnnotationsOnlyInGitHubActions(t *testing.T) {
	sandboxed(t)
	m := write(t, "m.yaml", "- {name: acme, provider: qovery, plan: FREE}\n- {name: '', provider: vertra}\n")
	r := run(t, "", false, "diff", "-f", m)
	if r.code != 2 || strings.Contains(r.errOut, "::") {
		t.Errorf("exit %d\n%s", r.code, r.errOut)
	}
}

// junitReport is a JUnit document as a reader sees it.
type junitReport struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Suites   []struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
		Cases    []struct {
			Classname string `xml:"classname,attr"`
			Name      string `xml:"name,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Skipped   *struct{} `xml:"skipped"`
			SystemOut string    `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func readJUnit(t *testing.T, path string) junitReport {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep junitReport
	if err := xml.Unmarshal(data, &rep); err != nil || len(rep.Suites) != 1 {
		t.Fatalf("not a JUnit report (%v):\n%s", err, data)
	}
	return rep
}

// TestJUnitOnAFailedApply: the report is written though the run fails
// part-way: the failed update a <failure> with its error, exit code and
// manifest line, the held-back delete <skipped>, hostile names intact.
func TestJUnitOnAFailedApply(t *testing.T) {
	sb := sandboxed(t)
	hostile := `a<b>&"c" ]]> 'd'`
	seed(t, sb, "vertra", `{"name":"ci-a","description":"old"}`)
	seed(t, sb, "vertra", `{"name":"ci-gone"}`)
	sb.Server.AddFault(sandbox.Fault{Method: http.MethodPut, Status: http.StatusInternalServerError})
	sb.Server.AddFault(sandbox.Fault{Method: http.MethodPatch, Status: http.StatusInternalServerError})
	m := write(t, "m.yaml", "prune: {match: '^ci-'}\norganizations:\n- {name: ci-a, provider: vertra, description: new}\n- name: '"+strings.ReplaceAll(hostile, "'", "''")+"'\n  provider: vertra\n")
	path := filepath.Join(t.TempDir(), "junit.xml")
	r := run(t, "", false, "--retries", "0", "apply", "-f", m, "--prune", "--yes", "--junit", path)
	if r.code != 6 {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	rep := readJUnit(t, path)
	s := rep.Suites[0]
	if s.Tests != 3 || s.Failures != 1 || s.Skipped != 1 {
		t.Errorf("tests %d, failures %d, skipped %d", s.Tests, s.Failures, s.Skipped)
	}
	byName := map[string]int{}
	for i, c := range s.Cases {
		byName[c.Name] = i
	}
	if c := s.Cases[byName["ci-a"]]; c.Failure == nil || c.Classname != "orgctl.apply.vertra" ||
		!strings.Contains(c.Failure.Text, "exit code 6") || !strings.Contains(c.Failure.Text, m+":3 (entry 1)") {
		t.Errorf("the failed update: %+v", c)
	}
	if c := s.Cases[byName[hostile]]; c.Name != hostile || c.Failure != nil || !strings.HasPrefix(c.SystemOut, "create: created") {
		t.Errorf("the hostile name: %+v (cases %v)", c, byName)
	}
	if c := s.Cases[byName["ci-gone"]]; c.Skipped == nil {
		t.Errorf("the held-back delete: %+v", c)
	}
	if data, _ := os.ReadFile(path); strings.Contains(string(data), vertraToken) {
		t.Error("the token is in the report")
	}
}

// TestJUnitDirectoryMustExist: a --junit FILE whose directory does not
// exist is a usage error before anything is read or sent.
func TestJUnitDirectoryMustExist(t *testing.T) {
	sb := sandboxed(t)
	m := write(t, "m.yaml", "- {name: acme, provider: vertra}\n")
	missing := filepath.Join(t.TempDir(), "no", "such", "dir", "junit.xml")
	for _, cmd := range []string{"diff", "apply"} {
		r := run(t, "", false, cmd, "-f", m, "--junit", missing)
		if r.code != 2 || !strings.Contains(r.errOut, "error: --junit "+text.Quote(missing)+": no such file or directory\n") {
			t.Errorf("%s: exit %d\n%s", cmd, r.code, r.errOut)
		}
	}
	if n := len(sb.Server.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// TestJUnitOfADiff: each planned action a passing test case; exit 8 is no
// failure.
func TestJUnitOfADiff(t *testing.T) {
	sandboxed(t)
	path := filepath.Join(t.TempDir(), "junit.xml")
	r := run(t, "", false, "diff", "-f", write(t, "t.yaml", tenants), "--junit", path)
	if r.code != 8 {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	rep := readJUnit(t, path)
	if rep.Tests != 2 || rep.Failures != 0 || rep.Suites[0].Cases[0].Classname != "orgctl.diff.qovery" ||
		rep.Suites[0].Cases[1].Name != "globex" {
		t.Errorf("%+v", rep)
	}
}

// TestSavedPlanReports: apply PLAN writes its JUnit report and annotates
// in GitHub Actions like apply -f: applied, each change a passing test
// case; stale, each stale action a failure and an ::error at its entry's
// line in the manifest the plan was made from, exit 9.
func TestSavedPlanReports(t *testing.T) {
	sb := sandboxed(t)
	t.Setenv("GITHUB_ACTIONS", "true")
	seedSavedPlanAccount(t, sb)
	m := write(t, "m.yaml", savedManifest)
	path, d := savePlan(t, "-f", m, "--prune")

	// Stale: someone changed ci-alpha (entry 1, line 3) since the plan.
	send(t, sb, "PATCH", "/v1/organizations/"+plannedID(t, d, "ci-alpha"), `{"description":"someone else's"}`)
	junitPath := filepath.Join(t.TempDir(), "junit.xml")
	r := run(t, "", false, "apply", path, "--yes", "--junit", junitPath, "-o", "json")
	if r.code != 9 {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	got := annotations(t, r)
	if len(got) != 1 || got[0][0] != "error" || got[0][1] != m || got[0][2] != "3" || got[0][3] != "orgctl apply: ci-alpha on vertra: update stale" ||
		!strings.Contains(got[0][4], `description changed since the plan ("old", now "someone else's")`) {
		t.Errorf("annotations %q\n%s", got, r.errOut)
	}
	rep := readJUnit(t, junitPath)
	if s := rep.Suites[0]; s.Tests != 1 || s.Failures != 1 || s.Cases[0].Name != "ci-alpha" ||
		!strings.Contains(s.Cases[0].Failure.Text, "exit code 9") || !strings.Contains(s.Cases[0].Failure.Text, m+":3 (entry 1)") {
		t.Errorf("stale report: %+v", rep)
	}

	// A new plan, applied: each of its four changes passes.
	path, _ = savePlan(t, "-f", m, "--prune")
	r = run(t, "", false, "apply", path, "--yes", "--junit", junitPath, "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	if got := annotations(t, r); len(got) != 0 {
		t.Errorf("annotations on a clean apply: %q", got)
	}
	rep = readJUnit(t, junitPath)
	if s := rep.Suites[0]; s.Tests != 4 || s.Failures != 0 || s.Skipped != 0 {
		t.Errorf("applied report: tests %d, failures %d, skipped %d", s.Tests, s.Failures, s.Skipped)
	}
}

// TestAmbiguousOutcomeIsAWarning: an update the provider answered with a
// 500 may have been made: a ::warning at its line that says how to check,
// and the run's error, since no entry's ::error says the step failed.
func TestAmbiguousOutcomeIsAWarning(t *testing.T) {
	sb := sandboxed(t)
	t.Setenv("GITHUB_ACTIONS", "true")
	seed(t, sb, "vertra", `{"name":"globex","description":"old"}`)
	m := write(t, "m.yaml", "- {name: globex, provider: vertra, description: new}\n")
	sb.Server.AddFault(sandbox.Fault{Method: http.MethodPut, Status: http.StatusInternalServerError})
	sb.Server.AddFault(sandbox.Fault{Method: http.MethodPatch, Status: http.StatusInternalServerError})
	r := run(t, "", false, "--retries", "0", "apply", "-f", m, "-o", "json")
	got := annotations(t, r)
	if r.code != 6 || len(got) != 2 {
		t.Fatalf("exit %d, annotations %q\n%s", r.code, got, r.errOut)
	}
	if w := got[0]; w[0] != "warning" || w[1] != m || w[2] != "1" || w[3] != "orgctl apply: globex on vertra: outcome unknown" ||
		!strings.Contains(w[4], "may have been updated") {
		t.Errorf("the ambiguous update: %q", w)
	}
	if e := got[1]; e[0] != "error" || e[1] != "" || e[3] != "orgctl apply failed (exit 6)" || e[4] != "1 of 1 changes failed" {
		t.Errorf("the run's error: %q", e)
	}
}

// TestNoLegacyCommandInActions: GitHub's runner also obeys "##[name]"
// anywhere in a line that is not a "::" command. A manifest name holding
// one reaches the NDJSON results and the messages; in Actions every "##["
// comes out as "##\u005b" (the same JSON string), outside it unchanged.
func TestNoLegacyCommandInActions(t *testing.T) {
	sb := sandboxed(t)
	const name = "##[set-output name=changes;]0 ##[add-mask]x"
	m := write(t, "m.yaml", "- {name: '"+name+"', provider: vertra}\n")
	sb.Server.AddFault(sandbox.Fault{Method: http.MethodPost, Path: "/v1/organizations", Code: "PLAN_RESTRICTED_FEATURE"})
	r := run(t, "", false, "--retries", "0", "apply", "-f", m, "-o", "json")
	if r.code != 5 || !strings.Contains(r.out, `"name":"`+name+`"`) {
		t.Fatalf("outside Actions, the name as it is: exit %d\n%s", r.code, r.out)
	}

	t.Setenv("GITHUB_ACTIONS", "true")
	r = run(t, "", false, "--retries", "0", "apply", "-f", m, "-o", "json")
	if r.code != 5 {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	for _, l := range lines(r.out + "\n" + r.errOut) {
		if strings.Contains(l, "##[") {
			t.Errorf("a ##[ in %q", l)
		}
	}
	var line struct{ Name string }
	if err := json.Unmarshal([]byte(r.out), &line); err != nil || line.Name != name {
		t.Errorf("the NDJSON name is %q (%v), want %q", line.Name, err, name)
	}
	if got := annotations(t, r); len(got) != 1 || got[0][0] != "error" {
		t.Errorf("annotations %q", got)
	}
}
