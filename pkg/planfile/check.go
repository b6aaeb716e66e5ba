package planfile

import (
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"strings"

	"github.com/orgctl/orgctl/pkg/manifest"
	"github.com/orgctl/orgctl/pkg/plan"
	"github.com/orgctl/orgctl/pkg/provider"
)

// Current gathers, from one provider's list as it streams, the
// organizations the plan's actions name: by id, and by the name a create
// or a rename takes. Nothing else of the account is kept.
type Current struct {
	ids     map[string]found          // by id
	names   map[string]*plan.Existing // by folded name; nil until the list has it
	deletes map[string]bool           // ids the plan deletes: kept in full, to print
}

// found is an organization a plan names by id, as the list gave it: x is
// nil until the list has it, and asPlanned when it is exactly as the plan
// read it (same name, updated_at and planned fields: the usual case, told
// by want, the hash of that state). Such a one is not kept in full, so a
// plan of 100,000 updates and unchanged organizations holds 100,000 small
// entries rather than 100,000 organizations.
type found struct {
	x    *plan.Existing
	want uint64         // 0: compare in full
	set  manifest.Field // the fields the plan's state holds
}

// asPlanned stands for an organization exactly as the plan read it.
var asPlanned = &plan.Existing{}

// Currents are the Current of each provider a plan was made against.
type Currents map[string]*Current

// NewCurrents prepares to read the lists of d's providers. Expect then
// says which organizations to keep.
func (d *Document) NewCurrents() Currents {
	cs := make(Currents, len(d.Providers))
	for name := range d.Providers {
		cs[name] = &Current{ids: map[string]found{}, names: map[string]*plan.Existing{}, deletes: map[string]bool{}}
	}
	return cs
}

// Expect notes the organizations a names, to keep from its provider's list.
func (cs Currents) Expect(a *Action) {
	c := cs[a.Provider] // Read refused an action for a provider the plan has no account for
	if a.ID != "" {
		f, twice := c.ids[a.ID]
		if a.From != nil && a.Action != plan.Delete && !twice {
			f.want, f.set = a.From.sum(), a.From.Fields.set()
		} else {
			f.want = 0 // two actions of one organization, or a delete: compare in full
		}
		c.ids[a.ID] = f
	}
	if a.Action == plan.Create || a.Action == plan.Update {
		c.names[fold(a.Name)] = nil
	}
	if a.Action == plan.Delete {
		c.deletes[a.ID] = true
	}
}

// Add takes one organization of the list, keeping it if the plan names it.
func (c *Current) Add(org *provider.Organization) {
	f, byID := c.ids[org.ID]
	have, byName := c.names[fold(org.Name)]
	if !byID && !byName {
		return
	}
	x := plan.ExistingOf(org, c.deletes[org.ID])
	if byID {
		f.x = x
		if f.want != 0 {
			if fields := as(f.set, x); stateSum(x.Name, x.UpdatedAt, &fields) == f.want {
				f.x = asPlanned
			}
		}
		c.ids[org.ID] = f
	}
	if byName && have == nil {
		c.names[fold(org.Name)] = x
	}
}

// hashSeed seeds the state hashes: one per run, so no input can be made
// to collide with another on purpose.
var hashSeed = maphash.MakeSeed()

// sum hashes the state as stateSum does.
func (s *State) sum() uint64 { return stateSum(s.Name, s.UpdatedAt, &s.Fields) }

// stateSum hashes an organization's name, updated_at and the fields f
// holds, each value with its length: equal sums are equal states.
func stateSum(name, updatedAt string, f *Fields) uint64 {
	var h maphash.Hash
	h.SetSeed(hashSeed)
	num := func(n int) {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], uint64(n))
		h.Write(b[:])
	}
	str := func(s string) {
		num(len(s))
		h.WriteString(s)
	}
	str(name)
	str(updatedAt)
	for _, t := range f.texts() {
		if *t.value == nil {
			h.WriteByte(0)
			continue
		}
		h.WriteByte(1)
		str(**t.value)
	}
	for _, l := range []*[]string{f.AdminEmails, f.Tags} {
		if l == nil {
			h.WriteByte(0)
			continue
		}
		h.WriteByte(1)
		num(len(*l))
		for _, v := range *l {
			str(v)
		}
	}
	if sum := h.Sum64(); sum != 0 {
		return sum
	}
	return 1 // 0 means "none"
}

// Stale is an action the plan can no longer carry out as it was reviewed.
type Stale struct {
	Action *Action
	Why    string
}

// Checked is a plan held against the accounts as they are now.
type Checked struct {
	// Pending are the actions still to carry out, for apply's engine.
	Pending *plan.Plan
	// Done counts the changes already made: by an earlier apply of this
	// plan, or by someone making exactly the same change.
	Done  int
	Stale []Stale
}

// Check holds every action against current, each provider's organizations
// now (see Currents). An action is pending when the organization is still
// as the plan read it, done when it is already as the plan would leave it,
// and stale otherwise: changed, created or deleted by someone else since,
// or a rename whose name another organization took. Apply carries out a
// plan only when no action is stale.
func (d *Document) Check(current Currents) (*Checked, error) {
	c := &Checked{Pending: &plan.Plan{}}
	err := d.Each(func(a *Action) error {
		cur := current[a.Provider]
		why, done := a.check(cur)
		switch {
		case why != "":
			c.Stale = append(c.Stale, Stale{Action: a, Why: why})
		case done:
			c.Done++
		case a.Action != plan.Unchanged:
			c.Pending.Actions = append(c.Pending.Actions, a.planAction(cur))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// check says why a is stale (empty when it is not), and whether it is
// already done.
func (a *Action) check(cur *Current) (why string, done bool) {
	switch a.Action {
	case plan.Create:
		org := cur.names[fold(a.Name)]
		if org == nil {
			return "", false
		}
		if len(plan.Compare(a.Set.entry(a.Provider, a.Name), org)) == 0 {
			return "", true
		}
		return fmt.Sprintf("an organization named %q (id %s) was created since the plan", org.Name, org.ID), false
	case plan.Delete:
		org := cur.ids[a.ID].x
		if org == nil {
			return "", true
		}
		if org.Name != a.From.Name || org.UpdatedAt != a.From.UpdatedAt {
			return changed(nil, a.From, org), false
		}
		return "", false
	}
	// An update, or an action that changes nothing.
	org := cur.ids[a.ID].x
	if org == nil {
		return fmt.Sprintf("organization %s was deleted since the plan", a.ID), false
	}
	var diff []plan.Change
	if org != asPlanned {
		diff = plan.Compare(a.From.Fields.entry(a.Provider, a.From.Name), org)
	}
	if org == asPlanned || len(diff) == 0 && org.UpdatedAt == a.From.UpdatedAt {
		if a.Action == plan.Update && !strings.EqualFold(a.Name, a.From.Name) {
			if other := cur.names[fold(a.Name)]; other != nil && other.ID != a.ID {
				return fmt.Sprintf("cannot rename %q to %q: organization %s took that name since the plan", a.From.Name, a.Name, other.ID), false
			}
		}
		return "", false
	}
	if a.Action == plan.Update && len(plan.Compare(a.target(), org)) == 0 {
		return "", true
	}
	return changed(diff, a.From, org), false
}

// changed says how org differs from the state the plan read.
func changed(diff []plan.Change, was *State, org *plan.Existing) string {
	if org.Name != was.Name {
		return fmt.Sprintf("organization %s was renamed since the plan (%q, now %q)", org.ID, was.Name, org.Name)
	}
	for _, ch := range diff {
		if ch.Field != "name" { // Compare's Old is the organization's value, New the plan's
			return fmt.Sprintf("%s changed since the plan (%s, now %s)", ch.Field, plan.ShowValue(ch.New), plan.ShowValue(ch.Old))
		}
	}
	return fmt.Sprintf("organization %s was updated since the plan (updated_at %q, now %q)", org.ID, was.UpdatedAt, org.UpdatedAt)
}

// target is the entry an update leaves the organization matching: what it
// was, with the changes made.
func (a *Action) target() *manifest.Entry {
	f := a.From.Fields
	name := a.From.Name
	for _, ch := range a.Changes {
		if ch.Field == "name" {
			name, _ = ch.New.(string)
			continue
		}
		setters[ch.Field](&f, ch.New)
	}
	return f.entry(a.Provider, name)
}

// setters set one field of Fields from a change's value.
var setters = map[string]func(f *Fields, v any){
	"name":         func(*Fields, any) {},
	"plan":         func(f *Fields, v any) { f.Plan = text(v) },
	"description":  func(f *Fields, v any) { f.Description = text(v) },
	"website_url":  func(f *Fields, v any) { f.WebsiteURL = text(v) },
	"repository":   func(f *Fields, v any) { f.Repository = text(v) },
	"logo_url":     func(f *Fields, v any) { f.LogoURL = text(v) },
	"icon_url":     func(f *Fields, v any) { f.IconURL = text(v) },
	"admin_emails": func(f *Fields, v any) { l, _ := v.([]string); f.AdminEmails = list(l) },
	"tags":         func(f *Fields, v any) { l, _ := v.([]string); f.Tags = list(l) },
}

func text(v any) *string {
	s, _ := v.(string)
	return &s
}

// planAction is a pending action as apply's engine takes it.
func (a *Action) planAction(cur *Current) plan.Action {
	p := plan.Action{Kind: a.Action, Provider: a.Provider, Name: a.Name, ID: a.ID, Index: a.Index, Changes: a.Changes}
	switch a.Action {
	case plan.Create:
		p.Entry = a.Set.entry(a.Provider, a.Name)
	case plan.Update:
		p.Entry = a.From.Fields.entry(a.Provider, a.Name)
	case plan.Delete:
		p.From = cur.ids[a.ID].x
		p.Current = p.From.Full
	}
	if p.Entry != nil {
		p.Entry.Index, p.Entry.Line = a.Index, a.Line
	}
	return p
}

func fold(name string) string { return strings.ToLower(name) }
