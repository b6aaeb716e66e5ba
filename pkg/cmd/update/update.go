// Package update implements `orgctl update`.
package update

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orgctl/orgctl/pkg/api"
	"github.com/orgctl/orgctl/pkg/cmd/internal/reports"
	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/config"
	"github.com/orgctl/orgctl/pkg/output"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/providers"
	"github.com/orgctl/orgctl/pkg/text"
)

// UpdateOptions are the dependencies, argument and flags of one `update` run.
type UpdateOptions struct {
	cmdutil.Deps

	IDOrName string
	Spec     provider.UpdateSpec // only the flags given are set
	DryRun   bool
	Exporter cmdutil.Exporter
}

// NewCmdUpdate builds the command; tests pass runF to capture the options.
func NewCmdUpdate(f *cmdutil.Factory, runF func(*UpdateOptions) error) *cobra.Command {
	opts := &UpdateOptions{Deps: f.Deps()}
	var v struct {
		newName, description, plan, website, repository, logo, icon string
		emails, tags                                                []string
	}
	cmd := &cobra.Command{
		Use:   "update ID|NAME --provider qovery|vertra [flags]",
		Short: "Change an organization, by id or by name",
		Long: `Change one organization. The argument is an id or a name (compared
case-insensitively); on Qovery, whose ids are uuids, anything else is looked up
by name.

Only the fields you give change; the others are left as they are. An empty
value clears a field: --description '' clears the description, --tag '' the
tags, --website-url '' the website.

Qovery replaces an organization as a whole (PUT), so orgctl reads it first and
sends its current values for the fields you did not give. VertraCloud receives
only the fields that change. Every value is checked before anything is sent:
a bad flag, or a flag the provider does not take, exits with code 2.

With --dry-run, orgctl still reads the organization (to find it, and on
Qovery to fill in the current values) but sends no change: it prints the
request it would send, token redacted.`,
		Example: `$ orgctl update --provider vertra acme --description "Acme Corp" --tag ci --tag prod

# Rename, clear the website and change the plan, seeing the request first
$ orgctl update --provider qovery acme --website-url '' --plan TEAM_2025 --dry-run
$ orgctl update --provider qovery acme --new-name acme-corp --website-url '' --plan TEAM_2025`,
		Args:              cmdutil.ExactArgs(1, "update needs an organization id or name"),
		ValidArgsFunction: f.CompleteOrgNames(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IDOrName = args[0]
			fl := cmd.Flags()
			set := func(flag string, value string) *string {
				if !fl.Changed(flag) {
					return nil
				}
				return &value
			}
			setList := func(flag string, values []string) *[]string {
				if !fl.Changed(flag) {
					return nil
				}
				if values == nil {
					values = []string{}
				}
				return &values
			}
			opts.Spec = provider.UpdateSpec{
				NewName: set("new-name", v.newName), Description: set("description", v.description), Plan: set("plan", v.plan),
				WebsiteURL: set("website-url", v.website), Repository: set("repository", v.repository),
				LogoURL: set("logo-url", v.logo), IconURL: set("icon-url", v.icon),
				AdminEmails: setList("admin-email", v.emails), Tags: setList("tag", v.tags),
			}
			if opts.Spec.IsEmpty() {
				return cmdutil.Usage(fmt.Errorf("nothing to update: give at least one of --new-name, --description, --plan, --tag, --admin-email, --website-url, --repository, --logo-url, --icon-url"))
			}
			if runF != nil {
				return runF(opts)
			}
			return updateRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&v.newName, "new-name", "", "rename the organization")
	fl.StringVar(&v.description, "description", "", "new description ('' clears it)")
	fl.StringVar(&v.plan, "plan", "", "Qovery: new plan")
	fl.StringVar(&v.website, "website-url", "", "Qovery: new website URL ('' clears it)")
	fl.StringVar(&v.repository, "repository", "", "Qovery: new repository URL ('' clears it)")
	fl.StringVar(&v.logo, "logo-url", "", "Qovery: new logo URL ('' clears it)")
	fl.StringVar(&v.icon, "icon-url", "", "Qovery: new icon URL ('' clears it)")
	fl.StringSliceVar(&v.emails, "admin-email", nil, "Qovery: the admin e-mail addresses, replacing the current ones (repeatable, or comma-separated; '' clears them)")
	fl.StringSliceVar(&v.tags, "tag", nil, "VertraCloud: the tags, replacing the current ones (repeatable, or comma-separated; '' clears them)")
	cmdutil.AddFormatFlags(cmd, &opts.Exporter)
	fl.BoolVar(&opts.DryRun, "dry-run", false, "read the organization, then print the change that would be sent, token redacted, and send nothing")
	cmdutil.ForProvider(fl, provider.Qovery, "plan", "website-url", "repository", "logo-url", "icon-url", "admin-email")
	cmdutil.ForProvider(fl, provider.Vertra, "tag")
	cmdutil.MustRegister(cmd, "plan", cmdutil.CompleteSetting(config.KeyQoveryPlan))
	return cmd
}

func updateRun(ctx context.Context, opts *UpdateOptions) error {
	run, err := opts.Resolve()
	if err != nil {
		return err
	}
	// Validate before anything else happens: a usage error sends nothing.
	spec := opts.Spec
	warnings, err := providers.ValidateUpdate(run.Name, &spec)
	if err != nil {
		return cmdutil.Usage(err)
	}
	errColors := opts.IO.ErrColors()
	for _, w := range warnings {
		reports.Warn(opts.IO, nil, os.Getenv, "update", "", 0, w) // a ::warning in GitHub Actions
	}
	// Even a dry run reads the organization, so it needs the token.
	if run.Settings.Token == "" {
		return &cmdutil.AuthError{Err: run.MissingToken()}
	}
	run.Settings.DryRun = opts.DryRun
	p, err := run.Provider()
	if err != nil {
		return err
	}

	org, err := provider.Resolve(ctx, p, opts.IDOrName)
	if err != nil {
		return err
	}
	updated, err := p.Update(ctx, org.ID, spec)
	var dry *api.DryRun
	if errors.As(err, &dry) {
		fmt.Fprintf(opts.IO.ErrOut, "Dry run: nothing was changed on %s %s (id %s).\n", providers.DisplayName(run.Name), text.Safe(org.Name), text.Safe(org.ID))
		return cmdutil.PrintRequest(opts.IO, run.Format, &opts.Exporter, dry.Request)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "%s Updated organization %s (id %s) on %s: %s.\n", errColors.Green("✓"), text.Safe(updated.Name), text.Safe(updated.ID),
		providers.DisplayName(run.Name), strings.Join(changed(spec), ", "))
	return cmdutil.Print(opts.IO, run.Format, &opts.Exporter, updated, func(v output.View) error {
		return output.OrganizationTable(v, updated)
	})
}

// changed names the fields an update sets, for the confirmation line.
func changed(s provider.UpdateSpec) []string {
	var out []string
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"name", s.NewName != nil}, {"description", s.Description != nil}, {"plan", s.Plan != nil},
		{"website_url", s.WebsiteURL != nil}, {"repository", s.Repository != nil}, {"logo_url", s.LogoURL != nil},
		{"icon_url", s.IconURL != nil}, {"admin_emails", s.AdminEmails != nil}, {"tags", s.Tags != nil},
	} {
		if f.set {
			out = append(out, f.name)
		}
	}
	return out
}
