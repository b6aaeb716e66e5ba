package apply_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgctl/orgctl/pkg/internal/testenv"
	"github.com/orgctl/orgctl/pkg/planfile"
	"github.com/orgctl/orgctl/pkg/sandbox"
)

// The account the saved-plan tests start from: one organization to update,
// one left alone, one the manifest owns but no longer names.
func seedSavedPlanAccount(t *testing.T, sb *sandbox.Running) {
	t.Helper()
	seed(t, sb, "vertra", `{"name":"ci-alpha","description":"old","tags":["a"]}`)
	seed(t, sb, "vertra", `{"name":"ci-beta","description":"same"}`)
	seed(t, sb, "vertra", `{"name":"ci-gone","description":"orphan"}`)
	seed(t, sb, "qovery", `{"name":"ci-q","plan":"TEAM_2025","website_url":"https://old.example"}`)
}

const savedManifest = `prune: {match: "^ci-"}
organizations:
- {name: ci-alpha, provider: vertra, description: new}
- {name: ci-beta, provider: vertra, description: same}
- {name: ci-new, provider: vertra, description: fresh, tags: [x]}
- {name: ci-q, provider: qovery, website_url: "https://new.example"}
`

// savePlan runs diff --out and returns the plan's path and document.
func savePlan(t *testing.T, args ...string) (string, *planfile.Document) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "plan.json")
	r := run(t, "", false, append([]string{"diff", "--out", path}, args...)...)
	if r.code != 8 {
		t.Fatalf("diff --out: exit %d, want 8\n%s", r.code, r.errOut)
	}
	if !strings.Contains(r.errOut, "Saved the plan to "+path) {
		t.Errorf("diff --out does not say where the plan went:\n%s", r.errOut)
	}
	return path, loadPlan(t, path)
}

// loadPlan reads the plan at path, its actions and all.
func loadPlan(t *testing.T, path string) *planfile.Document {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := planfile.Read(f)
	if err == nil {
		err = d.Load()
	}
	if err != nil {
		t.Fatalf("reading the plan back: %v", err)
	}
	return d
}

// plannedID is the id the plan records for an organization.
func plannedID(t *testing.T, d *planfile.Document, name string) string {
	t.Helper()
	for _, a := range d.Actions {
		if a.Name == name && a.ID != "" {
			return a.ID
		}
		if a.From != nil && a.From.Name == name {
			return a.ID
		}
	}
	t.Fatalf("no id for %s in the plan", name)
	return ""
}

// send makes one request to the sandbox as another tool would.
func send(t *testing.T, sb *sandbox.Running, method, path, body string) {
	t.Helper()
	auth := "Bearer " + vertraToken
	if !strings.HasPrefix(path, "/v1/") {
		auth = "Token " + qoveryToken
	}
	req, _ := http.NewRequest(method, sb.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", auth)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: HTTP %d", method, path, resp.StatusCode)
	}
}

func TestSavedPlanAppliesExactlyItsWritesThenReportsItApplied(t *testing.T) {
	sb := sandboxed(t)
	seedSavedPlanAccount(t, sb)
	manifest := write(t, "m.yaml", savedManifest)
	path, d := savePlan(t, "-f", manifest, "--prune")

	raw, _ := os.ReadFile(path)
	for _, secret := range []string{vertraToken, qoveryToken} {
		if strings.Contains(string(raw), secret) {
			t.Fatalf("the plan holds a token:\n%s", raw)
		}
	}
	if d.Kind != planfile.Kind || d.FormatVersion != 1 || !d.Prune || d.Manifest.Path != manifest || len(d.Manifest.SHA256) != 64 {
		t.Errorf("plan head: %+v", d)
	}
	if d.Summary != (planfile.Summary{Create: 1, Update: 2, Delete: 1, Unchanged: 1}) {
		t.Errorf("summary %+v", d.Summary)
	}
	for _, name := range []string{"qovery", "vertra"} {
		if tg := d.Providers[name]; tg.APIURL != sb.URL || !strings.HasPrefix(tg.Account, "sha256:") {
			t.Errorf("%s target %+v", name, tg)
		}
	}
	if g := d.Providers["vertra"].Generation; g != "organizations" {
		t.Errorf("vertra generation %q", g)
	}

	// Something the plan does not name changes meanwhile: the plan holds.
	seed(t, sb, "vertra", `{"name":"unrelated"}`)
	alpha, q, gone := plannedID(t, d, "ci-alpha"), plannedID(t, d, "ci-q"), plannedID(t, d, "ci-gone")
	from := len(sb.Server.Requests())
	r := run(t, "", false, "apply", path, "--yes")
	if r.code != 0 {
		t.Fatalf("apply PLAN: exit %d\n%s", r.code, r.errOut)
	}
	want := []string{"POST /v1/organizations", "PUT /organization/" + q, "PUT /v1/organizations/" + alpha, "DELETE /v1/organizations/" + gone}
	got := writes(sb, from)
	if !sameElements(got, want) {
		t.Errorf("writes %q, want %q", got, want)
	}
	if !strings.Contains(r.errOut, "Plan: 1 to create, 2 to update, 1 to delete") {
		t.Errorf("stderr:\n%s", r.errOut)
	}
	// What reached the server is what the plan says, and nothing more.
	for _, req := range sb.Server.Requests()[from:] {
		switch req.Method + " " + req.Path {
		case "POST /v1/organizations":
			assertJSON(t, req.Body, map[string]any{"name": "ci-new", "description": "fresh", "tags": []any{"x"}})
		case "PUT /v1/organizations/" + alpha:
			assertJSON(t, req.Body, map[string]any{"description": "new"})
		}
	}

	from = len(sb.Server.Requests())
	r = run(t, "", false, "apply", "--plan", path, "--yes")
	if r.code != 0 || !strings.Contains(r.errOut, "The plan was already applied: its 4 changes are in place. Nothing was sent.") {
		t.Errorf("second apply: exit %d\n%s", r.code, r.errOut)
	}
	if w := writes(sb, from); len(w) != 0 {
		t.Errorf("a second apply wrote %q", w)
	}
	r = run(t, "", false, "diff", "-f", manifest, "--prune")
	if r.code != 0 {
		t.Errorf("diff after the plan: exit %d\n%s", r.code, r.out)
	}
}

func TestStalePlanChangesNothingAndExits9(t *testing.T) {
	tests := []struct {
		name  string
		other func(t *testing.T, sb *sandbox.Running, d *planfile.Document)
		stale string // what stderr names
	}{
		{"an updated organization changed", func(t *testing.T, sb *sandbox.Running, d *planfile.Document) {
			send(t, sb, "PATCH", "/v1/organizations/"+plannedID(t, d, "ci-alpha"), `{"description":"someone else's"}`)
		}, `update vertra/ci-alpha (id ` + "%alpha" + `): description changed since the plan ("old", now "someone else's")`},
		{"a Qovery URL changed", func(t *testing.T, sb *sandbox.Running, d *planfile.Document) {
			send(t, sb, "PUT", "/organization/"+plannedID(t, d, "ci-q"), `{"name":"ci-q","plan":"TEAM_2025","website_url":"https://third.example"}`)
		}, `update qovery/ci-q (id %q): website_url changed since the plan ("https://old.example", now "https://third.example")`},
		{"an unchanged organization changed", func(t *testing.T, sb *sandbox.Running, d *planfile.Document) {
			send(t, sb, "PATCH", "/v1/organizations/"+plannedID(t, d, "ci-beta"), `{"description":"drifted"}`)
		}, `unchanged vertra/ci-beta (id %beta): description changed since the plan ("same", now "drifted")`},
		{"an updated organization was deleted", func(t *testing.T, sb *sandbox.Running, d *planfile.Document) {
			send(t, sb, "DELETE", "/v1/organizations/"+plannedID(t, d, "ci-alpha"), "")
		}, `update vertra/ci-alpha (id %alpha): organization %alpha was deleted since the plan`},
		{"someone else created the name", func(t *testing.T, sb *sandbox.Running, d *planfile.Document) {
			seed(t, sb, "vertra", `{"name":"CI-NEW","description":"theirs"}`)
		}, `create vertra/ci-new: an organization named "CI-NEW" (id `},
		{"the organization to delete was renamed", func(t *testing.T, sb *sandbox.Running, d *planfile.Document) {
			send(t, sb, "PATCH", "/v1/organizations/"+plannedID(t, d, "ci-gone"), `{"name":"ci-kept"}`)
		}, `delete vertra/ci-gone (id %gone): organization %gone was renamed since the plan ("ci-gone", now "ci-kept")`},
		{"another account", func(t *testing.T, sb *sandbox.Running, d *planfile.Document) {
			t.Setenv("ORGCTL_QOVERY_TOKEN", "qov_another_token")
		}, `qovery: the plan was made for another account (or with another API token) than this run's token`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := sandboxed(t)
			seedSavedPlanAccount(t, sb)
			path, d := savePlan(t, "-f", write(t, "m.yaml", savedManifest), "--prune")
			tt.other(t, sb, d)
			stale := strings.NewReplacer("%alpha", plannedID(t, d, "ci-alpha"), "%beta", plannedID(t, d, "ci-beta"),
				"%gone", plannedID(t, d, "ci-gone"), "%q", plannedID(t, d, "ci-q")).Replace(tt.stale)

			from := len(sb.Server.Requests())
			r := run(t, "", false, "apply", path, "--yes")
			if r.code != 9 {
				t.Fatalf("exit %d, want 9\n%s", r.code, r.errOut)
			}
			if w := writes(sb, from); len(w) != 0 {
				t.Errorf("a stale plan wrote %q", w)
			}
			if !strings.Contains(r.errOut, "stale: "+stale) || !strings.Contains(r.errOut, "is stale (1 problem): nothing was changed") {
				t.Errorf("stderr does not name the stale action %q:\n%s", stale, r.errOut)
			}
		})
	}
}

func TestRenameIntoANameTakenSinceThePlanIsStale(t *testing.T) {
	sb := sandboxed(t)
	seed(t, sb, "vertra", `{"name":"old-name"}`)
	m := write(t, "m.yaml", "- {name: new-name, provider: vertra, id: ID}\n")
	r := run(t, "", false, "list", "--provider", "vertra", "-o", "json")
	var orgs []struct{ ID string }
	if err := json.Unmarshal([]byte(r.out), &orgs); err != nil || len(orgs) != 1 {
		t.Fatalf("list: %v\n%s", err, r.out)
	}
	os.WriteFile(m, []byte(strings.Replace("- {name: new-name, provider: vertra, id: ID}\n", "ID", orgs[0].ID, 1)), 0o600)
	path, _ := savePlan(t, "-f", m)
	seed(t, sb, "vertra", `{"name":"New-Name"}`)

	from := len(sb.Server.Requests())
	r = run(t, "", false, "apply", path)
	if r.code != 9 || !strings.Contains(r.errOut, `cannot rename "old-name" to "new-name": organization `) {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	if w := writes(sb, from); len(w) != 0 {
		t.Errorf("wrote %q", w)
	}
}

func TestEditedPlanIsRefusedBeforeAnyRequest(t *testing.T) {
	edits := map[string]func(doc map[string]any){
		"an action added": func(doc map[string]any) {
			doc["actions"] = append(doc["actions"].([]any), map[string]any{"action": "create", "provider": "vertra", "name": "ci-extra", "set": map[string]any{}})
		},
		"a value changed": func(doc map[string]any) {
			a := doc["actions"].([]any)[0].(map[string]any)
			a["name"] = "ci-other"
		},
		"prune turned on": func(doc map[string]any) { doc["prune"] = true },
		"an unknown key":  func(doc map[string]any) { doc["comment"] = "hi" },
	}
	for name, edit := range edits {
		t.Run(name, func(t *testing.T) {
			sb := sandboxed(t)
			seedSavedPlanAccount(t, sb)
			path, _ := savePlan(t, "-f", write(t, "m.yaml", savedManifest))
			raw, _ := os.ReadFile(path)
			var doc map[string]any
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatal(err)
			}
			edit(doc)
			raw, _ = json.Marshal(doc)
			os.WriteFile(path, raw, 0o600)

			from := len(sb.Server.Requests())
			r := run(t, "", false, "apply", path)
			if r.code != 2 {
				t.Fatalf("exit %d, want 2\n%s", r.code, r.errOut)
			}
			if !strings.Contains(r.errOut, "error: plan "+path+": ") {
				t.Errorf("stderr:\n%s", r.errOut)
			}
			if n := len(sb.Server.Requests()) - from; n != 0 {
				t.Errorf("%d requests sent for an edited plan", n)
			}
		})
	}
}

func TestReformattedPlanStillApplies(t *testing.T) {
	sb := sandboxed(t)
	seedSavedPlanAccount(t, sb)
	path, _ := savePlan(t, "-f", write(t, "m.yaml", savedManifest))
	raw, _ := os.ReadFile(path)
	var doc any
	json.Unmarshal(raw, &doc)
	pretty, _ := json.MarshalIndent(doc, "", "\t") // what a reviewer's editor may do
	os.WriteFile(path, pretty, 0o600)
	if r := run(t, "", false, "apply", path); r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
}

func TestApplyArgumentsForSavedPlans(t *testing.T) {
	sandboxed(t)
	manifest := write(t, "m.yaml", tenants)
	tests := []struct {
		args []string
		err  string
	}{
		{[]string{"apply"}, "nothing to apply: give a manifest with -f FILE, or a plan saved by diff --out"},
		{[]string{"apply", manifest}, manifest + " is not a plan saved by orgctl diff --out; to apply a manifest, use -f " + manifest},
		{[]string{"apply", "p.json", "-f", manifest}, "give either a manifest (-f) or a saved plan, not both"},
		{[]string{"apply", "p.json", "--prune"}, "--prune, --shard and --out do not go with a saved plan"},
		{[]string{"apply", "-f", manifest, "--out", "p.json"}, "--out saves a plan without applying it: use it with diff or apply --dry-run"},
	}
	for _, tt := range tests {
		r := run(t, "", false, tt.args...)
		if r.code != 2 || !strings.Contains(r.errOut, tt.err) {
			t.Errorf("%q: exit %d\n%s", tt.args, r.code, r.errOut)
		}
	}
}

func TestSavedPlanWithDeletionsAsksForYes(t *testing.T) {
	sb := sandboxed(t)
	seedSavedPlanAccount(t, sb)
	path, _ := savePlan(t, "-f", write(t, "m.yaml", savedManifest), "--prune")
	from := len(sb.Server.Requests())
	r := run(t, "", false, "apply", path)
	if r.code != 2 || !strings.Contains(r.errOut, "refusing to delete without confirmation: the plan deletes 1 organization") {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	if n := len(sb.Server.Requests()) - from; n != 0 {
		t.Errorf("%d requests", n)
	}
}

func sameElements(a, b []string) bool {
	x, y := append([]string(nil), a...), append([]string(nil), b...)
	sort.Strings(x)
	sort.Strings(y)
	return reflect.DeepEqual(x, y)
}

func assertJSON(t *testing.T, body []byte, want map[string]any) {
	t.Helper()
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("body %s, want %v", body, want)
	}
}

func TestStalePlanOtherProvidersView(t *testing.T) {
	tests := []struct {
		name  string
		other func(t *testing.T)
		stale string
	}{
		{"another API URL", func(t *testing.T) {
			other, err := sandbox.Start(sandbox.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { other.Close() })
			t.Setenv("ORGCTL_VERTRA_URL", other.URL)
		}, "vertra: the plan was made against http://127.0.0.1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := sandboxed(t)
			seedSavedPlanAccount(t, sb)
			path, _ := savePlan(t, "-f", write(t, "m.yaml", savedManifest))
			tt.other(t)
			r := run(t, "", false, "apply", path)
			if r.code != 9 || !strings.Contains(r.errOut, "stale: "+tt.stale) {
				t.Fatalf("exit %d\n%s", r.code, r.errOut)
			}
			if w := writes(sb, 0); len(w) != 4 { // the seeds only
				t.Errorf("writes %q", w)
			}
		})
	}
}

func TestStalePlanOfAnotherAPIGeneration(t *testing.T) {
	testenv.Isolate(t)
	sb, err := sandbox.Start(sandbox.Options{VertraAPI: "both"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	t.Setenv("ORGCTL_VERTRA_URL", sb.URL)
	t.Setenv("ORGCTL_VERTRA_TOKEN", vertraToken)
	t.Setenv("ORGCTL_VERTRA_API", "organizations")
	path, _ := savePlan(t, "-f", write(t, "m.yaml", "- {name: ci-alpha, provider: vertra}\n"))
	t.Setenv("ORGCTL_VERTRA_API", "workspaces")
	r := run(t, "", false, "apply", path)
	want := "stale: vertra: the plan was made against the organizations API, this run reads the workspaces API\nerror: "
	if r.code != 9 || !strings.Contains(r.errOut, want) {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	if w := writes(sb, 0); len(w) != 0 {
		t.Errorf("wrote %q", w)
	}
}

// A change to a field the manifest does not set shows only in updated_at.
func TestStalePlanSeesUpdatedAt(t *testing.T) {
	testenv.Isolate(t)
	var mu sync.Mutex
	clock := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	sb, err := sandbox.Start(sandbox.Options{Now: func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(time.Second)
		return clock
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	t.Setenv("ORGCTL_VERTRA_URL", sb.URL)
	t.Setenv("ORGCTL_VERTRA_TOKEN", vertraToken)
	seed(t, sb, "vertra", `{"name":"ci-alpha","description":"old","tags":["a"]}`)
	path, d := savePlan(t, "-f", write(t, "m.yaml", "- {name: ci-alpha, provider: vertra, description: new}\n"))
	id := plannedID(t, d, "ci-alpha")
	send(t, sb, "PATCH", "/v1/organizations/"+id, `{"tags":["b"]}`)

	from := len(sb.Server.Requests())
	r := run(t, "", false, "apply", path)
	if r.code != 9 || !strings.Contains(r.errOut, "stale: update vertra/ci-alpha (id "+id+"): organization "+id+" was updated since the plan (updated_at \"2026-12-02T09:00:0") {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	if w := writes(sb, from); len(w) != 0 {
		t.Errorf("wrote %q", w)
	}
}

// A plan is a file: one rewritten with a valid digest is still checked as
// create checks its input, before any request.
func TestSavedPlanCreatesAreValidated(t *testing.T) {
	sb := sandboxed(t)
	path, d := savePlan(t, "-f", write(t, "m.yaml", "- {name: ci-new, provider: vertra}\n"))
	d.Actions[0].Name = strings.Repeat("n", 51)
	if err := planfile.Write(path, d); err != nil {
		t.Fatal(err)
	}
	from := len(sb.Server.Requests())
	r := run(t, "", false, "apply", path)
	if r.code != 2 || !strings.Contains(r.errOut, `error: the plan's create of "nnnn`) {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	if n := len(sb.Server.Requests()) - from; n != 0 {
		t.Errorf("%d requests", n)
	}
}

func TestApplyDryRunOutSavesThePlanDiffWould(t *testing.T) {
	sb := sandboxed(t)
	seedSavedPlanAccount(t, sb)
	manifest := write(t, "m.yaml", savedManifest)
	_, viaDiff := savePlan(t, "-f", manifest)
	path := filepath.Join(t.TempDir(), "p.json")
	if r := run(t, "", false, "apply", "--dry-run", "-f", manifest, "--out", path); r.code != 8 {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	viaApply := loadPlan(t, path)
	if !reflect.DeepEqual(viaApply.Actions, viaDiff.Actions) || viaApply.Summary != viaDiff.Summary {
		t.Errorf("apply --dry-run --out and diff --out differ:\n%+v\n%+v", viaApply.Actions, viaDiff.Actions)
	}
	if w := writes(sb, 0); len(w) != 4 {
		t.Errorf("writes %q: only the seeds", w)
	}
}
