package e2e

import (
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/sandbox"
)

// TestExportAdoptsAnAccount is the adoption path with the real binary over
// loopback: organizations made by hand (here by create), exported, diff
// finds nothing to do, apply --prune with the exported rule writes
// nothing, and an edit of the exported file is exactly one update. On
// Qovery and on both VertraCloud generations, in YAML and JSON.
func TestExportAdoptsAnAccount(t *testing.T) {
	for _, tt := range []struct {
		name, provider, vertraAPI string
		creates                   [][]string
	}{
		{"qovery", "qovery", "", [][]string{
			{"--name", "Acme ünï", "--plan", "FREE", "--description", "quote \" colon: hash # end\nsecond line", "--website-url", "https://acme.example", "--admin-email", "ops@acme.example"},
			{"--name", "null", "--plan", "team_2025"},
		}},
		{"vertra organizations", "vertra", "organizations", [][]string{
			{"--name", "Acme ünï", "--description", "quote \" colon: hash # end\nsecond line", "--tag", "managed", "--tag", "日本"},
			{"--name", "true", "--description", ""},
		}},
		{"vertra workspaces", "vertra", "workspaces", [][]string{
			{"--name", "Acme ünï", "--description", "quote \" colon: hash # end\nsecond line"},
			{"--name", "~"},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sb, environ := startSandbox(t, sandbox.Options{VertraAPI: tt.vertraAPI})
			for _, args := range tt.creates {
				if r := orgctl(t, environ, append([]string{"create", "--provider", tt.provider}, args...)...); r.code != 0 {
					t.Fatalf("create: exit %d\n%s", r.code, r.errOut)
				}
			}
			_, start := loggedWrites(t, sb, 0)
			for _, format := range []string{"yaml", "json"} {
				r := orgctl(t, environ, "export", "--provider", tt.provider, "--own", "-o", format)
				if r.code != 0 || !strings.HasSuffix(r.errOut, "Exported 2 organizations from "+map[string]string{"qovery": "Qovery", "vertra": "VertraCloud"}[tt.provider]+".\n") {
					t.Fatalf("export -o %s: exit %d\n%s", format, r.code, r.errOut)
				}
				m := writeManifest(t, "exported."+format, r.out)
				d := orgctl(t, environ, "diff", "-f", m, "--prune")
				if d.code != 0 || !strings.HasSuffix(d.out, "No changes: 0 to change, 2 unchanged.\n") {
					t.Fatalf("diff -f the -o %s export: exit %d\n%s%s\nmanifest:\n%s", format, d.code, d.out, d.errOut, r.out)
				}
				a := orgctl(t, environ, "apply", "-f", m, "--prune", "--yes")
				if a.code != 0 || !strings.Contains(a.errOut, "No changes: 0 to change, 2 unchanged.\n") {
					t.Fatalf("apply --prune of the -o %s export: exit %d\n%s", format, a.code, a.errOut)
				}
			}
			if writes, _ := loggedWrites(t, sb, start); len(writes) != 0 {
				t.Fatalf("export, diff and apply of an unchanged account wrote %v", writes)
			}

			// The exported file is now the source of truth: an edit in it
			// is one update of that field on that organization.
			r := orgctl(t, environ, "export", "--provider", tt.provider)
			edited := strings.Replace(r.out, "  - name: Acme ünï\n", "  - name: Acme ünï renamed\n", 1)
			if edited == r.out {
				t.Fatalf("no entry to edit in\n%s", r.out)
			}
			a := orgctl(t, environ, "apply", "-f", writeManifest(t, "edited.yaml", edited))
			writes, _ := loggedWrites(t, sb, start)
			if a.code != 0 || len(writes) != 1 || !strings.HasPrefix(writes[0], "PUT /") {
				t.Fatalf("apply of an edited export: exit %d, writes %v\n%s", a.code, writes, a.errOut)
			}
			if g := orgctl(t, environ, "get", "--provider", tt.provider, "Acme ünï renamed", "-o", "json"); g.code != 0 {
				t.Errorf("the renamed organization: exit %d %s", g.code, g.errOut)
			}
		})
	}
}
