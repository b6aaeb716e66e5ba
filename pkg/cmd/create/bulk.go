package create

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/time/rate"

	"github.com/orgctl/orgctl/pkg/api"
	"github.com/orgctl/orgctl/pkg/bulk"
	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/config"
	"github.com/orgctl/orgctl/pkg/iostreams"
	"github.com/orgctl/orgctl/pkg/manifest"
	"github.com/orgctl/orgctl/pkg/output"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/providers"
	"github.com/orgctl/orgctl/pkg/tableprinter"
	"github.com/orgctl/orgctl/pkg/text"
)

// BulkOptions are the flags that only `create -f` takes.
type BulkOptions struct {
	File         string
	Concurrency  int
	SkipExisting bool
	FailFast     bool
	Rate         string
}

// bulkRun creates every organization of a manifest. The whole manifest is
// validated first: one bad entry and nothing is sent.
func bulkRun(ctx context.Context, opts *CreateOptions) error {
	b := opts.Bulk
	if b.Concurrency < 1 {
		return cmdutil.Usage(fmt.Errorf("--concurrency must be at least 1, got %d", b.Concurrency))
	}
	var limit rate.Limit
	if b.Rate != "" {
		n, per, err := cmdutil.ParseRate(b.Rate)
		if err != nil {
			return cmdutil.Usage(fmt.Errorf("--rate: %w", err))
		}
		limit = rate.Limit(float64(n) / per.Seconds())
	}
	entries, err := readManifest(opts)
	if err != nil {
		return cmdutil.Usage(fmt.Errorf("manifest %s: %w", b.File, err))
	}
	if len(entries) == 0 {
		return cmdutil.Usage(fmt.Errorf("manifest %s has no organizations", b.File))
	}
	cfg, err := opts.Config()
	if err != nil {
		return cmdutil.Usage(err)
	}
	specs, names, problems := validateEntries(entries, opts.Spec, cfg)
	for _, p := range problems {
		fmt.Fprintln(opts.IO.ErrOut, opts.IO.ErrColors().Red("error:")+" "+p)
	}
	if len(problems) > 0 {
		return cmdutil.Usage(fmt.Errorf("%d of %d entries are invalid: nothing was sent", len(problems), len(entries)))
	}
	if opts.Token != "" && len(uniq(names)) > 1 {
		// One token cannot be right for two providers, and must not be sent to both.
		return cmdutil.Usage(fmt.Errorf("--token/--token-stdin with a manifest for several providers (%s): set each provider's token in the environment or config instead",
			strings.Join(uniq(names), ", ")))
	}
	if opts.DryRun {
		fmt.Fprintf(opts.IO.ErrOut, "Dry run: all %d entries are valid; nothing was sent.\n", len(entries))
		return nil
	}

	// One provider per name, sharing one HTTP client (connection reuse) and
	// one gate, so a 429 seen by any worker pauses them all.
	gate := &api.Gate{}
	provs := map[string]provider.Provider{}
	limiters := map[string]*rate.Limiter{}
	settings := map[string]providers.Settings{}
	var format output.Format
	for _, name := range names {
		if _, ok := provs[name]; ok {
			continue
		}
		run, err := opts.ResolveFor(name)
		if err != nil {
			return err
		}
		run.Settings.Gate = gate
		if opts.Token != "" {
			run.Settings.Token = opts.Token
		}
		if provs[name], err = run.Provider(); err != nil {
			return err
		}
		settings[name] = run.Settings
		format = run.Format
		if limit > 0 {
			limiters[name] = rate.NewLimiter(limit, 1)
		}
	}

	jobs := make([]bulk.Job, len(specs))
	for i, spec := range specs {
		p, lim, s := provs[names[i]], limiters[names[i]], settings[names[i]]
		jobs[i] = bulk.Job{Index: entries[i].Index, Name: spec.Name, Provider: names[i],
			Do: func(ctx context.Context) (*provider.Organization, error) {
				return createOrFind(ctx, p, spec, opts.IfNotExists, b.SkipExisting, s)
			}}
		if lim != nil {
			jobs[i].Wait = lim.Wait
		}
	}

	printer := newResultPrinter(opts.IO, format, &opts.Exporter, jobs)
	var bar *progressbar.ProgressBar
	if opts.IO.IsStderrTTY() {
		bar = progressbar.NewOptions(len(jobs), progressbar.OptionSetWriter(opts.IO.ErrOut),
			progressbar.OptionSetDescription("creating"), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
	}
	worst := cmdutil.ExitOK // the most severe failure's exit code
	sum := bulk.Run(ctx, slices.Values(jobs), bulk.Options{Concurrency: b.Concurrency, FailFast: b.FailFast, SkipExisting: b.SkipExisting},
		func(r bulk.Result) {
			if bar != nil {
				bar.Clear()
			}
			if r.Status == bulk.Failed {
				worst = cmdutil.MostSevere(worst, cmdutil.ExitCode(r.Err))
			}
			printer.print(r)
			if bar != nil {
				_ = bar.Add(1)
			}
		})
	if bar != nil {
		_ = bar.Finish()
	}
	fmt.Fprintf(opts.IO.ErrOut, "created %d, skipped %d, failed %d", sum.Created, sum.Skipped, sum.Failed)
	if sum.NotStarted > 0 {
		fmt.Fprintf(opts.IO.ErrOut, ", not started %d", sum.NotStarted)
	}
	fmt.Fprintf(opts.IO.ErrOut, " in %s\n", sum.Elapsed.Round(time.Millisecond))

	if ctx.Err() != nil {
		return fmt.Errorf("interrupted: %d organizations not started: %w", sum.NotStarted, context.Canceled)
	}
	if sum.Failed > 0 {
		return &cmdutil.CodeError{Code: worst,
			Err: fmt.Errorf("%d of %d organizations failed", sum.Failed, len(jobs))}
	}
	return printer.err // the organizations were created; printing one failed
}

func readManifest(opts *CreateOptions) ([]manifest.Entry, error) {
	path := opts.Bulk.File
	if path == "-" {
		return manifest.Parse(opts.IO.In, "")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return manifest.Parse(f, manifest.FormatOf(path))
}

// validateEntries turns entries into specs, the command line's flags filling
// what an entry leaves empty, and lists every problem found. A flag only
// fills the fields its provider has: --plan is a default for Qovery entries,
// not an error on VertraCloud ones.
func validateEntries(entries []manifest.Entry, defaults provider.CreateSpec, cfg *config.Config) (specs []provider.CreateSpec, names []string, problems []string) {
	seen := map[string]int{} // provider + lower-cased name -> entry index
	for _, e := range entries {
		name, err := provider.Canonical(or(e.Provider, cfg.Get(config.KeyProvider)))
		if err != nil && e.Provider == "" {
			err = fmt.Errorf("no provider: set provider in the entry, or --provider")
		}
		spec := e.CreateSpec
		spec.Description = or(spec.Description, defaults.Description)
		switch name {
		case provider.Qovery:
			spec.Plan = or(spec.Plan, or(defaults.Plan, cfg.Get(config.KeyQoveryPlan)))
			spec.WebsiteURL, spec.Repository = or(spec.WebsiteURL, defaults.WebsiteURL), or(spec.Repository, defaults.Repository)
			spec.LogoURL, spec.IconURL = or(spec.LogoURL, defaults.LogoURL), or(spec.IconURL, defaults.IconURL)
			spec.AdminEmails = orList(spec.AdminEmails, defaults.AdminEmails)
		case provider.Vertra:
			spec.Tags = orList(spec.Tags, defaults.Tags)
		}
		if err == nil && e.ID != "" {
			err = fmt.Errorf("id: create makes new organizations; pinning an id is for orgctl apply")
		}
		if err == nil {
			_, err = providers.Validate(name, &spec)
		}
		if err == nil {
			key := name + "\x00" + strings.ToLower(spec.Name)
			if first, dup := seen[key]; dup {
				err = fmt.Errorf("name %q repeats entry %d (%s compares names case-insensitively)", spec.Name, first, name)
			}
			seen[key] = e.Index
		}
		if err != nil {
			problems = append(problems, e.Where()+": "+strings.TrimPrefix(err.Error(), "--"))
		}
		specs, names = append(specs, spec), append(names, name)
	}
	return specs, names, problems
}

// uniq lists the distinct values, in order of first appearance.
func uniq(values []string) []string {
	var out []string
	for _, v := range values {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func orList(a, b []string) []string {
	if len(a) > 0 {
		return a
	}
	return b
}

// resultPrinter streams results: NDJSON (through --jq/--template when
// given), a YAML stream, or table rows, one per finished entry, nothing
// buffered.
type resultPrinter struct {
	ios    *iostreams.IOStreams
	format output.Format
	export *cmdutil.Exporter
	table  *tableprinter.Table
	err    error // the first --jq/--template failure
}

func newResultPrinter(ios *iostreams.IOStreams, format output.Format, export *cmdutil.Exporter, jobs []bulk.Job) *resultPrinter {
	p := &resultPrinter{ios: ios, format: format, export: export}
	if format.IsTable() {
		// Every row's index, name and provider are known: reserve their
		// widths so the streamed rows line up.
		p.table = output.NewView(ios, format, export.NoHeaders).Table("INDEX", "NAME", "PROVIDER", "STATUS", "ID / ERROR")
		p.table.ShrinkLast(1)
		for _, j := range jobs {
			p.table.Reserve(strconv.Itoa(j.Index), j.Name, j.Provider, bulk.Skipped)
		}
	}
	return p
}

type resultLine struct {
	Index        int                    `json:"index"`
	Name         string                 `json:"name"`
	Provider     string                 `json:"provider"`
	Status       string                 `json:"status"`
	Organization *provider.Organization `json:"organization,omitempty"`
	Error        *resultError           `json:"error,omitempty"`
}

type resultError struct {
	Code       string `json:"code,omitempty"`
	HTTPStatus int    `json:"http_status,omitempty"`
	ExitCode   int    `json:"exit_code"`
	Message    string `json:"message"`
	// MayHaveSucceeded: the request reached the provider and its outcome
	// is unknown; the message says how to check.
	MayHaveSucceeded bool `json:"may_have_succeeded"`
}

func (p *resultPrinter) print(r bulk.Result) {
	line := resultLine{Index: r.Index, Name: r.Name, Provider: r.Provider, Status: r.Status, Organization: r.Organization}
	if r.Err != nil {
		line.Error = &resultError{ExitCode: cmdutil.ExitCode(r.Err), Message: r.Err.Error()}
		var perr *provider.Error
		if errors.As(r.Err, &perr) {
			line.Error.Code, line.Error.HTTPStatus = perr.Code, perr.Status
			line.Error.MayHaveSucceeded = perr.MayHaveSucceeded
		}
	}
	w := p.ios.Out
	switch {
	case p.export.Active():
		if err := p.export.Write(p.ios, line); err != nil && p.err == nil {
			p.err = err
		}
	case p.format == output.JSON:
		_ = output.WriteNDJSON(w, line)
	case p.format == output.YAML:
		fmt.Fprintln(w, "---")
		_ = output.WriteYAML(w, line)
	default:
		detail := ""
		switch {
		case line.Organization != nil:
			detail = text.Safe(line.Organization.ID)
		case line.Error != nil:
			detail = text.Safe(api.Excerpt([]byte(line.Error.Message), 200))
		}
		_ = p.table.Stream(tableprinter.Cell{Text: strconv.Itoa(line.Index)}, tableprinter.Cell{Text: line.Name},
			tableprinter.Cell{Text: line.Provider}, tableprinter.Cell{Text: line.Status}, tableprinter.Cell{Text: detail})
	}
}
