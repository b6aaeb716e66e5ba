package planfile

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/manifest"
	"github.com/orgctl/orgctl/pkg/plan"
	"github.com/orgctl/orgctl/pkg/provider"
)

func ptr[T any](v T) *T { return &v }

// sample is a plan of each kind of action, as New makes it.
func sample(prune bool) *Document {
	entry := func(i int, name string, set manifest.Field) *manifest.Entry {
		e := &manifest.Entry{Index: i, Line: i * 2, Provider: "vertra", Set: manifest.FieldName | set}
		e.Name, e.Description, e.Tags = name, "d "+name, []string{"t"}
		return e
	}
	was := &plan.Existing{ID: "org_1", Name: "alpha", UpdatedAt: "2026-12-01T10:00:00Z", Description: "old", Tags: []string{"x"}}
	pl := &plan.Plan{Actions: []plan.Action{
		{Kind: plan.Create, Provider: "vertra", Name: "new", Index: 1, Entry: entry(1, "new", manifest.FieldDescription|manifest.FieldTags)},
		{Kind: plan.Update, Provider: "vertra", Name: "alpha", ID: "org_1", Index: 2, Entry: entry(2, "alpha", manifest.FieldDescription),
			From: was, Changes: []plan.Change{{Field: "description", Old: "old", New: "d alpha"}}},
	}}
	if prune {
		gone := &plan.Existing{ID: "org_2", Name: "gone", UpdatedAt: "2026-12-01T11:00:00Z"}
		pl.Actions = append(pl.Actions, plan.Action{Kind: plan.Delete, Provider: "vertra", Name: "gone", ID: "org_2", From: gone})
	}
	d := New(pl, prune)
	// As Read gives it: the actions held, to be edited.
	d.each(func(a *Action) error { d.Actions = append(d.Actions, *a); return nil })
	d.plan = nil
	d.Providers["vertra"] = Target{APIURL: "https://api.vertracloud.app", Generation: "organizations", Account: "sha256:00"}
	return d
}

func writeRead(t *testing.T, d *Document) (*Document, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := Write(path, d); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Read(f)
}

func TestWriteThenReadGivesTheSameDocument(t *testing.T) {
	d := sample(true)
	got, err := writeRead(t, d)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, d) {
		t.Errorf("read back\n%+v\nwant\n%+v", got, d)
	}
	if got.Actions[0].Set.Description == nil || *got.Actions[0].Set.Description != "d new" || got.Actions[0].Set.Plan != nil {
		t.Errorf("create's fields: %+v", got.Actions[0].Set)
	}
	if got.Actions[1].From.Fields.Description == nil || *got.Actions[1].From.Fields.Description != "old" || got.Actions[1].From.Fields.Tags != nil {
		t.Errorf("update's old state holds what the entry sets, and only that: %+v", got.Actions[1].From.Fields)
	}
}

func TestAForgedDeleteNeedsPrune(t *testing.T) {
	d := sample(false)
	d.Actions = append(d.Actions, Action{Action: plan.Delete, Provider: "vertra", Name: "x", ID: "org_9", From: &State{Name: "x"}})
	// Write computes a valid digest: only the rule can refuse it.
	if _, err := writeRead(t, d); err == nil || !strings.Contains(err.Error(), "deletes, but the plan was not made with --prune") {
		t.Fatalf("err %v", err)
	}
}

func TestChangesReadBackAsApplySendsThem(t *testing.T) {
	d := sample(false)
	d.Actions[1].Changes = []plan.Change{{Field: "tags", Old: []string{"x"}, New: []string{"y", "z"}}}
	got, err := writeRead(t, d)
	if err != nil {
		t.Fatal(err)
	}
	if l, ok := got.Actions[1].Changes[0].New.([]string); !ok || !reflect.DeepEqual(l, []string{"y", "z"}) {
		t.Errorf("tags read back as %#v: apply would send nothing", got.Actions[1].Changes[0].New)
	}
	d.Actions[1].Changes = []plan.Change{{Field: "owner", Old: "a", New: "b"}}
	if _, err := writeRead(t, d); err == nil || !strings.Contains(err.Error(), `changes "owner", which apply does not manage`) {
		t.Errorf("err %v", err)
	}
}

func TestReadRefuses(t *testing.T) {
	var good bytes.Buffer
	d := sample(true)
	digest, _ := d.digest()
	d.Digest = digest
	encode(&good, d)
	tests := []struct{ name, doc, err string }{
		{"a manifest", "organizations: []\n", ErrNotAPlan.Error()},
		{"another version", `{"kind":"orgctl-plan","format_version":2}`, "plan format version 2: this orgctl reads version 1"},
		{"a changed id", strings.Replace(good.String(), `"org_1"`, `"org_7"`, 1), "its digest does not match"},
		{"an added key", strings.Replace(good.String(), `"prune": true`, `"prune": true, "note": "x"`, 1), `unknown field "note"`},
		{"two documents", good.String() + good.String(), "more than one document"},
	}
	for _, tt := range tests {
		if _, err := Read(strings.NewReader(tt.doc)); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: err %v, want %q", tt.name, err, tt.err)
		}
	}
	if _, err := Read(bytes.NewReader(good.Bytes())); err != nil {
		t.Errorf("the untouched plan: %v", err)
	}
}

func TestFingerprint(t *testing.T) {
	jwt := func(sub string) string {
		return "eyJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"https://auth.qovery.com/","sub":"`+sub+`","exp":1}`)) + ".sig"
	}
	a := Fingerprint("qovery", "https://api.qovery.com", "qov_token_one")
	for _, other := range []string{
		Fingerprint("qovery", "https://api.qovery.com", "qov_token_two"),
		Fingerprint("qovery", "https://example.com", "qov_token_one"),
		Fingerprint("vertra", "https://api.qovery.com", "qov_token_one"),
	} {
		if other == a {
			t.Errorf("two accounts share the fingerprint %s", a)
		}
	}
	if strings.Contains(a, "qov_token_one") || len(a) != len("sha256:")+32 {
		t.Errorf("fingerprint %q", a)
	}
	// A refreshed login (another JWT of the same user) is the same account.
	one, two := jwt("user-1"), jwt("user-1")+"x"
	if Fingerprint("qovery", "u", one) != Fingerprint("qovery", "u", two) {
		t.Error("two logins of one user differ")
	}
	if Fingerprint("qovery", "u", one) == Fingerprint("qovery", "u", jwt("user-2")) {
		t.Error("two users' logins match")
	}
}

func TestCheck(t *testing.T) {
	d := sample(true)
	org := func(id, name, updated, desc string, tags ...string) *provider.Organization {
		return &provider.Organization{ID: id, Name: name, UpdatedAt: updated, Description: &desc, Tags: tags}
	}
	asPlanned := []*provider.Organization{
		org("org_1", "alpha", "2026-12-01T10:00:00Z", "old", "x"),
		org("org_2", "gone", "2026-12-01T11:00:00Z", ""),
	}
	applied := []*provider.Organization{
		org("org_3", "new", "2026-12-02T09:00:00Z", "d new", "t"),
		org("org_1", "alpha", "2026-12-02T09:00:01Z", "d alpha", "x"),
	}
	tests := []struct {
		name          string
		orgs          []*provider.Organization
		pending, done int
		stale         string
	}{
		{"as planned", asPlanned, 3, 0, ""},
		{"applied", applied, 0, 3, ""},
		{"alpha's tags changed", []*provider.Organization{org("org_1", "alpha", "2026-12-02T08:00:00Z", "old", "y")}, 0, 0,
			`organization org_1 was updated since the plan (updated_at "2026-12-01T10:00:00Z", now "2026-12-02T08:00:00Z")`},
		{"alpha's description changed", []*provider.Organization{org("org_1", "alpha", "2026-12-01T10:00:00Z", "other", "x")}, 0, 0,
			`description changed since the plan ("old", now "other")`},
		{"gone was updated", []*provider.Organization{org("org_2", "gone", "2026-12-02T08:00:00Z", "")}, 0, 0,
			`organization org_2 was updated since the plan (updated_at "2026-12-01T11:00:00Z", now "2026-12-02T08:00:00Z")`},
		{"new's name taken", []*provider.Organization{org("org_1", "alpha", "2026-12-01T10:00:00Z", "old", "x"), org("org_8", "NEW", "", "")}, 0, 0,
			`an organization named "NEW" (id org_8) was created since the plan`},
	}
	for _, tt := range tests {
		cur := d.Current("vertra")
		for _, o := range tt.orgs {
			cur.Add(o)
		}
		c := d.Check(map[string]*Current{"vertra": cur})
		if tt.stale == "" {
			if len(c.Stale) != 0 || len(c.Pending.Actions) != tt.pending || c.Done != tt.done {
				t.Errorf("%s: %d pending, %d done, stale %+v", tt.name, len(c.Pending.Actions), c.Done, c.Stale)
			}
			continue
		}
		found := false
		for _, s := range c.Stale {
			found = found || s.Why == tt.stale
		}
		if !found {
			t.Errorf("%s: stale %+v, want %q", tt.name, c.Stale, tt.stale)
		}
	}
}
