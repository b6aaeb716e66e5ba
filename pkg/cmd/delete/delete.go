// Package delete implements `orgctl delete`.
package delete

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/iostreams"
	"github.com/orgctl/orgctl/pkg/output"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/providers"
)

// DeleteOptions are the dependencies, argument and flags of one `delete` run.
type DeleteOptions struct {
	cmdutil.Deps

	IDOrName string
	Yes      bool
}

// NewCmdDelete builds the command; tests pass runF to capture the options.
func NewCmdDelete(f *cmdutil.Factory, runF func(*DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{Deps: f.Deps()}
	cmd := &cobra.Command{
		Use:   "delete ID|NAME [--yes]",
		Short: "Delete an organization, by id or by name",
		Long: `Delete an organization. The argument is tried as an id first, then as a name.

On a terminal, orgctl asks you to type the organization's name to confirm.
When standard input is not a terminal (a script, CI), it refuses (exit 2)
unless --yes is given: a deletion cannot be undone.`,
		Example: `# On a terminal: asks you to type the name
$ orgctl delete --provider qovery acme

# In a script
$ orgctl delete --provider vertra acme --yes`,
		Args: cmdutil.ExactArgs(1, "delete needs an organization id or name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IDOrName = args[0]
			if runF != nil {
				return runF(opts)
			}
			return deleteRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "delete without asking for confirmation")
	return cmd
}

func deleteRun(ctx context.Context, opts *DeleteOptions) error {
	// Refuse before sending anything: a script must say --yes explicitly.
	if !opts.Yes && !opts.IO.IsStdinTTY() {
		return cmdutil.Usage(fmt.Errorf("refusing to delete without confirmation: standard input is not a terminal; pass --yes"))
	}
	run, p, err := opts.Connect()
	if err != nil {
		return err
	}
	org, err := provider.Resolve(ctx, p, opts.IDOrName)
	if err != nil {
		return err
	}
	if !opts.Yes {
		if err := confirm(opts.IO, org, providers.DisplayName(run.Name)); err != nil {
			return err
		}
	}
	if err := p.Delete(ctx, org.ID); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "%s Deleted organization %s (id %s) on %s.\n",
		opts.IO.ErrColors().Green("✓"), org.Name, org.ID, providers.DisplayName(run.Name))
	if run.Format != output.Table {
		return output.Write(opts.IO.Out, run.Format, map[string]any{
			"provider": org.Provider, "id": org.ID, "name": org.Name, "deleted": true,
		})
	}
	return nil
}

// confirm asks the person at the terminal to type the organization's name.
func confirm(ios *iostreams.IOStreams, org *provider.Organization, where string) error {
	fmt.Fprintf(ios.ErrOut, "This deletes organization %s (id %s) on %s and cannot be undone.\nType its name to confirm: ", org.Name, org.ID, where)
	line, err := bufio.NewReader(ios.In).ReadString('\n')
	if err != nil && line == "" {
		return cmdutil.Usage(fmt.Errorf("no confirmation typed: nothing was deleted"))
	}
	if strings.TrimSpace(line) != org.Name {
		return cmdutil.Usage(fmt.Errorf("%q does not match the organization's name: nothing was deleted", strings.TrimSpace(line)))
	}
	return nil
}
