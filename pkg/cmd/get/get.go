// Package get implements `orgctl get`.
package get

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/output"
	"github.com/orgctl/orgctl/pkg/provider"
)

// GetOptions are the dependencies and argument of one `get` run.
type GetOptions struct {
	cmdutil.Deps

	IDOrName string
	Exporter cmdutil.Exporter
}

// NewCmdGet builds the command; tests pass runF to capture the options.
func NewCmdGet(f *cmdutil.Factory, runF func(*GetOptions) error) *cobra.Command {
	opts := &GetOptions{Deps: f.Deps()}
	cmd := &cobra.Command{
		Use:   "get ID|NAME",
		Short: "Show one organization, by id or by name",
		Long: `Show one organization. The argument is tried as an id first, then as a name
(compared case-insensitively, as both APIs do). A missing organization exits
with code 7.`,
		Example: `$ orgctl get --provider qovery acme

# By id, as YAML
$ orgctl get --provider vertra "$(orgctl list --provider vertra --jq '.[0].id')" -o yaml`,
		Args:              cmdutil.ExactArgs(1, "get needs an organization id or name"),
		ValidArgsFunction: f.CompleteOrgNames(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IDOrName = args[0]
			if runF != nil {
				return runF(opts)
			}
			return getRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddFormatFlags(cmd, &opts.Exporter)
	return cmd
}

func getRun(ctx context.Context, opts *GetOptions) error {
	run, p, err := opts.Connect()
	if err != nil {
		return err
	}
	org, err := provider.Resolve(ctx, p, opts.IDOrName)
	if err != nil {
		return err
	}
	return cmdutil.Print(opts.IO, run.Format, &opts.Exporter, org, func(v output.View) error {
		return output.OrganizationTable(v, org)
	})
}
