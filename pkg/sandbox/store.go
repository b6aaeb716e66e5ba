package sandbox

import (
	"runtime"
	"strings"
	"sync"
)

// orgStore holds the organizations: in memory (memStore) or in a state
// file (fileStore). The Server's mutex guards it; errors come only from a
// state file's I/O.
type orgStore interface {
	// insert adds org unless its name (nameKey) is taken.
	insert(org Organization) (bool, error)
	// find returns the organization of a provider with that id.
	find(provider, id string) (Organization, bool, error)
	// replace puts org in the place of the organization with its provider
	// and id, keeping its place in the creation order and moving its name
	// key; false when another organization has the new name or org is gone.
	replace(org Organization) (bool, error)
	// remove deletes an organization and frees its name.
	remove(provider, id string) error
	// scan appends to dst, in creation order from cursor (0: the first), up
	// to limit organizations that keep accepts (nil: all), and returns the
	// cursor to go on from; done when none remain. It may append fewer than
	// limit before the end, so that a scan that keeps little does not run
	// long. Lists reuse dst: a million organizations make no garbage.
	scan(dst []Organization, cursor uint64, limit int, keep func(*Organization) bool) (orgs []Organization, next uint64, done bool, err error)
	// seed inserts a batch at once, all or none: a taken name is a
	// *nameTakenError.
	seed(b seedBatch) error
	// count is the number of organizations.
	count() int
	// reset forgets every organization.
	reset() error
}

// seedBatch is n organizations to insert at once, built on demand so that
// a million of them are never all in memory: key is the nameKey of the
// i-th, org builds it.
type seedBatch struct {
	n   int
	key func(i int) string
	org func(i int) Organization
}

// nameTakenError is a seed refused because a name is in use.
type nameTakenError struct{ name string }

func (e *nameTakenError) Error() string { return "an organization named " + e.name + " already exists" }

// nameKey scopes a name: per provider, and for workspaces per owner, as the
// APIs compare names (case-insensitively).
func nameKey(org Organization) string {
	return nameScope(org.Provider, org.Owner) + strings.ToLower(org.Name)
}

// nameScope is the part of nameKey before the name.
func nameScope(provider, owner string) string {
	if provider == providerWorkspace {
		return provider + "\x00" + owner + "\x00" // unique per owner (workspaces/create.mdx)
	}
	return provider + "\x00"
}

// idKey identifies an organization across providers.
func idKey(provider, id string) string { return provider + "\x00" + id }

// allOrgs reads a whole store, for callers that want a slice.
func allOrgs(st orgStore) ([]Organization, error) {
	var out []Organization
	for cursor := uint64(0); ; {
		var next uint64
		var done bool
		var err error
		if out, next, done, err = st.scan(out, cursor, 1024, nil); err != nil {
			return nil, err
		}
		if done {
			return out, nil
		}
		cursor = next
	}
}

// seedChunk is how many organizations a seed builds at a time.
const seedChunk = 8192

// each builds the batch's organizations a chunk at a time, spread over the
// CPUs (marshalling them is most of a seed's work), and hands them to fn in
// order.
func (b seedBatch) each(fn func(i int, o Organization)) {
	chunk := make([]Organization, seedChunk)
	workers := runtime.GOMAXPROCS(0)
	for start := 0; start < b.n; start += seedChunk {
		n := min(seedChunk, b.n-start)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for j := w; j < n; j += workers {
					chunk[j] = b.org(start + j)
				}
			})
		}
		wg.Wait()
		for j := range n {
			fn(start+j, chunk[j])
		}
	}
}
