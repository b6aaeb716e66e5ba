// Package plan compares a manifest (the organizations wanted) with the
// organizations a provider has and says what `orgctl apply` must do: create,
// update which fields, leave alone, or, when pruning, delete. It is pure: no
// I/O, the same inputs always give the same plan.
package plan

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/orgctl/orgctl/pkg/manifest"
	"github.com/orgctl/orgctl/pkg/provider"
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

// Action is one organization's part of the plan.
type Action struct {
	Kind     Kind     `json:"action"`
	Provider string   `json:"provider"`
	Name     string   `json:"name"`            // the name it will have (its current name for a delete)
	ID       string   `json:"id,omitempty"`    // of the existing organization; empty for a create
	Index    int      `json:"index,omitempty"` // manifest entry; 0 for a delete
	Changes  []Change `json:"changes,omitempty"`

	Entry   *manifest.Entry        `json:"-"` // the entry wanted; nil for a delete
	Current *provider.Organization `json:"-"` // the organization as it is; nil for a create
}

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
}

// Make plans the entries against current, the organizations of each
// provider (by canonical name). Entries must be validated and normalized
// first (canonical provider, upper-case Qovery plan, no repeated tags). It
// returns every problem found, each naming its entry, and no plan when there
// is one.
//
// Entries match organizations by pinned id, else by name compared
// case-insensitively as both APIs do. A field the entry leaves out is not
// compared; one it sets empty is cleared.
func Make(entries []manifest.Entry, current map[string][]provider.Organization, opts Options) (*Plan, []error) {
	var problems []error
	fail := func(e *manifest.Entry, format string, args ...any) {
		problems = append(problems, fmt.Errorf("%s: %s", e.Where(), fmt.Sprintf(format, args...)))
	}
	type index struct {
		byID, byName map[string]*provider.Organization
		claimed      map[string]*manifest.Entry // organization id -> the entry it answers
	}
	indexes := map[string]*index{}
	indexOf := func(name string) *index {
		ix := indexes[name]
		if ix == nil {
			orgs := current[name]
			ix = &index{byID: make(map[string]*provider.Organization, len(orgs)),
				byName: make(map[string]*provider.Organization, len(orgs)), claimed: map[string]*manifest.Entry{}}
			for i := range orgs {
				ix.byID[orgs[i].ID] = &orgs[i]
				if key := fold(orgs[i].Name); ix.byName[key] == nil {
					ix.byName[key] = &orgs[i]
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
			fail(e, "name %q repeats entry %d (%s compares names case-insensitively)", e.Name, first.Index, e.Provider)
			continue
		}
		names[key] = e
	}

	// Pinned ids first, so a name match cannot take an organization an id names.
	matched := make([]*provider.Organization, len(entries))
	for i := range entries {
		e := &entries[i]
		if e.ID == "" {
			continue
		}
		ix := indexOf(e.Provider)
		org := ix.byID[e.ID]
		switch {
		case org == nil:
			fail(e, "id %q: no such organization on %s", e.ID, e.Provider)
		case ix.claimed[e.ID] != nil:
			fail(e, "id %q is pinned by entry %d too", e.ID, ix.claimed[e.ID].Index)
		default:
			ix.claimed[e.ID], matched[i] = e, org
			if other := ix.byName[fold(e.Name)]; other != nil && other.ID != org.ID {
				fail(e, "cannot rename %q to %q: organization %s already has that name", org.Name, e.Name, other.ID)
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
			fail(e, "organization %q (id %s) is pinned by entry %d, which names it %q", org.Name, org.ID, by.Index, by.Name)
			continue
		}
		ix.claimed[org.ID], matched[i] = e, org
	}
	if len(problems) > 0 {
		return nil, problems
	}

	p := &Plan{}
	var updates, unchanged, deletes []Action
	for i := range entries {
		e, org := &entries[i], matched[i]
		a := Action{Provider: e.Provider, Name: e.Name, Index: e.Index, Entry: e, Current: org}
		if org == nil {
			a.Kind, a.Changes = Create, Compare(e, nil)
			p.Actions = append(p.Actions, a)
			continue
		}
		a.ID, a.Changes = org.ID, Compare(e, org)
		if len(a.Changes) == 0 {
			a.Kind = Unchanged
			unchanged = append(unchanged, a)
		} else {
			a.Kind = Update
			updates = append(updates, a)
		}
	}
	providerNames := make([]string, 0, len(current))
	for name := range current {
		providerNames = append(providerNames, name)
	}
	sort.Strings(providerNames)
	for _, name := range providerNames {
		orgs, ix := current[name], indexOf(name)
		for i := range orgs {
			org := &orgs[i]
			if ix.claimed[org.ID] != nil || !opts.Owner.Owns(org) {
				continue
			}
			if !opts.Prune {
				p.Orphans++
				continue
			}
			deletes = append(deletes, Action{Kind: Delete, Provider: name, Name: org.Name, ID: org.ID, Current: org})
		}
	}
	slices.SortStableFunc(deletes, func(a, b Action) int {
		return cmp.Or(cmp.Compare(a.Provider, b.Provider), cmp.Compare(fold(a.Name), fold(b.Name)), cmp.Compare(a.ID, b.ID))
	})
	p.Actions = append(append(append(p.Actions, updates...), deletes...), unchanged...)
	return p, nil
}

// Compare lists the fields the entry sets that differ from org (all it
// sets, for a create: org nil), in a fixed order. Apply uses it after a
// create too: an API that fills a field the entry set empty (VertraCloud's
// default description and tags) needs an update to match.
func Compare(e *manifest.Entry, org *provider.Organization) []Change {
	var changes []Change
	text := func(field manifest.Field, key, want string, have *string, same func(a, b string) bool) {
		if !e.Set.Has(field) && key != "name" {
			return
		}
		if org == nil {
			if want != "" {
				changes = append(changes, Change{Field: key, New: want})
			}
			return
		}
		if old := deref(have); !same(old, want) {
			changes = append(changes, Change{Field: key, Old: old, New: want})
		}
	}
	list := func(field manifest.Field, key string, want, have []string, same func(a, b string) bool) {
		if !e.Set.Has(field) {
			return
		}
		if org == nil {
			if len(want) > 0 {
				changes = append(changes, Change{Field: key, New: want})
			}
			return
		}
		if !sameSet(want, have, same) {
			changes = append(changes, Change{Field: key, Old: orEmpty(have), New: orEmpty(want)})
		}
	}
	exact := func(a, b string) bool { return a == b }
	var name *string
	if org != nil {
		name = &org.Name
	}
	text(manifest.FieldName, "name", e.Name, name, exact) // a case change is a rename too
	var plan *string
	if org != nil {
		plan = org.Plan
	}
	text(manifest.FieldPlan, "plan", e.Plan, plan, strings.EqualFold)
	var description, website, repository, logo, icon *string
	var emails, tags []string
	if org != nil {
		description, website, repository, logo, icon = org.Description, org.WebsiteURL, org.Repository, org.LogoURL, org.IconURL
		emails, tags = org.AdminEmails, org.Tags
	}
	text(manifest.FieldDescription, "description", e.Description, description, exact)
	text(manifest.FieldWebsiteURL, "website_url", e.WebsiteURL, website, exact)
	text(manifest.FieldRepository, "repository", e.Repository, repository, exact)
	text(manifest.FieldLogoURL, "logo_url", e.LogoURL, logo, exact)
	text(manifest.FieldIconURL, "icon_url", e.IconURL, icon, exact)
	list(manifest.FieldAdminEmails, "admin_emails", e.AdminEmails, emails, strings.EqualFold)
	list(manifest.FieldTags, "tags", e.Tags, tags, exact)
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
