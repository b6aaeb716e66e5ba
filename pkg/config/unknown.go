package config

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/orgctl/orgctl/pkg/text"
)

// unknownKeys warns about every key of the file orgctl does not read, at
// the top level and in each profile, suggesting the key it was probably
// meant to be: a misspelt key is otherwise silently ignored.
func unknownKeys(path string, values map[string]any) []string {
	var warnings []string
	for _, key := range leafKeys(values, "") {
		prefix, rel := "", key
		if rest, ok := strings.CutPrefix(key, KeyProfiles+"."); ok {
			name, sub, _ := strings.Cut(rest, ".")
			prefix, rel = KeyProfiles+"."+name+".", sub
		}
		if slices.Contains(Keys(), rel) || (prefix == "" && rel == KeyCurrentProfile) {
			continue
		}
		msg := fmt.Sprintf("unknown key %s in %s", text.Label(key), path)
		if near := Suggest(rel); near != "" {
			msg += fmt.Sprintf(": did you mean %s%s?", prefix, near)
		} else {
			msg += ": orgctl ignores it (keys: " + strings.Join(Keys(), ", ") + ")"
		}
		warnings = append(warnings, msg)
	}
	return warnings
}

// leafKeys lists the dotted paths of a nested map's leaves, sorted. A
// profile with no keys is a leaf too, so it is not reported.
func leafKeys(m map[string]any, prefix string) []string {
	var keys []string
	for k, v := range m {
		sub, ok := v.(map[string]any)
		switch {
		case ok && len(sub) > 0:
			keys = append(keys, leafKeys(sub, prefix+k+".")...)
		case ok && prefix == KeyProfiles+".":
			// an empty profile is fine
		default:
			keys = append(keys, prefix+k)
		}
	}
	sort.Strings(keys)
	return keys
}

// Suggest returns the known key closest to an unknown one, or "" when none
// is close enough to be a typo.
func Suggest(key string) string {
	best, bestDist := "", max(1, len(key)/4)+1 // a typo or two, not another word
	for _, k := range Keys() {
		if d := distance(strings.ToLower(key), k); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

// distance is the Levenshtein distance between two strings.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
