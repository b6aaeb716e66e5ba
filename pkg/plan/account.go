package plan

import (
	"hash/maphash"
	"sync"

	"github.com/orgctl/orgctl/pkg/manifest"
	"github.com/orgctl/orgctl/pkg/provider"
)

// Account gathers, from the providers' lists as they stream in, only what a
// plan of the entries needs: the organizations an entry pins by id or names
// (case-insensitively, as the APIs compare names), and the owned ones when
// pruning; the other owned ones are only counted, as orphans. A plan's
// memory thus grows with the manifest (and what --prune deletes), not with
// the account, which may hold a million organizations.
type Account struct {
	opts    Options
	wanted  map[uint64]struct{} // hashes of provider and folded name, of provider and id (see key)
	seed    maphash.Seed
	fields  manifest.Field // what any entry sets: the only fields compared
	mu      sync.Mutex     // the lists of several providers stream at once
	current map[string][]*Existing
	orphans int
}

// NewAccount prepares to read the account for entries, which must be
// normalized as Make requires.
func NewAccount(entries []manifest.Entry, opts Options) *Account {
	a := &Account{opts: opts, wanted: make(map[uint64]struct{}, len(entries)), seed: maphash.MakeSeed(), current: map[string][]*Existing{}}
	for i := range entries {
		e := &entries[i]
		a.fields |= e.Set
		a.wanted[a.key(e.Provider, 0, fold(e.Name))] = struct{}{}
		if e.ID != "" {
			a.wanted[a.key(e.Provider, 1, e.ID)] = struct{}{}
		}
	}
	return a
}

// key hashes a name (kind 0) or an id (kind 1) of a provider. Hashes
// rather than strings keep the index of a large manifest small; two that
// collide only keep an organization the plan then finds no entry for.
func (a *Account) key(providerName string, kind byte, s string) uint64 {
	var h maphash.Hash
	h.SetSeed(a.seed)
	h.WriteString(providerName)
	h.WriteByte(kind)
	h.WriteString(s)
	return h.Sum64()
}

// Read starts reading providerName's list: a plan knows it was read even
// when it is empty. Add then takes each organization.
func (a *Account) Read(providerName string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.current[providerName]; !ok {
		a.current[providerName] = []*Existing{}
	}
}

// Add takes one organization of providerName's list, keeping what the plan
// needs of it, if anything: its Existing record when the manifest names or
// pins it, the whole organization when it is owned and may be deleted. It
// is safe for concurrent use.
func (a *Account) Add(providerName string, org *provider.Organization) {
	_, named := a.wanted[a.key(providerName, 0, fold(org.Name))]
	_, pinned := a.wanted[a.key(providerName, 1, org.ID)]
	owned := a.opts.Owner.Owns(org)
	if !named && !pinned && !owned {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if !named && !pinned {
		if a.opts.Orphans != nil && !a.opts.Orphans(providerName, org.Name) {
			return // another shard's orphan
		}
		if !a.opts.Prune {
			a.orphans++
			return
		}
	}
	x := ExistingOf(org, owned && a.opts.Prune)
	x.Owned = owned
	x.keepOnly(a.fields)
	a.current[providerName] = append(a.current[providerName], x)
}

// Plan makes the plan of entries against what was read (see Make).
func (a *Account) Plan(entries []manifest.Entry) (*Plan, []error) {
	a.wanted = nil // plan indexes the entries itself
	p, problems := plan(entries, a.current, a.opts)
	if p != nil {
		p.Orphans += a.orphans
	}
	return p, problems
}

// keepOnly forgets the fields no entry sets: no plan compares them.
func (x *Existing) keepOnly(set manifest.Field) {
	for _, f := range []struct {
		field manifest.Field
		value *string
	}{{manifest.FieldPlan, &x.Plan}, {manifest.FieldDescription, &x.Description}, {manifest.FieldWebsiteURL, &x.WebsiteURL},
		{manifest.FieldRepository, &x.Repository}, {manifest.FieldLogoURL, &x.LogoURL}, {manifest.FieldIconURL, &x.IconURL}} {
		if !set.Has(f.field) {
			*f.value = ""
		}
	}
	if !set.Has(manifest.FieldAdminEmails) {
		x.AdminEmails = nil
	}
	if !set.Has(manifest.FieldTags) {
		x.Tags = nil
	}
}
