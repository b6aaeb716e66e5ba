package e2e

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/sandbox"
)

// bigAccount is more organizations than the 4 MiB body cap of old allowed
// in one list (about 12,000 VertraCloud ones), and still quick to read.
const bigAccount = 60000

// seed fills the sandbox's account with count organizations of provider
// named prefix0000000, prefix0000001, ...
func seed(t *testing.T, sb *sandbox.Running, provider, token, prefix string, count int) {
	t.Helper()
	if err := sb.Server.Seed(sandbox.Seed{Provider: provider, Count: count, Prefix: prefix, Token: token}); err != nil {
		t.Fatal(err)
	}
}

// Every command that reads the account works on one of 60,000: list, get,
// delete by name, --if-not-exists, diff and apply.
func TestAnAccountLargerThanAnyBodyCap(t *testing.T) {
	sb, environ := startSandbox(t, sandbox.Options{})
	seed(t, sb, "vertra", vertraToken, "big-", bigAccount)
	seed(t, sb, "qovery", qoveryToken, "big-", bigAccount)

	for _, p := range []string{"vertra", "qovery"} {
		r := orgctl(t, environ, "list", "--provider", p, "-o", "json")
		var orgs []map[string]any
		if err := json.Unmarshal([]byte(r.out), &orgs); err != nil || r.code != 0 || len(orgs) != bigAccount {
			t.Fatalf("%s list: exit %d, %d organizations, %v; stderr %q", p, r.code, len(orgs), err, r.errOut)
		}
		if orgs[bigAccount-1]["name"] != "big-0059999" {
			t.Errorf("%s list ends with %v", p, orgs[bigAccount-1]["name"])
		}
		r = orgctl(t, environ, "list", "--provider", p, "--no-headers")
		if lines := strings.Count(r.out, "\n"); r.code != 0 || lines != bigAccount {
			t.Errorf("%s table: exit %d, %d lines", p, r.code, lines)
		}
		r = orgctl(t, environ, "get", "BIG-0059999", "--provider", p, "-o", "json")
		if r.code != 0 || !strings.Contains(r.out, `"name": "big-0059999"`) {
			t.Errorf("%s get by name: exit %d, %q %q", p, r.code, r.out, r.errOut)
		}
	}

	r := orgctl(t, environ, "create", "--provider", "vertra", "--name", "BIG-0000001", "--if-not-exists", "-o", "json")
	if r.code != 0 || !strings.Contains(r.out, `"created": false`) {
		t.Errorf("--if-not-exists: exit %d, %q %q", r.code, r.out, r.errOut)
	}
	r = orgctl(t, environ, "delete", "big-0030000", "--provider", "vertra", "--yes")
	if r.code != 0 {
		t.Fatalf("delete by name: exit %d, %q", r.code, r.errOut)
	}
	if r = orgctl(t, environ, "get", "big-0030000", "--provider", "vertra"); r.code != 7 {
		t.Errorf("deleted, yet get exits %d: %q", r.code, r.errOut)
	}

	manifest := writeManifest(t, "m.yaml", `organizations:
  - {provider: vertra, name: big-0000007}
  - {provider: vertra, name: big-0040000, description: changed}
  - {provider: qovery, name: big-0059998}
  - {provider: vertra, name: brand-new}
`)
	r = orgctl(t, environ, "diff", "-f", manifest, "-o", "json")
	var doc struct {
		Summary map[string]int `json:"summary"`
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil || r.code != 8 ||
		doc.Summary["create"] != 1 || doc.Summary["update"] != 1 || doc.Summary["unchanged"] != 2 {
		t.Fatalf("diff: exit %d, %+v %v; stderr %q", r.code, doc.Summary, err, r.errOut)
	}
	before := len(sb.Server.Requests())
	if r = orgctl(t, environ, "apply", "-f", manifest); r.code != 0 {
		t.Fatalf("apply: exit %d, %q", r.code, r.errOut)
	}
	var writes []string
	for _, req := range sb.Server.Requests()[before:] {
		if req.Method != "GET" {
			writes = append(writes, req.Method+" "+req.Path)
		}
	}
	if len(writes) != 2 || writes[0] != "POST /v1/organizations" || !strings.HasPrefix(writes[1], "PUT /v1/organizations/") {
		t.Errorf("apply wrote %v", writes)
	}
}

// A name lookup keeps nothing but the match: the peak memory of `get` is
// the same in an account three times as large.
func TestANameLookupTakesNoMoreMemoryInALargerAccount(t *testing.T) {
	sb, environ := startSandbox(t, sandbox.Options{})
	var rss []int64
	for _, n := range []int{bigAccount / 3, bigAccount} {
		seed(t, sb, "vertra", vertraToken, "size"+strings.Repeat("x", len(rss))+"-", n-len(sb.Server.Organizations()))
		r, kib := peakRSS(t, environ, "get", "missing", "--provider", "vertra")
		if r.code != 7 {
			t.Fatalf("get in %d: exit %d %q", n, r.code, r.errOut)
		}
		rss = append(rss, kib)
	}
	t.Logf("peak RSS of get: %d KiB in %d organizations, %d KiB in %d", rss[0], bigAccount/3, rss[1], bigAccount)
	if float64(rss[1]) > 1.25*float64(rss[0]) {
		t.Errorf("peak RSS of get: %d KiB in %d organizations, %d KiB in %d", rss[0], bigAccount/3, rss[1], bigAccount)
	}
}

// Name completion reads an account past the old cap too, keeps the names
// that start with what is typed, and caches no account this large. (20,000:
// completion has 2 s, and the race detector slows the sandbox down.)
func TestCompletesNamesInALargeAccount(t *testing.T) {
	sb, environ := startSandbox(t, sandbox.Options{})
	seed(t, sb, "vertra", vertraToken, "big-", 20000)
	cache := t.TempDir()
	got, errOut := completions(t, append(environ, "XDG_CACHE_HOME="+cache), "get", "--provider", "vertra", "big-001999")
	if len(got) != 10 || got[0] != "big-0019990" || got[9] != "big-0019999" || errOut != "" {
		t.Errorf("get big-001999<TAB>: %q, stderr %q", got, errOut)
	}
	if cached, _ := filepath.Glob(filepath.Join(cache, "orgctl", "names-*")); len(cached) != 0 {
		t.Errorf("cached the names of 20,000 organizations: %v", cached)
	}
}
