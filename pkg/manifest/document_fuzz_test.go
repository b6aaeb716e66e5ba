package manifest

import (
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/provider"
)

// FuzzParseDocument: whatever the bytes, ParseDocument returns a document
// or an error, never panics, and a parsed ownership rule can be asked.
func FuzzParseDocument(f *testing.F) {
	for _, seed := range []string{
		"prune: {match: '^ci-'}\norganizations:\n  - {name: ci-a, provider: vertra}\n",
		`{"prune": {"vertra": {"tag": "managed-by:orgctl"}}, "organizations": [{"name": "a", "id": "x"}]}`,
		"prune: {qovery: {match: '(?i)^t-'}, match: x, tag: y}\norganizations: []\n",
		"- {name: a, tags: []}\n",
		"name,provider\na,qovery\n",
		"prune: [1]\norganizations: {}\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data string) {
		d, err := ParseDocument(strings.NewReader(data), "")
		if err != nil {
			return
		}
		for _, e := range d.Entries {
			org := &provider.Organization{Provider: provider.Vertra, Name: e.Name, Tags: e.Tags}
			_ = d.Prune.Owns(org)
		}
	})
}
