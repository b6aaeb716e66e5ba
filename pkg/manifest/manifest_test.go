package manifest

import (
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/provider"
)

const yamlManifest = `# tenants
- name: acme
  provider: qovery
  plan: TEAM_2025
  admin_emails: [ops@acme.io, dev@acme.io]

- name: globex
  provider: vertra
  tags: ci, prod
  description: "Globex: the tenant"
`

const jsonManifest = `[
  {"name": "acme", "provider": "qovery", "plan": "TEAM_2025", "admin_emails": ["ops@acme.io", "dev@acme.io"]},
  {"name": "globex", "provider": "vertra", "tags": ["ci", "prod"], "description": "Globex: the tenant"}
]`

const csvManifest = `name,provider,plan,admin_emails,tags,description
acme,qovery,TEAM_2025,"ops@acme.io,dev@acme.io",,
globex,vertra,,,"ci,prod","Globex: the tenant"
`

func TestFormatsAgree(t *testing.T) {
	want := []Entry{
		{Index: 1, Provider: "qovery", CreateSpec: provider.CreateSpec{Name: "acme", Plan: "TEAM_2025", AdminEmails: []string{"ops@acme.io", "dev@acme.io"}},
			Set: FieldName | FieldProvider | FieldPlan | FieldAdminEmails},
		{Index: 2, Provider: "vertra", CreateSpec: provider.CreateSpec{Name: "globex", Tags: []string{"ci", "prod"}, Description: "Globex: the tenant"},
			Set: FieldName | FieldProvider | FieldTags | FieldDescription},
	}
	for _, tt := range []struct {
		format, data string
		lines        []int
	}{
		{YAML, yamlManifest, []int{2, 7}},
		{JSON, jsonManifest, []int{2, 3}},
		{CSV, csvManifest, []int{2, 3}},
		{"", yamlManifest, []int{2, 7}}, // sniffed
		{"", jsonManifest, []int{2, 3}},
		{"", csvManifest, []int{2, 3}},
	} {
		got, err := Parse(strings.NewReader(tt.data), tt.format)
		if err != nil {
			t.Fatalf("%q: %v", tt.format, err)
		}
		for i := range want {
			w := want[i]
			w.Line = tt.lines[i]
			if !reflect.DeepEqual(got[i], w) {
				t.Errorf("%q entry %d:\n got %+v\nwant %+v", tt.format, i+1, got[i], w)
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct {
		format, data, want string
	}{
		{YAML, "- name: a\n  colour: red\n", `entry 1 (line 1): colour: unknown field "colour"`},
		{YAML, "name: a\n", "line 1: the manifest must be a list of organizations"},
		{YAML, "- just a string\n", "entry 1 (line 1): must be a mapping of fields"},
		{YAML, "- name: [a, b]\n", "entry 1 (line 1): name: name takes one value"},
		{YAML, "- name: {x: 1}\n", "expected text or a list of text"},
		{YAML, "", "the manifest is empty"},
		{YAML, "- name: a\n  tags: [x\n", "yaml: line"},
		{JSON, `[{"name":"a"},{"nme":"b"}]`, `entry 2 (line 1): nme: unknown field "nme"`},
		{CSV, "name,colour\na,red\n", `line 1: unknown column "colour"`},
		{CSV, "name,plan\na\n", "record on line 2: wrong number of fields"},
		{"toml", "", `unknown manifest format "toml"`},
	} {
		_, err := Parse(strings.NewReader(tt.data), tt.format)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s %q: err = %v, want %q", tt.format, tt.data, err, tt.want)
		}
	}
}

func TestFormatOf(t *testing.T) {
	for path, want := range map[string]string{"a.yaml": YAML, "b.YML": YAML, "c.json": JSON, "d.csv": CSV, "-": "", "e.txt": ""} {
		if got := FormatOf(path); got != want {
			t.Errorf("FormatOf(%q) = %q", path, got)
		}
	}
}

// TestPresence: apply leaves a field out of the plan when the entry leaves
// it out, and clears it when the entry sets it empty; null and an empty CSV
// cell count as left out.
func TestPresence(t *testing.T) {
	for _, tt := range []struct {
		format, data string
		set          Field
		tags         []string
	}{
		{YAML, "- name: a\n  description: \"\"\n  tags: []\n", FieldName | FieldDescription | FieldTags, nil},
		{YAML, "- name: a\n  description: ~\n  tags: null\n", FieldName, nil},
		{YAML, "- name: a\n  id: org-1\n  tags: [x]\n", FieldName | FieldID | FieldTags, []string{"x"}},
		{JSON, `[{"name": "a", "description": "", "tags": []}]`, FieldName | FieldDescription | FieldTags, nil},
		{JSON, `[{"name": "a", "description": null}]`, FieldName, nil},
		{CSV, "name,description,tags\na,,\n", FieldName, nil},
	} {
		got, err := Parse(strings.NewReader(tt.data), tt.format)
		if err != nil {
			t.Fatalf("%s %q: %v", tt.format, tt.data, err)
		}
		if got[0].Set != tt.set || !reflect.DeepEqual(got[0].Tags, tt.tags) {
			t.Errorf("%s %q: set %b tags %q, want %b %q", tt.format, tt.data, got[0].Set, got[0].Tags, tt.set, tt.tags)
		}
	}
}

func TestNDJSONAndSniffing(t *testing.T) {
	nd := "{\"name\": \"acme\", \"provider\": \"qovery\", \"plan\": \"TEAM_2025\"}\n\n{\"name\": 42, \"provider\": \"vertra\", \"tags\": [\"a\", \"b\"]}\n"
	for _, format := range []string{NDJSON, JSON, ""} { // the JSON reader takes both shapes; "{" sniffs as NDJSON
		got, err := Parse(strings.NewReader(nd), format)
		if err != nil {
			t.Fatalf("%q: %v", format, err)
		}
		if len(got) != 2 || got[0].Name != "acme" || got[1].Name != "42" || got[1].Line != 3 || !reflect.DeepEqual(got[1].Tags, []string{"a", "b"}) {
			t.Errorf("%q: %+v", format, got)
		}
	}
	for path, want := range map[string]string{"a.ndjson": NDJSON, "b.JSONL": NDJSON} {
		if got := FormatOf(path); got != want {
			t.Errorf("FormatOf(%q) = %q", path, got)
		}
	}
}

// TestBOM: Excel writes a UTF-8 byte order mark before CSV; it must not
// become part of the first column's name, nor hide the format from sniffing.
func TestBOM(t *testing.T) {
	for _, format := range []string{CSV, ""} {
		got, err := Parse(strings.NewReader("\xef\xbb\xbf"+csvManifest), format)
		if err != nil || len(got) != 2 || got[0].Name != "acme" {
			t.Errorf("%q: %v %+v", format, err, got)
		}
	}
	if got, err := Parse(strings.NewReader("\xef\xbb\xbf"+jsonManifest), ""); err != nil || len(got) != 2 {
		t.Errorf("JSON with a BOM: %v", err)
	}
}

// endless is an endless stream of one byte, like /dev/zero.
type endless byte

func (b endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

func TestLimitsEndWithOneLine(t *testing.T) {
	for _, tt := range []struct {
		name   string
		r      io.Reader
		format string
		want   string
	}{
		{"/dev/zero", endless(0), "", "not a text manifest (it holds NUL bytes)"},
		{"endless CSV line", io.MultiReader(strings.NewReader("name\n"), endless('a')), CSV, "line 2 is longer than 1 MiB"},
		{"endless JSON entry", io.MultiReader(strings.NewReader("[\n{\"name\": \""), endless('a')), JSON, "the entry at line 2 is larger than 1 MiB"},
		{"endless YAML", io.MultiReader(strings.NewReader("- name: "), endless('a')), YAML, "the manifest is larger than 32 MiB"},
	} {
		_, err := Parse(tt.r, tt.format)
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v, want %q on one line", tt.name, err, tt.want)
		}
	}
}

func TestStreamedErrorsNameTheEntry(t *testing.T) {
	for _, tt := range []struct{ format, data, want string }{
		{JSON, "[\n {\"name\": \"a\"},\n {\"name\": {\"x\": 1}}\n]", "entry 2 (line 3): name: expected text or a list of text"},
		{JSON, "[{\"name\": \"a\"}] x", "unexpected data after the array"},
		{JSON, "[{\"name\": \"a\"", "the manifest ends in the middle of an entry"},
		{JSON, "\"hello\"", "must be a JSON array of objects"},
		{NDJSON, "{\"name\": \"a\"}\n[1]\n", "entry 2 (line 2): must be an object of fields"},
		{NDJSON, "{\"name\": \"a\"}\n{\"name\": \n", "the manifest ends in the middle of an entry"},
		{YAML, "- name: a\n\tb: c\n", "yaml: line 2"},
	} {
		_, err := Parse(strings.NewReader(tt.data), tt.format)
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s %q: %v, want %q on one line", tt.format, tt.data, err, tt.want)
		}
	}
}
