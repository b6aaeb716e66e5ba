package sandbox

import (
	"maps"
	"slices"
	"sort"
)

// memStore keeps the organizations in memory: `sandbox serve` without a
// state file, and tests. Removed organizations stay as holes in orgs until
// they are half of it, so that a remove costs no copy of a million entries.
type memStore struct {
	orgs  []memOrg       // creation order, seq increasing
	ids   map[string]int // idKey → index in orgs
	names map[string]bool
	holes int
	seq   uint64 // the last seq given
}

type memOrg struct {
	seq  uint64
	org  Organization
	gone bool
}

// newMemStore holds orgs; an organization whose name is taken already is
// dropped.
func newMemStore(orgs []Organization) *memStore {
	st := &memStore{}
	_ = st.reset()
	for _, o := range orgs {
		_, _ = st.insert(o)
	}
	return st
}

func (st *memStore) insert(org Organization) (bool, error) {
	key := nameKey(org)
	if st.names[key] {
		return false, nil
	}
	st.add(org, key)
	return true, nil
}

func (st *memStore) add(org Organization, key string) {
	st.names[key] = true
	st.seq++
	st.ids[idKey(org.Provider, org.ID)] = len(st.orgs)
	st.orgs = append(st.orgs, memOrg{seq: st.seq, org: org})
}

func (st *memStore) find(provider, id string) (Organization, bool, error) {
	i, ok := st.ids[idKey(provider, id)]
	if !ok {
		return Organization{}, false, nil
	}
	return st.orgs[i].org, true, nil
}

func (st *memStore) replace(org Organization) (bool, error) {
	i, ok := st.ids[idKey(org.Provider, org.ID)]
	if !ok {
		return false, nil
	}
	oldKey, newKey := nameKey(st.orgs[i].org), nameKey(org)
	if newKey != oldKey && st.names[newKey] {
		return false, nil
	}
	delete(st.names, oldKey)
	st.names[newKey] = true
	st.orgs[i].org = org
	return true, nil
}

func (st *memStore) remove(provider, id string) error {
	i, ok := st.ids[idKey(provider, id)]
	if !ok {
		return nil
	}
	delete(st.names, nameKey(st.orgs[i].org))
	delete(st.ids, idKey(provider, id))
	st.orgs[i] = memOrg{seq: st.orgs[i].seq, gone: true}
	if st.holes++; st.holes > 1024 && st.holes > len(st.orgs)/2 {
		st.compact()
	}
	return nil
}

// compact drops the holes; seqs stay, so a scan in progress goes on.
func (st *memStore) compact() {
	kept := st.orgs[:0]
	for _, o := range st.orgs {
		if !o.gone {
			st.ids[idKey(o.org.Provider, o.org.ID)] = len(kept)
			kept = append(kept, o)
		}
	}
	clear(st.orgs[len(kept):]) // let the removed raws go
	st.orgs, st.holes = kept, 0
}

// scan's cursor is a seq: the first one not yet seen.
func (st *memStore) scan(out []Organization, cursor uint64, limit int, keep func(*Organization) bool) ([]Organization, uint64, bool, error) {
	i := sort.Search(len(st.orgs), func(i int) bool { return st.orgs[i].seq >= cursor })
	for kept, visited := 0, 0; i < len(st.orgs) && kept < limit && visited < 64*limit; i, visited = i+1, visited+1 {
		o := &st.orgs[i]
		if !o.gone && (keep == nil || keep(&o.org)) {
			out = append(out, o.org)
			kept++
		}
	}
	if i == len(st.orgs) {
		return out, 0, true, nil
	}
	return out, st.orgs[i].seq, false, nil
}

func (st *memStore) seed(b seedBatch) error {
	for i := range b.n {
		if key := b.key(i); st.names[key] {
			return &nameTakenError{b.org(i).Name}
		}
	}
	st.orgs = slices.Grow(st.orgs, b.n)
	if len(st.ids) < b.n { // grow the maps once rather than ten times
		ids, names := make(map[string]int, len(st.ids)+b.n), make(map[string]bool, len(st.names)+b.n)
		maps.Copy(ids, st.ids)
		maps.Copy(names, st.names)
		st.ids, st.names = ids, names
	}
	b.each(func(_ int, o Organization) { st.add(o, nameKey(o)) })
	return nil
}

func (st *memStore) count() int { return len(st.ids) }

func (st *memStore) reset() error {
	*st = memStore{ids: map[string]int{}, names: map[string]bool{}, seq: st.seq}
	return nil
}
