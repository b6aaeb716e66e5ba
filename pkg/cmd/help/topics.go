// Package help holds orgctl's help topics: `orgctl help environment` and
// `orgctl help exit-codes`, which man pages and help texts point at instead
// of repository paths that an installed orgctl does not have.
package help

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/config"
)

// Topic returns the help topic named name (environment, exit-codes), or
// nil. Cobra lists a command that cannot run and has no subcommands under
// "Additional help topics", and `orgctl help NAME` prints its long text.
func Topic(name string) *cobra.Command {
	switch name {
	case "environment":
		return &cobra.Command{Use: name, Short: "Environment variables that orgctl reads", Long: environment()}
	case "exit-codes":
		return &cobra.Command{Use: name, Short: "What each exit code of orgctl means", Long: exitCodes()}
	}
	return nil
}

// IsTopic reports whether cmd is one of the help topics.
func IsTopic(cmd *cobra.Command) bool { return cmd.IsAdditionalHelpTopicCommand() }

func environment() string {
	var b strings.Builder
	b.WriteString(`orgctl reads its settings from flags, then the environment, then the
selected profile of the config file, then the config file, then defaults.
Tokens are best kept in the config file (orgctl auth login) or, in CI, in the
environment; a token given as a flag is visible in the process list.

Settings, by config key (the first variable that is set wins; "orgctl config
list" shows where each value comes from):

`)
	for _, key := range config.Keys() {
		fmt.Fprintf(&b, "    %-14s %s\n", key, strings.Join(config.EnvVars(key), ", "))
	}
	b.WriteString(`
Other variables:

    ORGCTL_CONFIG      the config file (default: the path "orgctl config path" prints)
    ORGCTL_PROFILE     the profile of the config file to use (default: the
                       config file's current profile, "orgctl config use-profile")
    ORGCTL_DEBUG       1, true or api: trace HTTP requests and responses on
                       stderr, secrets redacted (the same as --verbose or --debug)
    ORGCTL_PROGRESS    auto (default), always or never: the progress bar of
                       bulk runs, on stderr; auto shows it only on a terminal
                       and never when CI is set
    ORGCTL_SUMMARY     0 (or false): diff, apply and create -f do not append
                       their Markdown summary to GitHub's job summary
                       (--summary overrides it)
    CI                 when set (true, as CI services do), no progress bar, and
                       the keyring is left alone unless auth.storage is keyring
    DBUS_SESSION_BUS_ADDRESS
                       Linux: the session bus to reach the keyring (Secret
                       Service) on; without one, tokens go to the config file
    GITHUB_ACTIONS, GITHUB_STEP_SUMMARY
                       set by GitHub Actions: diff, apply and create -f append
                       their Markdown summary to the job summary file
    CI_NODE_INDEX, CI_NODE_TOTAL
                       --shard auto: this job's shard (1-based) and the number
                       of shards, as GitLab CI sets them for parallel: N
    NO_COLOR           when set and not empty, no colour (no-color.org)
    CLICOLOR           0: no colour
    CLICOLOR_FORCE     set and not 0: colour even when the output is not a
                       terminal (NO_COLOR still wins)
    TERM               dumb: no colour
    XDG_CONFIG_HOME, XDG_STATE_HOME, XDG_CACHE_HOME
                       where the config file, the sandbox's state and the
                       completion cache live (the OS's usual places otherwise)
`)
	return b.String()
}

func exitCodes() string {
	var b strings.Builder
	b.WriteString(`orgctl's exit code tells a script what happened without parsing stderr.
Every failure also prints one line on stderr, starting with "error:".

`)
	for _, c := range cmdutil.ExitCodes {
		fmt.Fprintf(&b, "    %3d  %s\n", c.Code, strings.ReplaceAll(c.Meaning, "\n", "\n         "))
	}
	b.WriteString(`
Provider errors are classified by the provider's error code first and the
HTTP status second (VertraCloud sends UNAUTHORIZED and PLAN_RESTRICTED_FEATURE
with the same 403). A bulk run (create -f, apply) exits with the most severe
class among its failures, in this order: ` + severityOrder() + `.
`)
	return b.String()
}

func severityOrder() string {
	codes := make([]string, 0, len(cmdutil.Severity()))
	for _, c := range cmdutil.Severity() {
		codes = append(codes, fmt.Sprint(c))
	}
	return strings.Join(codes, " > ")
}
