package iostreams

import (
	"io"
	"strings"
	"testing"
)

// BenchmarkRedactWriter writes NDJSON-like result lines (about 200 bytes,
// the size of a bulk result) through the redactor: with no secret
// registered (the baseline: a plain pass-through), and with the tokens of a
// typical run (two tokens, each in all its spellings).
func BenchmarkRedactWriter(b *testing.B) {
	line := []byte(`{"index":42,"name":"tenant-0042","provider":"qovery","status":"created","organization":{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","name":"tenant-0042","plan":"TEAM_2025"}}` + "\n")
	for _, tt := range []struct {
		name    string
		secrets []string
	}{
		{"no secret", nil},
		{"two tokens", []string{"Token qov_" + strings.Repeat("x", 40), "Bearer vtk_" + strings.Repeat("y", 32)}},
	} {
		b.Run(tt.name, func(b *testing.B) {
			ios := New(nil, io.Discard, io.Discard)
			ios.AddSecret(tt.secrets...)
			b.SetBytes(int64(len(line)))
			for i := 0; i < b.N; i++ {
				_, _ = ios.Out.Write(line)
			}
		})
	}
}
