package output

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/orgctl/orgctl/pkg/iostreams"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/text"
)

// Organization prints one organization in format f.
func Organization(w io.Writer, f Format, colors *iostreams.Colors, org *provider.Organization) error {
	if f != Table {
		return Write(w, f, org)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, row := range rows(org, colors) {
		// Every key carries the same escape codes, so the columns still line up.
		fmt.Fprintf(tw, "%s\t%s\n", colors.Bold(row[0]+":"), row[1])
	}
	return tw.Flush()
}

// rows lists the key/value pairs of the table, skipping empty values.
func rows(org *provider.Organization, colors *iostreams.Colors) [][2]string {
	var out [][2]string
	add := func(key, value string) {
		if value != "" {
			out = append(out, [2]string{key, printable(value)})
		}
	}
	add("ID", org.ID)
	add("Name", org.Name)
	add("Provider", org.Provider)
	add("Plan", deref(org.Plan))
	add("Description", deref(org.Description))
	add("Tags", strings.Join(org.Tags, ", "))
	add("Owner", org.Owner)
	members := make([]string, 0, len(org.Members))
	for _, m := range org.Members {
		members = append(members, fmt.Sprintf("%s (%s)", m.UserID, m.Role))
	}
	add("Members", strings.Join(members, ", "))
	add("Website", deref(org.WebsiteURL))
	add("Repository", deref(org.Repository))
	add("Logo", deref(org.LogoURL))
	add("Icon", deref(org.IconURL))
	add("Admin emails", strings.Join(org.AdminEmails, ", "))
	if r := deref(org.BillingDeploymentRestriction); r != "" {
		out = append(out, [2]string{"Billing", colors.Red(printable(r))})
	}
	if d := org.AuditLogsRetentionInDays; d != nil {
		add("Audit logs", strconv.Itoa(*d)+" days")
	}
	add("Created", org.CreatedAt)
	add("Updated", org.UpdatedAt)
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// printable escapes what a hostile API could use to drive or deceive the
// user's terminal (controls, bidi overrides, zero-width characters).
func printable(s string) string { return text.Safe(s) }

// Organizations prints a list: an array for scripts ([] when empty), a
// table with a header row for people.
func Organizations(w io.Writer, f Format, colors *iostreams.Colors, orgs []provider.Organization) error {
	if f != Table {
		if orgs == nil {
			orgs = []provider.Organization{}
		}
		return Write(w, f, orgs)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	// Headers are bold as a whole row so every cell carries the same escapes.
	fmt.Fprintln(tw, colors.Bold("ID")+"\t"+colors.Bold("NAME")+"\t"+colors.Bold("PROVIDER")+"\t"+colors.Bold("PLAN")+"\t"+colors.Bold("CREATED"))
	for _, o := range orgs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", printable(o.ID), printable(o.Name), printable(o.Provider), printable(deref(o.Plan)), printable(o.CreatedAt))
	}
	return tw.Flush()
}
