// Package delete implements `orgctl delete`.
package delete

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/iostreams"
	"github.com/orgctl/orgctl/pkg/output"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/providers"
	"github.com/orgctl/orgctl/pkg/text"
)

// DeleteOptions are the dependencies, arguments and flags of one `delete` run.
type DeleteOptions struct {
	cmdutil.Deps

	IDsOrNames []string
	Yes        bool
	DryRun     bool
	Exporter   cmdutil.Exporter
}

// NewCmdDelete builds the command; tests pass runF to capture the options.
func NewCmdDelete(f *cmdutil.Factory, runF func(*DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{Deps: f.Deps()}
	cmd := &cobra.Command{
		Use:     "delete ID|NAME... [--yes] [--dry-run]",
		Aliases: []string{"rm"},
		Short:   "Delete organizations, by id or by name",
		Long: `Delete one or more organizations. Each argument is an id or a name (names
are compared case-insensitively, as both providers do).

Every argument is looked up first: if one is not found, nothing is deleted
(exit 7). On a terminal, orgctl then asks you to type the organization's name
(or, for several, how many) to confirm. When standard input is not a terminal
(a script, CI), it refuses (exit 2) unless --yes is given: a deletion cannot
be undone. --dry-run looks the organizations up and says what would be
deleted, without deleting anything.`,
		Example: `# On a terminal: asks you to type the name
$ orgctl delete --provider qovery acme

# What would be deleted (reads only)
$ orgctl delete --provider vertra acme globex --dry-run

# In a script, several at once
$ orgctl rm --provider vertra acme globex --yes`,
		Args: cmdutil.MinimumArgs(1, "delete needs at least one organization id or name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IDsOrNames = args
			if runF != nil {
				return runF(opts)
			}
			return deleteRun(cmd.Context(), opts)
		},
	}
	cmd.ValidArgsFunction = f.CompleteOrgNames(0)
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "delete without asking for confirmation")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "look the organizations up and say what would be deleted; delete nothing")
	cmdutil.AddFormatFlags(cmd, &opts.Exporter)
	return cmd
}

// deletion is what `delete -o json|yaml` prints for each organization, in
// the documented key order.
type deletion struct {
	Provider string `json:"provider"`
	ID       string `json:"id"`
	Name     string `json:"name"`
	Deleted  bool   `json:"deleted"`
}

func deleteRun(ctx context.Context, opts *DeleteOptions) error {
	// Refuse before sending anything: a script must say --yes explicitly.
	if !opts.Yes && !opts.DryRun && !opts.IO.IsStdinTTY() {
		return cmdutil.Usage(fmt.Errorf("refusing to delete without confirmation: standard input is not a terminal; pass --yes"))
	}
	run, p, err := opts.Connect()
	if err != nil {
		return err
	}
	where := providers.DisplayName(run.Name)
	// Resolve every argument before deleting any, so a typo deletes nothing.
	var orgs []*provider.Organization
	seen := map[string]bool{}
	for _, arg := range opts.IDsOrNames {
		org, err := provider.Resolve(ctx, p, arg)
		if err != nil {
			return err
		}
		if !seen[org.ID] {
			seen[org.ID] = true
			orgs = append(orgs, org)
		}
	}
	if opts.DryRun {
		for _, org := range orgs {
			fmt.Fprintf(opts.IO.ErrOut, "Would delete organization %s (id %s) on %s.\n", text.Safe(org.Name), text.Safe(org.ID), where)
		}
		fmt.Fprintln(opts.IO.ErrOut, "Dry run: nothing was deleted.")
		return printDeletions(opts, run.Format, orgs, false)
	}
	if !opts.Yes {
		if err := confirm(opts.IO, orgs, where); err != nil {
			return err
		}
	}
	var deleted []*provider.Organization
	for _, org := range orgs {
		if err := p.Delete(ctx, org.ID); err != nil {
			// What was deleted before the failure is still reported.
			_ = printDeletions(opts, run.Format, deleted, true)
			if len(deleted) > 0 {
				return fmt.Errorf("deleted %d of %d, then %s: %w", len(deleted), len(orgs), org.Name, err)
			}
			return err
		}
		deleted = append(deleted, org)
		fmt.Fprintf(opts.IO.ErrOut, "%s Deleted organization %s (id %s) on %s.\n",
			opts.IO.ErrColors().Green("✓"), text.Safe(org.Name), text.Safe(org.ID), where)
	}
	return printDeletions(opts, run.Format, deleted, true)
}

// printDeletions writes one document per organization for scripts (a
// JSON stream when there are several; --jq and --template apply to each);
// nothing as a table, where the stderr lines say it all.
func printDeletions(opts *DeleteOptions, format output.Format, orgs []*provider.Organization, deleted bool) error {
	for _, org := range orgs {
		d := deletion{Provider: org.Provider, ID: org.ID, Name: org.Name, Deleted: deleted}
		if err := cmdutil.Print(opts.IO, format, &opts.Exporter, d, func(output.View) error { return nil }); err != nil {
			return err
		}
	}
	return nil
}

// confirm asks the person at the terminal to type the organization's name,
// or the number of organizations when there are several.
func confirm(ios *iostreams.IOStreams, orgs []*provider.Organization, where string) error {
	want := orgs[0].Name
	if len(orgs) == 1 {
		fmt.Fprintf(ios.ErrOut, "This deletes organization %s (id %s) on %s and cannot be undone.\nType its name to confirm: ", text.Safe(orgs[0].Name), text.Safe(orgs[0].ID), where)
	} else {
		want = strconv.Itoa(len(orgs))
		fmt.Fprintf(ios.ErrOut, "This deletes %d organizations on %s and cannot be undone:\n", len(orgs), where)
		for _, org := range orgs {
			fmt.Fprintf(ios.ErrOut, "  %s (id %s)\n", text.Safe(org.Name), text.Safe(org.ID))
		}
		fmt.Fprintf(ios.ErrOut, "Type %s to confirm: ", want)
	}
	line, err := bufio.NewReader(ios.In).ReadString('\n')
	if err != nil && line == "" {
		return cmdutil.Usage(fmt.Errorf("no confirmation typed: nothing was deleted"))
	}
	if got := strings.TrimSpace(line); got != want {
		if len(orgs) == 1 {
			return cmdutil.Usage(fmt.Errorf("%s does not match the organization's name: nothing was deleted", text.Quote(got)))
		}
		return cmdutil.Usage(fmt.Errorf("%s is not %s: nothing was deleted", text.Quote(got), want))
	}
	return nil
}
