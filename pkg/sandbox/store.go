package sandbox

import "strings"

// store holds the organizations; the Server's mutex guards it.
type store struct {
	orgs  []Organization
	names map[string]bool // nameKey of every organization
	rev   uint64          // counts changes, so that a state file is written only after one
}

// nameKey scopes a name: per provider, and for workspaces per owner, as the
// APIs compare names (case-insensitively).
func nameKey(org Organization) string {
	scope := org.Provider
	if org.Provider == providerWorkspace {
		scope += "\x00" + org.Owner // unique per owner (workspaces/create.mdx)
	}
	return scope + "\x00" + strings.ToLower(org.Name)
}

// insert adds org unless its name is taken.
func (st *store) insert(org Organization) bool {
	if st.names == nil {
		st.names = map[string]bool{}
	}
	key := nameKey(org)
	if st.names[key] {
		return false
	}
	st.names[key] = true
	st.orgs = append(st.orgs, org)
	st.rev++
	return true
}

// find returns the organization of a provider with that id.
func (st *store) find(provider, id string) (Organization, bool) {
	for _, o := range st.orgs {
		if o.Provider == provider && o.ID == id {
			return o, true
		}
	}
	return Organization{}, false
}

// replace puts org in the place of the organization with its provider and
// id, moving its name key; false when another organization has the new
// name (compared case-insensitively) or org is gone.
func (st *store) replace(org Organization) bool {
	for i, o := range st.orgs {
		if o.Provider != org.Provider || o.ID != org.ID {
			continue
		}
		oldKey, newKey := nameKey(o), nameKey(org)
		if newKey != oldKey && st.names[newKey] {
			return false
		}
		delete(st.names, oldKey)
		st.names[newKey] = true
		st.orgs[i] = org
		st.rev++
		return true
	}
	return false
}

// remove deletes an organization and frees its name.
func (st *store) remove(provider, id string) {
	for i, o := range st.orgs {
		if o.Provider == provider && o.ID == id {
			st.orgs = append(st.orgs[:i:i], st.orgs[i+1:]...)
			delete(st.names, nameKey(o))
			st.rev++
			return
		}
	}
}

// ownedBy lists a provider's organizations owned by owner.
func (st *store) ownedBy(provider, owner string) []Organization {
	out := []Organization{}
	for _, o := range st.orgs {
		if o.Provider == provider && o.Owner == owner {
			out = append(out, o)
		}
	}
	return out
}

func (st *store) all() []Organization { return append([]Organization(nil), st.orgs...) }

// load replaces the organizations by orgs (from a state file), keeping the
// revision moving; an organization whose name is taken already is dropped.
func (st *store) load(orgs []Organization) {
	rev := st.rev + 1
	*st = store{}
	for _, o := range orgs {
		st.insert(o)
	}
	st.rev = rev
}
