package manifest

import (
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/provider"
)

func TestParseDocumentForms(t *testing.T) {
	for _, tt := range []struct {
		name, format, data string
		entries            int
		prune              bool
		firstLine          int
	}{
		{"list", YAML, "- {name: a, provider: qovery}\n- {name: b, provider: qovery}\n", 2, false, 1},
		{"csv list", CSV, "name,provider\na,vertra\n", 1, false, 2},
		{"yaml document", YAML, "prune: {match: '^ci-'}\norganizations:\n  - {name: ci-a, provider: vertra}\n", 1, true, 3},
		{"json document", JSON, `{"organizations": [{"name": "ci-a", "provider": "vertra"}], "prune": {"tag": "managed-by:orgctl"}}`, 1, true, 1},
		{"document without prune", "", "organizations:\n- {name: a, provider: vertra}\n", 1, false, 2},
	} {
		d, err := ParseDocument(strings.NewReader(tt.data), tt.format)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if len(d.Entries) != tt.entries || (d.Prune != nil) != tt.prune || d.Entries[0].Line != tt.firstLine {
			t.Errorf("%s: %d entries, prune %v, line %d", tt.name, len(d.Entries), d.Prune != nil, d.Entries[0].Line)
		}
	}
}

func TestParseDocumentErrors(t *testing.T) {
	for _, tt := range []struct{ data, want string }{
		{"prune: {match: '^ci-'}\n", "line 1: the manifest has no organizations list"},
		{"organizations: {name: a}\n", "line 1: organizations must be a list"},
		{"orgs: []\n", `line 1: unknown key "orgs"`},
		{"prune: {}\norganizations: []\n", "line 1: prune owns nothing"},
		{"prune: '^ci-'\norganizations: []\n", "line 1: prune must be a mapping"},
		{"prune: {match: '(ci'}\norganizations: []\n", "line 1: prune.match: error parsing regexp"},
		{"prune: {match: ''}\norganizations: []\n", "line 1: prune.match must be non-blank text"},
		{"prune: {aws: {match: x}}\norganizations: []\n", `line 1: prune: "aws" is neither match, tag nor a provider`},
		{"prune: {vertra: {owner: me}}\norganizations: []\n", `line 1: prune.vertra: unknown key "owner"`},
		{"prune: {match: x}\norganizations:\n- {name: a, colour: red}\n", `entry 1 (line 3): colour: unknown field "colour"`},
	} {
		_, err := ParseDocument(strings.NewReader(tt.data), YAML)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: err = %v, want %q", tt.data, err, tt.want)
		}
	}
}

// TestOwns: --prune may delete only what a rule names; a provider's own
// rule replaces the global one, and match and tag together must both hold.
func TestOwns(t *testing.T) {
	doc := func(prune string) *Prune {
		d, err := ParseDocument(strings.NewReader("prune: "+prune+"\norganizations: []\n"), YAML)
		if err != nil {
			t.Fatal(err)
		}
		return d.Prune
	}
	q := func(name string) *provider.Organization {
		return &provider.Organization{Provider: provider.Qovery, Name: name}
	}
	v := func(name string, tags ...string) *provider.Organization {
		return &provider.Organization{Provider: provider.Vertra, Name: name, Tags: tags}
	}
	for _, tt := range []struct {
		prune string
		org   *provider.Organization
		want  bool
	}{
		{"{match: '^ci-'}", q("ci-a"), true},
		{"{match: '^ci-'}", q("prod-ci-a"), false},
		{"{match: '^ci-'}", q("CI-a"), false}, // as written; (?i) to ignore case
		{"{match: '(?i)^ci-'}", q("CI-a"), true},
		{"{tag: 'managed-by:orgctl'}", v("x", "managed-by:orgctl"), true},
		{"{tag: 'managed-by:orgctl'}", v("x", "managed-by:other"), false},
		{"{tag: 'managed-by:orgctl'}", q("x"), false}, // Qovery has no tags
		{"{match: '^ci-', tag: 'managed-by:orgctl'}", v("ci-a"), false},
		{"{match: '^ci-', tag: 'managed-by:orgctl'}", v("ci-a", "managed-by:orgctl"), true},
		{"{vertracloud: {match: '^t-'}}", v("t-a"), true},
		{"{vertra: {match: '^t-'}}", q("t-a"), false}, // no rule for qovery: owns nothing there
		{"{match: '^ci-', vertra: {match: '^t-'}}", v("ci-a"), false},
		{"{match: '^ci-', vertra: {match: '^t-'}}", q("ci-a"), true},
	} {
		if got := doc(tt.prune).Owns(tt.org); got != tt.want {
			t.Errorf("prune %s owns %s %q %v: %v", tt.prune, tt.org.Provider, tt.org.Name, tt.org.Tags, got)
		}
	}
	if (*Prune)(nil).Owns(q("ci-a")) {
		t.Error("a manifest without prune owns something")
	}
}
