// Package list implements `orgctl list`.
package list

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/output"
	"github.com/orgctl/orgctl/pkg/provider"
)

// ListOptions are the dependencies of one `list` run.
type ListOptions struct {
	cmdutil.Deps
	Exporter cmdutil.Exporter
}

// NewCmdList builds the command; tests pass runF to capture the options.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{Deps: f.Deps()}
	cmd := &cobra.Command{
		Use:     "list [--provider qovery|vertra]",
		Aliases: []string{"ls"},
		Short:   "List the organizations your token can see",
		Long: `List the organizations of the provider that your token can see: Qovery's
GET /organization, VertraCloud's GET /v1/organizations/all/@me (or
GET /v1/workspaces on its newer API).

Neither API pages its list, so the whole account is one answer: orgctl
prints each organization as it arrives, in constant memory, however large
the account. A table takes its column widths from the first 1,000 rows.
--jq and --template read the whole list first (one JSON document).`,
		Example: `$ orgctl list --provider qovery
$ orgctl list --provider vertra --jq '.[].name'

# More columns; no header row, for awk
$ orgctl list --provider vertra -o wide
$ orgctl list --provider vertra --no-headers | awk '{print $2}'

# A Go template, with gh's helpers (tablerow, join, timeago...)
$ orgctl list --provider vertra --template '{{range .}}{{.id}} {{.name}}{{"\n"}}{{end}}'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddFormatFlags(cmd, &opts.Exporter)
	cmdutil.AddNoHeadersFlag(cmd, &opts.Exporter)
	return cmd
}

// listRun prints the organizations as the answer arrives: an account of a
// million is hundreds of megabytes of JSON, which is never held whole. Only
// --jq and --template, which take one JSON document, read it all first.
func listRun(ctx context.Context, opts *ListOptions) error {
	run, p, err := opts.Connect()
	if err != nil {
		return err
	}
	if opts.Exporter.Active() {
		orgs, err := provider.Collect(ctx, p)
		if err != nil {
			return err
		}
		return opts.Exporter.Write(opts.IO, orgs)
	}
	var printer interface {
		Add(*provider.Organization) error
		Close() error
	}
	if run.Format.IsTable() {
		printer = output.NewOrganizationsTable(output.NewView(opts.IO, run.Format, opts.Exporter.NoHeaders), p.Name())
	} else {
		printer = organizations{output.NewListWriter(opts.IO.Out, run.Format)}
	}
	if err := p.List(ctx, printer.Add); err != nil {
		return err
	}
	return printer.Close()
}

// organizations is a ListWriter of organizations.
type organizations struct{ *output.ListWriter }

func (o organizations) Add(org *provider.Organization) error { return o.ListWriter.Add(org) }
