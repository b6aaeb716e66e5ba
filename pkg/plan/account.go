package plan

import (
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
	wanted  map[string]struct{} // provider "\x00" folded name, and provider "\x01" id
	mu      sync.Mutex          // the lists of several providers stream at once
	current map[string][]provider.Organization
	orphans int
}

// NewAccount prepares to read the account for entries, which must be
// normalized as Make requires.
func NewAccount(entries []manifest.Entry, opts Options) *Account {
	a := &Account{opts: opts, wanted: make(map[string]struct{}, len(entries)), current: map[string][]provider.Organization{}}
	for i := range entries {
		e := &entries[i]
		a.wanted[e.Provider+"\x00"+fold(e.Name)] = struct{}{}
		if e.ID != "" {
			a.wanted[e.Provider+"\x01"+e.ID] = struct{}{}
		}
	}
	return a
}

// Read starts reading providerName's list: the current map has its entry
// even when the list is empty. Add then takes each organization.
func (a *Account) Read(providerName string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.current[providerName]; !ok {
		a.current[providerName] = []provider.Organization{}
	}
}

// Add takes one organization of providerName's list, keeping it only if
// the plan needs it. It is safe for concurrent use.
func (a *Account) Add(providerName string, org *provider.Organization) {
	_, named := a.wanted[providerName+"\x00"+fold(org.Name)]
	_, pinned := a.wanted[providerName+"\x01"+org.ID]
	owned := !named && !pinned && a.opts.Owner.Owns(org)
	if !named && !pinned && !owned {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if owned && !a.opts.Prune {
		a.orphans++
		return
	}
	a.current[providerName] = append(a.current[providerName], *org)
}

// Plan makes the plan of entries against what was read (see Make).
func (a *Account) Plan(entries []manifest.Entry) (*Plan, []error) {
	p, problems := Make(entries, a.current, a.opts)
	if p != nil {
		p.Orphans += a.orphans
	}
	return p, problems
}
