package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/orgctl/orgctl/pkg/sandbox"
)

// loggedWrites reads the sandbox's request log over its admin API, as a
// person checking a run would, and returns the writes from index from on.
func loggedWrites(t *testing.T, sb *sandbox.Running, from int) (writes []string, total int) {
	t.Helper()
	resp, err := http.Get(sb.URL + "/_sandbox/requests")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var log []struct{ Method, Path string }
	if err := json.NewDecoder(resp.Body).Decode(&log); err != nil {
		t.Fatal(err)
	}
	for _, r := range log[from:] {
		if r.Method != http.MethodGet {
			writes = append(writes, r.Method+" "+r.Path)
		}
	}
	return writes, len(log)
}

// tenants writes a document-form manifest of n VertraCloud organizations
// ci-000…, owned by the ^ci- rule; describe gives each its description.
func tenants(t *testing.T, n int, describe func(i int) string) string {
	var b strings.Builder
	b.WriteString("prune: {match: '^ci-'}\norganizations:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - {name: ci-%03d, provider: vertra, description: %q, tags: [managed]}\n", i, describe(i))
	}
	return writeManifest(t, "tenants.yaml", b.String())
}

func TestApplyLifecycle(t *testing.T) {
	sb, environ := startSandbox(t, sandbox.Options{})
	same := func(int) string { return "tenant" }

	// An empty account: everything is created, and diff then has nothing.
	r := orgctl(t, environ, "diff", "-f", tenants(t, 5, same))
	if r.code != 8 || !strings.Contains(r.out, "Plan: 5 to create, 0 to update, 0 to delete, 0 unchanged.") {
		t.Fatalf("diff on an empty account: exit %d\n%s%s", r.code, r.out, r.errOut)
	}
	r = orgctl(t, environ, "apply", "-f", tenants(t, 5, same), "-o", "json")
	_, counts := ndjson(t, r.out)
	if r.code != 0 || counts["created"] != 5 || len(sb.Server.Organizations()) != 5 {
		t.Fatalf("apply on an empty account: exit %d %v\n%s", r.code, counts, r.errOut)
	}
	r = orgctl(t, environ, "diff", "-f", tenants(t, 5, same))
	if r.code != 0 || !strings.HasPrefix(r.out, "= unchanged vertra/ci-000  id org_") || !strings.HasSuffix(r.out, "No changes: 0 to change, 5 unchanged.\n") {
		t.Fatalf("diff on an unchanged account: exit %d\n%s", r.code, r.out)
	}

	// Two descriptions edited: two updates, nothing else written.
	_, before := loggedWrites(t, sb, 0)
	edited := func(i int) string {
		if i == 1 || i == 3 {
			return "edited"
		}
		return "tenant"
	}
	r = orgctl(t, environ, "apply", "-f", tenants(t, 5, edited))
	if r.code != 0 || !strings.Contains(r.errOut, "created 0, updated 2, deleted 0, failed 0") {
		t.Fatalf("apply of an edit: exit %d\n%s", r.code, r.errOut)
	}
	writes, _ := loggedWrites(t, sb, before)
	if len(writes) != 2 {
		t.Errorf("writes for two edits: %v", writes)
	}
	for _, w := range writes {
		if !strings.HasPrefix(w, "PUT /v1/organizations/org_") && !strings.HasPrefix(w, "PATCH /v1/organizations/org_") {
			t.Errorf("unexpected write %s", w)
		}
	}
	r = orgctl(t, environ, "apply", "-f", tenants(t, 5, edited))
	if r.code != 0 || r.errOut != "No changes: 0 to change, 5 unchanged.\n" {
		t.Errorf("re-run: exit %d %q", r.code, r.errOut)
	}

	// --prune deletes the owned organizations dropped from the file, and
	// only those: an organization outside the rule stays.
	if r := orgctl(t, environ, "create", "--provider", "vertra", "--name", "prod-keep"); r.code != 0 {
		t.Fatal(r.errOut)
	}
	_, before = loggedWrites(t, sb, 0)
	r = orgctl(t, environ, "apply", "-f", tenants(t, 3, edited), "--prune")
	if r.code != 2 || !strings.Contains(r.errOut, "pass --yes") {
		t.Errorf("--prune in a script without --yes: exit %d %q", r.code, r.errOut)
	}
	r = orgctl(t, environ, "apply", "-f", tenants(t, 3, edited), "--prune", "--yes")
	if r.code != 0 || !strings.Contains(r.errOut, "created 0, updated 0, deleted 2, failed 0") {
		t.Fatalf("prune: exit %d\n%s", r.code, r.errOut)
	}
	writes, _ = loggedWrites(t, sb, before)
	if len(writes) != 2 || !strings.HasPrefix(writes[0], "DELETE ") || !strings.HasPrefix(writes[1], "DELETE ") {
		t.Errorf("prune writes: %v", writes)
	}
	var names []string
	for _, o := range sb.Server.Organizations() {
		names = append(names, o.Name)
	}
	sort.Strings(names)
	if strings.Join(names, ",") != "ci-000,ci-001,ci-002,prod-keep" {
		t.Errorf("left: %v", names)
	}
}

// TestInterruptedApplyConverges: Ctrl-C stops starting new changes; a
// re-run plans afresh from what exists and finishes the job.
func TestInterruptedApplyConverges(t *testing.T) {
	sb, environ := startSandbox(t, sandbox.Options{Faults: []sandbox.Fault{{Method: http.MethodPost, Delay: sandbox.Duration(300 * time.Millisecond)}}})
	file := tenants(t, 30, func(int) string { return "tenant" })
	cmd := exec.Command(binary, "apply", "-f", file, "--concurrency", "2", "-o", "json")
	cmd.Env = environ
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(sb.Server.Requests()) < 3 && time.Now().Before(deadline) { // the list, then two creates
		time.Sleep(10 * time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 130 || !strings.Contains(stderr.String(), "apply again to finish") {
		t.Fatalf("exit %v; stderr %q", err, stderr.String())
	}
	made := len(sb.Server.Organizations())
	if made == 0 || made == 30 {
		t.Fatalf("%d of 30 created before the interruption", made)
	}
	sb.Server.ClearFaults()
	r := orgctl(t, environ, "apply", "-f", file, "-o", "json")
	_, counts := ndjson(t, r.out)
	if r.code != 0 || counts["created"] != 30-made {
		t.Fatalf("re-run: exit %d, %v, %d made before\n%s", r.code, counts, made, r.errOut)
	}
	if r := orgctl(t, environ, "diff", "-f", file); r.code != 0 {
		t.Errorf("diff after the re-run: exit %d", r.code)
	}
}
