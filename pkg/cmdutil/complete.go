package cmdutil

import (
	"slices"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/orgctl/orgctl/pkg/config"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/provider/qovery"
)

// ValueCompletions are the values a setting takes, with a description each,
// for the flags and for `config set KEY <TAB>`. Keys are config keys.
var ValueCompletions = map[string][]cobra.Completion{
	config.KeyProvider: {
		cobra.CompletionWithDesc(provider.Qovery, "Qovery"),
		cobra.CompletionWithDesc(provider.Vertra, "VertraCloud"),
	},
	config.KeyOutput: {
		cobra.CompletionWithDesc("table", "aligned columns (the default)"),
		cobra.CompletionWithDesc("wide", "a table with more columns"),
		cobra.CompletionWithDesc("json", "for scripts and jq"),
		cobra.CompletionWithDesc("yaml", "the JSON fields as YAML"),
	},
	config.KeyVertraAPI: {
		cobra.CompletionWithDesc("auto", "organizations, else workspaces"),
		cobra.CompletionWithDesc("organizations", "/v1/organizations"),
		cobra.CompletionWithDesc("workspaces", "/v1/workspaces"),
	},
	config.KeyQoveryPlan: planCompletions(),
	config.KeyAuthStorage: {
		cobra.CompletionWithDesc(config.StorageAuto, "the keyring, else the file (the default)"),
		cobra.CompletionWithDesc(config.StorageKeyring, "the keyring or an error"),
		cobra.CompletionWithDesc(config.StorageFile, "the 0600 config file"),
	},
}

// planCompletions are Qovery's plans, the deprecated ones marked.
func planCompletions() []cobra.Completion {
	plans := make([]cobra.Completion, 0, len(qovery.Plans))
	for _, p := range qovery.Plans {
		desc := "Qovery plan"
		if slices.Contains(qovery.Deprecated, p) {
			desc = "deprecated: use a 2025 plan"
		}
		plans = append(plans, cobra.CompletionWithDesc(p, desc))
	}
	return plans
}

// CompleteSetting completes a flag with the values of the config key.
func CompleteSetting(key string) cobra.CompletionFunc {
	return CompleteValues(ValueCompletions[key]...)
}

// CompleteFiles completes file names with one of the extensions (no dot).
func CompleteFiles(exts ...string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return exts, cobra.ShellCompDirectiveFilterFileExt
	}
}

// CompleteValues completes from a fixed list; build entries with
// cobra.CompletionWithDesc to show a description beside each.
func CompleteValues(values ...cobra.Completion) cobra.CompletionFunc {
	return cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp)
}

// MustRegister registers a flag's completion; it panics on a misspelt flag
// name, which the command tree tests catch.
func MustRegister(cmd *cobra.Command, flag string, f cobra.CompletionFunc) {
	if err := cmd.RegisterFlagCompletionFunc(flag, f); err != nil {
		panic(err)
	}
}

// VisitCommands calls fn for cmd and every command below it that a user can
// run or see in help (not `help` itself, not hidden ones), parents first.
func VisitCommands(cmd *cobra.Command, fn func(*cobra.Command)) {
	fn(cmd)
	for _, sub := range cmd.Commands() {
		if sub.IsAvailableCommand() {
			VisitCommands(sub, fn)
		}
	}
}

// NoFileCompletion stops the shells from offering file names where orgctl
// expects none: for every argument-taking command and value flag of the tree
// that has no completion of its own. (Cobra's default is to complete files.)
func NoFileCompletion(root *cobra.Command) {
	VisitCommands(root, func(cmd *cobra.Command) {
		if !cmd.HasSubCommands() && cmd.ValidArgsFunction == nil && len(cmd.ValidArgs) == 0 {
			cmd.ValidArgsFunction = cobra.NoFileCompletions
		}
		register := func(fl *pflag.Flag) {
			if fl.NoOptDefVal != "" { // a bool: no value to complete
				return
			}
			if _, ok := cmd.GetFlagCompletionFunc(fl.Name); !ok {
				MustRegister(cmd, fl.Name, cobra.NoFileCompletions)
			}
		}
		cmd.LocalNonPersistentFlags().VisitAll(register)
		if cmd == root {
			cmd.PersistentFlags().VisitAll(register)
		}
	})
}
