// Package list implements `orgctl list`.
package list

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/output"
)

// ListOptions are the dependencies of one `list` run.
type ListOptions struct {
	cmdutil.Deps
}

// NewCmdList builds the command; tests pass runF to capture the options.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{Deps: f.Deps()}
	return &cobra.Command{
		Use:     "list [--provider qovery|vertra]",
		Aliases: []string{"ls"},
		Short:   "List the organizations your token can see",
		Long: `List the organizations of the provider that your token can see: Qovery's
GET /organization, VertraCloud's GET /v1/users/@me/organizations (or
GET /v1/workspaces on its newer API).`,
		Example: `$ orgctl list --provider qovery
$ orgctl list --provider vertra -o json | jq -r '.[].name'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
}

func listRun(ctx context.Context, opts *ListOptions) error {
	run, p, err := opts.Connect()
	if err != nil {
		return err
	}
	orgs, err := p.List(ctx)
	if err != nil {
		return err
	}
	return output.Organizations(opts.IO.Out, run.Format, opts.IO.OutColors(), orgs)
}
