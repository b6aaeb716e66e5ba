package root

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/orgctl/orgctl/pkg/cmd/apply"
	"github.com/orgctl/orgctl/pkg/cmd/auth"
	"github.com/orgctl/orgctl/pkg/cmd/completion"
	"github.com/orgctl/orgctl/pkg/cmd/configcmd"
	"github.com/orgctl/orgctl/pkg/cmd/create"
	deletecmd "github.com/orgctl/orgctl/pkg/cmd/delete"
	"github.com/orgctl/orgctl/pkg/cmd/exportcmd"
	"github.com/orgctl/orgctl/pkg/cmd/get"
	"github.com/orgctl/orgctl/pkg/cmd/help"
	"github.com/orgctl/orgctl/pkg/cmd/list"
	sandboxcmd "github.com/orgctl/orgctl/pkg/cmd/sandbox"
	"github.com/orgctl/orgctl/pkg/cmd/update"
	"github.com/orgctl/orgctl/pkg/cmd/version"
	"github.com/orgctl/orgctl/pkg/cmdutil"
)

// subcommand is a command under the root: what the root's help lists of it,
// and how to build it. TestStubsMatchTheCommands keeps the two in step.
type subcommand struct {
	name, short string
	aliases     []string
	topic       bool // a help topic, not a command
	build       func(*cmdutil.Factory) *cobra.Command
}

var subcommands = []subcommand{
	{name: "create", short: "Create an organization",
		build: func(f *cmdutil.Factory) *cobra.Command { return create.NewCmdCreate(f, nil) }},
	{name: "apply", short: "Make the organizations match a manifest: create, update and (with --prune) delete",
		build: func(f *cmdutil.Factory) *cobra.Command { return apply.NewCmdApply(f, nil) }},
	{name: "diff", short: "Show what apply would change: + create, ~ update, - delete, = unchanged",
		build: func(f *cmdutil.Factory) *cobra.Command { return apply.NewCmdDiff(f, nil) }},
	{name: "export", short: "Print the organizations your token sees as a manifest for apply",
		build: func(f *cmdutil.Factory) *cobra.Command { return exportcmd.NewCmdExport(f, nil) }},
	{name: "list", aliases: []string{"ls"}, short: "List the organizations your token can see",
		build: func(f *cmdutil.Factory) *cobra.Command { return list.NewCmdList(f, nil) }},
	{name: "get", short: "Show one organization, by id or by name",
		build: func(f *cmdutil.Factory) *cobra.Command { return get.NewCmdGet(f, nil) }},
	{name: "delete", aliases: []string{"rm"}, short: "Delete organizations, by id or by name",
		build: func(f *cmdutil.Factory) *cobra.Command { return deletecmd.NewCmdDelete(f, nil) }},
	{name: "update", short: "Change an organization, by id or by name",
		build: func(f *cmdutil.Factory) *cobra.Command { return update.NewCmdUpdate(f, nil) }},
	{name: "auth", short: "Store, check and remove provider tokens", build: auth.NewCmdAuth},
	{name: "config", short: "Read and change orgctl's settings", build: configcmd.NewCmdConfig},
	{name: "sandbox", short: "Run a local emulator of the providers' APIs", build: sandboxcmd.NewCmdSandbox},
	{name: "version", short: "Print orgctl's version, commit and build date",
		build: func(f *cmdutil.Factory) *cobra.Command { return version.NewCmdVersion(f, nil) }},
	{name: "completion", short: "Print the shell completion script for bash, zsh, fish or PowerShell",
		build: completion.NewCmdCompletion},
	{name: "environment", short: "Environment variables that orgctl reads", topic: true,
		build: func(*cmdutil.Factory) *cobra.Command { return help.Topic("environment") }},
	{name: "exit-codes", short: "What each exit code of orgctl means", topic: true,
		build: func(*cmdutil.Factory) *cobra.Command { return help.Topic("exit-codes") }},
}

// newCmdRootFor returns the tree a run of args needs. Building every
// command is a third of a start-up's own work, and a run uses one: the
// command args name is built, and every other is a stub that has what the
// root's help lists. A line that names no command cleanly (help, a shell's
// completion request, a typo to suggest for) gets the whole tree.
func newCmdRootFor(f *cmdutil.Factory, args []string) *cobra.Command {
	cmd := newRoot(f)
	stubs := make(map[*cobra.Command]subcommand, len(subcommands))
	for _, sub := range subcommands {
		stub := &cobra.Command{Use: sub.name, Short: sub.short, Aliases: sub.aliases}
		if !sub.topic {
			stub.Run = func(*cobra.Command, []string) {} // listed as a command, never run
		}
		stubs[stub] = sub
		cmd.AddCommand(stub)
	}
	found, rest, err := cmd.Find(args)
	if sub, ok := stubs[found]; ok && err == nil {
		cmd.RemoveCommand(found)
		cmd.AddCommand(sub.build(f))
		return cmd
	}
	if found == cmd && err == nil && !hasWord(rest) {
		return cmd // orgctl, orgctl --help, orgctl --version: stubs serve
	}
	for stub, sub := range stubs {
		cmd.RemoveCommand(stub)
		cmd.AddCommand(sub.build(f))
	}
	return cmd
}

// hasWord reports whether args has anything but flags.
func hasWord(args []string) bool {
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			return true
		}
	}
	return false
}
