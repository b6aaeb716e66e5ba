package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/orgctl/orgctl/pkg/sandbox"
	"github.com/orgctl/orgctl/pkg/shard"
)

// runConcurrently runs one orgctl process per argument list at once and
// returns their results in the same order.
func runConcurrently(t *testing.T, environ []string, argLists [][]string) []result {
	t.Helper()
	results := make([]result, len(argLists))
	errs := make([]error, len(argLists))
	var wg sync.WaitGroup
	for i, args := range argLists {
		wg.Go(func() {
			cmd := exec.Command(binary, args...)
			cmd.Env = environ
			var out, errOut bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errOut
			err := cmd.Run()
			results[i] = result{out: out.String(), errOut: errOut.String()}
			if exit := (*exec.ExitError)(nil); errors.As(err, &exit) {
				results[i].code = exit.ExitCode()
			} else {
				errs[i] = err
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("running orgctl %v: %v", argLists[i], err)
		}
		assertNoSecret(t, results[i].out+results[i].errOut)
	}
	return results
}

// sandboxJSON reads one of the sandbox's admin endpoints, as a person
// checking a run would.
func sandboxJSON(t *testing.T, sb *sandbox.Running, path string, v any) {
	t.Helper()
	resp, err := http.Get(sb.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestShardsCreateEveryNameOnceConcurrently: three jobs of a matrix, each
// with its --shard, run at once against one sandbox; every name of the
// manifest is created exactly once (one POST, one organization), by the
// job its provider and name hash to.
func TestShardsCreateEveryNameOnceConcurrently(t *testing.T) {
	sb, environ := startSandbox(t, sandbox.Options{})
	var m strings.Builder
	want := map[string]int{} // provider/name -> its shard of 3
	for i := range 40 {
		q, v, d := fmt.Sprintf("q-%02d", i), fmt.Sprintf("V-%02d", i), fmt.Sprintf("d-%02d", i)
		// d-NN have no provider: --provider vertra places them.
		fmt.Fprintf(&m, "- {name: %s, provider: qovery, plan: TEAM_2025}\n- {name: %s, provider: vertra}\n- {name: %s}\n", q, v, d)
		want["qovery/"+q], want["vertra/"+v], want["vertra/"+d] = shard.Of("qovery", q, 3), shard.Of("vertra", v, 3), shard.Of("vertra", d, 3)
	}
	file := writeManifest(t, "tenants.yaml", m.String())

	var argLists [][]string
	for k := 1; k <= 3; k++ {
		argLists = append(argLists, []string{"create", "-f", file, "--provider", "vertra", "--shard", fmt.Sprintf("%d/3", k),
			"--concurrency", "4", "--skip-existing", "-o", "json"})
	}
	for i, r := range runConcurrently(t, environ, argLists) {
		k := i + 1
		lines, counts := ndjson(t, r.out)
		if r.code != 0 || counts["created"] != len(lines) {
			t.Errorf("shard %d/3: exit %d, %v\n%s", k, r.code, counts, r.errOut)
		}
		for _, l := range lines {
			if got := want[l.Provider+"/"+l.Name]; got != k {
				t.Errorf("shard %d/3 reported %s/%s, which is in shard %d", k, l.Provider, l.Name, got)
			}
		}
		if !strings.Contains(r.errOut, fmt.Sprintf("created %d, skipped 0, failed 0, left to other shards %d in ", len(lines), len(want)-len(lines))) {
			t.Errorf("shard %d/3: stderr %q", k, r.errOut)
		}
	}

	// What the sandbox was sent and holds.
	var log []struct{ Method, Path, Body string }
	sandboxJSON(t, sb, "/_sandbox/requests", &log)
	posts := map[string]int{}
	for _, r := range log {
		if r.Method != http.MethodPost {
			continue
		}
		var body struct{ Name string }
		if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
			t.Fatalf("POST %s body %q: %v", r.Path, r.Body, err)
		}
		prov := "qovery"
		if strings.HasPrefix(r.Path, "/v1/") {
			prov = "vertra"
		}
		posts[prov+"/"+body.Name]++
	}
	var orgs []struct{ Provider, Name string }
	sandboxJSON(t, sb, "/_sandbox/organizations", &orgs)
	held := map[string]int{}
	for _, o := range orgs {
		held[strings.TrimSuffix(o.Provider, "-workspace")+"/"+o.Name]++
	}
	for name := range want {
		if posts[name] != 1 || held[name] != 1 {
			t.Errorf("%s: %d creates sent, %d organizations held; want 1 and 1", name, posts[name], held[name])
		}
	}
	if len(orgs) != len(want) || len(posts) != len(want) {
		t.Errorf("the sandbox holds %d organizations from %d names sent; the manifest has %d", len(orgs), len(posts), len(want))
	}
}

// TestShardedPruneDeletesWhatOneRunWould: apply --prune --shard K/3, the
// three jobs at once, deletes exactly the orphans one apply --prune
// deletes (measured on a twin sandbox), and leaves the same organizations.
func TestShardedPruneDeletesWhatOneRunWould(t *testing.T) {
	var m strings.Builder
	m.WriteString("prune: {match: '^ci-'}\norganizations:\n")
	for i := range 15 {
		fmt.Fprintf(&m, "  - {name: ci-keep-%02d, provider: vertra, description: kept}\n", i)
		fmt.Fprintf(&m, "  - {name: ci-new-%02d, provider: qovery, plan: TEAM_2025}\n", i)
	}
	file := writeManifest(t, "ci-tenants.yaml", m.String())
	world := func() (*sandbox.Running, []string) {
		sb, environ := startSandbox(t, sandbox.Options{})
		for i := range 15 {
			for _, args := range [][]string{
				{"--provider", "vertra", "--name", fmt.Sprintf("ci-keep-%02d", i)},
				{"--provider", "vertra", "--name", fmt.Sprintf("ci-gone-%02d", i)},
				{"--provider", "qovery", "--plan", "TEAM_2025", "--name", fmt.Sprintf("ci-qgone-%02d", i)},
			} {
				if r := orgctl(t, environ, append([]string{"create"}, args...)...); r.code != 0 {
					t.Fatalf("seeding: %d %s", r.code, r.errOut)
				}
			}
		}
		for _, name := range []string{"prod", "staging"} { // not owned
			if r := orgctl(t, environ, "create", "--provider", "vertra", "--name", name); r.code != 0 {
				t.Fatalf("seeding: %d %s", r.code, r.errOut)
			}
		}
		return sb, environ
	}
	// deleted lists the organizations a run deleted, by provider and name.
	deleted := func(sb *sandbox.Running, before []struct{ Provider, ID, Name string }, from int) []string {
		var log []struct{ Method, Path string }
		sandboxJSON(t, sb, "/_sandbox/requests", &log)
		var out []string
		for _, r := range log[from:] {
			if r.Method != http.MethodDelete {
				continue
			}
			i := slices.IndexFunc(before, func(o struct{ Provider, ID, Name string }) bool {
				return strings.HasSuffix(r.Path, "/"+o.ID)
			})
			if i < 0 {
				t.Fatalf("DELETE %s: no such organization before the run", r.Path)
			}
			out = append(out, strings.TrimSuffix(before[i].Provider, "-workspace")+"/"+before[i].Name)
		}
		sort.Strings(out)
		return out
	}
	state := func(sb *sandbox.Running) (orgs []struct{ Provider, ID, Name string }, names []string, logged int) {
		sandboxJSON(t, sb, "/_sandbox/organizations", &orgs)
		for _, o := range orgs {
			names = append(names, o.Provider+"/"+o.Name)
		}
		sort.Strings(names)
		var log []json.RawMessage
		sandboxJSON(t, sb, "/_sandbox/requests", &log)
		return orgs, names, len(log)
	}

	// One run.
	sb, environ := world()
	before, _, from := state(sb)
	if r := orgctl(t, environ, "apply", "-f", file, "--prune", "--yes"); r.code != 0 {
		t.Fatalf("apply --prune: %d %s", r.code, r.errOut)
	}
	wantDeleted := deleted(sb, before, from)
	_, wantLeft, _ := state(sb)
	if len(wantDeleted) != 30 {
		t.Fatalf("one run deleted %d organizations, want the 30 orphans: %v", len(wantDeleted), wantDeleted)
	}

	// Three shards at once, on a sandbox seeded the same.
	sb, environ = world()
	before, _, from = state(sb)
	var argLists [][]string
	for k := 1; k <= 3; k++ {
		argLists = append(argLists, []string{"apply", "-f", file, "--prune", "--yes", "--shard", fmt.Sprintf("%d/3", k), "-o", "json"})
	}
	for i, r := range runConcurrently(t, environ, argLists) {
		if r.code != 0 {
			t.Errorf("apply --prune --shard %d/3: exit %d\n%s", i+1, r.code, r.errOut)
		}
		for _, l := range strings.Split(strings.TrimSpace(r.out), "\n") {
			var res struct{ Action, Provider, Name string }
			if err := json.Unmarshal([]byte(l), &res); err != nil {
				t.Fatalf("shard %d/3: %v in %q", i+1, err, l)
			}
			if got := shard.Of(res.Provider, res.Name, 3); got != i+1 {
				t.Errorf("shard %d/3 made the %s of %s/%s, which is in shard %d", i+1, res.Action, res.Provider, res.Name, got)
			}
		}
	}
	if got := deleted(sb, before, from); !slices.Equal(got, wantDeleted) {
		t.Errorf("the shards deleted\n%v\none run deleted\n%v", got, wantDeleted)
	}
	if _, left, _ := state(sb); !slices.Equal(left, wantLeft) {
		t.Errorf("the shards left\n%v\none run left\n%v", left, wantLeft)
	}
	if r := orgctl(t, environ, "diff", "-f", file, "--prune"); r.code != 0 {
		t.Errorf("diff --prune after the shards: exit %d\n%s", r.code, r.out)
	}
}
