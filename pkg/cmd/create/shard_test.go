package create_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/internal/testenv"
	"github.com/orgctl/orgctl/pkg/internal/testhttp"
	"github.com/orgctl/orgctl/pkg/shard"
)

// shardServers points both providers at recording servers.
func shardServers(t *testing.T) (qov, ver *testhttp.Server) {
	testenv.Isolate(t)
	qov, ver = testhttp.New(t, 201, qoveryOK), testhttp.New(t, 201, vertraOK)
	t.Setenv("ORGCTL_QOVERY_URL", qov.URL)
	t.Setenv("ORGCTL_VERTRA_URL", ver.URL)
	t.Setenv("ORGCTL_VERTRA_API", "organizations")
	t.Setenv("ORGCTL_QOVERY_TOKEN", qoveryToken)
	t.Setenv("ORGCTL_VERTRA_TOKEN", vertraToken)
	return qov, ver
}

// created lists "provider/name" of every create the servers received.
func created(t *testing.T, servers map[string]*testhttp.Server) []string {
	t.Helper()
	var names []string
	for prov, srv := range servers {
		for _, r := range srv.Requests() {
			if r.Method != "POST" {
				continue
			}
			var body struct{ Name string }
			if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
				t.Fatalf("%s body %q: %v", prov, r.Body, err)
			}
			names = append(names, prov+"/"+body.Name)
		}
	}
	return names
}

// TestShardsCreateTheManifestOnce: the shards of a manifest, run one after
// the other, send one create for each entry, each by the shard its
// provider (the entry's, or --provider's) and name hash to.
func TestShardsCreateTheManifestOnce(t *testing.T) {
	var m strings.Builder
	want := map[string]int{} // provider/name -> shard of 3
	for i := range 20 {
		q, v, d := fmt.Sprintf("q-%d", i), fmt.Sprintf("V-%d", i), fmt.Sprintf("d-%d", i)
		fmt.Fprintf(&m, "- {provider: qovery, plan: TEAM_2025, name: %s}\n- {provider: vertracloud, name: %s}\n- {name: %s}\n", q, v, d)
		want["qovery/"+q], want["vertra/"+v], want["vertra/"+d] = shard.Of("qovery", q, 3), shard.Of("vertra", v, 3), shard.Of("vertra", d, 3)
	}
	file := filepath.Join(t.TempDir(), "m.yaml")
	if err := os.WriteFile(file, []byte(m.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for k := 1; k <= 3; k++ {
		qov, ver := shardServers(t)
		r := run(t, "create", "-f", file, "--provider", "vertra", "--shard", fmt.Sprintf("%d/3", k), "-o", "json")
		if r.code != 0 {
			t.Fatalf("shard %d/3: exit %d: %s", k, r.code, r.errOut)
		}
		names := created(t, map[string]*testhttp.Server{"qovery": qov, "vertra": ver})
		for _, n := range names {
			seen[n]++
			if want[n] != k {
				t.Errorf("shard %d/3 created %s, which hashes to shard %d", k, n, want[n])
			}
		}
		if lines := strings.Count(r.out, "\n"); lines != len(names) {
			t.Errorf("shard %d/3: %d result lines for %d creates", k, lines, len(names))
		}
		summary := fmt.Sprintf("created %d, skipped 0, failed 0, left to other shards %d in ", len(names), len(want)-len(names))
		if !strings.Contains(r.errOut, summary) {
			t.Errorf("shard %d/3: stderr %q, want %q", k, r.errOut, summary)
		}
	}
	for n := range want {
		if seen[n] != 1 {
			t.Errorf("%s created %d times by the 3 shards, want 1", n, seen[n])
		}
	}
	if len(seen) != len(want) {
		t.Errorf("%d names created, the manifest has %d", len(seen), len(want))
	}
}

// TestShardChecksTheWholeManifest: a bad entry in another shard fails every
// shard the same way, before anything is sent.
func TestShardChecksTheWholeManifest(t *testing.T) {
	// acme (vertra) is in shard 4 of 4; the repeated "globex" in shard 3.
	file := filepath.Join(t.TempDir(), "m.yaml")
	if err := os.WriteFile(file, []byte("- {provider: vertra, name: acme}\n- {provider: vertra, name: globex}\n- {provider: vertra, name: GLOBEX}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for k := 1; k <= 4; k++ {
		qov, ver := shardServers(t)
		r := run(t, "create", "-f", file, "--shard", fmt.Sprintf("%d/4", k))
		if r.code != 2 || !strings.Contains(r.errOut, `name "GLOBEX" repeats entry 2`) {
			t.Errorf("shard %d/4: exit %d, stderr %q; want 2 and the repeated name", k, r.code, r.errOut)
		}
		if n := len(qov.Requests()) + len(ver.Requests()); n != 0 {
			t.Errorf("shard %d/4: %d requests sent", k, n)
		}
	}
}

func TestShardFlagErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "m.yaml")
	if err := os.WriteFile(file, []byte("- {provider: vertra, name: acme}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-f", file, "--shard", "0/3"}, `error: --shard "0/3": K must be from 1 to N (3); shards count from 1` + "\n"},
		{[]string{"-f", file, "--shard", "4/3"}, `error: --shard "4/3": K must be from 1 to N (3)`},
		{[]string{"-f", file, "--shard", "2"}, `error: --shard "2": use K/N with 1 ≤ K ≤ N (e.g. 2/4), or auto` + "\n"},
		{[]string{"-f", file, "--shard", "one/two"}, `error: --shard "one/two": K and N must be whole numbers`},
		{[]string{"-f", file, "--shard", "1/0"}, `error: --shard "1/0": N must be at least 1`},
		{[]string{"-f", file, "--shard", "auto"}, "error: --shard auto needs CI_NODE_INDEX and CI_NODE_TOTAL, which GitLab CI sets for a job with parallel: N; elsewhere give K/N, e.g. 1/4\n"},
		{[]string{"--provider", "vertra", "--name", "acme", "--shard", "1/2"}, "error: --shard needs -f (a manifest)\n"},
	} {
		t.Run(strings.Join(tc.args[2:], " "), func(t *testing.T) {
			qov, ver := shardServers(t)
			t.Setenv(shard.EnvIndex, "")
			t.Setenv(shard.EnvTotal, "")
			r := run(t, append([]string{"create"}, tc.args...)...)
			if r.code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", r.code, r.errOut)
			}
			if !strings.HasPrefix(r.errOut, tc.want) || strings.Count(r.errOut, "\n") != 1 {
				t.Errorf("stderr = %q, want one line starting %q", r.errOut, tc.want)
			}
			if n := len(qov.Requests()) + len(ver.Requests()); n != 0 {
				t.Errorf("%d requests sent", n)
			}
		})
	}
}

// TestShardAuto reads GitLab's variables: CI_NODE_INDEX is 1-based.
func TestShardAuto(t *testing.T) {
	file := filepath.Join(t.TempDir(), "m.yaml")
	if err := os.WriteFile(file, []byte("- {provider: vertra, name: acme}\n- {provider: vertra, name: globex}\n- {provider: vertra, name: stark}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// By docs/ci.md's vector: vertra/acme is in 4 of 4, globex and stark in 3.
	for index, want := range map[string][]string{"3": {"vertra/globex", "vertra/stark"}, "4": {"vertra/acme"}, "1": nil} {
		qov, ver := shardServers(t)
		t.Setenv(shard.EnvIndex, index)
		t.Setenv(shard.EnvTotal, "4")
		r := run(t, "create", "-f", file, "--shard", "auto", "--concurrency", "1")
		if r.code != 0 {
			t.Fatalf("CI_NODE_INDEX=%s: exit %d: %s", index, r.code, r.errOut)
		}
		got := created(t, map[string]*testhttp.Server{"qovery": qov, "vertra": ver})
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("CI_NODE_INDEX=%s of 4 created %q, want %q", index, got, want)
		}
	}
}
