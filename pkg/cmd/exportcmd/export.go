// Package exportcmd implements `orgctl export`: the organizations a token
// sees, written as a manifest `orgctl apply` takes as it is, so that an
// account made by hand can be managed from git. (Package export is --jq
// and --template.)
package exportcmd

import (
	"cmp"
	"context"
	"fmt"
	"regexp"

	"github.com/spf13/cobra"

	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/output"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/providers"
)

// ExportOptions are the dependencies and flags of one `export` run.
type ExportOptions struct {
	cmdutil.Deps

	Match string // only the organizations whose name matches
	Own   bool   // add a prune rule owning what is exported
	// OutputTyped is whether -o was given on the command line: -o table
	// is then a mistake, where a configured table default means YAML.
	OutputTyped bool
}

// NewCmdExport builds the command; tests pass runF to capture the options.
func NewCmdExport(f *cmdutil.Factory, runF func(*ExportOptions) error) *cobra.Command {
	opts := &ExportOptions{Deps: f.Deps()}
	cmd := &cobra.Command{
		Use:   "export --provider qovery|vertra [--match REGEX] [--own] [-o yaml|json]",
		Short: "Print the organizations your token sees as a manifest for apply",
		Long: `Print the organizations of a provider that your token can see as a manifest
that orgctl apply takes as it is: each entry pinned to its organization by
id, with every field apply manages (Qovery: name, plan, description,
website_url, repository, logo_url, icon_url, admin_emails; VertraCloud: name,
description and, on the organizations API, tags). A field the organization
does not have is written empty ("" or []), which apply reads as "keep it
empty", so that right after an export, orgctl diff finds nothing to change.

--match keeps the organizations whose name matches a regular expression (Go
syntax, unanchored, as prune's match). --own adds the prune rule that owns
exactly what was exported, for apply --prune: the --match expression, else
every organization of the provider. The rule is written after the list,
and only when the whole list was: an export cut short owns nothing.

An organization the manifest cannot hold as it is (a name apply refuses)
is left out with a warning, and --own then leaves the rule out and exits 1.
A field apply would refuse (a VertraCloud description over 200 characters,
a tag with a comma) is left out of its entry with a warning: apply leaves it
alone.

The list is printed as it is read, in constant memory, as YAML (the
default) or -o json. Without --own, JSON is a plain array, which apply also
reads as it goes: use it for accounts of more than about 100,000
organizations (apply reads YAML whole, up to 32 MiB). See
https://github.com/orgctl/orgctl/blob/main/docs/apply.md.`,
		Example: `# Start managing an account from git: export, then diff finds nothing to do
$ orgctl export --provider qovery > tenants.yaml
$ orgctl diff -f tenants.yaml

# Own the CI organizations: apply --prune deletes those the file stops naming
$ orgctl export --provider vertra --match '^ci-' --own > ci-tenants.yaml
$ orgctl apply -f ci-tenants.yaml --prune --yes

# A large account, as JSON that apply reads as a stream
$ orgctl export --provider vertra -o json > tenants.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.OutputTyped = cmd.Flags().Changed("output")
			if runF != nil {
				return runF(opts)
			}
			return exportRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Match, "match", "", "only the organizations whose name matches this regular `expression` (unanchored: ^...$ for whole names)")
	fl.BoolVar(&opts.Own, "own", false, "add a prune rule owning exactly what is exported (the --match expression, else the whole provider)")
	_ = cmd.RegisterFlagCompletionFunc("match", cobra.NoFileCompletions)
	return cmd
}

func exportRun(ctx context.Context, opts *ExportOptions) error {
	var match *regexp.Regexp
	if opts.Match != "" {
		re, err := regexp.Compile(opts.Match)
		if err != nil {
			return cmdutil.Usage(fmt.Errorf("--match: %w", err))
		}
		match = re
	}
	run, err := opts.Resolve()
	if err != nil {
		return err
	}
	format := run.Format
	switch {
	case format.IsTable() && opts.OutputTyped:
		return cmdutil.Usage(fmt.Errorf("export prints a manifest: use -o yaml (the default) or -o json, not %s", format))
	case format.IsTable():
		format = output.YAML // a configured table default: a manifest has no table form
	}
	p, err := run.Provider()
	if err != nil {
		return err
	}

	w := newWriter(opts.IO.Out, format, opts.Own)
	ex := exporter{provider: p.Name(), warn: func(msg string) {
		fmt.Fprintln(opts.IO.ErrOut, opts.IO.ErrColors().Yellow("warning:")+" "+msg)
	}}
	exported, left := 0, 0
	err = p.List(ctx, func(org *provider.Organization) error {
		if match != nil && !match.MatchString(org.Name) {
			return nil
		}
		e, ok := ex.entry(org)
		if !ok {
			left++
			return nil
		}
		exported++
		return w.add(e)
	})
	if err != nil {
		w.abandon() // what was read is out, unterminated, and owns nothing
		return err
	}
	rule := "" // none
	if opts.Own && left == 0 {
		// What was exported: the names --match matched, else every name
		// (the whole provider was).
		rule = cmp.Or(opts.Match, "^")
	}
	if err := w.close(p.Name(), rule); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "Exported %s from %s.\n", count(exported, "organization"), providers.DisplayName(p.Name()))
	if left > 0 {
		msg := fmt.Sprintf("%s left out (see the warnings above)", count(left, "organization"))
		if opts.Own {
			// A rule would own them: apply --prune would delete them.
			return fmt.Errorf("%s: the prune rule was not written, as it would own them too", msg)
		}
		fmt.Fprintln(opts.IO.ErrOut, msg+".")
	}
	return nil
}

// count says "1 organization", "2 organizations".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// describe names an organization in a warning.
func describe(org *provider.Organization) string {
	return fmt.Sprintf("%s organization %q (id %q)", org.Provider, org.Name, org.ID)
}
