package sandbox

import (
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkSession measures what one `orgctl --sandbox` command costs the
// sandbox at a given number of stored organizations: open the state, serve
// one request on loopback (a create, or a get, rename or delete by id),
// close the state.
//
//	go test ./pkg/sandbox -run '^$' -bench Session -benchtime 20x -count 5
func BenchmarkSession(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		path := filepath.Join(b.TempDir(), "sandbox.json")
		filled, unique := false, 0 // names stay new across the benchmark's runs
		for _, op := range []string{"create", "get", "rename", "delete"} {
			b.Run(fmt.Sprintf("orgs=%d/%s", n, op), func(b *testing.B) {
				if !filled {
					fillState(b, path, n)
					filled = true
				}
				ids := seededIDs(b, path, b.N)
				b.ResetTimer()
				for i := range b.N {
					unique++
					s, err := StartSession(path, Options{VertraAPI: "both"})
					if err != nil {
						b.Fatal(err)
					}
					method, where, body, want := "POST", "/organization", fmt.Sprintf(`{"name":"new-%d","plan":"FREE"}`, unique), 201
					switch op {
					case "get":
						method, where, body, want = "GET", "/organization/"+ids[i], "", 200
					case "rename":
						method, where, body, want = "PUT", "/organization/"+ids[i], fmt.Sprintf(`{"name":"renamed-%d","plan":"FREE"}`, unique), 200
					case "delete":
						method, where, body, want = "DELETE", "/organization/"+ids[i], "", 204
					}
					if st := benchDo(b, s.URL, method, where, body); st != want {
						b.Fatalf("%s %s: %d", method, where, st)
					}
					if err := s.Close(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// seededIDs are the ids of the last n organizations of the state file.
func seededIDs(b *testing.B, path string, n int) []string {
	st, err := openFileStore(path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.close()
	orgs, err := allOrgs(st)
	if err != nil || len(orgs) < n {
		b.Fatalf("%d organizations, %v", len(orgs), err)
	}
	var ids []string
	for _, o := range orgs[len(orgs)-n:] {
		ids = append(ids, o.ID)
	}
	return ids
}
