package apply_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/internal/golden"
	"github.com/orgctl/orgctl/pkg/sandbox"
)

// drift is an account with one organization to update, one unchanged and
// one owned but no longer named; its manifest adds a create, and a
// description that tries Markdown, HTML and a mention.
const drift = `prune: {match: '^ci-'}
organizations:
  - {name: acme, provider: qovery, plan: TEAM_2025}
  - {name: globex, provider: vertra, description: "new <b>|</b> @ops #1"}
  - {name: steady, provider: vertra, description: same}
`

func seedDrift(t *testing.T, sb *sandbox.Running) {
	seed(t, sb, "vertra", `{"name":"globex","description":"old"}`)
	seed(t, sb, "vertra", `{"name":"steady","description":"same"}`)
	seed(t, sb, "vertra", `{"name":"ci-old"}`)
}

func TestDiffMarkdown(t *testing.T) {
	sb := sandboxed(t)
	seedDrift(t, sb)
	m := write(t, "tenants.yaml", drift)
	r := run(t, "", false, "diff", "-f", m, "--prune", "-o", "markdown")
	if r.code != 8 {
		t.Errorf("exit %d, want 8\n%s", r.code, r.errOut)
	}
	golden.Check(t, "diff.md", golden.Stable(r.out, m))

	// ORGCTL_OUTPUT=markdown is the same as -o markdown here.
	t.Setenv("ORGCTL_OUTPUT", "markdown")
	if again := run(t, "", false, "diff", "-f", m, "--prune"); golden.Stable(again.out, m) != golden.Stable(r.out, m) {
		t.Errorf("ORGCTL_OUTPUT=markdown printed:\n%s", again.out)
	}
}

// TestApplyMarkdown: a failed update, the create that worked, the delete
// held back by the failure and the unchanged row, on stdout at the end;
// progress and the counts stay on stderr.
func TestApplyMarkdown(t *testing.T) {
	sb := sandboxed(t)
	seedDrift(t, sb)
	sb.Server.AddFault(sandbox.Fault{Method: http.MethodPut, Status: http.StatusInternalServerError})
	sb.Server.AddFault(sandbox.Fault{Method: http.MethodPatch, Status: http.StatusInternalServerError})
	m := write(t, "tenants.yaml", drift)
	r := run(t, "", false, "--retries", "0", "apply", "-f", m, "--prune", "--yes", "-o", "markdown")
	if r.code != 6 || !strings.Contains(r.errOut, "created 1, updated 0, deleted 0, failed 1, not started 1") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.errOut)
	}
	if !strings.HasPrefix(r.out, "### orgctl apply:") {
		t.Errorf("stdout is not the Markdown document alone:\n%s", r.out)
	}
	golden.Check(t, "apply.md", golden.Stable(r.out, m))
}

// TestInvalidEntriesInMarkdown: the entries refused before anything runs
// are rows with their line and exit code 2.
func TestInvalidEntriesInMarkdown(t *testing.T) {
	sandboxed(t)
	m := write(t, "tenants.yaml", `organizations:
  - {name: a, provider: vertra, plan: TEAM}
  - {name: b, provider: qovery, plan: GOLD}
  - {name: ok, provider: vertra}
`)
	r := run(t, "", false, "diff", "-f", m, "-o", "markdown")
	if r.code != 2 {
		t.Errorf("exit %d, want 2", r.code)
	}
	golden.Check(t, "diff-invalid.md", golden.Stable(r.out, m))
}

// TestMarkdownOnlyWhereReportsAre: elsewhere -o markdown is a usage error
// that names the commands taking it.
func TestMarkdownOnlyWhereReportsAre(t *testing.T) {
	sandboxed(t)
	for _, args := range [][]string{
		{"list", "--provider", "vertra", "-o", "markdown"},
		{"create", "--provider", "vertra", "--name", "x", "-o", "markdown"},
		{"config", "set", "output", "markdown"},
	} {
		r := run(t, "", false, args...)
		if r.code != 2 || !strings.Contains(r.errOut, "-o markdown is only for orgctl diff, orgctl apply and orgctl create -f") {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.errOut)
		}
	}
	// Completion offers it where it is taken, and only there.
	for cmd, want := range map[string]bool{"diff": true, "apply": true, "create": true, "list": false, "get": false} {
		r := run(t, "", false, "__complete", cmd, "-o", "")
		if got := strings.Contains(r.out, "markdown\t"); got != want {
			t.Errorf("orgctl %s -o <TAB> offers markdown: %v\n%s", cmd, got, r.out)
		}
	}
}

// TestJobSummary: in GitHub Actions, diff and apply append their Markdown
// to GITHUB_STEP_SUMMARY, whatever -o says, even when the run fails; off
// with --summary=false or ORGCTL_SUMMARY=0, and never outside Actions.
func TestJobSummary(t *testing.T) {
	sb := sandboxed(t)
	seedDrift(t, sb)
	m := write(t, "tenants.yaml", drift)
	summary := write(t, "step_summary.md", "earlier step\n")
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	read := func() string {
		b, err := os.ReadFile(summary)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	// Outside Actions: nothing.
	if r := run(t, "", false, "diff", "-f", m, "--prune"); r.code != 8 || read() != "earlier step\n" {
		t.Fatalf("exit %d; written outside GitHub Actions: %q", r.code, read())
	}

	t.Setenv("GITHUB_ACTIONS", "true")
	md := run(t, "", false, "diff", "-f", m, "--prune", "-o", "markdown")
	if got := read(); got != "earlier step\n\n"+md.out {
		t.Errorf("the summary is not the earlier step's, then the diff's Markdown:\n%s", got)
	}
	// Appended again, not truncated; the same document whatever -o says,
	// and -o json stays JSON.
	r := run(t, "", false, "diff", "-f", m, "--prune", "-o", "json")
	if r.code != 8 || !strings.HasPrefix(r.out, "{") {
		t.Errorf("exit %d, stdout %.40q: -o json must stay JSON", r.code, r.out)
	}
	if got := read(); got != "earlier step\n\n"+md.out+"\n"+md.out {
		t.Errorf("a second diff did not append:\n%s", got)
	}

	for _, off := range []struct {
		env  string
		args []string
	}{{"", []string{"--summary=false"}}, {"0", nil}, {"false", nil}} {
		t.Setenv("ORGCTL_SUMMARY", off.env)
		before := read()
		run(t, "", false, append([]string{"diff", "-f", m, "--prune"}, off.args...)...)
		if read() != before {
			t.Errorf("ORGCTL_SUMMARY=%q %v still wrote the summary", off.env, off.args)
		}
	}
	t.Setenv("ORGCTL_SUMMARY", "0")
	before := read()
	if r := run(t, "", false, "diff", "-f", m, "--prune", "--summary"); read() != before+"\n"+md.out || r.code != 8 {
		t.Errorf("--summary did not win over ORGCTL_SUMMARY=0")
	}
	t.Setenv("ORGCTL_SUMMARY", "")

	// A run that fails part-way still writes its summary: apply's failed
	// update, with its error and exit code, never a token.
	if err := os.WriteFile(summary, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	sb.Server.AddFault(sandbox.Fault{Method: http.MethodPut, Status: http.StatusInternalServerError})
	sb.Server.AddFault(sandbox.Fault{Method: http.MethodPatch, Status: http.StatusInternalServerError})
	r = run(t, "", false, "--retries", "0", "apply", "-f", m, "--prune", "--yes")
	got := read()
	if r.code != 6 || !strings.HasPrefix(got, "\n### orgctl apply: 1 created, 1 failed, 1 not started, 1 unchanged\n") ||
		!strings.Contains(got, "**Exit code 6**") || !strings.Contains(got, "| vertra | globex | update | failed | 4 | 6 |") {
		t.Errorf("exit %d, summary:\n%s", r.code, got)
	}
	if strings.Contains(got, qoveryToken) || strings.Contains(got, vertraToken) {
		t.Errorf("a token is in the summary")
	}
	if strings.Contains(r.out, "###") {
		t.Errorf("the summary went to stdout too:\n%s", r.out)
	}
}

// TestSavedPlanMarkdown: diff --out -o markdown saves the plan and prints
// it; apply PLAN -o markdown names each stale action, with its manifest
// line and exit code 9, and the run's error; the plan applied once fresh
// reports what it did.
func TestSavedPlanMarkdown(t *testing.T) {
	sb := sandboxed(t)
	seedSavedPlanAccount(t, sb)
	m := write(t, "tenants.yaml", savedManifest)
	path := filepath.Join(t.TempDir(), "plan.json")
	r := run(t, "", false, "diff", "-f", m, "--prune", "--out", path, "-o", "markdown")
	if r.code != 8 || !strings.HasPrefix(r.out, "### orgctl diff: 1 to create, 2 to update, 1 to delete, 1 unchanged\n") {
		t.Fatalf("exit %d\n%s%s", r.code, r.out, r.errOut)
	}
	d := loadPlan(t, path)
	send(t, sb, "PATCH", "/v1/organizations/"+plannedID(t, d, "ci-alpha"), `{"description":"someone else's"}`)
	r = run(t, "", false, "apply", path, "--yes", "-o", "markdown")
	if r.code != 9 {
		t.Errorf("exit %d, want 9 (stale)\n%s", r.code, r.errOut)
	}
	golden.Check(t, "apply-stale.md", golden.Stable(strings.ReplaceAll(r.out, path, "plan.json"), m))
}
