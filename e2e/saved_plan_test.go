package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/sandbox"
)

// The pull-request flow: diff --out on the branch, a review, apply PLAN on
// merge. The sandbox's request log, read over its admin API, is the proof
// of what was written.
func TestSavedPlanFlow(t *testing.T) {
	sb, environ := startSandbox(t, sandbox.Options{})
	same := func(int) string { return "tenant" }
	if r := orgctl(t, environ, "apply", "-f", tenants(t, 4, same)); r.code != 0 {
		t.Fatalf("setup: %s", r.errOut)
	}
	edited := func(i int) string {
		if i == 1 {
			return "edited"
		}
		return "tenant"
	}
	manifest := tenants(t, 6, edited) // ci-001 edited, ci-004 and ci-005 new
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan.json")

	r := orgctl(t, environ, "diff", "-f", manifest, "--out", plan)
	if r.code != 8 || !strings.Contains(r.out, "Plan: 2 to create, 1 to update, 0 to delete, 3 unchanged.") {
		t.Fatalf("diff --out: exit %d\n%s%s", r.code, r.out, r.errOut)
	}
	raw, err := os.ReadFile(plan)
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecret(t, string(raw))

	// Applied on merge: exactly the planned writes.
	_, before := loggedWrites(t, sb, 0)
	r = orgctl(t, environ, "apply", plan)
	if r.code != 0 || !strings.Contains(r.errOut, "created 2, updated 1, deleted 0, failed 0") {
		t.Fatalf("apply PLAN: exit %d\n%s", r.code, r.errOut)
	}
	writes, after := loggedWrites(t, sb, before)
	sort.Strings(writes)
	if len(writes) != 3 || writes[0] != "POST /v1/organizations" || writes[1] != "POST /v1/organizations" || !strings.HasPrefix(writes[2], "PUT /v1/organizations/org_") {
		t.Errorf("writes %q", writes)
	}

	// Applying it again changes nothing and says so.
	r = orgctl(t, environ, "apply", plan)
	if r.code != 0 || !strings.Contains(r.errOut, "The plan was already applied: its 3 changes are in place. Nothing was sent.") {
		t.Errorf("second apply: exit %d\n%s", r.code, r.errOut)
	}
	if w, _ := loggedWrites(t, sb, after); len(w) != 0 {
		t.Errorf("a second apply wrote %q", w)
	}

	// A new plan, then another process changes one planned organization.
	r = orgctl(t, environ, "diff", "-f", tenants(t, 6, same), "--out", plan)
	if r.code != 8 {
		t.Fatalf("second diff: exit %d\n%s", r.code, r.errOut)
	}
	if r := orgctl(t, environ, "update", "ci-001", "--provider", "vertra", "--description", "hotfix"); r.code != 0 {
		t.Fatalf("update: %s", r.errOut)
	}
	_, before = loggedWrites(t, sb, 0)
	r = orgctl(t, environ, "apply", plan)
	if r.code != 9 || !strings.Contains(r.errOut, `stale: update vertra/ci-001 (id org_`) || !strings.Contains(r.errOut, `description changed since the plan ("edited", now "hotfix")`) {
		t.Fatalf("stale plan: exit %d\n%s", r.code, r.errOut)
	}
	if w, _ := loggedWrites(t, sb, before); len(w) != 0 {
		t.Errorf("a stale plan wrote %q", w)
	}

	// A plan edited by hand to add an action is refused before any request.
	r = orgctl(t, environ, "diff", "-f", tenants(t, 6, same), "--out", plan)
	raw, _ = os.ReadFile(plan)
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	doc["actions"] = append(doc["actions"].([]any), map[string]any{"action": "create", "provider": "vertra", "name": "ci-sneaky", "set": map[string]any{}})
	raw, _ = json.Marshal(doc)
	os.WriteFile(plan, raw, 0o600)
	_, before = loggedWrites(t, sb, 0)
	r = orgctl(t, environ, "apply", plan)
	if r.code != 2 || !strings.Contains(r.errOut, "the plan was changed after orgctl wrote it (its digest does not match its content)") {
		t.Fatalf("edited plan: exit %d\n%s", r.code, r.errOut)
	}
	if _, total := loggedWrites(t, sb, 0); total != before {
		t.Errorf("%d requests for an edited plan", total-before)
	}
}
