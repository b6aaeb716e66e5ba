package output

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/tableprinter"
)

// OrganizationTable draws one organization as key/value lines.
func OrganizationTable(v View, org *provider.Organization) error {
	t := tableprinter.New(v.Out, tableprinter.Options{Width: v.Width})
	for _, row := range rows(org, v) {
		t.AddCells(row...)
	}
	return t.Render()
}

// rows lists the key/value pairs of the table, skipping empty values.
func rows(org *provider.Organization, v View) [][]tableprinter.Cell {
	var out [][]tableprinter.Cell
	add := func(key, value string, style func(string) string) {
		if value != "" {
			out = append(out, []tableprinter.Cell{{Text: key + ":", Style: v.Colors.Bold}, {Text: value, Style: style}})
		}
	}
	add("ID", org.ID, nil)
	add("Name", org.Name, nil)
	add("Provider", org.Provider, nil)
	add("Plan", deref(org.Plan), nil)
	add("Description", deref(org.Description), nil)
	add("Tags", strings.Join(org.Tags, ", "), nil)
	add("Owner", org.Owner, nil)
	if p := org.OwnerPlanID; p != nil {
		add("Owner plan", strconv.Itoa(*p), nil)
	}
	members := make([]string, 0, len(org.Members))
	for _, m := range org.Members {
		who := m.UserID
		if m.DisplayName != nil && m.Email != nil {
			who = fmt.Sprintf("%s <%s>", *m.DisplayName, *m.Email)
		}
		members = append(members, fmt.Sprintf("%s (%s)", who, m.Role))
	}
	add("Members", strings.Join(members, ", "), nil)
	roles := make([]string, 0, len(org.Roles))
	for _, r := range org.Roles {
		roles = append(roles, fmt.Sprintf("%s (%d permissions)", r.Name, len(r.Permissions)))
	}
	add("Roles", strings.Join(roles, ", "), nil)
	if org.IsOwner != nil {
		add("Yours", yesNo(*org.IsOwner), nil)
	}
	if org.Frozen != nil && *org.Frozen {
		add("Frozen", "yes: the owner's plan lapsed, writes are refused", v.Colors.Red)
	}
	if org.Applications != nil {
		add("Applications", strconv.Itoa(len(org.Applications)), nil)
	}
	if org.Databases != nil {
		add("Databases", strconv.Itoa(len(org.Databases)), nil)
	}
	add("Website", deref(org.WebsiteURL), nil)
	add("Repository", deref(org.Repository), nil)
	add("Logo", deref(org.LogoURL), nil)
	add("Icon", deref(org.IconURL), nil)
	add("Admin emails", strings.Join(org.AdminEmails, ", "), nil)
	add("Billing", deref(org.BillingDeploymentRestriction), v.Colors.Red)
	if d := org.AuditLogsRetentionInDays; d != nil {
		add("Audit logs", strconv.Itoa(*d)+" days", nil)
	}
	add("Created", org.CreatedAt, nil)
	add("Updated", org.UpdatedAt, nil)
	return out
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// tablePage is how many rows a streamed table measures before it draws:
// their widths set the columns', and the rows after it are drawn as they
// come, shortened to those widths on a terminal.
const tablePage = 1000

// OrganizationsTable draws a list with a header row as it is read; -o wide
// adds the owner, the description, the tags (VertraCloud) or admin e-mails
// (Qovery) and the last update. On a terminal too narrow for a row, the name
// is the last column to lose characters.
type OrganizationsTable struct {
	view View
	t    *tableprinter.Table
	rows int
}

// NewOrganizationsTable starts a table of providerName's organizations.
func NewOrganizationsTable(v View, providerName string) *OrganizationsTable {
	header := []string{"ID", "NAME", "PROVIDER", "PLAN", "CREATED"}
	if v.Wide {
		header = append(header, "OWNER", "DESCRIPTION", listHeader(providerName), "UPDATED")
	}
	t := v.Table(header...)
	t.ShrinkLast(1)
	return &OrganizationsTable{view: v, t: t}
}

// Add draws one organization, or keeps it until the first page is measured.
func (s *OrganizationsTable) Add(o *provider.Organization) error {
	row := []string{o.ID, o.Name, o.Provider, deref(o.Plan), o.CreatedAt}
	if s.view.Wide {
		row = append(row, o.Owner, deref(o.Description), strings.Join(slices.Concat(o.Tags, o.AdminEmails), ", "), o.UpdatedAt)
	}
	s.rows++
	switch {
	case s.rows < tablePage:
		s.t.AddRow(row...)
		return nil
	case s.rows == tablePage:
		s.t.AddRow(row...)
		return s.t.Render()
	}
	return s.t.StreamRow(row...)
}

// Close draws what the first page kept, when the list was shorter.
func (s *OrganizationsTable) Close() error {
	if s.rows < tablePage {
		return s.t.Render()
	}
	return nil
}

// listHeader names -o wide's list column by what the provider has:
// VertraCloud tags, Qovery admin e-mails.
func listHeader(providerName string) string {
	if providerName == provider.Qovery {
		return "ADMIN EMAILS"
	}
	return "TAGS"
}
