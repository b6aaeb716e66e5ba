// Package sandbox implements `orgctl sandbox serve`.
package sandbox

import (
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/iostreams"
	"github.com/orgctl/orgctl/pkg/sandbox"
	"github.com/orgctl/orgctl/pkg/text"
)

// NewCmdSandbox returns `orgctl sandbox` and its subcommands.
func NewCmdSandbox(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "sandbox <command>",
		Short:   "Run a local emulator of the providers' APIs",
		Example: `$ orgctl sandbox serve --addr 127.0.0.1:8080`,
		Long: `The sandbox emulates the organization endpoints of Qovery (/organization) and
VertraCloud (/v1/organizations, or /v1/workspaces with --vertra-api): create,
list, get, update and delete, with authentication, validation,
case-insensitive name conflicts, the real status codes and error bodies, and
fault injection.

--sandbox, on any command that talks to a provider, runs the same emulator
inside orgctl on the organizations of a state file in your state directory
(orgctl sandbox path), locked while the command runs: what one command
creates, the next one lists. orgctl sandbox reset empties it;
orgctl sandbox serve --state FILE serves and keeps a state file too.

See https://github.com/orgctl/orgctl/blob/main/docs/sandbox.md for its admin endpoints (/_sandbox/...) and faults.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newCmdServe(f, nil))
	cmd.AddCommand(newCmdReset(f))
	cmd.AddCommand(newCmdPath(f))
	return cmd
}

// ServeOptions are the flag values of `sandbox serve`.
type ServeOptions struct {
	IO      *iostreams.IOStreams
	Addr    string
	Token   string
	Billing string
	Faults  []string
	Vertra  string
	Rate    string
	Tier    string
	Quota   int
	Log     int
	State   string
	Seed    string
}

func newCmdServe(f *cmdutil.Factory, runF func(*ServeOptions) error) *cobra.Command {
	opts := &ServeOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "serve [--addr HOST:PORT]",
		Short: "Serve the sandbox until interrupted",
		Example: `# Serve both APIs and point orgctl at it
$ orgctl sandbox serve --addr 127.0.0.1:8080 &
$ export ORGCTL_QOVERY_URL=http://127.0.0.1:8080 ORGCTL_QOVERY_TOKEN=any
$ orgctl create --provider qovery --name acme --plan TEAM_2025

# VertraCloud's free tier exactly: 30 requests/min and 1,000/day per key
$ orgctl sandbox serve --tier free

# Every Qovery create answers 503 once, then works
$ orgctl sandbox serve --fault 'path=/organization,status=503,times=1'

# A million VertraCloud organizations to list, owned by the token T's account
$ orgctl sandbox serve --seed vertra=1000000 --token T`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return serveRun(cmd, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Addr, "addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free port)")
	fl.StringVar(&opts.Token, "token", "", "accept only this token (default: any non-empty token)")
	fl.StringVar(&opts.Billing, "billing-restriction", "", "billing_deployment_restriction of new Qovery organizations, e.g. NO_CREDIT_CARD")
	fl.StringVar(&opts.Vertra, "vertra-api", "organizations", "VertraCloud API generation to serve: organizations, workspaces (organizations paths answer 404) or both")
	fl.StringVar(&opts.Rate, "rate-limit", "", "answer 429 past N requests per account, as N/s, N/m or N/h (default on VertraCloud routes: 1000000/m; none on Qovery's)")
	fl.StringVar(&opts.Tier, "tier", "", "emulate a VertraCloud plan's API-key limits exactly, e.g. free (30/m and 1,000/day)")
	fl.IntVar(&opts.Quota, "quota", 0, "VertraCloud daily request quota per account (default 100000000)")
	fl.StringVar(&opts.State, "state", "", `serve the organizations of this state file and keep them there (e.g. "$(orgctl sandbox path)", the one --sandbox uses); default: in memory`)
	fl.StringVar(&opts.Seed, "seed", "", `insert organizations named seed-0000000… before serving: comma-separated PROVIDER=COUNT, the provider one of qovery, vertra, vertra-workspace; owned by the --token account (default: the --sandbox one)`)
	fl.IntVar(&opts.Log, "request-log", sandbox.DefaultRequestLog, "how many recent API requests GET /_sandbox/requests keeps")
	fl.StringArrayVar(&opts.Faults, "fault", nil, `inject a fault (repeatable): "status=503,times=1,path=/organization,delay=2s,code=X" or a JSON object`)
	cmdutil.MustRegister(cmd, "vertra-api", cmdutil.CompleteValues(sandbox.VertraAPIs()...))
	cmdutil.MustRegister(cmd, "tier", cmdutil.CompleteValues(tierNames()...))
	cmdutil.MustRegister(cmd, "billing-restriction", cmdutil.CompleteValues(
		cobra.CompletionWithDesc("NO_CREDIT_CARD", "deployments need a credit card")))
	return cmd
}

func tierNames() []string {
	var names []string
	for _, t := range sandbox.Tiers() {
		names = append(names, t.Name)
	}
	return names
}

func serveRun(cmd *cobra.Command, opts *ServeOptions) error {
	if !slices.Contains(sandbox.VertraAPIs(), opts.Vertra) {
		return cmdutil.Usage(fmt.Errorf("--vertra-api %s: use one of %s", text.Quote(opts.Vertra), strings.Join(sandbox.VertraAPIs(), ", ")))
	}
	opts.IO.AddSecret(opts.Token) // the log of requests never shows it
	sbOpts := sandbox.Options{Token: opts.Token, BillingRestriction: opts.Billing, Log: opts.IO.ErrOut, VertraAPI: opts.Vertra, RequestLog: opts.Log}
	if opts.Log <= 0 {
		return cmdutil.Usage(fmt.Errorf("--request-log must be positive, got %d", opts.Log))
	}
	if opts.Quota < 0 {
		return cmdutil.Usage(fmt.Errorf("--quota must not be negative, got %d", opts.Quota))
	}
	if opts.Tier != "" {
		tier, err := sandbox.TierNamed(opts.Tier)
		if err != nil {
			return cmdutil.Usage(fmt.Errorf("--tier: %w", err))
		}
		sbOpts.RateLimit, sbOpts.Quota = &sandbox.RateLimit{N: tier.PerMinute, Per: time.Minute}, tier.PerDay
	}
	if opts.Quota > 0 {
		sbOpts.Quota = opts.Quota
	}
	if opts.Rate != "" {
		n, per, err := cmdutil.ParseRate(opts.Rate)
		if err != nil {
			return cmdutil.Usage(fmt.Errorf("--rate-limit: %w", err))
		}
		sbOpts.RateLimit = &sandbox.RateLimit{N: n, Per: per}
	}
	if opts.State != "" {
		n, err := sandbox.CheckState(opts.State)
		if err != nil {
			return err
		}
		sbOpts.StatePath = opts.State
		fmt.Fprintf(opts.IO.ErrOut, "Serving the %d organizations of %s\n", n, opts.State)
	}
	if opts.Seed != "" {
		seeds, err := sandbox.ParseSeeds(opts.Seed)
		if err != nil {
			return cmdutil.Usage(fmt.Errorf("--seed: %w", err))
		}
		sbOpts.Seeds = seeds
	}
	for _, s := range opts.Faults {
		fault, err := sandbox.ParseFault(s)
		if err != nil {
			return cmdutil.Usage(fmt.Errorf("--fault %s: %w", text.Quote(s), err))
		}
		sbOpts.Faults = append(sbOpts.Faults, fault)
	}
	if host, _, err := net.SplitHostPort(opts.Addr); err != nil {
		return cmdutil.Usage(fmt.Errorf("--addr %s: %w", text.Quote(opts.Addr), err))
	} else if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		fmt.Fprintf(opts.IO.ErrOut, "%s the sandbox accepts any token and is now reachable beyond this machine (%s)\n",
			opts.IO.ErrColors().Yellow("warning:"), opts.Addr)
	}
	return sandbox.ListenAndServe(cmd.Context(), opts.Addr, sbOpts, func(url string) {
		fmt.Fprintf(opts.IO.ErrOut, "orgctl sandbox listening on %s (Ctrl-C to stop)\n", url)
		fmt.Fprintf(opts.IO.ErrOut, "  export ORGCTL_QOVERY_URL=%s ORGCTL_VERTRA_URL=%s\n", url, url)
	})
}

func newCmdReset(f *cmdutil.Factory) *cobra.Command {
	var state string
	cmd := &cobra.Command{
		Use:   "reset",
		Short: "Empty the sandbox's state: forget every organization",
		Long: `Empty the state file that --sandbox uses (or the one --state names): every
organization the sandbox holds is forgotten. It waits for a command using the
state to finish first.`,
		Example: `$ orgctl sandbox reset
Emptied the sandbox state /home/me/.local/state/orgctl/sandbox.json (3 organizations).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			path, err := statePath(state)
			if err != nil {
				return err
			}
			n, err := sandbox.ResetState(path)
			if err != nil {
				return err
			}
			ios := f.IOStreams
			fmt.Fprintf(ios.ErrOut, "%s Emptied the sandbox state %s (%d organizations).\n", ios.ErrColors().Green("✓"), path, n)
			return nil
		},
	}
	cmd.Flags().StringVar(&state, "state", "", "the state file to empty (default: the one --sandbox uses)")
	return cmd
}

func newCmdPath(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "path",
		Short:   "Print the path of the state file --sandbox uses",
		Example: `$ orgctl sandbox serve --state "$(orgctl sandbox path)"`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			path, err := sandbox.DefaultStatePath()
			if err != nil {
				return err
			}
			fmt.Fprintln(f.IOStreams.Out, path)
			return nil
		},
	}
}

// statePath is flag's value, else the default state file.
func statePath(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	return sandbox.DefaultStatePath()
}
