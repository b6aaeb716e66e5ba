package shard

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The vector of docs/ci.md: keep the two in step.
func TestOfVector(t *testing.T) {
	for _, tc := range []struct {
		provider, name string
		want           int
	}{
		{"qovery", "acme", 2},
		{"qovery", "Acme", 2},
		{"vertra", "acme", 4},
		{"qovery", "globex", 1},
		{"vertra", "globex", 3},
		{"qovery", "initech", 4},
		{"vertra", "ci-umbrella", 1},
		{"vertra", "stark", 3},
		{"vertra", "Ünïcode-Org", 1},
	} {
		if got := Of(tc.provider, tc.name, 4); got != tc.want {
			t.Errorf("Of(%q, %q, 4) = %d, want %d", tc.provider, tc.name, got, tc.want)
		}
	}
}

// TestDocVector checks every row of docs/ci.md's table: hash and shard.
func TestDocVector(t *testing.T) {
	doc, err := os.ReadFile("../../docs/ci.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := regexp.MustCompile("(?m)^ *\\| (\\w+) \\| (\\S+) \\| `0x([0-9a-f]{16})` \\| (\\d+) \\|$").FindAllStringSubmatch(string(doc), -1)
	if len(rows) < 8 {
		t.Fatalf("docs/ci.md has %d rows of the test vector, want at least 8", len(rows))
	}
	for _, row := range rows {
		hash, _ := strconv.ParseUint(row[3], 16, 64)
		k, _ := strconv.Atoi(row[4])
		if got := Hash(row[1], row[2]); got != hash {
			t.Errorf("Hash(%q, %q) = %#016x, docs/ci.md says %#016x", row[1], row[2], got, hash)
		}
		if got := Of(row[1], row[2], 4); got != k {
			t.Errorf("Of(%q, %q, 4) = %d, docs/ci.md says %d", row[1], row[2], got, k)
		}
	}
}

func TestShardsPartitionAManifest(t *testing.T) {
	type entry struct{ provider, name string }
	var entries []entry
	for i := range 500 {
		entries = append(entries, entry{"qovery", fmt.Sprintf("tenant-%d", i)}, entry{"vertra", fmt.Sprintf("Tenant-%d", i)})
	}
	for _, n := range []int{1, 2, 3, 4, 7, 16} {
		sizes := make([]int, n+1)
		for _, e := range entries {
			in := 0
			for k := 1; k <= n; k++ {
				if (Shard{K: k, N: n}).Has(e.provider, e.name) {
					in++
					sizes[k]++
				}
			}
			if in != 1 {
				t.Fatalf("N=%d: %s/%s is in %d shards, want exactly 1", n, e.provider, e.name, in)
			}
		}
		for k := 1; k <= n; k++ {
			if sizes[k] == 0 {
				t.Errorf("N=%d: shard %d got none of %d entries", n, k, len(entries))
			}
		}
	}
	// The zero Shard (no --shard) is the whole.
	for _, e := range entries {
		if !(Shard{}).Has(e.provider, e.name) {
			t.Fatalf("the zero Shard does not have %s/%s", e.provider, e.name)
		}
	}
}

func TestCaseDoesNotMoveAName(t *testing.T) {
	for _, name := range []string{"acme", "ci-Globex", "ÉCOLE"} {
		for n := 2; n <= 9; n++ {
			if a, b := Of("vertra", name, n), Of("vertra", strings.ToUpper(name), n); a != b {
				t.Errorf("N=%d: %q in shard %d, its upper case in %d", n, name, a, b)
			}
		}
	}
}

func TestParse(t *testing.T) {
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	none := env(nil)
	for _, tc := range []struct {
		in   string
		env  func(string) string
		want Shard
	}{
		{"1/1", none, Shard{1, 1}},
		{"2/4", none, Shard{2, 4}},
		{" 4/4 ", none, Shard{4, 4}},
		{"auto", env(map[string]string{EnvIndex: "3", EnvTotal: "5"}), Shard{3, 5}},
	} {
		got, err := Parse(tc.in, tc.env)
		if err != nil || got != tc.want {
			t.Errorf("Parse(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		in   string
		env  func(string) string
		want string // in the error
	}{
		{"", none, "use K/N"},
		{"3", none, "use K/N"},
		{"0/4", none, "K must be from 1 to N (4); shards count from 1"},
		{"5/4", none, "K must be from 1 to N (4)"},
		{"1/0", none, "N must be at least 1"},
		{"-1/4", none, "K must be from 1 to N"},
		{"a/4", none, "whole numbers"},
		{"1/4/2", none, "whole numbers"},
		{"auto", none, "auto needs CI_NODE_INDEX and CI_NODE_TOTAL"},
		{"auto", env(map[string]string{EnvIndex: "1"}), "auto needs CI_NODE_INDEX and CI_NODE_TOTAL"},
		{"auto", env(map[string]string{EnvIndex: "0", EnvTotal: "4"}), `CI_NODE_INDEX="0", CI_NODE_TOTAL="4": K must be from 1 to N`},
	} {
		_, err := Parse(tc.in, tc.env)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) error = %v, want one containing %q", tc.in, err, tc.want)
		} else if strings.Contains(err.Error(), "\n") {
			t.Errorf("Parse(%q) error has several lines: %q", tc.in, err)
		}
	}
}
