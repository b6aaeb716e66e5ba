package sandbox

import (
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkSessionCreate measures what one `orgctl create --sandbox` costs
// the sandbox at a given number of stored organizations: open the state,
// serve one create on loopback, close (and save) the state.
//
//	go test ./pkg/sandbox -run '^$' -bench SessionCreate -benchtime 5x -count 5
func BenchmarkSessionCreate(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("orgs=%d", n), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "sandbox.json")
			fillState(b, path, n)
			b.ResetTimer()
			for i := range b.N {
				s, err := StartSession(path, Options{VertraAPI: "both"})
				if err != nil {
					b.Fatal(err)
				}
				body := fmt.Sprintf(`{"name":"new-%d","plan":"FREE"}`, i)
				if st := benchPost(b, s.URL, "/organization", body); st != 201 {
					b.Fatalf("create: %d", st)
				}
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
