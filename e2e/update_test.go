package e2e

import (
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/sandbox"
)

// requestsSince lists the sandbox's requests since the index from, as "METHOD path".
func requestsSince(sb *sandbox.Running, from int) []string {
	var out []string
	for _, r := range sb.Server.Requests()[from:] {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

func TestUpdateAgainstTheSandbox(t *testing.T) {
	for _, tt := range []struct {
		provider, vertraAPI string
		create, update      []string
		write               string // the one write the update sends
		check               func(o map[string]any) bool
	}{
		{"qovery", "", []string{"--plan", "TEAM_2025", "--website-url", "https://acme.io", "--admin-email", "ops@acme.io"},
			[]string{"--description", "Acme Corp", "--plan", "ENTERPRISE_2025"}, "PUT /organization/",
			func(o map[string]any) bool {
				// Unchanged fields keep their values through the PUT.
				return o["description"] == "Acme Corp" && o["plan"] == "ENTERPRISE_2025" && o["website_url"] == "https://acme.io" &&
					len(o["admin_emails"].([]any)) == 1
			}},
		{"vertra", "organizations", []string{"--description", "Acme", "--tag", "ci"},
			[]string{"--tag", "prod", "--tag", "eu"}, "PUT /v1/organizations/",
			func(o map[string]any) bool {
				tags := o["tags"].([]any)
				return o["description"] == "Acme" && len(tags) == 2 && tags[0] == "prod" && tags[1] == "eu"
			}},
		{"vertra", "workspaces", []string{"--description", "Acme"},
			[]string{"--description", ""}, "PUT /v1/workspaces/",
			func(o map[string]any) bool { return o["description"] == "" && o["tags"] == nil }},
	} {
		t.Run(tt.provider+" "+tt.vertraAPI, func(t *testing.T) {
			sb, environ := startSandbox(t, sandbox.Options{VertraAPI: tt.vertraAPI})
			p := []string{"--provider", tt.provider}
			r := orgctl(t, environ, append(append([]string{"create", "--name", "acme", "-o", "json"}, p...), tt.create...)...)
			var created map[string]any
			decode(t, r.out, &created)
			id := created["id"].(string)

			before := len(sb.Server.Requests())
			r = orgctl(t, environ, append(append([]string{"update", "ACME", "-o", "json"}, p...), tt.update...)...)
			var o map[string]any
			decode(t, r.out, &o)
			if r.code != 0 || o["id"] != id || o["name"] != "acme" || !tt.check(o) {
				t.Fatalf("update: exit %d %v\n%s", r.code, o, r.errOut)
			}
			var writes []string
			for _, req := range requestsSince(sb, before) {
				if !strings.HasPrefix(req, "GET ") {
					writes = append(writes, req)
				}
			}
			if len(writes) != 1 || writes[0] != tt.write+id {
				t.Errorf("writes %v, want one %s%s", writes, tt.write, id)
			}

			// A rename, then get finds it by its new name.
			r = orgctl(t, environ, append([]string{"update", id, "--new-name", "acme-corp"}, p...)...)
			if r.code != 0 || !strings.Contains(r.errOut, "Updated organization acme-corp (id "+id+")") || !strings.Contains(r.out, "acme-corp") {
				t.Fatalf("rename: exit %d\n%s\n%s", r.code, r.out, r.errOut)
			}
			if r = orgctl(t, environ, append([]string{"get", "acme-corp", "-o", "json"}, p...)...); r.code != 0 {
				t.Errorf("get by the new name: exit %d %s", r.code, r.errOut)
			}

			// Over a limit, or a name taken: nothing is sent, or exit 4.
			before = len(sb.Server.Requests())
			r = orgctl(t, environ, append([]string{"update", id, "--description", strings.Repeat("d", 201)}, p...)...)
			if tt.provider == "vertra" && (r.code != 2 || r.errOut != "error: --description is 201 characters long; the maximum is 200\n" || len(sb.Server.Requests()) != before) {
				t.Errorf("too long: exit %d %q, %d requests", r.code, r.errOut, len(sb.Server.Requests())-before)
			}
			orgctl(t, environ, append(append([]string{"create", "--name", "globex"}, p...), tt.create...)...)
			r = orgctl(t, environ, append([]string{"update", id, "--new-name", "GLOBEX"}, p...)...)
			if r.code != 4 {
				t.Errorf("rename onto a taken name: exit %d %q", r.code, r.errOut)
			}
		})
	}
}

func TestUpdateDryRunChangesNothing(t *testing.T) {
	sb, environ := startSandbox(t, sandbox.Options{})
	if r := orgctl(t, environ, "create", "--provider", "vertra", "--name", "acme", "--tag", "ci"); r.code != 0 {
		t.Fatal(r.errOut)
	}
	before := len(sb.Server.Requests())
	r := orgctl(t, environ, "update", "acme", "--provider", "vertra", "--tag", "prod", "--dry-run", "-o", "json")
	var req map[string]any
	decode(t, r.out, &req)
	if r.code != 0 || req["method"] != "PUT" || !strings.Contains(r.errOut, "Dry run: nothing was changed") {
		t.Fatalf("exit %d %v %s", r.code, req, r.errOut)
	}
	for _, s := range requestsSince(sb, before) {
		if !strings.HasPrefix(s, "GET ") {
			t.Errorf("a dry run sent %s", s)
		}
	}
	r = orgctl(t, environ, "get", "acme", "--provider", "vertra", "-o", "json")
	if !strings.Contains(r.out, `"ci"`) || strings.Contains(r.out, `"prod"`) {
		t.Errorf("tags changed by a dry run: %s", r.out)
	}
}
