// Package apply implements `orgctl apply` and `orgctl diff`: make the
// organizations on each provider match a manifest, with no state file. The
// manifest is the desired state, the provider's list the current one, and
// the name (or a pinned id) joins them; package plan decides, this package
// reads, shows and carries out.
package apply

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/orgctl/orgctl/pkg/api"
	"github.com/orgctl/orgctl/pkg/cmd/internal/reports"
	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/config"
	"github.com/orgctl/orgctl/pkg/manifest"
	"github.com/orgctl/orgctl/pkg/plan"
	"github.com/orgctl/orgctl/pkg/planfile"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/provider/qovery"
	"github.com/orgctl/orgctl/pkg/providers"
	"github.com/orgctl/orgctl/pkg/report"
	"github.com/orgctl/orgctl/pkg/text"
)

// ApplyOptions are the dependencies and flags of one `apply` or `diff` run.
type ApplyOptions struct {
	cmdutil.Deps

	File        string
	PlanFile    string // apply PLAN, apply --plan PLAN: carry out a saved plan
	Out         string // diff --out, apply --dry-run --out: save the plan here
	DryRun      bool   // diff: plan and show, change nothing
	Prune       bool
	Yes         bool
	Concurrency int
	Rate        string
	FailFast    bool
	Shard       string           // K/N or auto: only this shard of the manifest
	Exporter    cmdutil.Exporter // --jq, --template, --no-headers
	Reports     reports.Flags    // --summary

	reports report.Multi // the run's, opened by applyRun
}

// NewCmdApply builds `orgctl apply`; tests pass runF to capture the options.
func NewCmdApply(f *cmdutil.Factory, runF func(*ApplyOptions) error) *cobra.Command {
	opts := &ApplyOptions{Deps: f.Deps()}
	cmd := &cobra.Command{
		Use:   "apply {-f FILE [--prune [--yes]] | PLAN} [flags]",
		Short: "Make the organizations match a manifest: create, update and (with --prune) delete",
		Long: `Make the organizations on each provider match a manifest (.yaml, .json, .csv;
- for standard input). The manifest is the desired state and the provider's
list the current one: an entry whose name (case-insensitively) or pinned id
matches an organization updates the fields it sets that differ; any other
entry is created. A field left out of an entry is left alone; set it empty
("" or []) to clear it. Re-running it right after changes nothing.

Creates run first, then updates, then deletes, through the same workers as
create -f (--concurrency, --rate, progress on a terminal, one result per
line with -o json).

--prune also deletes the organizations the manifest owns but no longer
names. Ownership is declared in the manifest, never guessed:
  prune: {match: "^ci-"}             # names matching a regular expression
  prune: {tag: "managed-by:orgctl"}  # VertraCloud: organizations with a tag
  prune: {qovery: {match: "^t-"}}    # per provider
  organizations: [...]
An organization not owned is never deleted. --prune asks for confirmation
on a terminal and, when standard input is not one, refuses (exit 2) unless
--yes is given.

apply PLAN (or --plan PLAN) carries out a plan saved by diff --out, and
nothing else: reviewed on the pull request, applied on merge. It first
reads each provider's list once; when an organization changed since the
plan, or was created or deleted by someone else, it changes nothing, names
each stale action and exits 9. A plan already applied changes nothing and
exits 0.

-o markdown prints the results as one Markdown document when the run ends,
for a pull request or a CI job's summary. In GitHub Actions the document is
also appended to the job summary (GITHUB_STEP_SUMMARY; --summary=false or
ORGCTL_SUMMARY=0 turns it off), and each failed entry is an ::error
annotation at its manifest line, on stderr (--annotations=false or
ORGCTL_ANNOTATIONS=0 turns them off). --junit FILE writes a JUnit report
for a CI's test tab. See
https://github.com/orgctl/orgctl/blob/main/docs/apply.md and
https://github.com/orgctl/orgctl/blob/main/docs/ci.md.`,
		Example: `# Make the organizations match the file; then diff has nothing to show (exit 0)
$ orgctl apply -f tenants.yaml --concurrency 8
$ orgctl diff -f tenants.yaml

# In CI, with a file that declares what it owns (prune: {match: "^ci-"}):
# also delete the owned organizations it no longer names
$ orgctl apply -f ci-tenants.yaml --prune --yes -o json > results.ndjson

# Job 2 of a 4-job CI matrix: its quarter of the entries and of the orphans
$ orgctl apply -f ci-tenants.yaml --prune --yes --shard 2/4

# Review a plan on the pull request, apply exactly it on merge (9: stale)
$ orgctl diff -f tenants.yaml --out plan.json || test $? -eq 8
$ orgctl apply plan.json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := planArgs(opts, args); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return applyRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.File, "file", "f", "", "the manifest (.yaml, .json, .csv; - for standard input)")
	fl.StringVar(&opts.PlanFile, "plan", "", "carry out this plan, saved by diff --out (the same as apply PLAN)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "show the plan and change nothing (what orgctl diff does)")
	fl.StringVar(&opts.Out, "out", "", "with --dry-run: also save the plan to this file, for apply PLAN")
	fl.BoolVar(&opts.Prune, "prune", false, "also delete the organizations the manifest owns (its prune rule) but does not name")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "with --prune: delete without asking for confirmation")
	fl.IntVar(&opts.Concurrency, "concurrency", 4, "how many changes to make at once")
	fl.StringVar(&opts.Rate, "rate", "", "at most this many requests per provider, as N/s, N/m or N/h (e.g. 30/m)")
	fl.BoolVar(&opts.FailFast, "fail-fast", false, "start no new change after the first failure")
	addShardFlag(cmd, opts, "apply only shard K of N")
	cmdutil.AddFormatFlags(cmd, &opts.Exporter)
	cmdutil.AddNoHeadersFlag(cmd, &opts.Exporter)
	reports.AddFlags(cmd, &opts.Reports)
	cmdutil.MustRegister(cmd, "file", cmdutil.CompleteFiles("yaml", "yml", "json", "csv"))
	cmdutil.MustRegister(cmd, "plan", cmdutil.CompleteFiles("json"))
	cmdutil.MustRegister(cmd, "out", cmdutil.CompleteFiles("json"))
	cmd.ValidArgsFunction = cmdutil.CompleteFiles("json")
	return cmd
}

// NewCmdDiff builds `orgctl diff`, which is `apply --dry-run`.
func NewCmdDiff(f *cmdutil.Factory, runF func(*ApplyOptions) error) *cobra.Command {
	opts := &ApplyOptions{Deps: f.Deps(), DryRun: true}
	cmd := &cobra.Command{
		Use:   "diff -f FILE [--prune]",
		Short: "Show what apply would change: + create, ~ update, - delete, = unchanged",
		Long: `Show the plan orgctl apply would carry out for a manifest, and change nothing:
by provider and name, + create, ~ update (each changed field, old → new),
= unchanged and, with --prune, - delete. -o json prints one document with
the actions and their field changes.

The exit code tells CI whether there is drift: 0 when there is nothing to
do, 8 when apply would change something, another code on an error (2 for a
bad manifest).

--out FILE also saves the plan, for apply FILE to carry out exactly it
later (after a review); apply refuses it, changing nothing, when the
organizations changed in between.

-o markdown prints the plan as Markdown to post on a pull request: values
escaped, under GitHub's 65,536-character comment limit. In GitHub Actions
the plan is also appended to the job summary (GITHUB_STEP_SUMMARY;
--summary=false or ORGCTL_SUMMARY=0 turns it off), and each invalid entry
is an ::error annotation at its manifest line, on stderr. --junit FILE
writes a JUnit report for a CI's test tab. See
https://github.com/orgctl/orgctl/blob/main/docs/apply.md and
https://github.com/orgctl/orgctl/blob/main/docs/ci.md.`,
		Example: `# Gate a pipeline on drift: 0 in sync, 8 drift, anything else an error
$ orgctl diff -f tenants.yaml -o json > plan.json || test $? -eq 8
$ jq '.actions[] | select(.action != "unchanged")' plan.json

# What apply --prune would delete too
$ orgctl diff -f ci-tenants.yaml --prune || test $? -eq 8

# What job 2 of a 4-job CI matrix (apply --shard 2/4) would change
$ orgctl diff -f tenants.yaml --shard 2/4 || test $? -eq 8

# Save the plan for review, post it on the pull request, apply exactly it on merge
$ orgctl diff -f tenants.yaml --out plan.json -o markdown > plan.md || test $? -eq 8
$ gh pr comment --body-file plan.md
$ orgctl apply plan.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return applyRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.File, "file", "f", "", "the manifest (.yaml, .json, .csv; - for standard input) (required)")
	fl.BoolVar(&opts.Prune, "prune", false, "also show the deletions apply --prune would make")
	fl.StringVar(&opts.Out, "out", "", "also save the plan to this file, for apply FILE to carry out after a review")
	addShardFlag(cmd, opts, "show only shard K of N")
	_ = cmd.MarkFlagRequired("file")
	cmdutil.MustRegister(cmd, "out", cmdutil.CompleteFiles("json"))
	cmdutil.AddFormatFlags(cmd, &opts.Exporter)
	reports.AddFlags(cmd, &opts.Reports)
	cmdutil.MustRegister(cmd, "file", cmdutil.CompleteFiles("yaml", "yml", "json", "csv"))
	return cmd
}

// connection is one provider the run talks to.
type connection struct {
	provider provider.Provider
	pacer    *api.Pacer      // --rate, else the limit the provider's answers announce
	target   planfile.Target // the account, as a saved plan records it
}

func applyRun(ctx context.Context, opts *ApplyOptions) (err error) {
	if opts.PlanFile != "" {
		return applySaved(ctx, opts)
	}
	if opts.Out != "" && !opts.DryRun {
		return cmdutil.Usage(fmt.Errorf("--out saves a plan without applying it: use it with diff or apply --dry-run"))
	}
	if !opts.DryRun && opts.Concurrency < 1 {
		return cmdutil.Usage(fmt.Errorf("--concurrency must be at least 1, got %d", opts.Concurrency))
	}
	sh, err := cmdutil.ShardFlag(opts.Shard, os.Getenv)
	if err != nil {
		return err
	}
	// Refuse before reading anything: a script must say --yes explicitly.
	if opts.Prune && !opts.DryRun && !opts.Yes && !opts.IO.IsStdinTTY() {
		return cmdutil.Usage(fmt.Errorf("refusing to prune without confirmation: standard input is not a terminal; pass --yes"))
	}
	cfg, format, err := begin(opts)
	if err != nil {
		return err
	}
	defer func() { err = closeReports(opts, err) }() // also when the run fails part-way
	doc, digest, err := readDocument(opts)
	if err != nil {
		return cmdutil.Usage(fmt.Errorf("manifest %s: %w", text.Quote(opts.File), text.WithoutPath(err)))
	}
	if len(doc.Entries) == 0 && doc.Prune == nil {
		return cmdutil.Usage(fmt.Errorf("manifest %s has no organizations", opts.File))
	}
	if opts.Prune && doc.Prune == nil {
		return cmdutil.Usage(fmt.Errorf("--prune: manifest %s does not say which organizations it owns: add prune: {match: REGEX} (see orgctl apply --help)", opts.File))
	}
	problems := normalize(doc.Entries, cfg, opts)
	if err := reportProblems(opts, problems, len(doc.Entries)); err != nil {
		return err
	}

	// Read every provider's current state, all at once. Nothing is written
	// before the whole plan is known and valid.
	names := scope(doc)
	conns, err := connect(opts, names, sh.N)
	if err != nil {
		return err
	}
	account := plan.NewAccount(doc.Entries, plan.Options{Owner: doc.Prune, Prune: opts.Prune, Orphans: sh.Has})
	err = listAll(ctx, names, conns, func(name string) func(*provider.Organization) {
		account.Read(name)
		return func(org *provider.Organization) { account.Add(name, org) }
	})
	if err != nil {
		return err
	}

	// With --shard, the whole manifest is planned (each shard finds the
	// same problems) and this shard's part kept: see ownShard.
	pl, problems := account.Plan(doc.Entries)
	if pl != nil {
		problems = append(problems, missingPlans(pl)...)
	}
	if err := reportProblems(opts, problems, len(doc.Entries)); err != nil {
		return err
	}
	if !sh.Whole() {
		pl = ownShard(pl, sh)
		fmt.Fprintln(opts.IO.ErrOut, shardNote(sh, doc.Entries))
	}

	if opts.DryRun {
		if opts.Out != "" {
			if err := savePlan(opts, pl, digest, sh, conns); err != nil {
				return err
			}
		}
		_ = reports.Plan(opts.reports, pl)
		if err := printPlan(opts.IO, format, &opts.Exporter, pl); err != nil {
			return err
		}
		orphanHint(opts, pl)
		if pl.Changes() > 0 {
			return &cmdutil.Status{Code: cmdutil.ExitChanges}
		}
		return nil
	}
	reportUnchanged(opts.reports, pl)
	if pl.Changes() == 0 {
		fmt.Fprintf(opts.IO.ErrOut, "No changes: 0 to change, %d unchanged.\n", pl.Count(plan.Unchanged))
		orphanHint(opts, pl)
		return nil
	}
	fmt.Fprintln(opts.IO.ErrOut, summaryLine(pl))
	if deletes := pl.Count(plan.Delete); deletes > 0 && !opts.Yes {
		if err := confirm(opts, pl); err != nil {
			return err
		}
	}
	err = execute(ctx, opts, format, pl, conns)
	orphanHint(opts, pl)
	return err
}

// connect builds the providers a run reads and changes, sharing one gate
// and, with shards, 1/shards of each provider's announced limit.
func connect(opts *ApplyOptions, names []string, shards int) (map[string]*connection, error) {
	rateN, ratePer, err := cmdutil.RateFlag(opts.Rate)
	if err != nil {
		return nil, err
	}
	opts.Global.Connections = opts.Concurrency // sizes the pool: before the HTTP client is built
	gate := &api.Gate{}
	conns := make(map[string]*connection, len(names))
	for _, name := range names {
		run, err := opts.ResolveFor(name)
		if err != nil {
			return nil, err
		}
		pacer := api.PacerFor(rateN, ratePer).Share(shards)
		run.Settings.Gate, run.Settings.Pacer = gate, pacer
		p, err := run.Provider()
		if err != nil {
			return nil, err
		}
		url := or(run.Settings.BaseURL, providers.DefaultURL(name))
		if run.Sandbox {
			url = "sandbox" // its port changes from run to run, its state stays
		}
		conns[name] = &connection{provider: p, pacer: pacer,
			target: planfile.Target{APIURL: url, Account: planfile.Fingerprint(name, url, run.Settings.Token)}}
	}
	return conns, nil
}

// listAll streams each provider's organizations to the function reader
// gives for it, concurrently; the first failure, in provider order, is the
// error.
func listAll(ctx context.Context, names []string, conns map[string]*connection, reader func(name string) func(*provider.Organization)) error {
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() {
			c := conns[name]
			if errs[i] = c.pacer.Wait(ctx); errs[i] != nil {
				return
			}
			add := reader(name)
			errs[i] = c.provider.List(ctx, func(org *provider.Organization) error {
				add(org)
				return nil
			})
			if g, ok := c.provider.(interface{ Generation() string }); ok {
				c.target.Generation = g.Generation() // settled by the list
			}
			if errs[i] != nil {
				errs[i] = fmt.Errorf("listing the organizations on %s: %w", providers.DisplayName(name), errs[i])
			}
		})
	}
	wg.Wait()
	return firstError(errs)
}

// firstError is the first error of errs, in order, or nil.
func firstError(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// readDocument parses the manifest and returns the SHA-256 of its bytes,
// which a saved plan records.
func readDocument(opts *ApplyOptions) (*manifest.Document, string, error) {
	in, format := opts.IO.In, ""
	if opts.File != "-" {
		f, err := os.Open(opts.File)
		if err != nil {
			return nil, "", err
		}
		defer f.Close()
		in, format = f, manifest.FormatOf(opts.File)
	}
	h := sha256.New()
	doc, err := manifest.ParseDocument(io.TeeReader(in, h), format)
	if err != nil {
		return nil, "", err
	}
	io.Copy(h, in) // whatever the parser did not need to read
	return doc, hex.EncodeToString(h.Sum(nil)), nil
}

// normalize checks each entry as create would and rewrites it in the
// provider's terms (canonical provider name, upper-case plan, no repeated
// tags), so the plan compares like with like. A Qovery entry without a plan
// takes qovery.plan from the config for a create only: it is still left out
// of an update.
func normalize(entries []manifest.Entry, cfg *config.Config, opts *ApplyOptions) []error {
	var problems []error
	warned := map[string]bool{}
	for i := range entries {
		e := &entries[i]
		name, err := provider.Canonical(or(e.Provider, cfg.Get(config.KeyProvider)))
		if err != nil {
			if e.Provider == "" {
				err = fmt.Errorf("no provider: set provider in the entry, or --provider")
			}
			problems = append(problems, manifest.Problem(e, err))
			continue
		}
		spec := e.CreateSpec
		probe := false // the plan is only there to let Validate check the rest
		if name == provider.Qovery && !e.Set.Has(manifest.FieldPlan) {
			spec.Plan = cfg.Get(config.KeyQoveryPlan)
			if spec.Plan == "" {
				spec.Plan, probe = qovery.CurrentPlan(), true
			}
		}
		warnings, err := providers.Validate(name, &spec)
		if err != nil {
			problems = append(problems, manifest.Problem(e, errors.New(strings.TrimPrefix(err.Error(), "--"))))
			continue
		}
		for _, w := range warnings {
			if !warned[w] {
				warned[w] = true // in Actions, annotated at its first entry
				reports.Warn(opts.IO, &opts.Reports, os.Getenv, command(opts), opts.File, e.Line, w)
			}
		}
		if probe {
			spec.Plan = ""
		}
		e.Provider, e.CreateSpec = name, spec
	}
	return problems
}

// missingPlans names the Qovery creates that have no plan: Qovery requires
// one, and only a create needs it.
func missingPlans(pl *plan.Plan) []error {
	var problems []error
	for _, a := range pl.Actions {
		if a.Kind == plan.Create && a.Provider == provider.Qovery && a.Entry.Plan == "" {
			problems = append(problems, manifest.Problem(a.Entry, fmt.Errorf("plan is required to create %s on qovery (set plan in the entry, or qovery.plan in the config file)", text.Quote(a.Name))))
		}
	}
	return problems
}

// reportProblems prints each problem and returns the usage error that ends
// the run, or nil when there are none.
func reportProblems(opts *ApplyOptions, problems []error, entries int) error {
	if len(problems) == 0 {
		return nil
	}
	for _, p := range problems {
		fmt.Fprintln(opts.IO.ErrOut, opts.IO.ErrColors().Red("error:")+" "+p.Error())
	}
	reportInvalid(opts.reports, problems)
	return cmdutil.Usage(fmt.Errorf("%s in %s: nothing was changed", count(len(problems), "problem"), count(entries, "entry")))
}

// scope lists the providers to read: those an entry names, and those the
// prune rule names by themselves.
func scope(doc *manifest.Document) []string {
	var names []string
	for i := range doc.Entries {
		if p := doc.Entries[i].Provider; !slices.Contains(names, p) {
			names = append(names, p)
		}
	}
	if doc.Prune != nil {
		for p := range doc.Prune.Providers {
			if !slices.Contains(names, p) {
				names = append(names, p)
			}
		}
	}
	sort.Strings(names)
	return names
}

// confirm lists the deletions and asks for them to be confirmed.
func confirm(opts *ApplyOptions, pl *plan.Plan) error {
	ios := opts.IO
	n := pl.Count(plan.Delete)
	fmt.Fprintf(ios.ErrOut, "--prune deletes %s, which cannot be undone:\n", count(n, "organization"))
	for _, a := range pl.Actions {
		if a.Kind == plan.Delete {
			fmt.Fprintf(ios.ErrOut, "  - %s %s (id %s)\n", a.Provider, text.Safe(a.Name), text.Safe(a.ID))
		}
	}
	fmt.Fprintf(ios.ErrOut, "Type %q to confirm: ", "yes")
	line, err := bufio.NewReader(ios.In).ReadString('\n')
	if err != nil && line == "" {
		return cmdutil.Usage(fmt.Errorf("no confirmation typed: nothing was changed"))
	}
	if strings.TrimSpace(line) != "yes" {
		return cmdutil.Usage(fmt.Errorf("not confirmed: nothing was changed"))
	}
	return nil
}

// orphanHint says when --prune would delete something.
func orphanHint(opts *ApplyOptions, pl *plan.Plan) {
	if pl.Orphans > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "--prune would delete %s the manifest owns but does not name.\n", count(pl.Orphans, "organization"))
	}
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// count says "1 entry", "2 entries", "3 problems".
func count(n int, noun string) string {
	switch {
	case n == 1:
		return "1 " + noun
	case strings.HasSuffix(noun, "y"):
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(noun, "y"))
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
