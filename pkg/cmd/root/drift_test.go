package root

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/orgctl/orgctl/pkg/internal/testenv"
	"github.com/orgctl/orgctl/pkg/iostreams"
)

// A provider's answers, as documented, for one organization: what the list
// holds and what get answers. Each test below changes one member's type.
const (
	driftQoveryID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
	// Qovery's Organization (openapi.yaml, Qovery/qovery-openapi-spec at 651aed5).
	driftQovery = `{"id":"` + driftQoveryID + `","created_at":"2023-11-07T05:31:56Z","updated_at":"2023-11-07T05:31:56Z",
"name":"acme","description":"Acme","plan":"TEAM_2025","website_url":"https://acme.io","repository":null,"logo_url":null,"icon_url":null,
"admin_emails":["ops@acme.io"],"owner":"owner-uuid","billing_deployment_restriction":null,
"organization_plan":{"plan":"TEAM_2025","audit_logs_retention_in_days":30}}`
	// VertraCloud's organization (organizations/get.mdx, vertracloud/docs at f991f03).
	driftVertra = `{"id":"org123","name":"acme","description":"Acme","tags":["ci","prod"],"owner_id":"42","plan_id":1,
"members":[{"user_id":"42","role":"owner","joined_at":"2025-08-14T19:58:00Z"}],
"applications":[{"id":"app1","name":"api","status":"up"}],"databases":[],
"created_at":"2025-08-14T19:58:00Z","updated_at":"2025-08-14T19:58:00Z"}`
	// VertraCloud's APIWorkspace (list) and APIWorkspaceInfoResponse (get)
	// (vertracloud/api-types payloads/v1/workspace.ts at 1e0867d).
	driftWorkspace = `{"id":"ws1","name":"acme","description":"Acme","owner_id":"42","members_count":1,"frozen":false,"owner_plan_id":5,
"created_at":"2026-09-01T12:00:00Z","updated_at":"2026-09-01T12:00:00Z"}`
	driftWorkspaceInfo = `{"id":"ws1","name":"acme","description":"Acme","owner_id":"42","members_count":1,"frozen":false,
"created_at":"2026-09-01T12:00:00Z","updated_at":"2026-09-01T12:00:00Z",
"members":[{"user_id":"42","role_id":"r1","role_name":"Admin","joined_at":"2026-09-01T12:00:00Z","expires_at":null,"user":{"display_name":"Alice","email":"alice@acme.io"}}],
"roles":[{"id":"r1","name":"Admin","permissions":["apps:read"],"preset":"admin","members_count":1}],
"applications":[],"databases":[],"permissions":["apps:read"],"is_owner":true,"owner_plan_id":5}`
)

// driftAPI is one provider's routes around an organization whose list
// item and get answer are given.
type driftAPI struct {
	name, env       string // provider, and the environment it needs
	id              string
	listPath        string
	itemPath        string
	list, item      func(org string) string // the list and get answers holding org
	deleted         string                  // the delete answer
	listOrg, getOrg string                  // the real organization, as list and get give it
}

var driftAPIs = []driftAPI{
	{name: "qovery", id: driftQoveryID, listPath: "/organization", itemPath: "/organization/" + driftQoveryID,
		list: func(o string) string { return `{"results":[` + o + `]}` }, item: func(o string) string { return o },
		listOrg: driftQovery, getOrg: driftQovery},
	{name: "vertra", env: "organizations", id: "org123", listPath: "/v1/organizations/all/@me", itemPath: "/v1/organizations/org123",
		list:    func(o string) string { return `{"status":"success","response":[` + o + `]}` },
		item:    func(o string) string { return `{"status":"success","response":` + o + `}` },
		deleted: `{"status":"success","message":"ORGANIZATION_DELETED"}`, listOrg: driftVertra, getOrg: driftVertra},
	{name: "vertra", env: "workspaces", id: "ws1", listPath: "/v1/workspaces", itemPath: "/v1/workspaces/ws1",
		list:    func(o string) string { return `{"response":[` + o + `]}` },
		item:    func(o string) string { return `{"response":` + o + `}` },
		deleted: `{"response":null}`, listOrg: driftWorkspace, getOrg: driftWorkspaceInfo},
}

// mutations gives, for a member's value, values of other types.
func mutations(v any) map[string]any {
	out := map[string]any{"null": nil, "an object": map[string]any{"x": 1}, "a list": []any{1, "x"}}
	switch v.(type) {
	case string:
		out["a number"] = 7
		out["a bool"] = true
	case float64:
		out["a string"] = "1"
	case bool:
		out["a string"] = "yes"
	case []any:
		out["a string"] = "x"
		delete(out, "a list")
	case map[string]any:
		out["a string"] = "x"
		delete(out, "an object")
	case nil:
		out["a string"] = "x"
		delete(out, "null")
	}
	return out
}

// mutate returns org with member key set to v (absent when remove).
func mutate(t *testing.T, org, key string, v any, remove bool) string {
	var m map[string]any
	if err := json.Unmarshal([]byte(org), &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m[key]; !ok {
		return org // not a member of this answer
	}
	if remove {
		delete(m, key)
	} else {
		m[key] = v
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// TestAnswersThatDriftStillWork: an organization whose non-essential member
// has another type than documented (a number as a string, a list as null,
// an object, a string…) is still listed, shown and deleted, with the exact
// requests of an ordinary run; an id or name of another type, or missing,
// is an unreadable answer (exit 6).
func TestAnswersThatDriftStillWork(t *testing.T) {
	for _, api := range driftAPIs {
		keys := map[string]bool{}
		for _, org := range []string{api.listOrg, api.getOrg} {
			var m map[string]any
			if err := json.Unmarshal([]byte(org), &m); err != nil {
				t.Fatal(err)
			}
			for k := range m {
				keys[k] = true
			}
		}
		for key := range keys {
			var sample any
			for _, org := range []string{api.listOrg, api.getOrg} {
				var m map[string]any
				_ = json.Unmarshal([]byte(org), &m)
				if v, ok := m[key]; ok {
					sample = v
				}
			}
			cases := mutations(sample)
			switch key {
			case "id", "name":
				cases["absent"] = nil
			case "members": // inside the list: a role orgctl does not know, or not a string
				cases["a member with an unknown role"] = []any{map[string]any{"user_id": "42", "role": "superowner", "joined_at": "2025-08-14T19:58:00Z"}}
				cases["a member whose role and id are numbers"] = []any{map[string]any{"user_id": 42, "role": 7, "role_name": 7}}
			case "created_at":
				cases["an unparseable time"] = "yesterday"
			}
			for what, v := range cases {
				t.Run(api.name+"/"+api.env+"/"+key+" as "+what, func(t *testing.T) {
					listOrg := mutate(t, api.listOrg, key, v, what == "absent")
					getOrg := mutate(t, api.getOrg, key, v, what == "absent")
					essential := key == "id" || key == "name"
					driftRun(t, api, listOrg, getOrg, essential)
				})
			}
		}
	}
}

func driftRun(t *testing.T, api driftAPI, listOrg, getOrg string, essential bool) {
	var mu sync.Mutex
	var requests []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests = append(requests, r.Method+" "+r.URL.Path)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodGet && r.URL.Path == api.listPath:
			io.WriteString(w, api.list(listOrg))
		case r.Method == http.MethodGet && r.URL.Path == api.itemPath:
			io.WriteString(w, api.item(getOrg))
		case r.Method == http.MethodDelete && r.URL.Path == api.itemPath:
			if api.deleted == "" {
				w.WriteHeader(http.StatusNoContent)
			}
			io.WriteString(w, api.deleted)
		default:
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"status":"error","code":"ORGANIZATION_NOT_FOUND"}`)
		}
	}))
	defer srv.Close()
	testenv.Isolate(t)
	if api.name == "qovery" {
		t.Setenv("ORGCTL_QOVERY_URL", srv.URL)
		t.Setenv("ORGCTL_QOVERY_TOKEN", "qov_drift_token")
	} else {
		t.Setenv("ORGCTL_VERTRA_URL", srv.URL)
		t.Setenv("ORGCTL_VERTRA_TOKEN", "vtk_drift_token")
		t.Setenv("ORGCTL_VERTRA_API", api.env)
	}
	run := func(args ...string) (int, string, string) {
		ios, _, out, errOut := iostreams.Test()
		code := Run(context.Background(), ios, append(args, "--provider", api.name))
		if strings.Contains(out.String()+errOut.String(), "_drift_token") {
			t.Fatalf("the token reached the output:\n%s\n%s", out, errOut)
		}
		return code, out.String(), errOut.String()
	}
	taken := func() []string {
		mu.Lock()
		defer mu.Unlock()
		r := requests
		requests = nil
		return r
	}
	steps := []struct {
		args     []string
		requests []string
	}{
		{[]string{"list", "-o", "json"}, []string{"GET " + api.listPath}},
		{[]string{"get", api.id, "-o", "json"}, []string{"GET " + api.itemPath}},
		{[]string{"delete", api.id, "--yes"}, []string{"GET " + api.itemPath, "DELETE " + api.itemPath}},
		{[]string{"get", api.id}, []string{"GET " + api.itemPath}}, // the table shows it too
		{[]string{"list", "-o", "wide"}, []string{"GET " + api.listPath}},
	}
	for i, s := range steps {
		code, out, errOut := run(s.args...)
		got := taken()
		if essential {
			if i >= 2 {
				break // delete and the tables look it up as get and list do
			}
			if code != 6 || !strings.Contains(errOut, "unreadable") || out != "" && out != "[]\n" && out != "[\n" {
				t.Errorf("%s: exit %d, want 6 (unreadable)\nstdout %q\nstderr %q", s.args[0], code, out, errOut)
			}
			continue
		}
		if code != 0 || !slices.Equal(got, s.requests) {
			t.Errorf("%s: exit %d, requests %q, want %q\nstdout %s\nstderr %s", s.args[0], code, got, s.requests, out, errOut)
			continue
		}
		if i < 2 && (!strings.Contains(out, `"id": "`+api.id+`"`) || !strings.Contains(out, `"name": "acme"`) || errOut != "") ||
			i > 2 && (!strings.Contains(out, api.id) || !strings.Contains(out, "acme") || errOut != "") {
			t.Errorf("%s: stdout %s\nstderr %q", s.args[0], out, errOut)
		}
	}
}
