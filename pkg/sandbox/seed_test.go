package sandbox

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func TestSeedRoute(t *testing.T) {
	for _, where := range []string{"memory", "state file"} {
		t.Run(where, func(t *testing.T) {
			opts := Options{VertraAPI: "both"}
			if where == "state file" {
				opts.StatePath = filepath.Join(t.TempDir(), "sandbox.json")
			}
			s := New(opts)
			for _, p := range SeedProviders() {
				body := fmt.Sprintf(`{"provider":%q,"count":1500,"prefix":"bench-","description":"seeded"}`, p)
				if a := do(t, s, "POST", "/_sandbox/seed", "", body); a.status != 201 || a.body != `{"seeded":1500}` {
					t.Fatalf("seed %s: %d %s", p, a.status, a.body)
				}
			}
			// Seeded organizations are the --sandbox account's, as a create
			// by it would have made them.
			for _, tt := range []struct{ path, auth, first string }{
				{"/organization", "Token " + DefaultToken, `"name":"bench-0000000","plan":"FREE","description":"seeded"`},
				{"/v1/organizations/all/@me", "Bearer " + DefaultToken, `"name":"bench-0000000","description":"seeded","tags":["discord"`},
				{"/v1/workspaces", "Bearer " + DefaultToken, `"name":"bench-0000000","description":"seeded"`},
			} {
				a := do(t, s, "GET", tt.path, tt.auth, "")
				if a.status != 200 || strings.Count(a.body, `"name":"bench-`) != 1500 || !strings.Contains(a.body, tt.first) || !strings.Contains(a.body, `"bench-0001499"`) {
					t.Errorf("%s: %d, %d organizations, %.300s", tt.path, a.status, strings.Count(a.body, `"name":"bench-`), a.body)
				}
			}
			if a := do(t, s, "POST", "/v1/organizations", "Bearer "+DefaultToken, `{"name":"BENCH-0000042"}`); a.status != 400 {
				t.Errorf("a seeded name must be taken: %d %s", a.status, a.body)
			}
			for body, status := range map[string]int{
				`{"provider":"vertra","count":2000,"prefix":"bench-"}`:                       409, // bench-0000000… exist
				`{"provider":"github","count":1}`:                                            400,
				`{"provider":"vertra","count":-1}`:                                           400,
				`{"provider":"vertra","count":1,"prefix":"` + strings.Repeat("x", 44) + `"}`: 400,
				`{"provider":"vertra","count":1,"token":"t"}`:                                201,
				`[1]`: 400,
			} {
				if a := do(t, s, "POST", "/_sandbox/seed", "", body); a.status != status {
					t.Errorf("seed %s: %d %s, want %d", body, a.status, a.body, status)
				}
			}
			if n := len(s.Organizations()); n != 4501 {
				t.Errorf("%d organizations, want 4501", n)
			}
		})
	}
}

func TestSeedWithAToken(t *testing.T) {
	s := New(Options{Token: "secret"})
	if err := s.Seed(Seed{Provider: providerQovery, Count: 3}); err != nil {
		t.Fatal(err)
	}
	a := do(t, s, "GET", "/organization", "Token secret", "")
	var list struct{ Results []struct{ Name string } }
	if err := json.Unmarshal([]byte(a.body), &list); err != nil || len(list.Results) != 3 || list.Results[2].Name != "seed-0000002" {
		t.Errorf("the only token's organizations: %s", a.body)
	}
	if err := s.Seed(Seed{Provider: providerQovery, Count: 1, Token: "other"}); err == nil {
		t.Error("a seed for a token the sandbox refuses")
	}
}

func TestParseSeeds(t *testing.T) {
	seeds, err := ParseSeeds("vertra=1000000, qovery=10")
	if err != nil || len(seeds) != 2 || seeds[0] != (Seed{Provider: "vertra", Count: 1000000}) || seeds[1].Provider != "qovery" {
		t.Errorf("%+v %v", seeds, err)
	}
	for _, bad := range []string{"vertra", "vertra=x", "", "github=3", "qovery=-1", "qovery=20000000"} {
		if _, err := ParseSeeds(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}
