package create_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/internal/golden"
	"github.com/orgctl/orgctl/pkg/internal/testenv"
	"github.com/orgctl/orgctl/pkg/sandbox"
)

// sandboxed points both providers at a fresh in-process sandbox holding a
// VertraCloud organization named "taken".
func sandboxed(t *testing.T) *sandbox.Running {
	t.Helper()
	testenv.Isolate(t)
	sb, err := sandbox.Start(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	t.Setenv("ORGCTL_QOVERY_URL", sb.URL)
	t.Setenv("ORGCTL_VERTRA_URL", sb.URL)
	t.Setenv("ORGCTL_QOVERY_TOKEN", qoveryToken)
	t.Setenv("ORGCTL_VERTRA_TOKEN", vertraToken)
	req, _ := http.NewRequest(http.MethodPost, sb.URL+"/v1/organizations", strings.NewReader(`{"name":"taken"}`))
	req.Header.Set("Authorization", "Bearer "+vertraToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return sb
}

func manifestFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tenants.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// One created, one whose name is taken (exit 4), one whose name tries a
// mention and an issue link; --concurrency 1 keeps the rows in order.
const bulkManifest = `- {name: acme, provider: qovery, plan: TEAM_2025}
- {name: taken, provider: vertra}
- {name: "ping @ops #12", provider: vertra, description: "<!-- hidden"}
`

func TestCreateBulkMarkdown(t *testing.T) {
	sandboxed(t)
	m := manifestFile(t, bulkManifest)
	r := run(t, "create", "-f", m, "--concurrency", "1", "-o", "markdown")
	if r.code != 4 || !strings.Contains(r.errOut, "created 2, skipped 0, failed 1") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.errOut)
	}
	if !strings.HasPrefix(r.out, "### orgctl create -f:") {
		t.Errorf("stdout is not the Markdown document alone:\n%s", r.out)
	}
	golden.Check(t, "create.md", golden.Stable(r.out, m))
}

// TestCreateInvalidEntriesMarkdown: the entries refused by the first pass
// are rows with their manifest line; nothing is sent.
func TestCreateInvalidEntriesMarkdown(t *testing.T) {
	sb := sandboxed(t)
	n := len(sb.Server.Requests())
	m := manifestFile(t, `- {name: ok, provider: vertra}
- {name: b, provider: qovery, plan: GOLD}
- name: dup
  provider: vertra
- {name: DUP, provider: vertra}
`)
	r := run(t, "create", "-f", m, "-o", "markdown")
	if r.code != 2 || len(sb.Server.Requests()) != n {
		t.Errorf("exit %d, %d requests", r.code, len(sb.Server.Requests())-n)
	}
	golden.Check(t, "create-invalid.md", golden.Stable(r.out, m))
}

// TestCreateJobSummary: create -f appends its summary in GitHub Actions,
// stdout keeping its NDJSON.
func TestCreateJobSummary(t *testing.T) {
	sandboxed(t)
	m := manifestFile(t, bulkManifest)
	summary := filepath.Join(t.TempDir(), "summary.md")
	if err := os.WriteFile(summary, []byte("earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GITHUB_ACTIONS", "true")
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	r := run(t, "create", "-f", m, "--concurrency", "1", "-o", "json")
	got, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	if r.code != 4 || strings.Count(r.out, "\n") != 3 || !strings.HasPrefix(r.out, `{"index":1`) {
		t.Errorf("exit %d, stdout:\n%s", r.code, r.out)
	}
	want, _ := os.ReadFile(filepath.Join("testdata", "create.md"))
	if s := golden.Stable(string(got), m); s != "earlier step\n\n"+string(want) {
		t.Errorf("summary:\n%s", s)
	}
}

// TestCreateMarkdownCountsWhatDidNotStart: --fail-fast stops after the
// taken name; the heading counts the entries never started.
func TestCreateMarkdownCountsWhatDidNotStart(t *testing.T) {
	sandboxed(t)
	m := manifestFile(t, "- {name: taken, provider: vertra}\n- {name: a, provider: vertra}\n- {name: b, provider: vertra}\n")
	r := run(t, "create", "-f", m, "--concurrency", "1", "--fail-fast", "-o", "markdown")
	if r.code != 4 || !strings.HasPrefix(r.out, "### orgctl create -f: 1 failed, 2 not started\n") {
		t.Errorf("exit %d:\n%s", r.code, r.out)
	}
	// --summary is a flag of create -f only.
	if r := run(t, "create", "--provider", "vertra", "--name", "x", "--summary=false"); r.code != 2 || !strings.Contains(r.errOut, "--summary needs -f") {
		t.Errorf("exit %d: %s", r.code, r.errOut)
	}
}
