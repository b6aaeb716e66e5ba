// Package shard splits a manifest among the N jobs of a CI matrix
// (`--shard K/N`): each organization belongs to exactly one shard, decided
// by its provider and name alone, so the jobs take disjoint parts that
// together make the whole, whatever the order of the manifest and on any
// platform.
package shard

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/orgctl/orgctl/pkg/text"
)

// Shard is the part K (1-based) of N. The zero value is the whole: every
// organization is in it.
type Shard struct {
	K, N int
}

// The variables GitLab CI sets for a job with `parallel: N`: the job's
// 1-based index and N.
const (
	EnvIndex = "CI_NODE_INDEX"
	EnvTotal = "CI_NODE_TOTAL"
)

// Parse reads "K/N" (1 ≤ K ≤ N) or "auto", which takes K and N from
// GitLab's CI_NODE_INDEX and CI_NODE_TOTAL through getenv. The errors are
// one line, fit for a usage message.
func Parse(s string, getenv func(string) string) (Shard, error) {
	s = strings.TrimSpace(s)
	if s == "auto" {
		index, total := getenv(EnvIndex), getenv(EnvTotal)
		if index == "" || total == "" {
			return Shard{}, fmt.Errorf("auto needs %s and %s, which GitLab CI sets for a job with parallel: N; elsewhere give K/N, e.g. 1/4", EnvIndex, EnvTotal)
		}
		sh, err := parse(index, total)
		if err != nil {
			return Shard{}, fmt.Errorf("auto: %s=%s, %s=%s: %w", EnvIndex, text.Quote(index), EnvTotal, text.Quote(total), err)
		}
		return sh, nil
	}
	k, n, ok := strings.Cut(s, "/")
	if !ok {
		return Shard{}, fmt.Errorf("%s: use K/N with 1 ≤ K ≤ N (e.g. 2/4), or auto", text.Quote(s))
	}
	sh, err := parse(k, n)
	if err != nil {
		return Shard{}, fmt.Errorf("%s: %w", text.Quote(s), err)
	}
	return sh, nil
}

func parse(k, n string) (Shard, error) {
	kv, kerr := strconv.Atoi(k)
	nv, nerr := strconv.Atoi(n)
	switch {
	case kerr != nil || nerr != nil:
		return Shard{}, fmt.Errorf("K and N must be whole numbers, as in 2/4")
	case nv < 1:
		return Shard{}, fmt.Errorf("N must be at least 1")
	case kv < 1 || kv > nv:
		return Shard{}, fmt.Errorf("K must be from 1 to N (%d); shards count from 1", nv)
	}
	return Shard{K: kv, N: nv}, nil
}

// Whole reports whether the shard is the whole manifest (no --shard, or 1/1).
func (s Shard) Whole() bool { return s.N <= 1 }

// Has reports whether the organization named name on provider (its
// canonical name, "qovery" or "vertra") belongs to this shard.
func (s Shard) Has(provider, name string) bool {
	return s.Whole() || Of(provider, name, s.N) == s.K
}

func (s Shard) String() string {
	if s.N == 0 {
		return "1/1"
	}
	return fmt.Sprintf("%d/%d", s.K, s.N)
}

// Of is the shard (1 to n) of the organization named name on provider:
// Hash(provider, name) % n + 1. docs/ci.md gives a test vector, which
// TestOfVector and TestDocVector check.
func Of(provider, name string, n int) int {
	if n <= 1 {
		return 1
	}
	return int(Hash(provider, name)%uint64(n)) + 1
}

// Hash is FNV-1a 64 of the UTF-8 bytes of
//
//	provider + "\x00" + strings.ToLower(name)
//
// with the provider's canonical name. Names compare case-insensitively on
// both providers, so "Acme" and "acme" hash alike.
func Hash(provider, name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(provider))
	h.Write([]byte{0})
	h.Write([]byte(strings.ToLower(name)))
	return h.Sum64()
}
