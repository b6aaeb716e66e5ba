package plan

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/manifest"
	"github.com/orgctl/orgctl/pkg/provider"
)

// carryOut does what apply does to the organizations, from the plan alone:
// creates from the changes, updates field by field, deletes.
func carryOut(p *Plan, current map[string][]provider.Organization) map[string][]provider.Organization {
	next := map[string][]provider.Organization{}
	deleted := map[string]bool{}
	updated := map[string][]Change{}
	for _, a := range p.Actions {
		switch a.Kind {
		case Delete:
			deleted[a.ID] = true
		case Update:
			updated[a.ID] = a.Changes
		case Create:
			org := provider.Organization{Provider: a.Provider, ID: fmt.Sprintf("new-%d", a.Index)}
			set(&org, a.Diff())
			next[a.Provider] = append(next[a.Provider], org)
		}
	}
	for name, orgs := range current {
		for _, o := range orgs {
			if deleted[o.ID] {
				continue
			}
			set(&o, updated[o.ID])
			next[name] = append(next[name], o)
		}
	}
	return next
}

func set(o *provider.Organization, changes []Change) {
	for _, c := range changes {
		s, _ := c.New.(string)
		l, _ := c.New.([]string)
		switch c.Field {
		case "name":
			o.Name = s
		case "plan":
			o.Plan = &s
		case "description":
			o.Description = &s
		case "tags":
			o.Tags = l
		case "admin_emails":
			o.AdminEmails = l
		case "website_url":
			o.WebsiteURL = &s
		case "repository":
			o.Repository = &s
		case "logo_url":
			o.LogoURL = &s
		case "icon_url":
			o.IconURL = &s
		}
	}
}

// urls are the values the URLs take in TestPlansConverge.
var urls = []string{"", "https://a.example", "https://b.example"}

// mismatch says which field entry sets that its organization (by name)
// among orgs does not have; "" when they agree.
func mismatch(e *manifest.Entry, orgs []provider.Organization) string {
	var org *provider.Organization
	for i := range orgs {
		if fold(orgs[i].Name) == fold(e.Name) {
			org = &orgs[i]
		}
	}
	if org == nil {
		return "has no organization"
	}
	x := ExistingOf(org, false)
	for _, f := range []struct {
		field      manifest.Field
		key        string
		want, have string
	}{
		{manifest.FieldName, "name", e.Name, x.Name},
		{manifest.FieldDescription, "description", e.Description, x.Description},
		{manifest.FieldWebsiteURL, "website_url", e.WebsiteURL, x.WebsiteURL},
		{manifest.FieldRepository, "repository", e.Repository, x.Repository},
		{manifest.FieldLogoURL, "logo_url", e.LogoURL, x.LogoURL},
		{manifest.FieldIconURL, "icon_url", e.IconURL, x.IconURL},
	} {
		if e.Set.Has(f.field) && f.want != f.have {
			return fmt.Sprintf("sets %s %q, the organization has %q", f.key, f.want, f.have)
		}
	}
	if e.Set.Has(manifest.FieldPlan) && !strings.EqualFold(e.Plan, x.Plan) {
		return fmt.Sprintf("sets plan %q, the organization has %q", e.Plan, x.Plan)
	}
	if e.Set.Has(manifest.FieldTags) && !sameSet(e.Tags, x.Tags, func(a, b string) bool { return a == b }) {
		return fmt.Sprintf("sets tags %q, the organization has %q", e.Tags, x.Tags)
	}
	return ""
}

// TestPlansConverge: whatever the manifest and the account, carrying out a
// plan leaves nothing for the next one to do (random cases, fixed seeds).
func TestPlansConverge(t *testing.T) {
	owner := &manifest.Prune{All: manifest.Owner{Match: regexp.MustCompile("^o")}}
	names := []string{"a", "b", "c", "d", "oa", "ob", "oc", "OD"}
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 1))
		current := map[string][]provider.Organization{provider.Vertra: {}, provider.Qovery: {}}
		for i, n := range names {
			if r.IntN(2) == 0 {
				continue
			}
			o := qov(fmt.Sprintf("q%d", i), n, []string{"TEAM", "FREE", "team_2025"}[r.IntN(3)])
			if r.IntN(2) == 0 {
				o.Description = str([]string{"", "x", "y"}[r.IntN(3)])
			}
			for _, u := range []**string{&o.WebsiteURL, &o.Repository, &o.LogoURL, &o.IconURL} {
				if v := urls[r.IntN(len(urls))]; v != "" || r.IntN(2) == 0 {
					*u = str(v) // else null
				}
			}
			current[provider.Qovery] = append(current[provider.Qovery], o)
			v := vert(fmt.Sprintf("v%d", i), n, []string{"", "x"}[r.IntN(2)], []string{"t1", "t2"}[:r.IntN(3)]...)
			current[provider.Vertra] = append(current[provider.Vertra], v)
		}
		var entries []manifest.Entry
		for _, n := range names {
			if r.IntN(3) == 0 {
				continue
			}
			prov := []string{provider.Qovery, provider.Vertra}[r.IntN(2)]
			f := map[string]any{"name": []string{n, n + "X"}[r.IntN(4)/3]}
			if r.IntN(2) == 0 {
				f["description"] = []string{"", "x", "z"}[r.IntN(3)]
			}
			if prov == provider.Qovery && r.IntN(2) == 0 {
				f["plan"] = []string{"TEAM", "TEAM_2025"}[r.IntN(2)]
			}
			if prov == provider.Qovery {
				for _, k := range []string{"website_url", "repository", "logo_url", "icon_url"} {
					if r.IntN(2) == 0 {
						f[k] = urls[r.IntN(len(urls))]
					}
				}
			}
			if prov == provider.Vertra && r.IntN(2) == 0 {
				f["tags"] = []string{"t2", "t1", "t3"}[:r.IntN(4)]
			}
			e := entry(prov, f)
			e.Index = len(entries) + 1
			entries = append(entries, e)
		}
		opts := Options{Owner: owner, Prune: r.IntN(2) == 0}
		first, problems := Make(entries, current, opts)
		if problems != nil {
			t.Fatalf("seed %d: %v", seed, problems)
		}
		next := carryOut(first, current)
		second, problems := Make(entries, next, opts)
		if problems != nil || second.Changes() != 0 {
			t.Fatalf("seed %d: after carrying out\n%q\nthe next plan is\n%q (%v)", seed, summary(first), summary(second), problems)
		}
		// Converging is not enough: a field Compare forgot converges too,
		// never changed. Each entry must now hold on its organization.
		for i := range entries {
			if bad := mismatch(&entries[i], next[entries[i].Provider]); bad != "" {
				t.Fatalf("seed %d: after carrying out\n%q\nentry %d %s", seed, summary(first), i+1, bad)
			}
		}
	}
}
