package sandbox

import (
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkSeed measures POST /_sandbox/seed of a million organizations,
// in memory and into a state file.
//
//	go test ./pkg/sandbox -run '^$' -bench Seed -benchtime 1x -count 3
func BenchmarkSeed(b *testing.B) {
	for _, provider := range SeedProviders() {
		for _, where := range []string{"memory", "file"} {
			b.Run(fmt.Sprintf("%s/%s", provider, where), func(b *testing.B) {
				for range b.N {
					opts := Options{}
					if where == "file" {
						opts.StatePath = filepath.Join(b.TempDir(), "sandbox.json")
					}
					if err := New(opts).Seed(Seed{Provider: provider, Count: 1_000_000}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
