package e2e

import (
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/sandbox"
)

// writes lists the method and path of every request but GETs.
func writes(sb *sandbox.Running, since int) []string {
	var out []string
	for _, r := range sb.Server.Requests()[since:] {
		if r.Method != "GET" {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

func TestAliasesAndDeleteSeveral(t *testing.T) {
	sb, environ := startSandbox(t, sandbox.Options{})
	p := []string{"--provider", "vertra"}
	for _, name := range []string{"alpha", "beta", "gamma"} {
		if r := orgctl(t, environ, append([]string{"create", "--name", name}, p...)...); r.code != 0 {
			t.Fatal(r.errOut)
		}
	}
	if r := orgctl(t, environ, append([]string{"ls", "-o", "json"}, p...)...); r.code != 0 || strings.Count(r.out, `"name"`) != 3 {
		t.Fatalf("ls: exit %d %s %s", r.code, r.out, r.errOut)
	}

	// One unknown name among several: nothing is deleted, exit 7.
	before := len(sb.Server.Requests())
	r := orgctl(t, environ, append([]string{"rm", "alpha", "nosuch", "--yes"}, p...)...)
	if r.code != 7 || !strings.Contains(r.errOut, `"nosuch"`) {
		t.Errorf("rm with an unknown name: exit %d %q", r.code, r.errOut)
	}
	if w := writes(sb, before); len(w) != 0 {
		t.Errorf("rm with an unknown name sent %v", w)
	}

	// --dry-run reads only and needs no --yes.
	before = len(sb.Server.Requests())
	r = orgctl(t, environ, append([]string{"delete", "ALPHA", "beta", "--dry-run", "-o", "json"}, p...)...)
	if r.code != 0 || !strings.Contains(r.errOut, "Would delete organization alpha") || !strings.Contains(r.errOut, "Dry run: nothing was deleted.") ||
		strings.Count(r.out, `"deleted": false`) != 2 {
		t.Errorf("delete --dry-run: exit %d stdout %s stderr %s", r.code, r.out, r.errOut)
	}
	if w := writes(sb, before); len(w) != 0 {
		t.Errorf("delete --dry-run sent %v", w)
	}

	// Two names, one of them given twice (by name and case): two DELETEs.
	before = len(sb.Server.Requests())
	r = orgctl(t, environ, append([]string{"rm", "alpha", "beta", "Alpha", "--yes", "-o", "json"}, p...)...)
	if r.code != 0 || strings.Count(r.errOut, "Deleted organization") != 2 {
		t.Errorf("rm alpha beta: exit %d %q", r.code, r.errOut)
	}
	var first map[string]any
	decode(t, r.out[:strings.Index(r.out, "}")+1], &first)
	if first["name"] != "alpha" || first["deleted"] != true || !strings.HasPrefix(r.out, "{\n  \"provider\": \"vertra\",\n  \"id\":") {
		t.Errorf("delete -o json prints keys out of the documented order:\n%s", r.out)
	}
	if w := writes(sb, before); len(w) != 2 || !strings.HasPrefix(w[0], "DELETE ") || !strings.HasPrefix(w[1], "DELETE ") {
		t.Errorf("rm alpha beta sent %v", w)
	}
	if orgs := sb.Server.Organizations(); len(orgs) != 1 || orgs[0].Name != "gamma" {
		t.Errorf("left %+v", orgs)
	}
	if r := orgctl(t, environ, "rm"); r.code != 2 || r.errOut != "error: delete needs at least one organization id or name\n" {
		t.Errorf("rm with no argument: exit %d %q", r.code, r.errOut)
	}
}

func TestDebugTurnsOnTheTrace(t *testing.T) {
	_, environ := startSandbox(t, sandbox.Options{})
	for _, tt := range []struct {
		name  string
		env   []string
		args  []string
		trace bool
	}{
		{"--debug", nil, []string{"--debug"}, true},
		{"ORGCTL_DEBUG=1", []string{"ORGCTL_DEBUG=1"}, nil, true},
		{"ORGCTL_DEBUG=api", []string{"ORGCTL_DEBUG=api"}, nil, true},
		{"ORGCTL_DEBUG=0", []string{"ORGCTL_DEBUG=0"}, nil, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := orgctl(t, append(append([]string{}, environ...), tt.env...), append([]string{"list", "--provider", "vertra"}, tt.args...)...)
			if r.code != 0 {
				t.Fatalf("exit %d %s", r.code, r.errOut)
			}
			if got := strings.Contains(r.errOut, "* GET ") && strings.Contains(r.errOut, "Authorization: Bearer ***"); got != tt.trace {
				t.Errorf("trace shown %v, want %v:\n%s", got, tt.trace, r.errOut)
			}
		})
	}
}

func TestHelpTopics(t *testing.T) {
	environ := env(t)
	r := orgctl(t, environ, "help", "exit-codes")
	for _, want := range []string{"\n      0  success", "\n      7  no such organization", "\n    130  interrupted"} {
		if r.code != 0 || !strings.Contains(r.out, want) {
			t.Errorf("help exit-codes lacks %q: exit %d\n%s", want, r.code, r.out)
		}
	}
	r = orgctl(t, environ, "help", "environment")
	for _, want := range []string{"ORGCTL_QOVERY_TOKEN, QOVERY_CLI_ACCESS_TOKEN", "ORGCTL_DEBUG", "NO_COLOR"} {
		if r.code != 0 || !strings.Contains(r.out, want) {
			t.Errorf("help environment lacks %q: exit %d\n%s", want, r.code, r.out)
		}
	}
	// Help texts point at the topics, not at files of the repository.
	for _, cmd := range [][]string{{"--help"}, {"create", "--help"}, {"delete", "--help"}} {
		r = orgctl(t, environ, cmd...)
		if strings.Contains(r.out, "docs/") {
			t.Errorf("orgctl %v points at a repository path:\n%s", cmd, r.out)
		}
	}
}
