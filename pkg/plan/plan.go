// Package plan compares a manifest (the organizations wanted) with the
// organizations a provider has and says what `orgctl apply` must do: create,
// update which fields, leave alone, or, when pruning, delete. It is pure: no
// I/O, the same inputs always give the same plan.
package plan

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/orgctl/orgctl/pkg/manifest"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/text"
)

// Kind is what an action does.
type Kind string

// The kinds of action, in the order apply carries them out.
const (
	Create    Kind = "create"
	Update    Kind = "update"
	Delete    Kind = "delete"
	Unchanged Kind = "unchanged"
)

// Change is one field an action sets: Old is nil for a create. Values are a
// string or, for admin_emails and tags, a list of strings.
type Change struct {
	Field string `json:"field"`
	Old   any    `json:"old"`
	New   any    `json:"new"`
}

// ShowValue shows a change's value to people: text quoted (which escapes
// what could drive a terminal), lists in brackets, nil as (none).
func ShowValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "(none)"
	case []string:
		quoted := make([]string, len(v))
		for i, s := range v {
			quoted[i] = strconv.Quote(s)
		}
		return "[" + strings.Join(quoted, ", ") + "]"
	case string:
		return strconv.Quote(v)
	}
	return fmt.Sprint(v)
}

// Action is one organization's part of the plan.
type Action struct {
	Kind     Kind   `json:"action"`
	Provider string `json:"provider"`
	Name     string `json:"name"`            // the name it will have (its current name for a delete)
	ID       string `json:"id,omitempty"`    // of the existing organization; empty for a create
	Index    int    `json:"index,omitempty"` // manifest entry; 0 for a delete
	// Changes are an update's; a create's are its entry's fields, made
	// when asked for (Diff, and the JSON form), not held for every entry.
	Changes []Change `json:"changes,omitempty"`

	Entry *manifest.Entry `json:"-"` // the entry wanted; nil for a delete
	// Current is the organization as it is, in full for a delete (which
	// prints it); nil for a create, and for an update or an unchanged one
	// read through an Account, which keeps only its Existing record.
	Current *provider.Organization `json:"-"`
	// From is the organization as the plan read it (nil for a create): what
	// a saved plan records to tell, later, whether it is still true.
	From *Existing `json:"-"`
}

// Diff is what the action sets: each field old → new.
func (a *Action) Diff() []Change {
	if a.Kind == Create && a.Changes == nil && a.Entry != nil {
		return Compare(a.Entry, nil)
	}
	return a.Changes
}

// MarshalJSON writes the action with its changes, a create's included.
func (a Action) MarshalJSON() ([]byte, error) {
	type plain Action // the same fields, without this method
	p := plain(a)
	p.Changes = a.Diff()
	return json.Marshal(p)
}

// Existing is what a plan reads of an organization a provider has: what
// identifies it and the fields a manifest can set (absent and empty are
// the same to a plan). A million of them can stream past; the plan keeps
// those the manifest names, and this is all it keeps of them.
type Existing struct {
	ID, Name  string
	UpdatedAt string // as the provider sent it: a saved plan checks it

	// The fields a manifest sets.
	Plan, Description, WebsiteURL, Repository, LogoURL, IconURL string
	AdminEmails, Tags                                           []string

	Owned bool                   // by the manifest's prune rule
	Full  *provider.Organization // in full, for a deletion to print
}

// ExistingOf reads org as a plan does; full keeps org itself too.
func ExistingOf(org *provider.Organization, full bool) *Existing {
	x := &Existing{ID: org.ID, Name: org.Name, UpdatedAt: org.UpdatedAt,
		Plan: deref(org.Plan), Description: deref(org.Description), WebsiteURL: deref(org.WebsiteURL),
		Repository: deref(org.Repository), LogoURL: deref(org.LogoURL), IconURL: deref(org.IconURL),
		AdminEmails: org.AdminEmails, Tags: org.Tags}
	if full {
		x.Full = org
	}
	return x
}

// rank orders the kinds as apply carries them out.
var rank = map[Kind]int{Create: 0, Update: 1, Delete: 2, Unchanged: 3}

// Plan is every action, creates first, then updates, deletes and the
// unchanged: the order apply runs them in (a rename frees a name only after
// the creates, so a create never waits on an update).
type Plan struct {
	Actions []Action
	// Orphans counts organizations the manifest owns but no longer names,
	// which --prune would delete (when not pruning).
	Orphans int
}

// Count returns how many actions are of kind k.
func (p *Plan) Count(k Kind) int {
	n := 0
	for i := range p.Actions {
		if p.Actions[i].Kind == k {
			n++
		}
	}
	return n
}

// Changes is how many actions change something.
func (p *Plan) Changes() int { return len(p.Actions) - p.Count(Unchanged) }

// Options tune a plan.
type Options struct {
	// Owner says which organizations the manifest owns (may be nil).
	Owner *manifest.Prune
	// Prune deletes the owned organizations the manifest does not name.
	Prune bool
	// Orphans, when set, says which of the owned organizations no entry
	// names are this plan's to delete or count, by provider and name (a
	// shard's); an Account forgets the others as they stream past. nil: all.
	Orphans func(provider, name string) bool
}

// Make plans the entries against current, the organizations of each
// provider (by canonical name). Entries must be validated and normalized
// first (canonical provider, upper-case Qovery plan, no repeated tags). It
// returns every problem found, each naming its entry, and no plan when there
// is one.
//
// Entries match organizations by pinned id, else by name compared
// case-insensitively as both APIs do. A field the entry leaves out is not
// compared; one it sets empty is cleared. (An Account reads a provider's
// list as it streams and plans with only what a plan needs.)
func Make(entries []manifest.Entry, current map[string][]provider.Organization, opts Options) (*Plan, []error) {
	existing := make(map[string][]*Existing, len(current))
	for name, orgs := range current {
		existing[name] = make([]*Existing, 0, len(orgs))
		for i := range orgs {
			x := ExistingOf(&orgs[i], true)
			x.Owned = opts.Owner.Owns(&orgs[i])
			existing[name] = append(existing[name], x)
		}
	}
	return plan(entries, existing, opts)
}

func plan(entries []manifest.Entry, current map[string][]*Existing, opts Options) (*Plan, []error) {
	var problems []error
	fail := func(e *manifest.Entry, format string, args ...any) {
		problems = append(problems, manifest.Problem(e, fmt.Errorf(format, args...)))
	}
	type index struct {
		byID, byName map[string]*Existing
		claimed      map[string]*manifest.Entry // organization id -> the entry it answers
	}
	indexes := map[string]*index{}
	indexOf := func(name string) *index {
		ix := indexes[name]
		if ix == nil {
			orgs := current[name]
			ix = &index{byID: make(map[string]*Existing, len(orgs)),
				byName: make(map[string]*Existing, len(orgs)), claimed: map[string]*manifest.Entry{}}
			for _, org := range orgs {
				ix.byID[org.ID] = org
				if key := fold(org.Name); ix.byName[key] == nil {
					ix.byName[key] = org
				}
			}
			indexes[name] = ix
		}
		return ix
	}

	// Names repeat neither in the manifest nor, once renamed, on a provider.
	names := map[string]*manifest.Entry{}
	for i := range entries {
		e := &entries[i]
		key := e.Provider + "\x00" + fold(e.Name)
		if first := names[key]; first != nil {
			fail(e, "name %s repeats entry %d (%s compares names case-insensitively)", text.Quote(e.Name), first.Index, e.Provider)
			continue
		}
		names[key] = e
	}

	// Pinned ids first, so a name match cannot take an organization an id names.
	matched := make([]*Existing, len(entries))
	for i := range entries {
		e := &entries[i]
		if e.ID == "" {
			continue
		}
		ix := indexOf(e.Provider)
		org := ix.byID[e.ID]
		switch {
		case org == nil:
			fail(e, "id %s: no such organization on %s", text.Quote(e.ID), e.Provider)
		case ix.claimed[e.ID] != nil:
			fail(e, "id %s is pinned by entry %d too", text.Quote(e.ID), ix.claimed[e.ID].Index)
		default:
			ix.claimed[e.ID], matched[i] = e, org
			if other := ix.byName[fold(e.Name)]; other != nil && other.ID != org.ID {
				fail(e, "cannot rename %s to %s: organization %s already has that name", text.Quote(org.Name), text.Quote(e.Name), other.ID)
			}
		}
	}
	for i := range entries {
		e := &entries[i]
		if e.ID != "" {
			continue
		}
		ix := indexOf(e.Provider)
		org := ix.byName[fold(e.Name)]
		if org == nil {
			continue // a create
		}
		if by := ix.claimed[org.ID]; by != nil {
			fail(e, "organization %s (id %s) is pinned by entry %d, which names it %s", text.Quote(org.Name), org.ID, by.Index, text.Quote(by.Name))
			continue
		}
		ix.claimed[org.ID], matched[i] = e, org
	}
	if len(problems) > 0 {
		return nil, problems
	}

	// One slice for every action, put in order in place at the end: a plan
	// of a hundred thousand entries is not copied from kind to kind.
	p := &Plan{Actions: make([]Action, 0, len(entries))}
	for i := range entries {
		e, org := &entries[i], matched[i]
		a := Action{Provider: e.Provider, Name: e.Name, Index: e.Index, Entry: e}
		if org == nil {
			a.Kind = Create
		} else {
			a.Current, a.From, a.ID, a.Changes = org.Full, org, org.ID, Compare(e, org)
			a.Kind = Update
			if len(a.Changes) == 0 {
				a.Kind = Unchanged
			}
		}
		p.Actions = append(p.Actions, a)
	}
	providerNames := make([]string, 0, len(current))
	for name := range current {
		providerNames = append(providerNames, name)
	}
	sort.Strings(providerNames)
	for _, name := range providerNames {
		orgs, ix := current[name], indexOf(name)
		for _, org := range orgs {
			if ix.claimed[org.ID] != nil || !org.Owned {
				continue
			}
			if !opts.Prune {
				p.Orphans++
				continue
			}
			p.Actions = append(p.Actions, Action{Kind: Delete, Provider: name, Name: org.Name, ID: org.ID, Current: org.Full, From: org})
		}
	}
	// Creates, updates, deletes, unchanged; entries keep the manifest's
	// order within a kind, deletes go by provider and name.
	slices.SortStableFunc(p.Actions, func(a, b Action) int {
		if c := cmp.Compare(rank[a.Kind], rank[b.Kind]); c != 0 || a.Kind != Delete {
			return c
		}
		return cmp.Or(cmp.Compare(a.Provider, b.Provider), cmp.Compare(fold(a.Name), fold(b.Name)), cmp.Compare(a.ID, b.ID))
	})
	return p, nil
}

// Compare lists the fields the entry sets that differ from org (all it
// sets, for a create: org nil), in a fixed order. Apply uses it after a
// create too: an API that fills a field the entry set empty (VertraCloud's
// default description and tags) needs an update to match.
func Compare(e *manifest.Entry, org *Existing) []Change {
	var changes []Change
	text := func(field manifest.Field, key, want string, have func(*Existing) string, same func(a, b string) bool) {
		if !e.Set.Has(field) && key != "name" {
			return
		}
		if org == nil {
			if want != "" {
				changes = append(changes, Change{Field: key, New: want})
			}
			return
		}
		if old := have(org); !same(old, want) {
			changes = append(changes, Change{Field: key, Old: old, New: want})
		}
	}
	list := func(field manifest.Field, key string, want []string, have func(*Existing) []string, same func(a, b string) bool) {
		if !e.Set.Has(field) {
			return
		}
		if org == nil {
			if len(want) > 0 {
				changes = append(changes, Change{Field: key, New: want})
			}
			return
		}
		if old := have(org); !sameSet(want, old, same) {
			changes = append(changes, Change{Field: key, Old: orEmpty(old), New: orEmpty(want)})
		}
	}
	exact := func(a, b string) bool { return a == b }
	text(manifest.FieldName, "name", e.Name, func(o *Existing) string { return o.Name }, exact) // a case change is a rename too
	text(manifest.FieldPlan, "plan", e.Plan, func(o *Existing) string { return o.Plan }, strings.EqualFold)
	text(manifest.FieldDescription, "description", e.Description, func(o *Existing) string { return o.Description }, exact)
	text(manifest.FieldWebsiteURL, "website_url", e.WebsiteURL, func(o *Existing) string { return o.WebsiteURL }, exact)
	text(manifest.FieldRepository, "repository", e.Repository, func(o *Existing) string { return o.Repository }, exact)
	text(manifest.FieldLogoURL, "logo_url", e.LogoURL, func(o *Existing) string { return o.LogoURL }, exact)
	text(manifest.FieldIconURL, "icon_url", e.IconURL, func(o *Existing) string { return o.IconURL }, exact)
	list(manifest.FieldAdminEmails, "admin_emails", e.AdminEmails, func(o *Existing) []string { return o.AdminEmails }, strings.EqualFold)
	list(manifest.FieldTags, "tags", e.Tags, func(o *Existing) []string { return o.Tags }, exact)
	return changes
}

// sameSet compares lists as sets: order and repeats do not matter (neither
// API gives tags or admins an order).
func sameSet(a, b []string, same func(x, y string) bool) bool {
	contains := func(list []string, v string) bool {
		return slices.ContainsFunc(list, func(x string) bool { return same(x, v) })
	}
	for _, v := range a {
		if !contains(b, v) {
			return false
		}
	}
	for _, v := range b {
		if !contains(a, v) {
			return false
		}
	}
	return true
}

func fold(name string) string { return strings.ToLower(name) }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func orEmpty(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}
