package output

import (
	"io"
	"testing"
)

// The cost of one organization of a streamed list, by format
// (docs/output.md quotes them).
func BenchmarkListWriter(b *testing.B) {
	org := qoveryOrg()
	for _, f := range []Format{JSON, YAML} {
		b.Run(string(f), func(b *testing.B) {
			l := NewListWriter(io.Discard, f)
			b.ReportAllocs()
			for b.Loop() {
				if err := l.Add(org); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
