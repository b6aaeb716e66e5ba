package plan

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/manifest"
	"github.com/orgctl/orgctl/pkg/provider"
)

// entry builds a validated entry the way the manifest parser would: only
// the fields given are marked as set.
func entry(prov string, fields map[string]any) manifest.Entry {
	e := manifest.Entry{Provider: prov, Set: manifest.FieldProvider}
	for k, v := range fields {
		switch k {
		case "id":
			e.ID, e.Set = v.(string), e.Set|manifest.FieldID
		case "name":
			e.Name, e.Set = v.(string), e.Set|manifest.FieldName
		case "plan":
			e.Plan, e.Set = v.(string), e.Set|manifest.FieldPlan
		case "description":
			e.Description, e.Set = v.(string), e.Set|manifest.FieldDescription
		case "website_url":
			e.WebsiteURL, e.Set = v.(string), e.Set|manifest.FieldWebsiteURL
		case "repository":
			e.Repository, e.Set = v.(string), e.Set|manifest.FieldRepository
		case "logo_url":
			e.LogoURL, e.Set = v.(string), e.Set|manifest.FieldLogoURL
		case "icon_url":
			e.IconURL, e.Set = v.(string), e.Set|manifest.FieldIconURL
		case "admin_emails":
			e.AdminEmails, e.Set = v.([]string), e.Set|manifest.FieldAdminEmails
		case "tags":
			e.Tags, e.Set = v.([]string), e.Set|manifest.FieldTags
		default:
			panic(k)
		}
	}
	return e
}

func str(s string) *string { return &s }

func qov(id, name, plan string) provider.Organization {
	return provider.Organization{Provider: provider.Qovery, ID: id, Name: name, Plan: str(plan), AdminEmails: []string{}}
}

// qovURLs is a Qovery organization with its four URLs; "" is null.
func qovURLs(id, name, website, repository, logo, icon string) provider.Organization {
	o := qov(id, name, "TEAM_2025")
	orNil := func(s string) *string {
		if s == "" {
			return nil
		}
		return str(s)
	}
	o.WebsiteURL, o.Repository, o.LogoURL, o.IconURL = orNil(website), orNil(repository), orNil(logo), orNil(icon)
	return o
}

func vert(id, name, description string, tags ...string) provider.Organization {
	o := provider.Organization{Provider: provider.Vertra, ID: id, Name: name, Tags: tags}
	if description != "" {
		o.Description = str(description)
	}
	return o
}

// summary renders a plan compactly: one "kind provider/name#id {changes}"
// per action, in order.
func summary(p *Plan) []string {
	var out []string
	for _, a := range p.Actions {
		s := string(a.Kind) + " " + a.Provider + "/" + a.Name
		if a.ID != "" {
			s += "#" + a.ID
		}
		for _, c := range a.Diff() {
			old, _ := json.Marshal(c.Old)
			new, _ := json.Marshal(c.New)
			s += " " + c.Field + ":" + string(old) + "->" + string(new)
		}
		out = append(out, s)
	}
	return out
}

func TestMake(t *testing.T) {
	type M = map[string]any
	owner := func(re string) *manifest.Prune {
		return &manifest.Prune{All: manifest.Owner{Match: regexp.MustCompile(re)}}
	}
	for _, tt := range []struct {
		name    string
		entries []manifest.Entry
		current []provider.Organization
		opts    Options
		want    []string
		orphans int
	}{
		{
			name:    "empty account: every entry is a create with the fields it sets",
			entries: []manifest.Entry{entry("qovery", M{"name": "acme", "plan": "TEAM_2025", "admin_emails": []string{"ops@acme.io"}}), entry("vertra", M{"name": "globex", "tags": []string{}})},
			want: []string{`create qovery/acme name:null->"acme" plan:null->"TEAM_2025" admin_emails:null->["ops@acme.io"]`,
				`create vertra/globex name:null->"globex"`},
		},
		{
			name:    "names match case-insensitively; the same values are unchanged",
			entries: []manifest.Entry{entry("qovery", M{"name": "acme", "plan": "TEAM_2025"})},
			current: []provider.Organization{qov("q1", "acme", "TEAM_2025"), qov("q2", "ACME-2", "TEAM_2025")},
			want:    []string{"unchanged qovery/acme#q1"},
		},
		{
			name:    "a name that differs only in case is renamed to the manifest's spelling",
			entries: []manifest.Entry{entry("qovery", M{"name": "Acme"})},
			current: []provider.Organization{qov("q1", "acme", "TEAM_2025")},
			want:    []string{`update qovery/Acme#q1 name:"acme"->"Acme"`},
		},
		{
			name:    "plan: case does not matter, a deprecated plan kept is unchanged, a new plan is an update",
			entries: []manifest.Entry{entry("qovery", M{"name": "a", "plan": "TEAM_2025"}), entry("qovery", M{"name": "b", "plan": "FREE"}), entry("qovery", M{"name": "c", "plan": "TEAM_2025"})},
			current: []provider.Organization{qov("q1", "a", "team_2025"), qov("q2", "b", "FREE"), qov("q3", "c", "FREE")},
			want:    []string{`update qovery/c#q3 plan:"FREE"->"TEAM_2025"`, "unchanged qovery/a#q1", "unchanged qovery/b#q2"},
		},
		{
			name:    "a field left out is left alone",
			entries: []manifest.Entry{entry("vertra", M{"name": "v"})},
			current: []provider.Organization{vert("v1", "v", "some text", "ci")},
			want:    []string{"unchanged vertra/v#v1"},
		},
		{
			name:    "a field set empty is cleared",
			entries: []manifest.Entry{entry("vertra", M{"name": "v", "description": "", "tags": []string{}})},
			current: []provider.Organization{vert("v1", "v", "some text", "ci")},
			want:    []string{`update vertra/v#v1 description:"some text"->"" tags:["ci"]->[]`},
		},
		{
			name:    "clearing what is already empty changes nothing (null and empty agree)",
			entries: []manifest.Entry{entry("vertra", M{"name": "v", "description": "", "tags": []string{}}), entry("qovery", M{"name": "q", "website_url": "", "admin_emails": []string{}})},
			current: []provider.Organization{vert("v1", "v", ""), qov("q1", "q", "TEAM")},
			want:    []string{"unchanged vertra/v#v1", "unchanged qovery/q#q1"},
		},
		{
			// Each URL on its own, so that a comparison left out of Compare
			// shows as a missing update here.
			name: "Qovery's URLs: each one that differs is an update of that field alone; the same, or null and empty, are unchanged",
			entries: []manifest.Entry{
				entry("qovery", M{"name": "w", "website_url": "https://new.example"}),
				entry("qovery", M{"name": "r", "repository": "https://git.example/new"}),
				entry("qovery", M{"name": "l", "logo_url": "https://cdn.example/new.png"}),
				entry("qovery", M{"name": "i", "icon_url": ""}),
				entry("qovery", M{"name": "same", "website_url": "https://w.example", "repository": "https://git.example/r",
					"logo_url": "https://cdn.example/l.png", "icon_url": ""})},
			current: []provider.Organization{
				qovURLs("q1", "w", "https://old.example", "https://git.example/r", "https://cdn.example/l.png", "https://cdn.example/i.png"),
				qovURLs("q2", "r", "https://w.example", "https://git.example/old", "https://cdn.example/l.png", "https://cdn.example/i.png"),
				qovURLs("q3", "l", "https://w.example", "https://git.example/r", "https://cdn.example/old.png", "https://cdn.example/i.png"),
				qovURLs("q4", "i", "https://w.example", "https://git.example/r", "https://cdn.example/l.png", "https://cdn.example/i.png"),
				qovURLs("q5", "same", "https://w.example", "https://git.example/r", "https://cdn.example/l.png", "")},
			want: []string{
				`update qovery/w#q1 website_url:"https://old.example"->"https://new.example"`,
				`update qovery/r#q2 repository:"https://git.example/old"->"https://git.example/new"`,
				`update qovery/l#q3 logo_url:"https://cdn.example/old.png"->"https://cdn.example/new.png"`,
				`update qovery/i#q4 icon_url:"https://cdn.example/i.png"->""`,
				"unchanged qovery/same#q5"},
		},
		{
			name:    "a create sets each URL the entry gives",
			entries: []manifest.Entry{entry("qovery", M{"name": "n", "website_url": "https://w.example", "repository": "https://git.example/r", "logo_url": "https://cdn.example/l.png", "icon_url": "https://cdn.example/i.png"})},
			want: []string{`create qovery/n name:null->"n" website_url:null->"https://w.example" repository:null->"https://git.example/r"` +
				` logo_url:null->"https://cdn.example/l.png" icon_url:null->"https://cdn.example/i.png"`},
		},
		{
			name: "lists compare as sets: order does not matter, e-mail case does not either",
			entries: []manifest.Entry{entry("vertra", M{"name": "v", "tags": []string{"prod", "ci"}}),
				entry("qovery", M{"name": "q", "admin_emails": []string{"Ops@Acme.io", "dev@acme.io"}})},
			current: []provider.Organization{vert("v1", "v", "", "ci", "prod"),
				func() provider.Organization {
					o := qov("q1", "q", "TEAM")
					o.AdminEmails = []string{"dev@acme.io", "ops@acme.io"}
					return o
				}()},
			want: []string{"unchanged vertra/v#v1", "unchanged qovery/q#q1"},
		},
		{
			name:    "tags are compared exactly; only changed fields are listed",
			entries: []manifest.Entry{entry("vertra", M{"name": "v", "description": "same", "tags": []string{"CI", "prod"}})},
			current: []provider.Organization{vert("v1", "v", "same", "ci", "prod")},
			want:    []string{`update vertra/v#v1 tags:["ci","prod"]->["CI","prod"]`},
		},
		{
			name:    "a pinned id with another name is a rename, not a delete and a create",
			entries: []manifest.Entry{entry("vertra", M{"id": "v1", "name": "new-name"})},
			current: []provider.Organization{vert("v1", "old-name", "")},
			opts:    Options{Owner: owner(".*"), Prune: true},
			want:    []string{`update vertra/new-name#v1 name:"old-name"->"new-name"`},
		},
		{
			name:    "a pinned id wins over a name match elsewhere",
			entries: []manifest.Entry{entry("vertra", M{"id": "v2", "name": "b", "description": "x"})},
			current: []provider.Organization{vert("v1", "a", ""), vert("v2", "B", "x")},
			want:    []string{`update vertra/b#v2 name:"B"->"b"`},
		},
		{
			name:    "the same name on two providers is two organizations",
			entries: []manifest.Entry{entry("qovery", M{"name": "acme"}), entry("vertra", M{"name": "acme"})},
			current: []provider.Organization{vert("v1", "acme", "")},
			want:    []string{"create qovery/acme name:null->\"acme\"", "unchanged vertra/acme#v1"},
		},
		{
			name:    "without --prune, owned organizations not named are only counted",
			entries: []manifest.Entry{entry("qovery", M{"name": "ci-a"})},
			current: []provider.Organization{qov("q1", "ci-a", "TEAM"), qov("q2", "ci-b", "TEAM"), qov("q3", "prod", "TEAM")},
			opts:    Options{Owner: owner("^ci-")},
			want:    []string{"unchanged qovery/ci-a#q1"},
			orphans: 1,
		},
		{
			name:    "--prune deletes only owned organizations, sorted, after creates and updates",
			entries: []manifest.Entry{entry("qovery", M{"name": "ci-new"}), entry("qovery", M{"name": "ci-a", "plan": "TEAM_2025"}), entry("vertra", M{"name": "ci-v"})},
			current: []provider.Organization{qov("q3", "ci-z", "TEAM"), qov("q1", "ci-a", "TEAM"), qov("q2", "CI-b", "TEAM"), qov("q4", "prod", "TEAM"),
				vert("v1", "ci-v", ""), vert("v2", "ci-w", ""), vert("v3", "other", "")},
			opts: Options{Owner: owner("(?i)^ci-"), Prune: true},
			want: []string{`create qovery/ci-new name:null->"ci-new"`, `update qovery/ci-a#q1 plan:"TEAM"->"TEAM_2025"`,
				"delete qovery/CI-b#q2", "delete qovery/ci-z#q3", "delete vertra/ci-w#v2", "unchanged vertra/ci-v#v1"},
		},
		{
			name:    "--prune without ownership deletes nothing",
			entries: []manifest.Entry{entry("qovery", M{"name": "a"})},
			current: []provider.Organization{qov("q1", "b", "TEAM")},
			opts:    Options{Prune: true},
			want:    []string{`create qovery/a name:null->"a"`},
		},
		{
			name:    "a tag marks ownership on VertraCloud",
			entries: []manifest.Entry{entry("vertra", M{"name": "kept", "tags": []string{"managed-by:orgctl"}})},
			current: []provider.Organization{vert("v1", "kept", "", "managed-by:orgctl"), vert("v2", "gone", "", "managed-by:orgctl"), vert("v3", "mine", "")},
			opts:    Options{Owner: &manifest.Prune{All: manifest.Owner{Tag: "managed-by:orgctl"}}, Prune: true},
			want:    []string{"delete vertra/gone#v2", "unchanged vertra/kept#v1"},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for i := range tt.entries {
				tt.entries[i].Index = i + 1
			}
			p, problems := Make(tt.entries, group(tt.current), tt.opts)
			if problems != nil {
				t.Fatalf("problems: %v", problems)
			}
			if got := summary(p); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("plan:\n got %q\nwant %q", got, tt.want)
			}
			if p.Orphans != tt.orphans {
				t.Errorf("orphans = %d, want %d", p.Orphans, tt.orphans)
			}
		})
	}
}

func group(orgs []provider.Organization) map[string][]provider.Organization {
	m := map[string][]provider.Organization{provider.Qovery: {}, provider.Vertra: {}}
	for _, o := range orgs {
		m[o.Provider] = append(m[o.Provider], o)
	}
	return m
}

func TestMakeProblems(t *testing.T) {
	type M = map[string]any
	for _, tt := range []struct {
		name    string
		entries []manifest.Entry
		current []provider.Organization
		want    []string
	}{
		{"repeated name, case-insensitively",
			[]manifest.Entry{entry("vertra", M{"name": "acme"}), entry("vertra", M{"name": "ACME"})}, nil,
			[]string{`entry 2: name "ACME" repeats entry 1 (vertra compares names case-insensitively)`}},
		{"pinned id not found",
			[]manifest.Entry{entry("vertra", M{"id": "nope", "name": "a"})}, nil,
			[]string{`entry 1: id "nope": no such organization on vertra`}},
		{"an id pinned twice",
			[]manifest.Entry{entry("vertra", M{"id": "v1", "name": "a"}), entry("vertra", M{"id": "v1", "name": "b"})},
			[]provider.Organization{vert("v1", "a", "")},
			[]string{`entry 2: id "v1" is pinned by entry 1 too`}},
		{"a rename onto a name another organization holds",
			[]manifest.Entry{entry("vertra", M{"id": "v1", "name": "B"})},
			[]provider.Organization{vert("v1", "a", ""), vert("v2", "b", "")},
			[]string{`entry 1: cannot rename "a" to "B": organization v2 already has that name`}},
		{"a name naming the organization another entry renames",
			[]manifest.Entry{entry("vertra", M{"id": "v1", "name": "new"}), entry("vertra", M{"name": "old"})},
			[]provider.Organization{vert("v1", "old", "")},
			[]string{`entry 2: organization "old" (id v1) is pinned by entry 1, which names it "new"`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for i := range tt.entries {
				tt.entries[i].Index = i + 1
			}
			p, problems := Make(tt.entries, group(tt.current), Options{})
			var got []string
			for _, err := range problems {
				got = append(got, err.Error())
			}
			if p != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems:\n got %q\nwant %q (plan %v)", got, tt.want, p)
			}
		})
	}
}

// TestOrderDoesNotMatter: providers list organizations in any order, over
// any number of pages; the plan is the same.
func TestOrderDoesNotMatter(t *testing.T) {
	var entries []manifest.Entry
	var current []provider.Organization
	for i := range 50 {
		name := "org-" + strings.Repeat("x", i%3) + string(rune('a'+i%26)) + string(rune('a'+i/26))
		entries = append(entries, entry("vertra", map[string]any{"name": name, "description": "d"}))
		entries[i].Index = i + 1
		desc := "d"
		if i%5 == 0 {
			desc = "drift"
		}
		if i%7 != 0 {
			current = append(current, vert("v"+name, name, desc))
		}
	}
	for i := range 10 {
		current = append(current, vert("gone"+string(rune('a'+i)), "ci-"+string(rune('a'+i)), ""))
	}
	opts := Options{Owner: &manifest.Prune{All: manifest.Owner{Match: regexp.MustCompile("^ci-")}}, Prune: true}
	first, problems := Make(entries, group(current), opts)
	if problems != nil {
		t.Fatal(problems)
	}
	want := summary(first)
	if first.Count(Create) != 8 || first.Count(Update) != 8 || first.Count(Delete) != 10 || first.Changes() != 26 {
		t.Fatalf("counts: %d create %d update %d delete", first.Count(Create), first.Count(Update), first.Count(Delete))
	}
	for seed := range uint64(5) {
		shuffled := clone(current)
		rand.New(rand.NewPCG(seed, seed)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		p, _ := Make(entries, group(shuffled), opts)
		if got := summary(p); !reflect.DeepEqual(got, want) {
			t.Fatalf("seed %d: plan differs:\n got %q\nwant %q", seed, got, want)
		}
	}
}

func clone(orgs []provider.Organization) []provider.Organization {
	return append([]provider.Organization(nil), orgs...)
}

// TestActionJSON is the schema of `diff -o json` actions (docs/apply.md).
func TestActionJSON(t *testing.T) {
	e := entry("vertra", map[string]any{"name": "v", "tags": []string{}})
	e.Index = 3
	p, _ := Make([]manifest.Entry{e}, group([]provider.Organization{vert("v1", "v", "", "ci")}), Options{})
	data, err := json.Marshal(p.Actions[0])
	if err != nil {
		t.Fatal(err)
	}
	want := `{"action":"update","provider":"vertra","name":"v","id":"v1","index":3,"changes":[{"field":"tags","old":["ci"],"new":[]}]}`
	if string(data) != want {
		t.Errorf("got  %s\nwant %s", data, want)
	}
}
