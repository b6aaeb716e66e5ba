package manifest

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// manifestBytes renders n entries in a format.
func manifestBytes(format string, n int) []byte {
	var b bytes.Buffer
	switch format {
	case CSV:
		b.WriteString("name,provider,description,tags\n")
		for i := range n {
			fmt.Fprintf(&b, "tenant-%d,vertra,tenant number %d,\"ci,prod\"\n", i, i)
		}
	case NDJSON:
		for i := range n {
			fmt.Fprintf(&b, `{"name":"tenant-%d","provider":"vertra","description":"tenant number %d","tags":["ci","prod"]}`+"\n", i, i)
		}
	case JSON:
		b.WriteString("[\n")
		for i := range n {
			if i > 0 {
				b.WriteString(",\n")
			}
			fmt.Fprintf(&b, `{"name":"tenant-%d","provider":"vertra","description":"tenant number %d","tags":["ci","prod"]}`, i, i)
		}
		b.WriteString("\n]\n")
	case YAML:
		for i := range n {
			fmt.Fprintf(&b, "- name: tenant-%d\n  provider: vertra\n  description: tenant number %d\n  tags: [ci, prod]\n", i, i)
		}
	}
	return b.Bytes()
}

// BenchmarkRead reads 10,000 entries per format, entry by entry, as
// create -f does; allocations are reported per manifest.
func BenchmarkRead(b *testing.B) {
	const n = 10_000
	for _, format := range []string{CSV, NDJSON, JSON, YAML} {
		data := manifestBytes(format, n)
		b.Run(format, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				r, err := NewReader(bytes.NewReader(data), format)
				if err != nil {
					b.Fatal(err)
				}
				count := 0
				for {
					if _, err := r.Next(); err == io.EOF {
						break
					} else if err != nil {
						b.Fatal(err)
					}
					count++
				}
				if count != n {
					b.Fatalf("%d entries", count)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/entry")
		})
	}
}
