package exportcmd

import (
	"fmt"
	"strings"

	"github.com/orgctl/orgctl/pkg/planfile"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/provider/qovery"
	"github.com/orgctl/orgctl/pkg/providers"
)

// entry is one organization as a manifest entry, its keys in the order a
// person reads them. A nil field is one the entry leaves out: the provider
// does not have it, or apply would refuse the value. The others are always
// written, empty when the organization has none: apply then keeps them
// empty, and diff shows it when someone fills one in by hand.
type entry struct {
	Name     string `json:"name"`
	ID       string `json:"id"`
	Provider string `json:"provider"`
	// The fields apply manages, as a saved plan records them: one schema.
	planfile.Fields
}

// exporter turns organizations into entries, warning about what it leaves
// out.
type exporter struct {
	provider string
	warn     func(string)
}

// entry is org as an entry; ok is false when it cannot be one (apply would
// refuse its name), after a warning.
func (x exporter) entry(org *provider.Organization) (e entry, ok bool) {
	base := provider.CreateSpec{Name: org.Name}
	if x.provider == provider.Qovery {
		base.Plan = qovery.CurrentPlan() // Qovery requires a plan; this one only lets the name be checked
	}
	if _, err := providers.Validate(x.provider, &base); err != nil {
		x.warn(fmt.Sprintf("%s left out: apply would refuse it: %s", describe(org), strings.TrimPrefix(err.Error(), "--")))
		return entry{}, false
	}
	e = entry{Name: org.Name, ID: org.ID, Provider: x.provider}
	// check keeps a field when apply would take its value, checked alone
	// on top of the name as apply checks it.
	check := func(key string, set func(*provider.CreateSpec)) bool {
		spec := base
		set(&spec)
		if _, err := providers.Validate(x.provider, &spec); err != nil {
			x.warn(fmt.Sprintf("%s: %s left out (apply leaves it alone): %s", describe(org), key, strings.TrimPrefix(err.Error(), "--")))
			return false
		}
		return true
	}
	text := func(key string, v *string, set func(*provider.CreateSpec, string)) *string {
		s := deref(v)
		if !check(key, func(spec *provider.CreateSpec) { set(spec, s) }) {
			return nil
		}
		return &s
	}
	list := func(key string, v []string, set func(*provider.CreateSpec, []string)) *[]string {
		l := v
		if l == nil {
			l = []string{}
		}
		// The manifest splits list items at commas and trims them (as the
		// flags do): such an item would not come back as it is.
		for _, item := range l {
			if strings.Contains(item, ",") || strings.TrimSpace(item) != item || item == "" {
				x.warn(fmt.Sprintf("%s: %s left out (apply leaves it alone): a manifest cannot hold the item %q", describe(org), key, item))
				return nil
			}
		}
		if !check(key, func(spec *provider.CreateSpec) { set(spec, l) }) {
			return nil
		}
		return &l
	}

	e.Description = text("description", org.Description, func(s *provider.CreateSpec, v string) { s.Description = v })
	switch x.provider {
	case provider.Qovery:
		// A plan is never cleared, so an organization without one (an
		// API that left it out) leaves it out.
		if org.Plan != nil && *org.Plan != "" {
			e.Plan = text("plan", org.Plan, func(s *provider.CreateSpec, v string) { s.Plan = v })
		}
		e.WebsiteURL = text("website_url", org.WebsiteURL, func(s *provider.CreateSpec, v string) { s.WebsiteURL = v })
		e.Repository = text("repository", org.Repository, func(s *provider.CreateSpec, v string) { s.Repository = v })
		e.LogoURL = text("logo_url", org.LogoURL, func(s *provider.CreateSpec, v string) { s.LogoURL = v })
		e.IconURL = text("icon_url", org.IconURL, func(s *provider.CreateSpec, v string) { s.IconURL = v })
		e.AdminEmails = list("admin_emails", org.AdminEmails, func(s *provider.CreateSpec, v []string) { s.AdminEmails = v })
	case provider.Vertra:
		// Workspaces have no tags (null); organizations always have a list.
		if org.Tags != nil {
			e.Tags = list("tags", org.Tags, func(s *provider.CreateSpec, v []string) { s.Tags = v })
		}
	}
	return e, true
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
