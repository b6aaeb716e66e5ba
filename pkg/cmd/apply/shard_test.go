package apply_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/sandbox"
	"github.com/orgctl/orgctl/pkg/shard"
)

type planDoc struct {
	Summary struct{ Orphans int }
	Actions []struct {
		Action, Provider, Name string
	}
}

func diffJSON(t *testing.T, args ...string) planDoc {
	t.Helper()
	r := run(t, "", false, append([]string{"diff", "-o", "json"}, args...)...)
	if r.code != 0 && r.code != 8 {
		t.Fatalf("diff %v: exit %d\n%s", args, r.code, r.errOut)
	}
	var doc planDoc
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatalf("diff %v: %v\n%s", args, err, r.out)
	}
	return doc
}

func (d planDoc) keys() []string {
	var keys []string
	for _, a := range d.Actions {
		keys = append(keys, a.Action+" "+a.Provider+"/"+a.Name)
	}
	sort.Strings(keys)
	return keys
}

// shardWorld seeds a sandbox with organizations the manifest names,
// orphans it owns on both providers, one it does not own, and one it renames
// by pinned id whose old name is in another shard of 3 than its new one.
func shardWorld(t *testing.T) (*sandbox.Running, string) {
	t.Helper()
	sb := sandboxed(t)
	var m strings.Builder
	m.WriteString("prune: {match: '^ci-'}\norganizations:\n")
	for i := range 6 {
		seed(t, sb, "vertra", fmt.Sprintf(`{"name":"ci-kept-%d","description":"old"}`, i))
		seed(t, sb, "vertra", fmt.Sprintf(`{"name":"ci-orphan-%d"}`, i))
		seed(t, sb, "qovery", fmt.Sprintf(`{"name":"ci-qorphan-%d","plan":"TEAM"}`, i))
		fmt.Fprintf(&m, "- {name: ci-kept-%d, provider: vertra, description: new}\n", i)
		fmt.Fprintf(&m, "- {name: ci-new-%d, provider: qovery, plan: TEAM_2025}\n", i)
	}
	seed(t, sb, "vertra", `{"name":"prod"}`)
	old := ""
	for i := 0; old == ""; i++ {
		if c := fmt.Sprintf("ci-before-%d", i); shard.Of("vertra", c, 3) != shard.Of("vertra", "ci-after", 3) {
			old = c
		}
	}
	seed(t, sb, "vertra", `{"name":"`+old+`"}`)
	r := run(t, "", false, "get", "--provider", "vertra", old, "--jq", ".id")
	if r.code != 0 {
		t.Fatalf("get %s: %d %s", old, r.code, r.errOut)
	}
	fmt.Fprintf(&m, "- {id: %s, name: ci-after, provider: vertra}\n", strings.TrimSpace(r.out))
	return sb, write(t, "m.yaml", m.String())
}

// TestShardPlansPartitionTheWholePlan: the plans of shards 1..N, for
// several N, hold every action of the one-run plan exactly once, deletes
// and orphans included, and the rename's source is never an orphan.
func TestShardPlansPartitionTheWholePlan(t *testing.T) {
	_, m := shardWorld(t)
	for _, prune := range []bool{true, false} {
		args := []string{"-f", m}
		if prune {
			args = append(args, "--prune")
		}
		whole := diffJSON(t, args...)
		if prune && !slices.Contains(whole.keys(), "delete vertra/ci-orphan-0") {
			t.Fatalf("the whole plan deletes no orphan: %v", whole.keys())
		}
		for _, n := range []int{1, 2, 3, 5} {
			var union []string
			orphans := 0
			for k := 1; k <= n; k++ {
				part := diffJSON(t, append(args, "--shard", fmt.Sprintf("%d/%d", k, n))...)
				union = append(union, part.keys()...)
				orphans += part.Summary.Orphans
				for _, a := range part.Actions {
					if got := shard.Of(a.Provider, a.Name, n); got != k {
						t.Errorf("shard %d/%d plans %s %s/%s, which hashes to %d", k, n, a.Action, a.Provider, a.Name, got)
					}
				}
			}
			sort.Strings(union)
			if !slices.Equal(union, whole.keys()) {
				t.Errorf("prune %v, N=%d: the shards plan\n%v\nthe whole run\n%v", prune, n, union, whole.keys())
			}
			if orphans != whole.Summary.Orphans {
				t.Errorf("prune %v, N=%d: the shards count %d orphans, the whole run %d", prune, n, orphans, whole.Summary.Orphans)
			}
		}
	}
}

// TestShardedApplyPrunesWhatOneRunWould: apply --prune --shard K/3 for
// each K leaves the providers as one apply --prune leaves them.
func TestShardedApplyPrunesWhatOneRunWould(t *testing.T) {
	names := func() []string {
		var out []string
		for _, prov := range []string{"qovery", "vertra"} {
			r := run(t, "", false, "list", "--provider", prov, "--jq", ".[].name")
			if r.code != 0 {
				t.Fatalf("list: %d %s", r.code, r.errOut)
			}
			for _, n := range strings.Fields(r.out) {
				out = append(out, prov+"/"+n)
			}
		}
		sort.Strings(out)
		return out
	}
	_, m := shardWorld(t)
	if r := run(t, "", false, "apply", "-f", m, "--prune", "--yes"); r.code != 0 {
		t.Fatalf("apply: %d %s", r.code, r.errOut)
	}
	want := names()

	sb, m := shardWorld(t) // a fresh sandbox, seeded the same
	before := len(sb.Server.Requests())
	for k := 1; k <= 3; k++ {
		if r := run(t, "", false, "apply", "-f", m, "--prune", "--yes", "--shard", fmt.Sprintf("%d/3", k)); r.code != 0 {
			t.Fatalf("apply --shard %d/3: %d %s", k, r.code, r.errOut)
		}
	}
	if got := names(); !slices.Equal(got, want) {
		t.Errorf("after the 3 shards:\n%v\nafter one run:\n%v", got, want)
	}
	deletes := 0
	for _, w := range writes(sb, before) {
		if strings.HasPrefix(w, "DELETE ") {
			deletes++
		}
	}
	if deletes != 12 { // ci-orphan-0..5 and ci-qorphan-0..5
		t.Errorf("%d deletes, want the 12 orphans", deletes)
	}
	if r := run(t, "", false, "diff", "-f", m, "--prune"); r.code != 0 {
		t.Errorf("diff after the shards: exit %d\n%s", r.code, r.out)
	}
}

func TestShardFlagErrors(t *testing.T) {
	sb := sandboxed(t)
	t.Setenv(shard.EnvIndex, "")
	t.Setenv(shard.EnvTotal, "")
	m := write(t, "m.yaml", tenants)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"diff", "-f", m, "--shard", "0/2"}, `error: --shard "0/2": K must be from 1 to N (2); shards count from 1` + "\n"},
		{[]string{"apply", "-f", m, "--shard", "3/2"}, `error: --shard "3/2": K must be from 1 to N (2); shards count from 1` + "\n"},
		{[]string{"apply", "-f", m, "--shard", "half"}, `error: --shard "half": use K/N with 1 ≤ K ≤ N (e.g. 2/4), or auto` + "\n"},
		{[]string{"diff", "-f", m, "--shard", "auto"}, "error: --shard auto needs CI_NODE_INDEX and CI_NODE_TOTAL, which GitLab CI sets for a job with parallel: N; elsewhere give K/N, e.g. 1/4\n"},
	} {
		before := len(sb.Server.Requests())
		r := run(t, "", false, tc.args...)
		if r.code != 2 || r.errOut != tc.want {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, r.code, r.errOut, tc.want)
		}
		if n := len(sb.Server.Requests()) - before; n != 0 {
			t.Errorf("%v: %d requests sent", tc.args, n)
		}
	}
}
