package plan

import (
	"fmt"
	"testing"

	"github.com/orgctl/orgctl/pkg/manifest"
	"github.com/orgctl/orgctl/pkg/provider"
)

// BenchmarkMake plans 10,000 entries against 10,000 organizations with 10 %
// drift: the planning step of bench/apply.sh, without I/O.
func BenchmarkMake(b *testing.B) {
	const n = 10000
	entries := make([]manifest.Entry, n)
	current := map[string][]provider.Organization{provider.Vertra: make([]provider.Organization, n)}
	for i := range n {
		name := fmt.Sprintf("bench-%05d", i)
		entries[i] = entry("vertra", map[string]any{"name": name, "description": "tenant", "tags": []string{"a", "b"}})
		entries[i].Index = i + 1
		desc := "tenant"
		if i%10 == 0 {
			desc = "edited"
		}
		current[provider.Vertra][i] = vert(fmt.Sprintf("org_%05d", i), name, desc, "b", "a")
	}
	b.ReportAllocs()
	for b.Loop() {
		p, problems := Make(entries, current, Options{})
		if problems != nil || p.Count(Update) != n/10 {
			b.Fatal(problems, p.Count(Update))
		}
	}
}
