package e2e

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/sandbox"
)

func decode(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, s)
	}
}

func TestIfNotExistsIsIdempotent(t *testing.T) {
	for _, tt := range []struct {
		provider string
		extra    []string
	}{
		{"qovery", []string{"--plan", "TEAM_2025"}},
		{"vertra", nil},
	} {
		t.Run(tt.provider, func(t *testing.T) {
			sb, environ := startSandbox(t, sandbox.Options{})
			args := append([]string{"create", "--provider", tt.provider, "--name", "acme", "--if-not-exists", "-o", "json"}, tt.extra...)
			first := orgctl(t, environ, args...)
			var a map[string]any
			decode(t, first.out, &a)
			if first.code != 0 || a["created"] != true {
				t.Fatalf("first run: exit %d %v %s", first.code, a["created"], first.errOut)
			}
			args[4] = "ACME" // names compare case-insensitively
			again := orgctl(t, environ, args...)
			var b map[string]any
			decode(t, again.out, &b)
			if again.code != 0 || b["created"] != false || b["id"] != a["id"] {
				t.Errorf("re-run: exit %d created %v id %v (first %v)", again.code, b["created"], b["id"], a["id"])
			}
			if !strings.Contains(again.errOut, `Organization "acme" already exists on`) || !strings.Contains(again.errOut, "nothing was created") {
				t.Errorf("stderr = %q", again.errOut)
			}
			if n := len(sb.Server.Organizations()); n != 1 {
				t.Errorf("%d organizations, want 1", n)
			}
			// Without the flag, the same re-run is still exit 4.
			plain := orgctl(t, environ, append([]string{"create", "--provider", tt.provider, "--name", "acme"}, tt.extra...)...)
			if plain.code != 4 {
				t.Errorf("without --if-not-exists: exit %d", plain.code)
			}
		})
	}
}

func TestIfNotExistsWhenTheNameBelongsToSomeoneElse(t *testing.T) {
	sb, environ := startSandbox(t, sandbox.Options{})
	other := env(t, "ORGCTL_VERTRA_URL="+sb.URL, "ORGCTL_VERTRA_TOKEN=someone-else")
	if r := orgctl(t, other, "create", "--provider", "vertra", "--name", "taken"); r.code != 0 {
		t.Fatal(r.errOut)
	}
	r := orgctl(t, environ, "create", "--provider", "vertra", "--name", "taken", "--if-not-exists")
	if r.code != 4 || !strings.Contains(r.errOut, `already exists, but no organization of that name is visible to this token`) {
		t.Errorf("exit %d stderr %q", r.code, r.errOut)
	}
}

func TestListGetDelete(t *testing.T) {
	for _, tt := range []struct {
		provider, vertraAPI string
		extra               []string
	}{
		{"qovery", "", []string{"--plan", "TEAM"}},
		{"vertra", "organizations", nil},
		{"vertra", "workspaces", nil},
	} {
		t.Run(tt.provider+" "+tt.vertraAPI, func(t *testing.T) {
			sb, environ := startSandbox(t, sandbox.Options{VertraAPI: tt.vertraAPI})
			p := []string{"--provider", tt.provider}
			var ids []string
			for _, name := range []string{"alpha", "beta"} {
				r := orgctl(t, environ, append(append([]string{"create", "--name", name, "-o", "json"}, p...), tt.extra...)...)
				var o map[string]any
				decode(t, r.out, &o)
				ids = append(ids, o["id"].(string))
			}

			r := orgctl(t, environ, append([]string{"list", "-o", "json"}, p...)...)
			var list []map[string]any
			decode(t, r.out, &list)
			if r.code != 0 || len(list) != 2 || list[0]["name"] != "alpha" || list[1]["id"] != ids[1] {
				t.Fatalf("list: exit %d %v", r.code, list)
			}
			r = orgctl(t, environ, append([]string{"list"}, p...)...)
			if !strings.HasPrefix(r.out, "ID ") || !strings.Contains(r.out, "beta") {
				t.Errorf("list table:\n%s", r.out)
			}

			for _, arg := range []string{ids[0], "ALPHA"} { // by id, then by name
				r = orgctl(t, environ, append([]string{"get", arg, "-o", "json"}, p...)...)
				var o map[string]any
				decode(t, r.out, &o)
				if r.code != 0 || o["id"] != ids[0] || o["name"] != "alpha" {
					t.Errorf("get %s: exit %d %v %s", arg, r.code, o, r.errOut)
				}
			}
			r = orgctl(t, environ, append([]string{"get", "gamma"}, p...)...)
			if r.code != 7 || !strings.HasPrefix(r.errOut, "error: "+tt.provider+": ") {
				t.Errorf("get missing: exit %d %q", r.code, r.errOut)
			}

			before := len(sb.Server.Requests())
			r = orgctl(t, environ, append([]string{"delete", "alpha"}, p...)...) // stdin is not a terminal
			if r.code != 2 || r.errOut != "error: refusing to delete without confirmation: standard input is not a terminal; pass --yes\n" {
				t.Errorf("delete without --yes: exit %d %q", r.code, r.errOut)
			}
			if n := len(sb.Server.Requests()); n != before {
				t.Errorf("the refused delete sent %d requests", n-before)
			}
			r = orgctl(t, environ, append([]string{"delete", "alpha", "--yes", "-o", "json"}, p...)...)
			if r.code != 0 || !strings.Contains(r.errOut, "Deleted organization alpha (id "+ids[0]+")") || !strings.Contains(r.out, `"deleted": true`) {
				t.Errorf("delete: exit %d stdout %s stderr %s", r.code, r.out, r.errOut)
			}
			orgs := sb.Server.Organizations()
			if len(orgs) != 1 || orgs[0].ID != ids[1] {
				t.Errorf("sandbox holds %+v after delete", orgs)
			}
			r = orgctl(t, environ, append([]string{"delete", ids[0], "--yes"}, p...)...)
			if r.code != 7 {
				t.Errorf("deleting again: exit %d %q", r.code, r.errOut)
			}
		})
	}
}

func TestAutoFallsBackToWorkspaces(t *testing.T) {
	sb, environ := startSandbox(t, sandbox.Options{VertraAPI: "workspaces"})
	r := orgctl(t, environ, "create", "--provider", "vertra", "--name", "acme", "--description", "Acme", "--verbose", "-o", "json")
	if r.code != 0 || !strings.Contains(r.errOut, "answered 404: this VertraCloud API serves workspaces; using /v1/workspaces") {
		t.Fatalf("exit %d stderr:\n%s", r.code, r.errOut)
	}
	var creates []string
	for _, req := range sb.Server.Requests() {
		if req.Method == "POST" {
			creates = append(creates, req.Path)
		}
	}
	// The first create answered 404, so it created nothing: exactly one
	// creating request could have succeeded.
	if strings.Join(creates, ",") != "/v1/organizations,/v1/workspaces" || len(sb.Server.Organizations()) != 1 {
		t.Errorf("creating requests %v, organizations %d", creates, len(sb.Server.Organizations()))
	}

	// Pinned to workspaces, no organizations request at all; tags refused.
	r = orgctl(t, append(environ, "ORGCTL_VERTRA_API=workspaces"), "create", "--provider", "vertra", "--name", "b", "--tag", "x")
	if r.code != 2 || !strings.Contains(r.errOut, "workspaces, which have no tags") {
		t.Errorf("tags on workspaces: exit %d %q", r.code, r.errOut)
	}
	r = orgctl(t, environ, "create", "--provider", "vertra", "--name", "ACME", "--vertra-api", "workspaces")
	if r.code != 4 || !strings.Contains(r.errOut, "HTTP 409 WORKSPACE_NAME_ALREADY_EXISTS") {
		t.Errorf("duplicate workspace: exit %d %q", r.code, r.errOut)
	}
	// Pinned to organizations against a workspaces-only API: a clear failure, no fallback.
	r = orgctl(t, environ, "create", "--provider", "vertra", "--name", "c", "--vertra-api", "organizations")
	if r.code != 6 || !strings.Contains(r.errOut, "the API has no such endpoint") {
		t.Errorf("organizations only: exit %d %q", r.code, r.errOut)
	}
	r = orgctl(t, environ, "list", "--provider", "vertra", "--vertra-api", "bogus")
	if r.code != 2 || r.errOut != "error: unknown vertra.api \"bogus\": use one of auto, organizations, workspaces\n" {
		t.Errorf("bad vertra.api: exit %d %q", r.code, r.errOut)
	}
}

func TestWorkspaceErrorsReachTheUser(t *testing.T) {
	sb, environ := startSandbox(t, sandbox.Options{VertraAPI: "workspaces"})
	environ = append(environ, "ORGCTL_VERTRA_API=workspaces")
	body := `{"code":"API_KEY_SCOPE_DENIED","message":"This API key lacks a required scope","details":{"required":"workspaces:write"}}`
	sb.Server.AddFault(sandbox.Fault{Status: 403, Body: &body, Times: 1})
	r := orgctl(t, environ, "create", "--provider", "vertra", "--name", "acme")
	if r.code != 3 || r.errOut != "error: vertra: HTTP 403 API_KEY_SCOPE_DENIED: the VertraCloud API key lacks the workspaces:write scope (This API key lacks a required scope)\n" {
		t.Errorf("scope denied: exit %d %q", r.code, r.errOut)
	}
	sb.Server.AddFault(sandbox.Fault{Code: "PLAN_RESTRICTED_FEATURE", Times: 1})
	if r := orgctl(t, environ, "create", "--provider", "vertra", "--name", "acme"); r.code != 5 {
		t.Errorf("plan: exit %d %q", r.code, r.errOut)
	}
	r = orgctl(t, append(environ, "ORGCTL_VERTRA_TOKEN="), "list", "--provider", "vertra")
	if r.code != 3 {
		t.Errorf("no token: exit %d", r.code)
	}
}

// TestDeleteConfirmsOnATerminal types the name at the prompt through a
// pseudo-terminal made by script(1), when the machine has it.
func TestDeleteConfirmsOnATerminal(t *testing.T) {
	if _, err := exec.LookPath("script"); err != nil {
		t.Skip("script(1) is not installed")
	}
	sb, environ := startSandbox(t, sandbox.Options{})
	for _, name := range []string{"acme", "globex", "initech"} {
		if r := orgctl(t, environ, "create", "--provider", "vertra", "--name", name); r.code != 0 {
			t.Fatal(r.errOut)
		}
	}
	for _, tt := range []struct {
		args, typed string
		left        int
		prompt      string
		says        string
	}{
		{"acme", "wrong", 3, "Type its name to confirm:", "does not match the organization's name: nothing was deleted"},
		{"acme", "acme", 2, "Type its name to confirm:", "Deleted organization acme"},
		// Several: the person types how many.
		{"globex initech", "globex", 2, "  initech (id ", `"globex" is not 2: nothing was deleted`},
		{"globex initech", "2", 0, "Type 2 to confirm:", "Deleted organization initech"},
	} {
		cmd := exec.Command("script", "-qec", binary+" delete --provider vertra "+tt.args, "/dev/null")
		cmd.Env = environ
		cmd.Stdin = strings.NewReader(tt.typed + "\n")
		out, _ := cmd.CombinedOutput()
		assertNoSecret(t, string(out))
		if !strings.Contains(string(out), tt.prompt) || !strings.Contains(string(out), tt.says) {
			t.Errorf("typed %q:\n%s", tt.typed, out)
		}
		if n := len(sb.Server.Organizations()); n != tt.left {
			t.Errorf("typed %q: %d organizations left, want %d", tt.typed, n, tt.left)
		}
	}
}
