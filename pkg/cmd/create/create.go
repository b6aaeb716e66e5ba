// Package create implements `orgctl create`.
package create

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orgctl/orgctl/pkg/api"
	"github.com/orgctl/orgctl/pkg/cmd/internal/reports"
	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/config"
	"github.com/orgctl/orgctl/pkg/output"
	"github.com/orgctl/orgctl/pkg/progress"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/provider/qovery"
	"github.com/orgctl/orgctl/pkg/providers"
	"github.com/orgctl/orgctl/pkg/text"
)

// CreateOptions are the dependencies and flag values of one `create` run.
type CreateOptions struct {
	cmdutil.Deps

	Spec        provider.CreateSpec
	Token       string // --token; empty means "from the environment or config"
	DryRun      bool
	IfNotExists bool
	Bulk        BulkOptions // -f and the flags that go with it
	Exporter    cmdutil.Exporter
	Reports     reports.Flags // with -f: --summary
}

// NewCmdCreate builds the command. Tests pass runF to capture the parsed
// options instead of running.
func NewCmdCreate(f *cmdutil.Factory, runF func(*CreateOptions) error) *cobra.Command {
	opts := &CreateOptions{Deps: f.Deps()}
	var tokenStdin bool
	cmd := &cobra.Command{
		Use:   "create --name NAME --provider qovery|vertra [flags]",
		Short: "Create an organization",
		Long: `Create an organization on Qovery or VertraCloud.

The token comes from --token-stdin or --token, else the environment
(ORGCTL_QOVERY_TOKEN or QOVERY_CLI_ACCESS_TOKEN; ORGCTL_VERTRA_TOKEN or
VERTRA_API_KEY), else the config file. With --sandbox, orgctl talks to its
embedded emulator of both APIs instead, with no token and no network; the
sandbox keeps what you create for the next command (orgctl list --sandbox).

Everything is checked before a request is sent: a bad flag exits with
code 2 and nothing is created. See "orgctl help exit-codes" for every code.

With -f, -o markdown prints the results as one Markdown document when the
run ends; in GitHub Actions it is also appended to the job summary
(GITHUB_STEP_SUMMARY; --summary=false or ORGCTL_SUMMARY=0 turns it off),
and each invalid or failed entry is an ::error annotation at its manifest
line, on stderr. --junit FILE writes a JUnit report for a CI's test tab.`,
		Example: `# Try it with no account: the embedded sandbox
$ orgctl create --sandbox --provider qovery --name acme --plan TEAM_2025

# VertraCloud, with tags (repeat --tag or separate with commas)
$ orgctl create --provider vertra --name acme --description "Acme" --tag ci --tag prod

# Qovery, keeping only the id for a script
$ orgctl create --provider qovery --name acme --plan TEAM_2025 --admin-email ops@acme.io --jq .id

# Safe to re-run in CI: prints the existing organization when the name is taken
$ ORG_ID=$(orgctl create --provider qovery --name acme --plan TEAM_2025 --if-not-exists --jq .id)

# Show the exact request, token redacted, without sending it
$ orgctl create --provider qovery --name acme --plan TEAM_2025 --dry-run

# Many at once from a manifest; safe to re-run
$ orgctl create -f tenants.yaml --concurrency 8 --skip-existing -o json

# Job 2 of a 4-job CI matrix: a quarter of the manifest (the 4 jobs make the whole)
$ orgctl create -f tenants.yaml --skip-existing --shard 2/4`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("token") {
				if tokenStdin {
					return cmdutil.Usage(fmt.Errorf("--token and --token-stdin cannot be used together"))
				}
				opts.IO.AddSecret(opts.Token)
				// An explicit empty --token is a mistake (an unset variable in
				// a script), not a wish to fall back to another token.
				if err := config.CheckToken(opts.Token); err != nil {
					return cmdutil.Usage(fmt.Errorf("--token %w", err))
				}
				fmt.Fprintln(opts.IO.ErrOut, opts.IO.ErrColors().Yellow("warning:")+
					" a token given with --token is visible in the process list and shell history; prefer --token-stdin, an environment variable or the config file")
			}
			if tokenStdin {
				token, err := readToken(opts.IO.In)
				opts.IO.AddSecret(token)
				if err != nil {
					return cmdutil.Usage(err)
				}
				opts.Token = token
			}
			if err := checkBulkFlags(cmd, opts); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			if opts.Bulk.File != "" {
				return bulkRun(cmd.Context(), opts)
			}
			return createRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Spec.Name, "name", "", "organization name (required; both providers compare names case-insensitively)")
	fl.StringVar(&opts.Spec.Description, "description", "", "organization description")
	fl.StringVar(&opts.Spec.Plan, "plan", "", "Qovery plan: "+strings.Join(qoveryPlans(), ", ")+" (default: qovery.plan from the config file)")
	fl.StringVar(&opts.Spec.WebsiteURL, "website-url", "", "Qovery: website URL (absolute http(s))")
	fl.StringVar(&opts.Spec.Repository, "repository", "", "Qovery: repository URL (absolute http(s))")
	fl.StringVar(&opts.Spec.LogoURL, "logo-url", "", "Qovery: logo URL (absolute http(s))")
	fl.StringVar(&opts.Spec.IconURL, "icon-url", "", "Qovery: icon URL (absolute http(s))")
	fl.StringSliceVar(&opts.Spec.AdminEmails, "admin-email", nil, "Qovery: admin e-mail address (repeatable, or comma-separated)")
	fl.StringSliceVar(&opts.Spec.Tags, "tag", nil, "VertraCloud: tag (repeatable, or comma-separated)")
	fl.StringVar(&opts.Token, "token", "", "API token (visible in the process list: prefer --token-stdin, the environment or the config file)")
	fl.BoolVar(&tokenStdin, "token-stdin", false, "read the API token from standard input")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "print the request that would be sent, token redacted, and send nothing")
	fl.BoolVar(&opts.IfNotExists, "if-not-exists", false, "when the name is taken, print the existing organization and exit 0 (\"created\": false); repeat a create whose outcome is unknown, as the name makes that safe")
	fl.StringVarP(&opts.Bulk.File, "file", "f", "", "create every organization of a manifest (.yaml, .json, .ndjson/.jsonl, .csv; - for standard input)")
	fl.IntVar(&opts.Bulk.Concurrency, "concurrency", 4, "with -f: how many organizations to create at once")
	fl.BoolVar(&opts.Bulk.SkipExisting, "skip-existing", false, "with -f: count an entry whose name is taken as skipped, not failed; repeat a create whose outcome is unknown")
	fl.BoolVar(&opts.Bulk.FailFast, "fail-fast", false, "with -f: start no new entry after the first failure")
	fl.StringVar(&opts.Bulk.Rate, "rate", "", "with -f: at most this many requests per provider, as N/s, N/m or N/h (e.g. 30/m); default: the limit the provider announces")
	fl.DurationVar(&opts.Bulk.MaxWait, "max-wait", DefaultMaxWait, "with -f: wait out a rate limit's Retry-After up to this long instead of failing the entry")
	fl.StringVar(&opts.Bulk.Progress, "progress", "", "with -f: progress line on stderr: auto (a terminal, not CI), always or never (env ORGCTL_PROGRESS)")
	fl.BoolVar(&opts.Bulk.WithinQuota, "within-quota", false, "with -f: create only what the provider's daily quota allows today; list the rest as not started")
	fl.StringVar(&opts.Bulk.Shard, "shard", "", "with -f: create only shard K of N (K/N, 1-based), or auto (GitLab's CI_NODE_INDEX/CI_NODE_TOTAL), so the N jobs of a CI matrix split the manifest; a pace from the provider's headers is split N ways, --rate is per job")
	cmdutil.ForProvider(fl, provider.Qovery, "plan", "website-url", "repository", "logo-url", "icon-url", "admin-email")
	cmdutil.ForProvider(fl, provider.Vertra, "tag")
	cmdutil.AddFormatFlags(cmd, &opts.Exporter)
	cmdutil.AddNoHeadersFlag(cmd, &opts.Exporter)
	reports.AddFlags(cmd, &opts.Reports)
	cmdutil.MustRegister(cmd, "plan", cmdutil.CompleteSetting(config.KeyQoveryPlan))
	cmdutil.MustRegister(cmd, "file", cmdutil.CompleteFiles("yaml", "yml", "json", "ndjson", "jsonl", "csv"))
	cmdutil.MustRegister(cmd, "shard", cmdutil.CompleteValues("auto"))
	cmdutil.MustRegister(cmd, "progress", cmdutil.CompleteValues(progress.Auto, progress.Always, progress.Never))
	return cmd
}

func createRun(ctx context.Context, opts *CreateOptions) error {
	run, err := opts.Resolve()
	if err != nil {
		return err
	}
	run.Settings.DryRun = opts.DryRun
	if opts.Token != "" && !run.Sandbox { // the sandbox never gets the user's token
		run.Settings.Token = opts.Token
	}
	spec := opts.Spec
	if run.Name == provider.Qovery && spec.Plan == "" {
		spec.Plan = run.Config.Get(config.KeyQoveryPlan)
	}

	// Validate before anything else happens: a usage error sends nothing.
	warnings, err := providers.Validate(run.Name, &spec)
	if err != nil {
		return cmdutil.Usage(err)
	}
	errColors := opts.IO.ErrColors()
	for _, w := range warnings {
		reports.Warn(opts.IO, nil, os.Getenv, "create", "", 0, w) // a ::warning in GitHub Actions
	}

	if run.Settings.Token == "" && opts.DryRun {
		fmt.Fprintln(opts.IO.ErrOut, errColors.Yellow("warning:")+" no token is set, so the request below has no Authorization header: "+run.MissingToken().Error())
	}
	p, err := run.Provider()
	if err != nil {
		return err
	}

	org, err := createOrFind(ctx, p, spec, opts.IfNotExists, false, run.Settings)
	var dry *api.DryRun
	if errors.As(err, &dry) {
		fmt.Fprintln(opts.IO.ErrOut, "Dry run: nothing was sent.")
		return cmdutil.PrintRequest(opts.IO, run.Format, &opts.Exporter, dry.Request)
	}
	if err != nil {
		return err
	}
	if notice := foundNotice(org, providers.DisplayName(run.Name)); notice != "" {
		fmt.Fprintln(opts.IO.ErrOut, notice)
	}
	if err := cmdutil.Print(opts.IO, run.Format, &opts.Exporter, org, func(v output.View) error {
		return output.OrganizationTable(v, org)
	}); err != nil {
		return err
	}
	if w := billingWarning(org); w != "" {
		fmt.Fprintln(opts.IO.ErrOut, errColors.Yellow("warning:")+" "+w)
	}
	return nil
}

// createOrFind creates the organization at most once (provider.CreateOnce):
// with ifNotExists, a name that is already taken is looked up and returned
// with Created false; with it or with skipExisting, a create whose outcome is
// unknown is repeated, as its unique name makes that safe.
func createOrFind(ctx context.Context, p provider.Provider, spec provider.CreateSpec, ifNotExists, skipExisting bool, s providers.Settings) (*provider.Organization, error) {
	return provider.CreateOnce(ctx, p, spec, provider.OnceOptions{
		Repeat: skipExisting, FindExisting: ifNotExists, Retries: s.Retries, Backoff: api.Backoff, Notice: s.Notice,
	})
}

// foundNotice says on stderr how an organization that this run's own
// request did not visibly create came to exist; "" when it did.
func foundNotice(org *provider.Organization, where string) string {
	switch org.CreatedBy {
	case provider.ByEarlierAttempt:
		return fmt.Sprintf("Organization \"%s\" was created on %s (id %s) by an earlier attempt of this run whose answer was lost.", text.Safe(org.Name), where, text.Safe(org.ID))
	case provider.ByUnknown:
		return fmt.Sprintf("Organization \"%s\" exists on %s (id %s); an earlier attempt of this run may have created it (its created_at \"%s\" cannot be read).", text.Safe(org.Name), where, text.Safe(org.ID), text.Safe(org.CreatedAt))
	case provider.BeforeThisRun:
		return fmt.Sprintf("Organization \"%s\" already exists on %s (id %s): nothing was created.", text.Safe(org.Name), where, text.Safe(org.ID))
	}
	return ""
}

// billingWarning explains a Qovery billing restriction, which lets the
// organization exist but blocks deployments.
func billingWarning(org *provider.Organization) string {
	r := org.BillingDeploymentRestriction
	switch {
	case r == nil || *r == "":
		return ""
	case *r == "NO_CREDIT_CARD":
		return "billing restriction NO_CREDIT_CARD: until a credit card is added, managed cluster creation and deployments on managed clusters are blocked (demo clusters work)"
	}
	return fmt.Sprintf("billing restriction %s: all deployments are blocked for this organization until billing is fixed", text.Safe(*r))
}

func qoveryPlans() []string {
	plans := make([]string, 0, len(qovery.Plans))
	for _, p := range qovery.Plans {
		if slices.Contains(qovery.Deprecated, p) {
			p += " (deprecated)"
		}
		plans = append(plans, p)
	}
	return plans
}

// readToken reads a token piped on standard input: one line, surrounding
// white space dropped.
func readToken(in io.Reader) (string, error) {
	data, err := io.ReadAll(io.LimitReader(in, 64<<10))
	if err != nil {
		return "", fmt.Errorf("--token-stdin: reading standard input: %w", err)
	}
	token := strings.TrimSpace(string(data))
	switch err := config.CheckToken(token); {
	case token == "":
		return "", fmt.Errorf("--token-stdin: standard input is empty")
	case err != nil:
		return token, fmt.Errorf("--token-stdin: the token on standard input %w; pipe only the token", err)
	}
	return token, nil
}

// checkBulkFlags rejects flags that make no sense with, or without, -f.
func checkBulkFlags(cmd *cobra.Command, opts *CreateOptions) error {
	if opts.Bulk.File != "" {
		if cmd.Flags().Changed("name") {
			return cmdutil.Usage(fmt.Errorf("--name cannot be used with -f: the manifest names the organizations"))
		}
		return nil
	}
	for _, f := range []string{"concurrency", "skip-existing", "fail-fast", "rate", "max-wait", "progress", "within-quota", "shard", "summary", "junit", "annotations"} {
		if cmd.Flags().Changed(f) {
			return cmdutil.Usage(fmt.Errorf("--%s needs -f (a manifest)", f))
		}
	}
	return nil
}
