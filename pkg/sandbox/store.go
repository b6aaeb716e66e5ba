package sandbox

import "strings"

// store holds the organizations; the Server's mutex guards it.
type store struct {
	orgs  []Organization
	names map[string]bool // scope + "\x00" + lower-cased name
}

// nameKey scopes a name: per provider, and for workspaces per owner, as the
// APIs compare names (case-insensitively).
func nameKey(scope, name string) string { return scope + "\x00" + strings.ToLower(name) }

// insert adds org unless its name key is taken.
func (st *store) insert(key string, org Organization) bool {
	if st.names == nil {
		st.names = map[string]bool{}
	}
	if st.names[key] {
		return false
	}
	st.names[key] = true
	st.orgs = append(st.orgs, org)
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

// remove deletes an organization and frees its name key.
func (st *store) remove(provider, id, key string) {
	for i, o := range st.orgs {
		if o.Provider == provider && o.ID == id {
			st.orgs = append(st.orgs[:i:i], st.orgs[i+1:]...)
			delete(st.names, key)
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
