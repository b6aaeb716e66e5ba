package apply_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/cmd/root"
	"github.com/orgctl/orgctl/pkg/internal/testenv"
	"github.com/orgctl/orgctl/pkg/internal/testhttp"
	"github.com/orgctl/orgctl/pkg/iostreams"
	"github.com/orgctl/orgctl/pkg/sandbox"
)

const (
	qoveryToken = "qov_s3cr3t_api_token"
	vertraToken = "vtk_s3cr3t_api_token"
)

type result struct {
	code        int
	out, errOut string
}

// run runs orgctl in-process; stdin, when given, is a terminal's answer.
func run(t *testing.T, stdin string, tty bool, args ...string) result {
	t.Helper()
	ios, in, out, errOut := iostreams.Test()
	in.WriteString(stdin)
	ios.SetStdinTTY(tty)
	code := root.Run(context.Background(), ios, args)
	r := result{code, out.String(), errOut.String()}
	for _, secret := range []string{qoveryToken, vertraToken} {
		if strings.Contains(r.out+r.errOut, secret) {
			t.Fatalf("a token leaked into the output:\nstdout: %s\nstderr: %s", r.out, r.errOut)
		}
	}
	return r
}

// sandboxed points both providers at a fresh in-process sandbox.
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
	return sb
}

func write(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// seed creates organizations through the sandbox's API, as another tool
// would have; body is the JSON request.
func seed(t *testing.T, sb *sandbox.Running, prov, body string) {
	t.Helper()
	path := "/organization"
	if prov == "vertra" {
		path = "/v1/organizations"
	}
	send(t, sb, http.MethodPost, path, body)
}

// writes lists the requests that change something, as "METHOD path".
func writes(sb *sandbox.Running, from int) []string {
	var out []string
	for _, r := range sb.Server.Requests()[from:] {
		if r.Method != http.MethodGet {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

const tenants = `- {name: acme, provider: qovery, plan: TEAM_2025, admin_emails: [ops@acme.io]}
- {name: globex, provider: vertra, description: Globex, tags: [ci]}
`

func TestDiffOnAnEmptyAccountPlansCreatesAndExits8(t *testing.T) {
	sb := sandboxed(t)
	r := run(t, "", false, "diff", "-f", write(t, "t.yaml", tenants))
	want := `+ create    qovery/acme
      name: "acme"
      plan: "TEAM_2025"
      admin_emails: ["ops@acme.io"]
+ create    vertra/globex
      name: "globex"
      description: "Globex"
      tags: ["ci"]
Plan: 2 to create, 0 to update, 0 to delete, 0 unchanged.
`
	if r.code != 8 || r.out != want || r.errOut != "" {
		t.Errorf("exit %d\nstdout:\n%s\nstderr: %q", r.code, r.out, r.errOut)
	}
	if w := writes(sb, 0); len(w) != 0 {
		t.Errorf("diff wrote: %v", w)
	}
	// It read each provider's list once, with that provider's token.
	var reads []string
	for _, req := range sb.Server.Requests() {
		reads = append(reads, req.Method+" "+req.Path+" "+strings.Fields(req.Header.Get("Authorization"))[0])
	}
	sort.Strings(reads) // the providers are read concurrently
	if strings.Join(reads, ", ") != "GET /organization Token, GET /v1/organizations/all/@me Bearer" {
		t.Errorf("requests: %v", reads)
	}
}

func TestApplyCreatesThenNothingToDo(t *testing.T) {
	sb := sandboxed(t)
	file := write(t, "t.yaml", tenants)
	r := run(t, "", false, "apply", "-f", file, "-o", "json")
	if r.code != 0 || !strings.Contains(r.errOut, "Plan: 2 to create, 0 to update, 0 to delete, 0 unchanged.\n") ||
		!strings.Contains(r.errOut, "created 2, updated 0, deleted 0, failed 0 in ") {
		t.Fatalf("apply: exit %d\n%s\n%s", r.code, r.out, r.errOut)
	}
	lines := strings.Split(strings.TrimSpace(r.out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 result lines, got %q", r.out)
	}
	for _, l := range lines {
		var line struct {
			Action, Status, Name string
			Organization         *struct{ ID string }
		}
		if err := json.Unmarshal([]byte(l), &line); err != nil || line.Action != "create" || line.Status != "created" || line.Organization == nil || line.Organization.ID == "" {
			t.Errorf("result line %s (%v)", l, err)
		}
	}
	if w := writes(sb, 0); strings.Join(w, ", ") != "POST /organization, POST /v1/organizations" &&
		strings.Join(w, ", ") != "POST /v1/organizations, POST /organization" {
		t.Errorf("writes: %v", w)
	}

	n := len(sb.Server.Requests())
	r = run(t, "", false, "apply", "-f", file)
	if r.code != 0 || r.out != "" || r.errOut != "No changes: 0 to change, 2 unchanged.\n" {
		t.Errorf("re-run: exit %d %q %q", r.code, r.out, r.errOut)
	}
	r = run(t, "", false, "diff", "-f", file)
	if r.code != 0 || !strings.HasSuffix(r.out, "No changes: 0 to change, 2 unchanged.\n") {
		t.Errorf("diff after apply: exit %d %q", r.code, r.out)
	}
	if w := writes(sb, n); len(w) != 0 {
		t.Errorf("re-run wrote: %v", w)
	}
}

func TestDiffJSONIsOneDocument(t *testing.T) {
	sb := sandboxed(t)
	seed(t, sb, "vertra", `{"name":"globex","description":"old","tags":["ci"]}`)
	seed(t, sb, "qovery", `{"name":"ci-old","plan":"TEAM"}`)
	m := `prune: {match: "^ci-"}
organizations:
  - {name: acme, provider: qovery, plan: TEAM_2025}
  - {name: GLOBEX, provider: vertra}
`
	r := run(t, "", false, "diff", "-f", write(t, "t.yaml", m), "-o", "json")
	var doc struct {
		Summary map[string]int
		Actions []struct {
			Action, Provider, Name, ID string
			Index                      int
			Changes                    []struct {
				Field    string
				Old, New any
			}
		}
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil || r.code != 8 {
		t.Fatalf("exit %d: %v\n%s", r.code, err, r.out)
	}
	if s := doc.Summary; s["create"] != 1 || s["update"] != 1 || s["delete"] != 0 || s["orphans"] != 1 {
		t.Errorf("summary %v", s)
	}
	a := doc.Actions[1]
	if a.Action != "update" || a.Name != "GLOBEX" || a.ID == "" || a.Index != 2 || len(a.Changes) != 1 ||
		a.Changes[0].Field != "name" || a.Changes[0].Old != "globex" || a.Changes[0].New != "GLOBEX" {
		t.Errorf("update action %+v", a)
	}
	if r.errOut != "--prune would delete 1 organization the manifest owns but does not name.\n" {
		t.Errorf("stderr %q", r.errOut)
	}
}

// body finds the one write to a path prefix and returns its JSON body.
func body(t *testing.T, sb *sandbox.Running, from int, method, prefix string) map[string]any {
	t.Helper()
	var found []map[string]any
	for _, r := range sb.Server.Requests()[from:] {
		if r.Method == method && strings.HasPrefix(r.Path, prefix) {
			var m map[string]any
			if err := json.Unmarshal(r.Body, &m); err != nil {
				t.Fatalf("%s %s: %v", r.Method, r.Path, err)
			}
			found = append(found, m)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d %s %s requests, want 1", len(found), method, prefix)
	}
	return found[0]
}

func TestApplyUpdatesExactlyTheChangedFields(t *testing.T) {
	sb := sandboxed(t)
	seed(t, sb, "vertra", `{"name":"globex","description":"Globex","tags":["ci"]}`)
	seed(t, sb, "vertra", `{"name":"initech","description":"same","tags":["x"]}`)
	seed(t, sb, "vertra", `{"name":"hooli","description":"keep me","tags":["a","b"]}`)
	seed(t, sb, "qovery", `{"name":"acme","plan":"TEAM","description":"Acme","admin_emails":["ops@acme.io"]}`)
	m := `- {name: globex, provider: vertra, description: Globex Corp}
- {name: initech, provider: vertra, description: same, tags: [x]}
- {name: hooli, provider: vertra, description: "", tags: []}
- {name: acme, provider: qovery, plan: team_2025, admin_emails: [OPS@acme.io]}
`
	file := write(t, "m.yaml", m)
	r := run(t, "", false, "diff", "-f", file)
	for _, want := range []string{
		"~ update    vertra/globex   id org_", "      description: \"Globex\" → \"Globex Corp\"\n",
		"~ update    vertra/hooli    id org_", "      description: \"keep me\" → \"\"\n      tags: [\"a\", \"b\"] → []\n",
		"~ update    qovery/acme     id ", "      plan: \"TEAM\" → \"TEAM_2025\"\n",
		"= unchanged vertra/initech  id org_",
		"Plan: 0 to create, 3 to update, 0 to delete, 1 unchanged.\n",
	} {
		if !strings.Contains(r.out, want) {
			t.Errorf("diff lacks %q:\n%s", want, r.out)
		}
	}
	if r.code != 8 {
		t.Errorf("diff: exit %d", r.code)
	}

	n := len(sb.Server.Requests())
	r = run(t, "", false, "apply", "-f", file)
	if r.code != 0 || !strings.Contains(r.errOut, "created 0, updated 3, deleted 0, failed 0") {
		t.Fatalf("apply: exit %d\n%s\n%s", r.code, r.out, r.errOut)
	}
	// One write per changed organization, carrying only what changed
	// (Qovery's edit request needs name and plan, and every field not
	// changed, sent as it is).
	w := writes(sb, n)
	if len(w) != 3 {
		t.Errorf("writes: %v", w)
	}
	var vertra []string
	for _, req := range sb.Server.Requests()[n:] {
		if (req.Method == http.MethodPut || req.Method == http.MethodPatch) && strings.HasPrefix(req.Path, "/v1/organizations/org_") {
			var m map[string]any
			_ = json.Unmarshal(req.Body, &m)
			b, _ := json.Marshal(m) // keys sorted
			vertra = append(vertra, string(b))
		}
	}
	sort.Strings(vertra)
	if want := []string{`{"description":"","tags":[]}`, `{"description":"Globex Corp"}`}; !reflect.DeepEqual(vertra, want) {
		t.Errorf("vertra bodies:\n got %q\nwant %q", vertra, want)
	}
	q := body(t, sb, n, http.MethodPut, "/organization/")
	if q["name"] != "acme" || q["plan"] != "TEAM_2025" || q["description"] != "Acme" {
		t.Errorf("qovery body %v", q)
	}
	r = run(t, "", false, "diff", "-f", file)
	if r.code != 0 {
		t.Errorf("diff after apply: exit %d\n%s", r.code, r.out)
	}
}

func TestRenameByPinnedID(t *testing.T) {
	sb := sandboxed(t)
	seed(t, sb, "vertra", `{"name":"ci-old"}`)
	id := ""
	r := run(t, "", false, "list", "--provider", "vertra", "-o", "json")
	var orgs []struct{ ID string }
	if err := json.Unmarshal([]byte(r.out), &orgs); err != nil || len(orgs) != 1 {
		t.Fatalf("list: %v %s", err, r.out)
	}
	id = orgs[0].ID
	m := write(t, "m.yaml", "prune: {match: '^ci-'}\norganizations:\n- {id: "+id+", name: ci-new, provider: vertra}\n")
	n := len(sb.Server.Requests())
	r = run(t, "", false, "apply", "-f", m, "--prune", "--yes")
	if r.code != 0 || !strings.Contains(r.errOut, "created 0, updated 1, deleted 0, failed 0") {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	if w := writes(sb, n); len(w) != 1 || !strings.HasSuffix(w[0], "/v1/organizations/"+id) {
		t.Errorf("a rename is one update, not a delete and a create: %v", w)
	}
}

// TestCreateClearsWhatTheAPIFilledIn: VertraCloud gives an organization
// created without a description or tags its defaults; an entry that sets
// them empty gets them cleared, so a re-run has nothing to do.
func TestCreateClearsWhatTheAPIFilledIn(t *testing.T) {
	sb := sandboxed(t)
	file := write(t, "m.yaml", "- {name: bare, provider: vertra, description: '', tags: []}\n- {name: defaults, provider: vertra}\n")
	r := run(t, "", false, "apply", "-f", file)
	if r.code != 0 || !strings.Contains(r.errOut, "created 2, updated 0") {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	if w := writes(sb, 0); len(w) != 3 {
		t.Errorf("writes %v: want two creates and one update", w)
	}
	r = run(t, "", false, "diff", "-f", file)
	if r.code != 0 {
		t.Errorf("diff after apply: exit %d\n%s", r.code, r.out)
	}
}

func TestPruneNeedsOwnershipAndConfirmation(t *testing.T) {
	sb := sandboxed(t)
	list := write(t, "l.yaml", tenants)
	owned := write(t, "o.yaml", "prune: {match: '^ci-'}\norganizations:\n- {name: ci-a, provider: vertra}\n")
	for _, tt := range []struct {
		args  []string
		tty   bool
		stdin string
		want  string
	}{
		{[]string{"diff", "-f", list, "--prune"}, false, "", "error: --prune: manifest " + list + " does not say which organizations it owns: add prune: {match: REGEX} (see orgctl apply --help)\n"},
		{[]string{"apply", "-f", owned, "--prune"}, false, "", "error: refusing to prune without confirmation: standard input is not a terminal; pass --yes\n"},
	} {
		r := run(t, tt.stdin, tt.tty, tt.args...)
		if r.code != 2 || r.errOut != tt.want || r.out != "" {
			t.Errorf("%v: exit %d %q", tt.args, r.code, r.errOut)
		}
	}
	if n := len(sb.Server.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}

	// On a terminal, anything but "yes" deletes nothing.
	seed(t, sb, "vertra", `{"name":"ci-b"}`)
	n := len(sb.Server.Requests())
	r := run(t, "no\n", true, "apply", "-f", owned, "--prune")
	if r.code != 2 || !strings.Contains(r.errOut, "--prune deletes 1 organization, which cannot be undone:\n  - vertra ci-b (id org_") ||
		!strings.HasSuffix(r.errOut, "error: not confirmed: nothing was changed\n") {
		t.Errorf("declined: exit %d %q", r.code, r.errOut)
	}
	if w := writes(sb, n); len(w) != 0 {
		t.Errorf("declined prune wrote: %v", w)
	}
}

func TestPruneDeletesOnlyOwned(t *testing.T) {
	sb := sandboxed(t)
	for _, name := range []string{"ci-keep", "ci-gone", "CI-upper", "prod"} {
		seed(t, sb, "vertra", `{"name":"`+name+`"}`)
	}
	seed(t, sb, "qovery", `{"name":"ci-q","plan":"TEAM"}`)
	m := write(t, "m.yaml", "prune: {vertra: {match: '^ci-'}}\norganizations:\n- {name: ci-keep, provider: vertra}\n- {name: ci-new, provider: vertra}\n")
	n := len(sb.Server.Requests())
	r := run(t, "yes\n", true, "apply", "-f", m, "--prune")
	if r.code != 0 || !strings.Contains(r.errOut, "created 1, updated 0, deleted 1, failed 0") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.out, r.errOut)
	}
	// Creates first, then the delete; CI-upper (no match: case counts),
	// prod and everything on Qovery (no rule there) are left alone.
	w := writes(sb, n)
	if len(w) != 2 || w[0] != "POST /v1/organizations" || !strings.HasPrefix(w[1], "DELETE /v1/organizations/org_") {
		t.Errorf("writes: %v", w)
	}
	r = run(t, "", false, "diff", "-f", m, "--prune")
	if r.code != 0 {
		t.Errorf("diff after prune: exit %d\n%s", r.code, r.out)
	}
}

func TestBadManifestSendsNothing(t *testing.T) {
	sb := sandboxed(t)
	m := `- {name: a, provider: vertra, plan: TEAM}
- {name: b, provider: qovery, plan: GOLD}
- {name: c}
- {name: d, provider: vertra}
- {name: D, provider: vertra}
`
	r := run(t, "", false, "diff", "-f", write(t, "m.yaml", m))
	for _, want := range []string{
		"error: entry 1 (line 1): plan is not supported by provider vertra\n",
		`error: entry 2 (line 2): plan "GOLD" is not a Qovery plan`,
		"error: entry 3 (line 3): no provider: set provider in the entry, or --provider\n",
		"error: 3 problems in 5 entries: nothing was changed\n",
	} {
		if !strings.Contains(r.errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.errOut)
		}
	}
	if r.code != 2 || len(sb.Server.Requests()) != 0 {
		t.Errorf("exit %d, %d requests", r.code, len(sb.Server.Requests()))
	}
	// Problems only the current state reveals are found before any write.
	r = run(t, "", false, "apply", "-f", write(t, "m.yaml", "- {name: d, provider: vertra}\n- {name: D, provider: vertra}\n- {name: x, id: nope, provider: vertra}\n"))
	want := `error: entry 2 (line 2): name "D" repeats entry 1 (vertra compares names case-insensitively)
error: entry 3 (line 3): id "nope": no such organization on vertra
error: 2 problems in 3 entries: nothing was changed
`
	if r.code != 2 || r.errOut != want {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.errOut)
	}
	// A Qovery entry needs a plan only to be created.
	seed(t, sb, "qovery", `{"name":"old","plan":"TEAM"}`)
	r = run(t, "", false, "apply", "-f", write(t, "m.yaml", "- {name: old, provider: qovery}\n- {name: new, provider: qovery}\n"))
	if r.code != 2 || r.errOut != "error: entry 2 (line 2): plan is required to create \"new\" on qovery (set plan in the entry, or qovery.plan in the config file)\nerror: 1 problem in 2 entries: nothing was changed\n" {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.errOut)
	}
	if w := writes(sb, 0); len(w) != 1 {
		t.Errorf("writes %v (the seed only)", w)
	}
}

// TestListFailureChangesNothing: a provider that cannot be read leaves the
// plan unknown, so nothing is written anywhere.
func TestListFailureChangesNothing(t *testing.T) {
	testenv.Isolate(t)
	broken := testhttp.New(t, http.StatusBadGateway, "upstream down")
	sb, err := sandbox.Start(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	t.Setenv("ORGCTL_QOVERY_URL", broken.URL)
	t.Setenv("ORGCTL_VERTRA_URL", sb.URL)
	t.Setenv("ORGCTL_QOVERY_TOKEN", qoveryToken)
	t.Setenv("ORGCTL_VERTRA_TOKEN", vertraToken)
	r := run(t, "", false, "--retries", "0", "apply", "-f", write(t, "t.yaml", tenants))
	if r.code != 6 || !strings.Contains(r.errOut, "error: listing the organizations on Qovery: ") || r.out != "" {
		t.Errorf("exit %d %q", r.code, r.errOut)
	}
	for _, req := range append(broken.Requests(), toTestHTTP(sb.Server.Requests())...) {
		if req.Method != http.MethodGet {
			t.Errorf("wrote %s %s", req.Method, req.Path)
		}
	}
}

func toTestHTTP(reqs []sandbox.Request) []testhttp.Request {
	out := make([]testhttp.Request, len(reqs))
	for i, r := range reqs {
		out[i] = testhttp.Request{Method: r.Method, Path: r.Path, Body: string(bytes.Clone(r.Body))}
	}
	return out
}

func TestMissingTokenIsExit3(t *testing.T) {
	testenv.Isolate(t)
	r := run(t, "", false, "diff", "-f", write(t, "t.yaml", tenants))
	if r.code != 3 || !strings.Contains(r.errOut, "error: no Qovery token") {
		t.Errorf("exit %d %q", r.code, r.errOut)
	}
}

func TestJQAndTable(t *testing.T) {
	sb := sandboxed(t)
	file := write(t, "t.yaml", tenants)
	r := run(t, "", false, "diff", "-f", file, "--jq", ".summary.create")
	if r.code != 8 || r.out != "2\n" {
		t.Errorf("diff --jq: exit %d %q %q", r.code, r.out, r.errOut)
	}
	r = run(t, "", false, "apply", "-f", file, "--jq", `.action + " " + .name + " " + .status`)
	lines := strings.Split(strings.TrimSpace(r.out), "\n")
	sort.Strings(lines)
	if r.code != 0 || strings.Join(lines, ",") != "create acme created,create globex created" {
		t.Errorf("apply --jq: exit %d %q %q", r.code, r.out, r.errOut)
	}
	seed(t, sb, "vertra", `{"name":"initech"}`)
	r = run(t, "", false, "apply", "-f", write(t, "m.yaml", "- {name: initech, provider: vertra, description: Initech}\n"))
	if r.code != 0 || !strings.HasPrefix(r.out, "INDEX  ACTION  NAME     PROVIDER  STATUS   ID / ERROR\n1      update  initech  vertra    updated  org_") {
		t.Errorf("apply table: exit %d\n%s", r.code, r.out)
	}
}

// TestFailedUpdateHoldsBackDeletes: a server that fails an update (HTTP
// 500) fails that change, exit 6, and the deletes do not start: a prune
// never runs on top of a half-applied manifest.
func TestFailedUpdateHoldsBackDeletes(t *testing.T) {
	sb := sandboxed(t)
	seed(t, sb, "vertra", `{"name":"ci-a","description":"old"}`)
	seed(t, sb, "vertra", `{"name":"ci-b"}`)
	sb.Server.AddFault(sandbox.Fault{Method: http.MethodPut, Status: http.StatusInternalServerError})
	sb.Server.AddFault(sandbox.Fault{Method: http.MethodPatch, Status: http.StatusInternalServerError})
	m := write(t, "m.yaml", "prune: {match: '^ci-'}\norganizations:\n- {name: ci-a, provider: vertra, description: new}\n")
	n := len(sb.Server.Requests())
	r := run(t, "", false, "--retries", "0", "apply", "-f", m, "--prune", "--yes", "-o", "json")
	if r.code != 6 || !strings.Contains(r.errOut, "created 0, updated 0, deleted 0, failed 1, not started 1") ||
		!strings.Contains(r.errOut, "1 deletion not started because a change failed: fix it and apply again.\n") {
		t.Errorf("exit %d\n%s", r.code, r.errOut)
	}
	var line struct {
		Action, Status string
		Error          struct {
			ExitCode int `json:"exit_code"`
		}
	}
	if err := json.Unmarshal([]byte(r.out), &line); err != nil || line.Action != "update" || line.Status != "failed" || line.Error.ExitCode != 6 {
		t.Errorf("result %q (%v)", r.out, err)
	}
	for _, w := range writes(sb, n) {
		if strings.HasPrefix(w, "DELETE") {
			t.Errorf("deleted after a failure: %s", w)
		}
	}
	if len(sb.Server.Organizations()) != 2 {
		t.Errorf("%d organizations left, want 2", len(sb.Server.Organizations()))
	}
}

// TestDiffIsColouredOnATerminal: + ~ - = in green, yellow, red and faint.
func TestDiffIsColouredOnATerminal(t *testing.T) {
	sb := sandboxed(t)
	seed(t, sb, "vertra", `{"name":"old","description":"x"}`)
	seed(t, sb, "vertra", `{"name":"same","description":"x"}`)
	seed(t, sb, "vertra", `{"name":"ci-gone"}`)
	m := write(t, "m.yaml", "prune: {match: '^ci-'}\norganizations:\n- {name: new, provider: vertra}\n- {name: old, provider: vertra, description: y}\n- {name: same, provider: vertra, description: x}\n")
	ios, _, out, _ := iostreams.Test()
	ios.SetTTY(true)
	code := root.Run(context.Background(), ios, []string{"diff", "-f", m, "--prune"})
	for _, want := range []string{"\x1b[32m+ create", "\x1b[33m~ update", "\x1b[31m- delete", "\x1b[2m= unchanged"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in %q", want, out.String())
		}
	}
	if code != 8 {
		t.Errorf("exit %d", code)
	}
}
