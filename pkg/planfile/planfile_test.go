package planfile

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
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
	d.Each(func(a *Action) error { d.Actions = append(d.Actions, *a); return nil })
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
	got, err := Read(open(t, path))
	if err != nil {
		return nil, err
	}
	return got, got.Load()
}

// open opens path for the test's length.
func open(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
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
	sum := newActionsSum()
	d.Each(sum.add)
	d.Digest = d.digest(sum.sum())
	encode(&good, d)
	tests := []struct{ name, doc, err string }{
		{"a manifest", "organizations: []\n", ErrNotAPlan.Error()},
		{"another version", `{"kind":"orgctl-plan","format_version":2}`, "plan format version 2: this orgctl reads version 1"},
		{"a changed id", strings.Replace(good.String(), `"org_1"`, `"org_7"`, 1), "its digest does not match"},
		{"an added key", strings.Replace(good.String(), `"prune": true`, `"prune": true, "note": "x"`, 1), `unknown field "note"`},
		{"two documents", good.String() + good.String(), "more than one document"},
		{"a JSON manifest", `{"organizations": [{"name": "a"}]}`, ErrNotAPlan.Error()},
		{"actions without a kind", `{"actions": []}`, ErrNotAPlan.Error()},
		{"cut short", good.String()[:good.Len()-40], "the plan cannot be read: unexpected EOF"},
		{"a key twice", strings.Replace(good.String(), `"prune": true`, `"prune": true, "prune": false`, 1), `"prune" is given twice`},
		{"actions first, one with an added key", `{"actions": [{"action": "create", "note": "x"}], "kind": "orgctl-plan"}`, `cannot be read: json: unknown field "note"`},
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
		// A provider that does not move updated_at: each value still counts.
		{"alpha renamed, same updated_at", []*provider.Organization{org("org_1", "Alpha", "2026-12-01T10:00:00Z", "old", "x")}, 0, 0,
			`organization org_1 was renamed since the plan ("alpha", now "Alpha")`},
		{"gone was updated", []*provider.Organization{org("org_2", "gone", "2026-12-02T08:00:00Z", "")}, 0, 0,
			`organization org_2 was updated since the plan (updated_at "2026-12-01T11:00:00Z", now "2026-12-02T08:00:00Z")`},
		{"new's name taken", []*provider.Organization{org("org_1", "alpha", "2026-12-01T10:00:00Z", "old", "x"), org("org_8", "NEW", "", "")}, 0, 0,
			`an organization named "NEW" (id org_8) was created since the plan`},
	}
	for _, tt := range tests {
		cs := d.NewCurrents()
		d.Each(func(a *Action) error { cs.Expect(a); return nil })
		for _, o := range tt.orgs {
			cs["vertra"].Add(o)
		}
		c, err := d.Check(cs)
		if err != nil {
			t.Fatal(err)
		}
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

// sealed is d encoded as Write writes it, with its digest.
func sealed(d *Document) []byte {
	sum := newActionsSum()
	d.Each(sum.add)
	d.Digest = d.digest(sum.sum())
	var b bytes.Buffer
	encode(&b, d)
	return b.Bytes()
}

// A plan reformatted with its keys sorted (jq -S) puts its actions first:
// Read still checks it, streaming.
func TestAReformattedPlanStillReads(t *testing.T) {
	d := sample(true)
	var doc map[string]any
	if err := json.Unmarshal(sealed(d), &doc); err != nil {
		t.Fatal(err)
	}
	sorted, _ := json.MarshalIndent(doc, "", "\t")
	if !bytes.HasPrefix(sorted, []byte("{\n\t\"actions\"")) {
		t.Fatalf("not sorted:\n%s", sorted)
	}
	got, err := Read(bytes.NewReader(sorted))
	if err == nil {
		err = got.Load()
	}
	if err != nil || !reflect.DeepEqual(got.Actions, d.Actions) {
		t.Errorf("err %v; actions\n%+v\nwant\n%+v", err, got.Actions, d.Actions)
	}
}

// Each reads the file again: a file rewritten since Read is refused, and
// its caller, which acts only on a nil error, does nothing.
func TestAPlanChangedAfterReadIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.json")
	d := sample(false)
	if err := os.WriteFile(path, sealed(d), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := Read(open(t, path))
	if err != nil {
		t.Fatal(err)
	}
	d.Actions[1].Changes[0].New = "written in between"
	if err := os.WriteFile(path, sealed(d), 0o644); err != nil { // in place: f reads it
		t.Fatal(err)
	}
	if err := got.Each(func(*Action) error { return nil }); err == nil || !strings.Contains(err.Error(), "the plan changed while orgctl read it") {
		t.Errorf("err %v", err)
	}
}

// The summary is what apply's --yes check reads before the actions: a
// plan whose summary hides a delete is refused, digest or not.
func TestASummaryThatDoesNotCountIsRefused(t *testing.T) {
	d := sample(true)
	d.Summary.Delete = 0
	got, err := Read(bytes.NewReader(sealed(d)))
	if err == nil {
		err = got.Load()
	}
	if err == nil || !strings.Contains(err.Error(), "does not count its actions") {
		t.Errorf("err %v", err)
	}
}

// Read keeps the head only: the memory a plan holds does not grow with
// its actions (the old Read held them all, about 1 KiB each).
func TestReadKeepsTheHeadOnly(t *testing.T) {
	pl := &plan.Plan{}
	for i := range 20000 {
		name := fmt.Sprintf("org-%05d", i)
		e := &manifest.Entry{Index: i + 1, Line: i + 2, Provider: "vertra", Set: manifest.FieldName | manifest.FieldDescription}
		e.Name, e.Description = name, "a description of "+name
		pl.Actions = append(pl.Actions, plan.Action{Kind: plan.Unchanged, Provider: "vertra", Name: name, ID: "org_" + name, Index: i + 1, Entry: e,
			From: &plan.Existing{ID: "org_" + name, Name: name, UpdatedAt: "2026-12-01T10:00:00Z", Description: e.Description}})
	}
	d := New(pl, false)
	d.Providers["vertra"] = Target{APIURL: "sandbox", Account: "sha256:00"}
	doc := sealed(d)
	pl, d = nil, nil
	heap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	got, err := Read(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := got.Each(func(*Action) error { n++; return nil }); err != nil || n != 20000 {
		t.Fatalf("each: %d actions, %v", n, err)
	}
	held := int64(heap()) - int64(before)
	runtime.KeepAlive(got)
	runtime.KeepAlive(doc) // the file's bytes are not the plan's memory
	if held > 64<<10 {
		t.Errorf("a read plan of 20,000 actions holds %d bytes, want the head only (< 64 KiB)", held)
	}
}

// Check keeps an organization found exactly as planned by its state's
// hash: every value, and whether a field is there at all, must count.
func TestStateSumSeesEveryValue(t *testing.T) {
	base := func() State {
		return State{Name: "a", UpdatedAt: "t1", Fields: Fields{Plan: ptr("TEAM"), Description: ptr("d"), WebsiteURL: ptr("w"),
			Repository: ptr("r"), LogoURL: ptr("l"), IconURL: ptr("i"), AdminEmails: ptr([]string{"x@y"}), Tags: ptr([]string{"p", "q"})}}
	}
	b := base()
	want := b.sum()
	if again := base(); again.sum() != want {
		t.Fatal("one state, two sums")
	}
	edits := map[string]func(s *State){
		"name":           func(s *State) { s.Name = "A" },
		"updated_at":     func(s *State) { s.UpdatedAt = "t2" },
		"plan":           func(s *State) { s.Fields.Plan = ptr("FREE") },
		"description":    func(s *State) { s.Fields.Description = ptr("") },
		"no description": func(s *State) { s.Fields.Description = nil },
		"website_url":    func(s *State) { s.Fields.WebsiteURL = ptr("W") },
		"repository":     func(s *State) { s.Fields.Repository = ptr("R") },
		"logo_url":       func(s *State) { s.Fields.LogoURL = ptr("L") },
		"icon_url":       func(s *State) { s.Fields.IconURL = ptr("I") },
		"an admin":       func(s *State) { s.Fields.AdminEmails = ptr([]string{"z@y"}) },
		"no admins":      func(s *State) { s.Fields.AdminEmails = ptr([]string{}) },
		"a tag":          func(s *State) { s.Fields.Tags = ptr([]string{"p", "Q"}) },
		"tags joined":    func(s *State) { s.Fields.Tags = ptr([]string{"pq"}) },
		"no tags key":    func(s *State) { s.Fields.Tags = nil },
		"name into date": func(s *State) { s.Name, s.UpdatedAt = "at1", "" },
	}
	for name, edit := range edits {
		s := base()
		edit(&s)
		if s.sum() == want {
			t.Errorf("%s: the same sum", name)
		}
	}
}
