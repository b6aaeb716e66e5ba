package exportcmd_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/internal/testenv"
	"github.com/orgctl/orgctl/pkg/internal/testhttp"
	"github.com/orgctl/orgctl/pkg/sandbox"
)

// TestExportYAML pins the document: organizations first, each pinned by
// id, empty values written, quoting where YAML would misread (a newline,
// ": ", "#", a word YAML reads as a boolean), and the prune rule last with
// a comment saying what it does.
func TestExportYAML(t *testing.T) {
	testenv.Isolate(t)
	srv := testhttp.New(t, http.StatusOK, `{"status":"success","response":[
 {"id":"org_1","name":"ci-a","description":null,"tags":null},
 {"id":"org_2","name":"ci-b","description":"two\nlines: #1","tags":["managed-by:orgctl","true"]},
 {"id":"org_3","name":"prod","description":"kept out by --match","tags":[]}]}`)
	t.Setenv("ORGCTL_VERTRA_URL", srv.URL)
	t.Setenv("ORGCTL_VERTRA_TOKEN", vertraToken)
	r := run(t, "export", "--provider", "vertra", "--match", "^ci-", "--own")
	want := `organizations:
  - name: ci-a
    id: org_1
    provider: vertra
    description: ""
    tags: []
  - name: ci-b
    id: org_2
    provider: vertra
    description: "two\nlines: #1"
    tags:
      - managed-by:orgctl
      - "true"
# apply --prune deletes the organizations this rule owns that the list no longer names.
prune:
  vertra:
    match: "^ci-"
`
	if r.code != 0 || r.out != want || r.errOut != "Exported 2 organizations from VertraCloud.\n" {
		t.Errorf("exit %d\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", r.code, r.out, want, r.errOut)
	}
	if got := srv.Only(t); got.Method != http.MethodGet || got.Path != "/v1/organizations/all/@me" || got.Header.Get("Authorization") != "Bearer "+vertraToken {
		t.Errorf("request %s %s", got.Method, got.Path)
	}
}

// TestExportJSON: without --own a plain array (apply streams it), with
// --own the document object with the rule last; an empty account is an
// empty list, which apply reads as owning what the rule says.
func TestExportJSON(t *testing.T) {
	testenv.Isolate(t)
	srv := testhttp.New(t, http.StatusOK, `{"results":[{"id":"00000000-0000-4000-8000-000000000001","name":"a<b>&c","plan":"TEAM_2025"}]}`)
	t.Setenv("ORGCTL_QOVERY_URL", srv.URL)
	t.Setenv("ORGCTL_QOVERY_TOKEN", qoveryToken)
	entry := `{
      "name": "a<b>&c",
      "id": "00000000-0000-4000-8000-000000000001",
      "provider": "qovery",
      "plan": "TEAM_2025",
      "description": "",
      "website_url": "",
      "repository": "",
      "logo_url": "",
      "icon_url": "",
      "admin_emails": []
    }`
	r := run(t, "export", "--provider", "qovery", "-o", "json")
	if want := "[\n  " + strings.ReplaceAll(entry, "\n  ", "\n") + "\n]\n"; r.code != 0 || r.out != want {
		t.Errorf("exit %d\n%s\nwant\n%s", r.code, r.out, want)
	}
	r = run(t, "export", "--provider", "qovery", "-o", "json", "--own")
	if want := "{\n  \"organizations\": [\n    " + entry + "\n  ],\n  \"prune\": {\n    \"qovery\": {\n      \"match\": \"^\"\n    }\n  }\n}\n"; r.code != 0 || r.out != want {
		t.Errorf("--own: exit %d\n%s\nwant\n%s", r.code, r.out, want)
	}
	srv.Body = `{"results":[]}`
	r = run(t, "export", "--provider", "qovery", "-o", "json", "--own", "--match", "^nothing$")
	if want := "{\n  \"organizations\": [],\n  \"prune\": {\n    \"qovery\": {\n      \"match\": \"^nothing$\"\n    }\n  }\n}\n"; r.code != 0 || r.out != want || r.errOut != "Exported 0 organizations from Qovery.\n" {
		t.Errorf("empty: exit %d\n%s\nwant\n%s\n%s", r.code, r.out, want, r.errOut)
	}
	r = run(t, "export", "--provider", "qovery")
	if r.code != 0 || r.out != "organizations: []\n" {
		t.Errorf("empty YAML: exit %d %q", r.code, r.out)
	}
}

// TestOwnIsRefusedWhenAnOrganizationIsLeftOut: a name apply refuses cannot
// be an entry, and a rule would own it: apply --prune would delete it. So
// the rule is not written, and export exits 1 saying why; the entries that
// could be written are, and still round-trip.
func TestOwnIsRefusedWhenAnOrganizationIsLeftOut(t *testing.T) {
	testenv.Isolate(t)
	srv := testhttp.New(t, http.StatusOK, `{"status":"success","response":[
 {"id":"org_1","name":"ok","description":"","tags":[]},
 {"id":"org_2","name":"trailing ","description":"","tags":[]},
 {"id":"org_3","name":"`+strings.Repeat("n", 51)+`","description":"","tags":[]}]}`)
	t.Setenv("ORGCTL_VERTRA_URL", srv.URL)
	t.Setenv("ORGCTL_VERTRA_TOKEN", vertraToken)
	r := run(t, "export", "--provider", "vertra", "--own")
	wantErr := `warning: vertra organization "trailing " (id "org_2") left out: apply would refuse it: name "trailing " has leading or trailing spaces
warning: vertra organization "` + strings.Repeat("n", 51) + `" (id "org_3") left out: apply would refuse it: name is 51 characters long; the maximum is 50
Exported 1 organization from VertraCloud.
error: 2 organizations left out (see the warnings above): the prune rule was not written, as it would own them too
`
	if r.code != 1 || r.errOut != wantErr || strings.Contains(r.out, "prune") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s\nwant:\n%s", r.code, r.out, r.errOut, wantErr)
	}
	if d := run(t, "diff", "-f", write(t, "m.yaml", r.out)); d.code != 0 {
		t.Errorf("diff: exit %d\n%s", d.code, d.errOut)
	}
	// Without --own, leaving them out is only reported.
	r = run(t, "export", "--provider", "vertra")
	if r.code != 0 || !strings.HasSuffix(r.errOut, "Exported 1 organization from VertraCloud.\n2 organizations left out (see the warnings above).\n") {
		t.Errorf("without --own: exit %d\n%s", r.code, r.errOut)
	}
}

// TestAListCutShortOwnsNothing: when the list breaks off, what was read is
// printed but the JSON is left unterminated and no prune rule is written,
// so the part cannot pass for the whole account.
func TestAListCutShortOwnsNothing(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"results":[`)
		for i := range 3000 {
			fmt.Fprintf(w, `{"id":"00000000-0000-4000-8000-%012d","name":"org-%d","plan":"TEAM_2025"},`, i, i)
		}
		panic(http.ErrAbortHandler) // the connection is cut mid-list
	}))
	t.Cleanup(srv.Close)
	testenv.Isolate(t)
	t.Setenv("ORGCTL_QOVERY_URL", srv.URL)
	t.Setenv("ORGCTL_QOVERY_TOKEN", qoveryToken)
	for _, format := range []string{"yaml", "json"} {
		r := run(t, "--retries", "0", "export", "--provider", "qovery", "--own", "-o", format)
		if r.code != 6 || !strings.HasPrefix(r.errOut, "error: qovery: ") || strings.Contains(r.errOut, "Exported") {
			t.Errorf("%s: exit %d, stderr %q", format, r.code, r.errOut)
		}
		if n := strings.Count(r.out, "org-"); n < 1000 || strings.Contains(r.out, "prune") || format == "json" && json.Valid([]byte(r.out)) {
			t.Errorf("%s: %d organizations printed; ends %q", format, n, r.out[max(0, len(r.out)-80):])
		}
	}
}

// TestBadFlagsSendNothing: a bad --match or an explicit -o table is a
// usage error (exit 2) before any request; a configured table default
// gives YAML.
func TestBadFlagsSendNothing(t *testing.T) {
	testenv.Isolate(t)
	srv := testhttp.New(t, http.StatusOK, `{"results":[]}`)
	t.Setenv("ORGCTL_QOVERY_URL", srv.URL)
	t.Setenv("ORGCTL_QOVERY_TOKEN", qoveryToken)
	for _, tt := range []struct {
		args    []string
		wantErr string
	}{
		{[]string{"--match", "(unclosed"}, "error: --match: error parsing regexp: missing closing ): `(unclosed`\n"},
		{[]string{"-o", "table"}, "error: export prints a manifest: use -o yaml (the default) or -o json, not table\n"},
		{[]string{"-o", "wide"}, "error: export prints a manifest: use -o yaml (the default) or -o json, not wide\n"},
		{[]string{"extra"}, ""},
	} {
		r := run(t, append([]string{"export", "--provider", "qovery"}, tt.args...)...)
		if r.code != 2 || r.out != "" || (tt.wantErr != "" && r.errOut != tt.wantErr) {
			t.Errorf("%v: exit %d %q %q", tt.args, r.code, r.out, r.errOut)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
	t.Setenv("ORGCTL_OUTPUT", "table")
	if r := run(t, "export", "--provider", "qovery"); r.code != 0 || r.out != "organizations: []\n" {
		t.Errorf("ORGCTL_OUTPUT=table: exit %d %q %q", r.code, r.out, r.errOut)
	}
}

// TestProviderCompletes: the shell completes export's --provider.
func TestProviderCompletes(t *testing.T) {
	testenv.Isolate(t)
	r := run(t, "__complete", "export", "--provider", "")
	if r.code != 0 || !strings.HasPrefix(r.out, "qovery\tQovery\nvertra\tVertraCloud\n:4\n") {
		t.Errorf("exit %d %q", r.code, r.out)
	}
	r = run(t, "__complete", "export", "--match", "")
	if r.code != 0 || !strings.HasPrefix(r.out, ":4\n") {
		t.Errorf("--match offers %q", r.out)
	}
}

// TestOwnedExportAgainstTheSandbox: on the sandbox, through both
// providers' real create paths and both VertraCloud generations, an
// exported manifest with its rule diffs clean with --prune; an
// organization created afterwards that the rule owns is then what
// diff --prune would delete, and one it does not own is left alone.
func TestOwnedExportAgainstTheSandbox(t *testing.T) {
	for _, gen := range []string{"organizations", "workspaces"} {
		t.Run(gen, func(t *testing.T) {
			testenv.Isolate(t)
			sb, err := sandbox.Start(sandbox.Options{VertraAPI: gen})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { sb.Close() })
			t.Setenv("ORGCTL_QOVERY_URL", sb.URL)
			t.Setenv("ORGCTL_VERTRA_URL", sb.URL)
			t.Setenv("ORGCTL_QOVERY_TOKEN", qoveryToken)
			t.Setenv("ORGCTL_VERTRA_TOKEN", vertraToken)
			for _, args := range [][]string{
				{"--provider", "qovery", "--name", "ci-q", "--plan", "FREE", "--description", "a: b # c\nd", "--website-url", "https://q.example", "--admin-email", "ops@q.example"},
				{"--provider", "qovery", "--name", "prod-q", "--plan", "TEAM_2025"},
				{"--provider", "vertra", "--name", "ci-ünï", "--description", ""},
				{"--provider", "vertra", "--name", "prod-v"},
			} {
				if r := run(t, append([]string{"create"}, args...)...); r.code != 0 {
					t.Fatalf("create %v: exit %d %s", args, r.code, r.errOut)
				}
			}
			for _, p := range []string{"qovery", "vertra"} {
				r := run(t, "export", "--provider", p, "--match", "^ci-", "--own")
				if r.code != 0 || strings.Count(r.out, "- name: ") != 1 {
					t.Fatalf("export %s: exit %d\n%s%s", p, r.code, r.out, r.errOut)
				}
				m := write(t, p+".yaml", r.out)
				if d := run(t, "diff", "-f", m, "--prune"); d.code != 0 {
					t.Fatalf("diff %s: exit %d\n%s%s\nmanifest:\n%s", p, d.code, d.out, d.errOut, r.out)
				}
				for _, name := range []string{"ci-new-" + p, "other-" + p} {
					args := []string{"create", "--provider", p, "--name", name}
					if p == "qovery" {
						args = append(args, "--plan", "TEAM_2025")
					}
					if c := run(t, args...); c.code != 0 {
						t.Fatalf("create %s: exit %d %s", name, c.code, c.errOut)
					}
				}
				d := run(t, "diff", "-f", m, "--prune")
				if d.code != 8 || !strings.Contains(d.out, "- delete    "+p+"/ci-new-"+p) || strings.Contains(d.out, "other-") ||
					!strings.Contains(d.out, "Plan: 0 to create, 0 to update, 1 to delete, 1 unchanged.") {
					t.Errorf("diff %s after a new owned organization: exit %d\n%s%s", p, d.code, d.out, d.errOut)
				}
			}
		})
	}
}
