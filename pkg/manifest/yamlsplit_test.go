package manifest

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// parseWhole is ParseDocument of YAML without the cut: one node tree.
func parseWhole(data []byte) (*Document, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, oneLine(err)
	}
	if len(root.Content) > 0 && root.Content[0].Kind == yaml.MappingNode {
		return documentOf(root.Content[0])
	}
	next, err := wholeEntries(data)
	if err != nil {
		return nil, err
	}
	entries, err := drain(next)
	return &Document{Entries: entries}, err
}

func drain(next func() (Entry, error)) ([]Entry, error) {
	var entries []Entry
	for {
		e, err := next()
		if err == io.EOF {
			return entries, nil
		}
		if err != nil {
			return entries, err
		}
		entries = append(entries, e)
	}
}

// sameAsWhole fails when the cut reads data otherwise than one tree does:
// other entries (lines and indexes included), another prune rule, another
// error.
func sameAsWhole(t *testing.T, data string) (cut bool) {
	t.Helper()
	want, wantErr := parseWhole([]byte(data))
	got, ok, gotErr := cutDocument([]byte(data))
	if ok {
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Fatalf("%q:\ncut error   %v\nwhole error %v", data, gotErr, wantErr)
		}
		if wantErr == nil && (!reflect.DeepEqual(got.Entries, want.Entries) || fmt.Sprint(got.Prune) != fmt.Sprint(want.Prune)) {
			t.Fatalf("%q:\ncut   %+v\nwhole %+v", data, got, want)
		}
	}
	var root yaml.Node
	if yaml.Unmarshal([]byte(data), &root) == nil && len(root.Content) > 0 && root.Content[0].Kind == yaml.SequenceNode {
		// a plain list: create -f's reader too
		next, err := yamlEntries(strings.NewReader(data))
		if err == nil {
			var entries []Entry
			entries, err = drain(next)
			if err == nil && !reflect.DeepEqual(entries, want.Entries) {
				t.Fatalf("%q: reader read %+v, whole %+v", data, entries, want.Entries)
			}
		}
		if fmt.Sprint(err) != fmt.Sprint(wantErr) {
			t.Fatalf("%q: reader error %v, whole %v", data, err, wantErr)
		}
	}
	return ok
}

func TestYAMLCutReadsWhatTheWholeTreeReads(t *testing.T) {
	for _, tt := range []struct {
		data string
		cut  bool // whether the cut applies, or the whole parse must
	}{
		{"- {name: a, provider: vertra}\n- {name: b, provider: qovery, plan: TEAM}\n", true},
		{"# tenants\n\n- name: a\n  provider: vertra\n  tags: [x, y]\n\n# second\n- name: b\n  description: |\n    two\n    lines\n", true},
		{"prune: {match: '^ci-'}\norganizations:\n  - {name: ci-a, provider: vertra}\n  # a comment\n  - name: ci-b\n    tags:\n      - t1\n      - t2\n", true},
		{"organizations: # the tenants\n- {name: a}\n- {name: b}\nprune:\n  match: x\n", true},
		{"organizations:\r\n  - {name: a}\r\n  - {name: b}\r\n", true},
		{"organizations:\n  - {name: a}\n  - {name: b, colour: red}\n", true}, // an unknown field, named with its line
		{"organizations:\n  - {name: a}\n  - {name: [b, c]}\n", true},         // a bad value
		{"- {name: a}\n- {name: 'b\n  c'}\n", true},                           // a quoted value over two lines
		{"organizations:\n  - {name: a}\n  -  {name: b\n", false},             // a syntax error: the whole parse says where
		{"- &x {name: a}\n- *x\n", false},                                     // an alias
		{"organizations: [{name: a}, {name: b}]\n", false},                    // flow style
		{"- name: a\n- name: b\nextra: 1\n", false},                           // not a list
		{"---\n- {name: a}\n", false},                                         // a document marker
		{"prune: {match: '['}\norganizations:\n  - {name: a}\n", true},        // a bad prune rule
	} {
		if got := sameAsWhole(t, tt.data); got != tt.cut {
			t.Errorf("%q: cut %v, want %v", tt.data, got, tt.cut)
		}
	}
}

// FuzzYAMLCut: for any bytes, the cut reads what one tree reads.
func FuzzYAMLCut(f *testing.F) {
	for _, seed := range []string{
		"- {name: a, provider: vertra}\n- name: b\n  tags: [x]\n",
		"prune: {match: '^ci-'}\norganizations:\n  - {name: ci-a}\n  - name: ci-b\n    description: >\n      folded\n",
		"organizations:\n- {name: a}\nprune: {tag: t}\n",
		"- name: a\n  - b\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data string) { sameAsWhole(t, data) })
}

// More items than a batch, with an error past the first batch: its line is
// the file's.
func TestYAMLCutAcrossBatches(t *testing.T) {
	var b strings.Builder
	b.WriteString("prune: {match: x}\norganizations:\n")
	for i := range 3*batch + 5 {
		fmt.Fprintf(&b, "  - name: n%d\n    # note\n    provider: vertra\n", i)
	}
	sameAsWhole(t, b.String())
	sameAsWhole(t, b.String()+"  - {name: last, colour: red}\n")
}
