package create_test

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCreateBulkInGitHubActions: create -f with GITHUB_ACTIONS=true and
// --junit: the taken name an ::error at its line on stderr, stdout NDJSON
// with no workflow command, and the JUnit report with the failure.
func TestCreateBulkInGitHubActions(t *testing.T) {
	sandboxed(t)
	t.Setenv("GITHUB_ACTIONS", "true")
	m := manifestFile(t, bulkManifest)
	path := filepath.Join(t.TempDir(), "junit.xml")
	r := run(t, "create", "-f", m, "--concurrency", "1", "-o", "json", "--junit", path)
	if r.code != 4 {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	commands := func(stream string) []string {
		var found []string
		for _, l := range strings.Split(stream, "\n") {
			if strings.HasPrefix(strings.TrimLeft(l, " \t"), "::") {
				found = append(found, l)
			}
		}
		return found
	}
	if c := commands(r.out); len(c) != 0 {
		t.Errorf("workflow commands on stdout: %q", c)
	}
	want := "::error file=" + m + ",line=2,title=orgctl create%3A taken on vertra%3A create failed::"
	if c := commands(r.errOut); len(c) != 1 || !strings.HasPrefix(c[0], want) {
		t.Errorf("workflow commands %q, want one starting %q", c, want)
	}

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Cases    []struct {
			Name    string `xml:"name,attr"`
			Failure *struct {
				Text string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testsuite>testcase"`
	}
	if err := xml.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Tests != 3 || rep.Failures != 1 || len(rep.Cases) != 3 || rep.Cases[1].Name != "taken" ||
		rep.Cases[1].Failure == nil || !strings.Contains(rep.Cases[1].Failure.Text, m+":2 (entry 2)") ||
		rep.Cases[2].Name != "ping @ops #12" {
		t.Errorf("report:\n%s", data)
	}
}

// TestCreateReportFlagsNeedFile: --junit and --annotations are create -f's.
func TestCreateReportFlagsNeedFile(t *testing.T) {
	sandboxed(t)
	for _, flag := range []string{"--junit=x.xml", "--annotations=false"} {
		r := run(t, "create", "--provider", "vertra", "--name", "x", flag)
		if r.code != 2 || !strings.Contains(r.errOut, "needs -f") {
			t.Errorf("%s: exit %d\n%s", flag, r.code, r.errOut)
		}
	}
}

// TestDeprecatedPlanIsAnnotated: a single create with a deprecated plan
// warns with a ::warning in GitHub Actions, and in plain words elsewhere.
func TestDeprecatedPlanIsAnnotated(t *testing.T) {
	sandboxed(t)
	args := []string{"create", "--provider", "qovery", "--name", "old-plan", "--plan", "FREE", "-o", "json"}
	r := run(t, args...)
	if r.code != 0 || !strings.Contains(r.errOut, "warning: plan FREE is deprecated") || strings.Contains(r.errOut, "::") {
		t.Errorf("outside Actions: exit %d\n%s", r.code, r.errOut)
	}
	t.Setenv("GITHUB_ACTIONS", "true")
	args[4] = "old-plan-2"
	r = run(t, args...)
	if r.code != 0 || !strings.HasPrefix(r.errOut, "::warning title=orgctl create::plan FREE is deprecated by Qovery;") ||
		strings.Contains(r.errOut, "warning: plan") || strings.HasPrefix(r.out, "::") {
		t.Errorf("in Actions: exit %d\n%s", r.code, r.errOut)
	}
}

// TestBulkDeprecatedPlanWarns: create -f warns of a deprecated plan once,
// at its first entry: a ::warning at that line in GitHub Actions.
func TestBulkDeprecatedPlanWarns(t *testing.T) {
	sandboxed(t)
	m := manifestFile(t, "- {name: a, provider: qovery, plan: FREE}\n- {name: b, provider: qovery, plan: FREE}\n- {name: c, provider: qovery, plan: TEAM_2025}\n")
	r := run(t, "create", "-f", m, "-o", "json")
	if r.code != 0 || strings.Count(r.errOut, "warning: plan FREE is deprecated") != 1 {
		t.Errorf("exit %d\n%s", r.code, r.errOut)
	}
	t.Setenv("GITHUB_ACTIONS", "true")
	m = manifestFile(t, "- {name: d, provider: qovery, plan: TEAM_2025}\n- {name: e, provider: qovery, plan: FREE}\n")
	r = run(t, "create", "-f", m, "-o", "json")
	want := "::warning file=" + m + ",line=2,title=orgctl create::plan FREE is deprecated by Qovery;"
	if r.code != 0 || !strings.HasPrefix(r.errOut, want) || strings.Contains(r.errOut, "warning: plan") {
		t.Errorf("exit %d, want a line starting %q\n%s", r.code, want, r.errOut)
	}
}
