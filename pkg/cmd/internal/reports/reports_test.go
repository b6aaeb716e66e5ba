package reports

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/iostreams"
	"github.com/orgctl/orgctl/pkg/output"
	"github.com/orgctl/orgctl/pkg/plan"
	"github.com/orgctl/orgctl/pkg/report"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// TestSecretsAreMaskedBeforeEscaping: a token a server echoes in an error
// is masked in stdout and in the summary file, although escaping (`_` →
// `\_`) would hide it from the streams' own redactor.
func TestSecretsAreMaskedBeforeEscaping(t *testing.T) {
	const token = "vtk_s3cr3t_api_token"
	ios, _, out, _ := iostreams.Test()
	ios.AddSecret(token)
	summary := filepath.Join(t.TempDir(), "summary.md")
	w, err := New(Options{IO: ios, Command: "apply", Format: output.Markdown,
		Getenv: env(map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary})})
	if err != nil || len(w) == 0 {
		t.Fatalf("%v %v", w, err)
	}
	_ = w.Add(report.Row{Provider: "vertra", Name: "acme", Action: "update", Status: "failed", ExitCode: 3,
		Error: "401: bad token " + token, Changes: []plan.Change{{Field: "tags", Old: []string{token}, New: []string{"x"}}}})
	if err := Close(w, report.Summary{Command: "apply"}, errors.New("failed with "+token)); err == nil {
		t.Fatal("Close lost the run's error")
	}
	file, _ := os.ReadFile(summary)
	escaped := strings.ReplaceAll(token, "_", `\_`)
	for where, doc := range map[string]string{"stdout": out.String(), "summary": string(file)} {
		if !strings.Contains(doc, "| vertra | acme |") {
			t.Errorf("%s has no row:\n%s", where, doc)
		}
		if strings.Contains(doc, token) || strings.Contains(doc, escaped) {
			t.Errorf("the token is in %s:\n%s", where, doc)
		}
	}
}

func TestSummaryPath(t *testing.T) {
	on := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": "/s.md"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range on {
			m[a] = b
		}
		m[k] = v
		return m
	}
	for _, c := range []struct {
		vars map[string]string
		want string
	}{
		{on, "/s.md"},
		{with("GITHUB_ACTIONS", ""), ""},
		{with("GITHUB_ACTIONS", "false"), ""},
		{with("GITHUB_STEP_SUMMARY", ""), ""},
		{with("ORGCTL_SUMMARY", "0"), ""},
		{with("ORGCTL_SUMMARY", "off"), ""},
		{with("ORGCTL_SUMMARY", "1"), "/s.md"},
	} {
		if got, err := summaryPath(nil, env(c.vars)); got != c.want || err != nil {
			t.Errorf("%v: %q %v, want %q", c.vars, got, err, c.want)
		}
	}
	if _, err := summaryPath(nil, env(with("ORGCTL_SUMMARY", "maybe"))); cmdutil.ExitCode(err) != cmdutil.ExitUsage {
		t.Errorf("ORGCTL_SUMMARY=maybe: %v, want a usage error", err)
	}
}

// TestNoReportsCostNothing: without -o markdown or Actions there is no
// writer, and Close hands back the run's error as it was.
func TestNoReportsCostNothing(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	w, err := New(Options{IO: ios, Command: "diff", Format: output.JSON, Getenv: env(nil)})
	if err != nil || w != nil {
		t.Fatalf("%v %v", w, err)
	}
	runErr := &cmdutil.Status{Code: cmdutil.ExitChanges}
	if got := Close(w, report.Summary{}, runErr); got != error(runErr) {
		t.Errorf("Close returned %v", got)
	}
}
