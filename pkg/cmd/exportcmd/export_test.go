package exportcmd_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/cmd/root"
	"github.com/orgctl/orgctl/pkg/internal/testenv"
	"github.com/orgctl/orgctl/pkg/internal/testhttp"
	"github.com/orgctl/orgctl/pkg/iostreams"
	"github.com/orgctl/orgctl/pkg/manifest"
)

const (
	qoveryToken = "qov_export_test_token"
	vertraToken = "vtk_export_test_token"
)

type result struct {
	code        int
	out, errOut string
}

func run(t *testing.T, args ...string) result {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	code := root.Run(context.Background(), ios, args)
	r := result{code, out.String(), errOut.String()}
	for _, secret := range []string{qoveryToken, vertraToken} {
		if strings.Contains(r.out+r.errOut, secret) {
			t.Fatalf("a token leaked into the output:\nstdout: %s\nstderr: %s", r.out, r.errOut)
		}
	}
	return r
}

func write(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The lists below hold every shape a field comes in: null, empty, a value,
// text YAML would misread unquoted, unicode, a deprecated plan, and values
// apply refuses (left out of their entry with a warning, so the round
// trip still holds).
const hostileDescription = "He said \"hi\": # not a comment\n- not an item\n  indented, trailing space \nkey: value\ttab 'single' \\ back\u202eslash ünï 日本\n"

var qoveryList = `{"results": [
 {"id":"00000000-0000-4000-8000-000000000001","name":"bare","plan":"TEAM_2025","created_at":"2024-01-01T00:00:00Z",
  "description":null,"website_url":null,"repository":null,"logo_url":null,"icon_url":null,"admin_emails":null},
 {"id":"00000000-0000-4000-8000-000000000002","name":"empty","plan":"team_2025","created_at":"2024-01-01T00:00:00Z",
  "description":"","website_url":"","repository":"","logo_url":"","icon_url":"","admin_emails":[]},
 {"id":"00000000-0000-4000-8000-000000000003","name":"Ünïcødé 日本 acme","plan":"FREE","created_at":"2024-01-01T00:00:00Z",
  "description":` + jsonString(hostileDescription) + `,"website_url":"https://acme.example/?a=1&b=#x","repository":"https://git.example/acme",
  "logo_url":"https://cdn.example/logo.png","icon_url":"https://cdn.example/icon.png","admin_emails":["Ops@Acme.io","dev@acme.io"]},
 {"id":"00000000-0000-4000-8000-000000000004","name":"null","plan":"ENTERPRISE","created_at":"2024-01-01T00:00:00Z","description":"~"},
 {"id":"00000000-0000-4000-8000-000000000005","name":"- x: #y","plan":"BUSINESS_2025","created_at":"2024-01-01T00:00:00Z","description":"123"},
 {"id":"00000000-0000-4000-8000-000000000006","name":"true","plan":"STARTER_2099","created_at":"2024-01-01T00:00:00Z",
  "website_url":"ftp://not-http.example","admin_emails":["Ops <ops@acme.io>"]},
 {"id":"00000000-0000-4000-8000-000000000007","name":"no plan","plan":"","created_at":"2024-01-01T00:00:00Z"}
]}`

var vertraOrganizations = `{"status":"success","response":[
 {"id":"org_1","name":"bare","description":null,"tags":null,"owner_id":"1","created_at":"2024-01-01T00:00:00Z"},
 {"id":"org_2","name":"empty","description":"","tags":[],"owner_id":"1","created_at":"2024-01-01T00:00:00Z"},
 {"id":"org_3","name":"Ünïcødé 日本","description":` + jsonString(hostileDescription) + `,"tags":["managed-by:orgctl","日本","dup","dup","yes"],"owner_id":"1"},
 {"id":"org_4","name":"null","description":"` + strings.Repeat("x", 201) + `","tags":["a,b"," padded"],"owner_id":"1"},
 {"id":"org_5","name":"#1: yes","description":"no","tags":["true"],"owner_id":"1"}
]}`

var vertraWorkspaces = `{"status":"success","response":[
 {"id":"ws_1","name":"bare","description":null,"owner_id":"1","owner_plan_id":1},
 {"id":"ws_2","name":"empty","description":"","owner_id":"1"},
 {"id":"ws_3","name":"Ünïcødé 日本","description":` + jsonString(hostileDescription) + `,"owner_id":"1"},
 {"id":"ws_4","name":"~","description":"null","owner_id":"1"}
]}`

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// account serves one provider's list, and only that: any other request
// (a write) gets a 500, and the test checks what was asked.
type account struct {
	provider, generation string // generation: vertra.api
	list                 string
	listPath             string
	// warnings are what export says it left out, and leftOut the fields
	// by organization name.
	warnings []string
	leftOut  map[string][]string
}

// fields are the keys an entry of a has.
func (a account) fields() []string {
	switch {
	case a.provider == "qovery":
		return []string{"plan", "description", "website_url", "repository", "logo_url", "icon_url", "admin_emails"}
	case a.generation == "workspaces":
		return []string{"description"}
	}
	return []string{"description", "tags"}
}

// field is an entry's value by key, lists joined by "|", and whether the
// entry sets it.
func field(e manifest.Entry, key string) (string, bool) {
	switch key {
	case "plan":
		return e.Plan, e.Set.Has(manifest.FieldPlan)
	case "description":
		return e.Description, e.Set.Has(manifest.FieldDescription)
	case "website_url":
		return e.WebsiteURL, e.Set.Has(manifest.FieldWebsiteURL)
	case "repository":
		return e.Repository, e.Set.Has(manifest.FieldRepository)
	case "logo_url":
		return e.LogoURL, e.Set.Has(manifest.FieldLogoURL)
	case "icon_url":
		return e.IconURL, e.Set.Has(manifest.FieldIconURL)
	case "admin_emails":
		return strings.Join(e.AdminEmails, "|"), e.Set.Has(manifest.FieldAdminEmails)
	case "tags":
		return strings.Join(e.Tags, "|"), e.Set.Has(manifest.FieldTags)
	}
	panic(key)
}

// serverValue is what the list says of key, null as empty, lists joined
// by "|".
func serverValue(org map[string]any, key string) string {
	switch v := org[key].(type) {
	case string:
		return v
	case []any:
		var items []string
		for _, item := range v {
			items = append(items, item.(string))
		}
		return strings.Join(items, "|")
	}
	return ""
}

var accounts = []account{
	{provider: "qovery", list: qoveryList, listPath: "/organization", leftOut: map[string][]string{
		"true": {"plan", "website_url", "admin_emails"}, "no plan": {"plan"},
	}, warnings: []string{
		`warning: qovery organization "true" (id "00000000-0000-4000-8000-000000000006"): plan left out (apply leaves it alone): plan "STARTER_2099" is not a Qovery plan`,
		`warning: qovery organization "true" (id "00000000-0000-4000-8000-000000000006"): website_url left out (apply leaves it alone): website-url "ftp://not-http.example" must be an absolute http:// or https:// URL`,
		`warning: qovery organization "true" (id "00000000-0000-4000-8000-000000000006"): admin_emails left out (apply leaves it alone): admin-email "Ops <ops@acme.io>" is not a valid e-mail address`,
	}},
	{provider: "vertra", generation: "organizations", list: vertraOrganizations, listPath: "/v1/organizations/all/@me", leftOut: map[string][]string{
		"null": {"description", "tags"},
	}, warnings: []string{
		`warning: vertra organization "null" (id "org_4"): description left out (apply leaves it alone): description is 201 characters long; the maximum is 200`,
		`warning: vertra organization "null" (id "org_4"): tags left out (apply leaves it alone): a manifest cannot hold the item "a,b"`,
	}},
	{provider: "vertra", generation: "workspaces", list: vertraWorkspaces, listPath: "/v1/workspaces"},
}

// serve points the provider at a server answering its list, isolated from
// the developer's settings.
func (a account) serve(t *testing.T) *testhttp.Server {
	t.Helper()
	testenv.Isolate(t)
	srv := testhttp.New(t, http.StatusOK, a.list)
	if a.provider == "qovery" {
		t.Setenv("ORGCTL_QOVERY_URL", srv.URL)
		t.Setenv("ORGCTL_QOVERY_TOKEN", qoveryToken)
	} else {
		t.Setenv("ORGCTL_VERTRA_URL", srv.URL)
		t.Setenv("ORGCTL_VERTRA_TOKEN", vertraToken)
		t.Setenv("ORGCTL_VERTRA_API", a.generation)
	}
	return srv
}

func (a account) name() string { return strings.TrimSuffix(a.provider+"/"+a.generation, "/") }

// TestExportThenDiffFindsNothingToDo is the promise: `export > m && diff
// -f m` exits 0, on both providers and both VertraCloud generations, in
// both formats, with and without the prune rule (diff --prune then finds
// nothing it owns and does not name). Only the two lists are read.
func TestExportThenDiffFindsNothingToDo(t *testing.T) {
	for _, a := range accounts {
		for _, format := range []string{"yaml", "json"} {
			for _, own := range []bool{false, true} {
				name := a.name() + "/" + format
				if own {
					name += "/own"
				}
				t.Run(name, func(t *testing.T) {
					srv := a.serve(t)
					args := []string{"export", "--provider", a.provider, "-o", format}
					if own {
						args = append(args, "--own")
					}
					r := run(t, args...)
					if r.code != 0 {
						t.Fatalf("export: exit %d\n%s", r.code, r.errOut)
					}
					for _, w := range a.warnings {
						if !strings.Contains(r.errOut, w) {
							t.Errorf("export's stderr lacks %q:\n%s", w, r.errOut)
						}
					}
					if got := strings.Count(r.errOut, "warning:"); got != len(a.warnings) {
						t.Errorf("%d warnings, want %d:\n%s", got, len(a.warnings), r.errOut)
					}
					m := write(t, "m."+format, r.out)
					diff := []string{"diff", "-f", m}
					if own {
						diff = append(diff, "--prune")
					}
					d := run(t, diff...)
					if d.code != 0 || strings.Contains(d.errOut, "error:") || !strings.Contains(d.out, "No changes: 0 to change") {
						t.Fatalf("diff of the export: exit %d\nstdout:\n%s\nstderr:\n%s\nmanifest:\n%s", d.code, d.out, d.errOut, r.out)
					}
					reqs := srv.Requests()
					if len(reqs) != 2 {
						t.Fatalf("%d requests, want the list twice: %v", len(reqs), reqs)
					}
					for _, req := range reqs {
						if req.Method != http.MethodGet || req.Path != a.listPath {
							t.Errorf("request %s %s, want GET %s", req.Method, req.Path, a.listPath)
						}
					}
				})
			}
		}
	}
}

// TestExportedValuesAreTheServersValues reads the export back with the
// manifest parser apply uses: each entry is pinned by id and holds the
// server's values exactly (null read as empty), so the round trip is not
// only two wrongs agreeing.
func TestExportedValuesAreTheServersValues(t *testing.T) {
	for _, a := range accounts {
		for _, format := range []string{"yaml", "json"} {
			t.Run(a.name()+"/"+format, func(t *testing.T) {
				a.serve(t)
				r := run(t, "export", "--provider", a.provider, "-o", format, "--own")
				if r.code != 0 {
					t.Fatalf("exit %d\n%s", r.code, r.errOut)
				}
				doc, err := manifest.ParseDocument(strings.NewReader(r.out), format)
				if err != nil {
					t.Fatalf("%v\n%s", err, r.out)
				}
				var server struct {
					Results  []map[string]any `json:"results"`
					Response []map[string]any `json:"response"`
				}
				if err := json.Unmarshal([]byte(a.list), &server); err != nil {
					t.Fatal(err)
				}
				orgs := append(server.Results, server.Response...)
				if len(doc.Entries) != len(orgs) {
					t.Fatalf("%d entries for %d organizations", len(doc.Entries), len(orgs))
				}
				for i, e := range doc.Entries {
					org := orgs[i]
					if e.ID != org["id"] || e.Name != org["name"] || e.Provider != a.provider || !e.Set.Has(manifest.FieldID|manifest.FieldName|manifest.FieldProvider) {
						t.Errorf("entry %d: id %q name %q provider %q, want %v", i+1, e.ID, e.Name, e.Provider, org)
					}
					for _, key := range a.fields() {
						have, set := field(e, key)
						left := slices.Contains(a.leftOut[e.Name], key)
						switch want := serverValue(org, key); {
						case left && set:
							t.Errorf("%s: %s is %q, want it left out", e.Name, key, have)
						case !left && !set:
							t.Errorf("%s: %s left out, want %q", e.Name, key, want)
						case !left && key == "plan" && !strings.EqualFold(have, want), !left && key != "plan" && have != want:
							t.Errorf("%s: %s is %q, want %q", e.Name, key, have, want)
						}
					}
					if !slices.Contains(a.fields(), "tags") && e.Set.Has(manifest.FieldTags) {
						t.Errorf("%s: tags %q on a provider without them", e.Name, e.Tags)
					}
				}
				want := "^"
				if doc.Prune == nil || doc.Prune.Providers[a.provider].Match == nil || doc.Prune.Providers[a.provider].Match.String() != want || doc.Prune.All.Match != nil {
					t.Errorf("prune %+v, want {%s: {match: %q}}", doc.Prune, a.provider, want)
				}
			})
		}
	}
}
