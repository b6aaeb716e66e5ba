// Package root builds orgctl's command tree and runs it.
package root

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/orgctl/orgctl/pkg/build"
	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/config"
	"github.com/orgctl/orgctl/pkg/iostreams"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/report/ghactions"
	"github.com/orgctl/orgctl/pkg/text"
)

// NewCmdRoot returns the `orgctl` command with every subcommand.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	cmd := newRoot(f)
	for _, sub := range subcommands {
		cmd.AddCommand(sub.build(f))
	}
	return cmd
}

// newRoot returns the `orgctl` command alone, with its flags.
func newRoot(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "orgctl <command> [flags]",
		Short: "Create and manage organizations on Qovery and VertraCloud",
		Long: `orgctl creates, lists, shows and deletes organizations on cloud platforms
(Qovery, VertraCloud) from a terminal or a CI script, one at a time or from a
manifest, and ships a sandbox that emulates both APIs.

In CI: "orgctl diff -f tenants.yaml --out plan.json" on the pull request
saves the plan people review; "orgctl apply plan.json" on merge carries out
exactly it, or nothing when the organizations changed since (exit 9).

Settings come from flags, then ORGCTL_* environment variables, then the config
file and its profiles, then defaults: ` + "`orgctl config list`" + ` shows each one and
where it comes from. Exit codes: 0 ok, 2 usage, 3 auth, 4 exists, 5 plan,
6 unavailable, 7 not found, 8 changes (diff), 9 stale plan, 129/130/143 signals,
141 stdout closed: see "orgctl help exit-codes".`,
		Example: `$ orgctl create --sandbox --provider vertra --name acme --tag ci
$ orgctl auth login --provider qovery
$ orgctl create -f tenants.yaml --skip-existing -o json
$ orgctl sandbox serve --addr 127.0.0.1:8080`,
		// Cobra prints "orgctl version " and this: the line `orgctl
		// version` prints. (A version template would link text/template's
		// method calls, which keep every exported method in the binary.)
		Version:       build.Current().Details(),
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if f.WatchSignals != nil && cmd.Name() != cobra.ShellCompRequestCmd && cmd.Name() != "help" {
				f.WatchSignals() // help and completion print and exit: nothing to interrupt
			}
			if debugEnv(os.Getenv("ORGCTL_DEBUG")) {
				f.Global.Verbose = true
			}
			if cmd.Name() == cobra.ShellCompRequestCmd {
				// Cobra parses the typed words only after this hook, but the
				// config is read once: read it from the file they name.
				if v, ok := cmdutil.TypedFlag(args, "config"); ok && f.Global.ConfigFile == "" {
					f.Global.ConfigFile = v
				}
				if v, ok := cmdutil.TypedFlag(args, "profile"); ok && f.Global.Profile == "" {
					f.Global.Profile = v
				}
				provider := ""
				if cfg, err := f.Config(); err == nil {
					provider = cfg.Get(config.KeyProvider)
				}
				cmdutil.HideOtherProvidersFlags(cmd.Root(), args, provider)
			}
			if f.Global.NoColor {
				f.IOStreams.DisableColor()
			}
			if f.Global.Timeout <= 0 {
				return cmdutil.Usage(fmt.Errorf("--timeout must be positive, got %s", f.Global.Timeout))
			}
			if f.Global.Retries < 0 {
				return cmdutil.Usage(fmt.Errorf("--retries must not be negative, got %d", f.Global.Retries))
			}
			return nil
		},
	}
	pf := cmd.PersistentFlags()
	pf.StringVar(&f.Global.ConfigFile, "config", "", `config file (default: the path "orgctl config path" prints; env ORGCTL_CONFIG)`)
	pf.StringVar(&f.Global.Profile, "profile", "", "use the keys of this profile of the config file (env ORGCTL_PROFILE)")
	pf.String("provider", "", "provider: qovery or vertra (env ORGCTL_PROVIDER)")
	pf.StringP("output", "o", "", "output format: table, wide (more columns), json or yaml; markdown for diff, apply and create -f (env ORGCTL_OUTPUT; default table)")
	pf.String("vertra-api", "", "VertraCloud API: auto (organizations, else workspaces), organizations or workspaces (env ORGCTL_VERTRA_API)")
	pf.BoolVar(&f.Global.NoColor, "no-color", false, "disable colour (also NO_COLOR=1)")
	pf.BoolVar(&f.Global.Verbose, "verbose", false, "trace HTTP requests and responses on stderr, secrets redacted (also --debug, ORGCTL_DEBUG=1)")
	pf.DurationVar(&f.Global.Timeout, "timeout", f.Global.Timeout, "how long to wait for each request to the provider's API")
	pf.BoolVar(&f.Global.Sandbox, "sandbox", false, "talk to orgctl's sandbox instead of the provider: no token, no network, nothing real is created; it keeps its organizations between commands (orgctl sandbox path)")
	pf.IntVar(&f.Global.Retries, "retries", f.Global.Retries, "retries of a request the API provably did not act on (refused connection, HTTP 429/503)")
	// Only the root binds these, once, so viper's last-binding-wins
	// pitfall (spf13/viper#233) cannot bite.
	for key, flag := range map[string]string{config.KeyProvider: "provider", config.KeyOutput: "output", config.KeyVertraAPI: "vertra-api"} {
		_ = f.Viper.BindPFlag(key, pf.Lookup(flag))
		f.FlagKeys[key] = pf.Lookup(flag)
	}

	// --debug is what gh and others call the trace: accept it as --verbose.
	cmd.SetGlobalNormalizationFunc(func(_ *pflag.FlagSet, name string) pflag.NormalizedName {
		if name == "debug" {
			name = "verbose"
		}
		return pflag.NormalizedName(name)
	})
	// pflag echoes a bad value or an unknown flag whole: cap it (text.QuoteMax).
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return cmdutil.Usage(errors.New(text.BoundArgs(err.Error()))) })
	cmd.SetOut(f.IOStreams.Out)
	cmd.SetErr(f.IOStreams.ErrOut)
	cmd.SetIn(f.IOStreams.In)

	cmd.CompletionOptions.DisableDefaultCmd = true // ours has install help
	registerCompletions(cmd, f)
	return cmd
}

// forCompletion finishes the tree for a shell's completion request: only
// then is every flag without a completion of its own told to offer no
// file names, a walk over the whole tree that no other run needs.
func forCompletion(cmd *cobra.Command, args []string) {
	if len(args) > 0 && (args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd) {
		cmdutil.NoFileCompletion(cmd)
	}
}

// registerCompletions completes the global flags' values.
func registerCompletions(cmd *cobra.Command, f *cmdutil.Factory) {
	cmdutil.MustRegister(cmd, "provider", cmdutil.CompleteSetting(config.KeyProvider))
	cmdutil.MustRegister(cmd, "output", completeOutput)
	cmdutil.MustRegister(cmd, "vertra-api", cmdutil.CompleteSetting(config.KeyVertraAPI))
	cmdutil.MustRegister(cmd, "config", cmdutil.CompleteFiles("yaml", "yml"))
	cmdutil.MustRegister(cmd, "profile", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		// The profiles of the config file the command line names, if any.
		if cfg, err := f.Config(); err == nil {
			return cfg.Profiles(), cobra.ShellCompDirectiveNoFileComp
		}
		return nil, cobra.ShellCompDirectiveNoFileComp
	})
}

// completeOutput offers -o's values, and markdown to the commands that
// make reports (config set output offers the others only: a default of
// markdown would break every other command).
func completeOutput(cmd *cobra.Command, _ []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
	values := cmdutil.ValueCompletions[config.KeyOutput]
	switch cmd.Name() {
	case "diff", "apply", "create":
		values = append(slices.Clone(values), cobra.CompletionWithDesc("markdown", "a report for a pull request or a job summary"))
	}
	return values, cobra.ShellCompDirectiveNoFileComp
}

// debugEnv reports whether ORGCTL_DEBUG asks for the HTTP trace, as
// GH_DEBUG does for gh: 1, true or api.
func debugEnv(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "api", "yes", "on":
		return true
	}
	return false
}

// Main runs orgctl with the process's arguments and streams and returns the
// exit code. SIGINT, SIGTERM and SIGHUP stop new work (what is in flight
// finishes and is reported); a second one exits at once.
func Main() int {
	// A closed stdout (| head) is then an EPIPE error the bulk run handles,
	// not a silent death with no summary.
	signal.Ignore(syscall.SIGPIPE)
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	ios := iostreams.System()
	// Signals are watched once a command is about to run (the root's
	// PersistentPreRunE): help and --version have nothing to interrupt, and
	// the watch costs every start a thread (0.1-0.25 ms).
	watch := sync.OnceFunc(func() {
		sigs := make(chan os.Signal, 2)
		signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
		go func() {
			first := signalError(<-sigs)
			cancel(first)
			<-sigs
			fmt.Fprintln(ios.ErrOut, "error: interrupted again: exiting now; a request in flight may have created an organization")
			ios.Flush()
			os.Exit(first.Code)
		}()
	})
	return run(ctx, ios, os.Args[1:], watch)
}

func signalError(sig os.Signal) *cmdutil.SignalError {
	switch sig {
	case syscall.SIGTERM:
		return &cmdutil.SignalError{Name: "SIGTERM", Code: cmdutil.ExitTerminated}
	case syscall.SIGHUP:
		return &cmdutil.SignalError{Name: "SIGHUP", Code: cmdutil.ExitHangup}
	}
	return &cmdutil.SignalError{Name: "SIGINT", Code: cmdutil.ExitInterrupted}
}

// Run executes one command line and returns its exit code, printing any
// error as one line on stderr.
func Run(ctx context.Context, ios *iostreams.IOStreams, args []string) int {
	return run(ctx, ios, args, nil)
}

// run is Run with watchSignals, called before a command runs (nil: none).
func run(ctx context.Context, ios *iostreams.IOStreams, args []string, watchSignals func()) int {
	defer ios.Flush() // what the redactor held back, now that output ends
	if ghactions.Enabled(os.Getenv) {
		// No name or message that orgctl prints may start a workflow
		// command in the runner's older "##[name]" form (docs/ci.md).
		ios.WrapWriters(ghactions.Guard)
	}
	f := cmdutil.New(ios)
	f.WatchSignals = watchSignals
	cmd := newCmdRootFor(f, args)
	forCompletion(cmd, args)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(ctx)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		return cmdutil.ExitOK
	}
	code := cmdutil.ExitCode(err)
	if status := (*cmdutil.Status)(nil); errors.As(err, &status) {
		return code // an answer, not a failure: nothing to print
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		code = cmdutil.ExitInterrupted
		what := "interrupted"
		var sig *cmdutil.SignalError
		if errors.As(context.Cause(ctx), &sig) {
			code, what = sig.Code, sig.Error()
		}
		// A provider error says whether the request had been sent.
		if perr := (*provider.Error)(nil); !errors.As(err, &perr) {
			err = errors.New(what)
		}
	} else if errors.Is(err, syscall.EPIPE) {
		return cmdutil.ExitBrokenPipe // stdout's reader left: nobody to tell
	}
	// The message may quote the server: one inert line, whatever it sent,
	// and a value quoted whole by code that is not orgctl's (cobra's
	// "unknown command") is capped as orgctl's own are (text.Quote).
	fmt.Fprintf(ios.ErrOut, "%s %s\n", ios.ErrColors().Red("error:"), text.Safe(text.Bound(err.Error())))
	return code
}
