package plan

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"regexp"
	"testing"

	"github.com/orgctl/orgctl/pkg/manifest"
	"github.com/orgctl/orgctl/pkg/provider"
)

// Reading an account through Account gives the plan Make gives with the
// whole account in memory, for random manifests, accounts and prune rules,
// while keeping only what the manifest names or pruning deletes.
func TestAccountPlansAsTheWholeAccountDoes(t *testing.T) {
	owner := &manifest.Prune{All: manifest.Owner{Match: regexp.MustCompile("^ci-")}}
	for seed := range uint64(200) {
		r := rand.New(rand.NewPCG(seed, 7))
		name := func() string {
			return []string{"ci-", "team-", "CI-"}[r.IntN(3)] + fmt.Sprint(r.IntN(30))
		}
		var account []provider.Organization
		taken := map[string]bool{}
		for i := range r.IntN(60) {
			n := name()
			if taken[fold(n)] {
				continue
			}
			taken[fold(n)] = true
			if r.IntN(2) == 0 {
				account = append(account, qov(fmt.Sprint("q", i), n, "TEAM"))
			} else {
				account = append(account, vert(fmt.Sprint("v", i), n, "d"))
			}
		}
		var entries []manifest.Entry
		for i := range r.IntN(20) {
			fields := map[string]any{"name": name(), "description": []string{"d", "e"}[r.IntN(2)]}
			if r.IntN(8) == 0 && len(account) > 0 {
				fields["id"] = account[r.IntN(len(account))].ID
			}
			e := entry([]string{provider.Qovery, provider.Vertra}[r.IntN(2)], fields)
			e.Index = i + 1
			entries = append(entries, e)
		}
		opts := Options{Owner: owner, Prune: r.IntN(2) == 0}

		whole := map[string][]provider.Organization{provider.Qovery: {}, provider.Vertra: {}}
		acct := NewAccount(entries, opts)
		acct.Read(provider.Qovery)
		acct.Read(provider.Vertra)
		for i := range account {
			o := account[i]
			whole[o.Provider] = append(whole[o.Provider], o)
			acct.Add(o.Provider, &o)
		}
		want, wantProblems := Make(entries, whole, opts)
		got, gotProblems := acct.Plan(entries)
		if fmt.Sprint(gotProblems) != fmt.Sprint(wantProblems) {
			t.Fatalf("seed %d: problems %v, want %v", seed, gotProblems, wantProblems)
		}
		if want == nil {
			continue
		}
		if !reflect.DeepEqual(summary(got), summary(want)) || got.Orphans != want.Orphans {
			t.Fatalf("seed %d:\ngot  %v (%d orphans)\nwant %v (%d orphans)", seed, summary(got), got.Orphans, summary(want), want.Orphans)
		}
		kept := len(acct.current[provider.Qovery]) + len(acct.current[provider.Vertra])
		if kept > len(entries)+want.Count(Delete) {
			t.Fatalf("seed %d: kept %d organizations for %d entries and %d deletions", seed, kept, len(entries), want.Count(Delete))
		}
	}
}
