package create

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/orgctl/orgctl/pkg/api"
	"github.com/orgctl/orgctl/pkg/bulk"
	"github.com/orgctl/orgctl/pkg/cmd/internal/reports"
	"github.com/orgctl/orgctl/pkg/cmd/internal/results"
	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/manifest"
	"github.com/orgctl/orgctl/pkg/progress"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/providers"
	"github.com/orgctl/orgctl/pkg/report"
)

// BulkOptions are the flags that only `create -f` takes.
type BulkOptions struct {
	File         string
	Concurrency  int
	SkipExisting bool
	FailFast     bool
	Rate         string
	MaxWait      time.Duration // wait out a Retry-After up to this long
	Progress     string        // auto, always or never
	WithinQuota  bool          // create only what the daily quota allows
	Shard        string        // K/N or auto: create only this shard's entries
}

// DefaultMaxWait is --max-wait's default: a Retry-After up to this long is
// waited out in a bulk run, instead of failing every remaining entry.
const DefaultMaxWait = 5 * time.Minute

// errBrokenPipe stops a run whose standard output has gone away.
var errBrokenPipe = errors.New("standard output was closed")

// bulkRun creates every organization of a manifest, in two streaming
// passes: the first checks every entry (one bad entry and nothing is
// sent), the second sends. Neither holds the whole manifest.
func bulkRun(ctx context.Context, opts *CreateOptions) (err error) {
	b := opts.Bulk
	if b.Concurrency < 1 {
		return cmdutil.Usage(fmt.Errorf("--concurrency must be at least 1, got %d", b.Concurrency))
	}
	rateN, ratePer, err := cmdutil.RateFlag(b.Rate)
	if err != nil {
		return err
	}
	if b.MaxWait < 0 {
		return cmdutil.Usage(fmt.Errorf("--max-wait must not be negative, got %s", b.MaxWait))
	}
	sh, err := cmdutil.ShardFlag(b.Shard, os.Getenv)
	if err != nil {
		return err
	}
	showProgress, err := progress.Enabled(b.Progress, opts.IO.IsStderrTTY(), os.Getenv)
	if err != nil {
		return cmdutil.Usage(err)
	}
	cfg, err := opts.Config()
	if err != nil {
		return cmdutil.Usage(err)
	}
	format, err := reports.Format(opts.Global, cfg)
	if err != nil {
		return err
	}
	rep, err := reports.New(reports.Options{IO: opts.IO, Command: "create", Format: format, Flags: &opts.Reports, Getenv: os.Getenv, Manifest: b.File})
	if err != nil {
		return err
	}
	var notStarted int // for the reports' summary
	defer func() {     // also when the run fails part-way
		err = reports.Close(rep, report.Summary{Command: "create", Manifest: b.File, NotStarted: notStarted}, err)
	}()
	src, err := openManifest(b.File, opts.IO.In)
	if err != nil {
		return cmdutil.Usage(fmt.Errorf("manifest %s: %w", b.File, err))
	}
	defer src.Close()

	// Pass 1: check everything before sending anything.
	defaults := newEntryDefaults(opts.Spec, cfg)
	warned := map[string]bool{} // each warning once, at its first entry
	chk, err := checkManifest(src, defaults, sh, func(p *manifest.EntryError) {
		fmt.Fprintln(opts.IO.ErrOut, opts.IO.ErrColors().Red("error:")+" "+p.Error())
		if len(rep) > 0 {
			_ = rep.Add(report.Row{Provider: p.Provider, Name: p.Name, Action: bulk.Create, Status: report.Invalid,
				Error: p.Err.Error(), ExitCode: cmdutil.ExitUsage, Index: p.Index, Line: p.Line})
		}
	}, func(e *manifest.Entry, w string) {
		if !warned[w] {
			warned[w] = true
			reports.Warn(opts.IO, &opts.Reports, os.Getenv, "create", b.File, e.Line, w)
		}
	})
	if err != nil {
		return cmdutil.Usage(fmt.Errorf("manifest %s: %w", b.File, err))
	}
	if chk.count == 0 {
		return cmdutil.Usage(fmt.Errorf("manifest %s has no organizations", b.File))
	}
	if chk.problems > 0 {
		return cmdutil.Usage(fmt.Errorf("%d of %d entries are invalid: nothing was sent", chk.problems, chk.count))
	}
	if opts.Token != "" && len(chk.providers) > 1 {
		// One token cannot be right for two providers, and must not be sent to both.
		return cmdutil.Usage(fmt.Errorf("--token/--token-stdin with a manifest for several providers (%s): set each provider's token in the environment or config instead",
			strings.Join(chk.providers, ", ")))
	}
	inShard := "" // what the summary says of the shard
	if !sh.Whole() {
		inShard = fmt.Sprintf(", left to other shards %d", chk.count-chk.mine)
	}
	if opts.DryRun {
		fmt.Fprintf(opts.IO.ErrOut, "Dry run: all %d entries are valid", chk.count)
		if !sh.Whole() {
			fmt.Fprintf(opts.IO.ErrOut, "; shard %s has %d of them", sh, chk.mine)
		}
		fmt.Fprintln(opts.IO.ErrOut, "; nothing was sent.")
		return nil
	}
	if chk.mine == 0 {
		fmt.Fprintf(opts.IO.ErrOut, "created 0, skipped 0, failed 0%s: shard %s has none of the manifest's entries\n", inShard, sh)
		return nil
	}

	// One provider per name, sharing one HTTP client (connection reuse) and
	// one gate, so a 429 seen by any worker pauses them all. Each has its
	// pacer: --rate, else the limit the provider's answers announce.
	opts.Global.Connections = b.Concurrency // sizes the pool: before the HTTP client is built
	gate := &api.Gate{}
	provs := map[string]provider.Provider{}
	settings := map[string]providers.Settings{}
	pacers := map[string]*api.Pacer{}
	for _, name := range chk.providers {
		run, err := opts.ResolveFor(name)
		if err != nil {
			return err
		}
		pacer := api.PacerFor(rateN, ratePer).Share(sh.N) // the shards share the provider's announced limit
		run.Settings.Gate, run.Settings.Pacer, run.Settings.MaxWait = gate, pacer, b.MaxWait
		if opts.Token != "" && !run.Sandbox { // the sandbox never gets the user's token
			run.Settings.Token = opts.Token
		}
		if provs[name], err = run.Provider(); err != nil {
			return err
		}
		settings[name] = run.Settings
		pacers[name] = pacer
	}

	// Stop starting work when stdout's reader goes away (| head): what is
	// in flight finishes, the summary goes to stderr.
	runCtx, stopRun := context.WithCancelCause(ctx)
	defer stopRun(nil)
	out := &watchedWriter{w: opts.IO.Out, onError: func(err error) {
		if errors.Is(err, syscall.EPIPE) || errors.Is(err, os.ErrClosed) {
			stopRun(errBrokenPipe)
		}
	}}
	quota := &quotaGate{within: b.WithinQuota || b.FailFast, total: chk.mine, notice: opts.IO.ErrOut}

	var readErr error // the manifest could not be read again in pass 2
	jobs := func(yield func(bulk.Job) bool) {
		r, err := src.reopen()
		if err != nil {
			readErr = err
			return
		}
		for {
			e, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				readErr = err
				return
			}
			name, spec, _, err := entrySpec(e, defaults)
			if err != nil {
				readErr = fmt.Errorf("%s changed while orgctl was reading it: %w", e.Where(), err)
				return
			}
			if !sh.Has(name, spec.Name) {
				continue // another shard's
			}
			p, pacer, s := provs[name], pacers[name], settings[name]
			job := bulk.Job{Index: e.Index, Line: e.Line, Name: spec.Name, Provider: name, Kind: bulk.Create,
				Wait: func(ctx context.Context) error {
					if quota.stopped.Load() {
						return errQuota // no pacing for what will not be sent
					}
					// The quota is counted after the pacer lets a job go, so
					// the first answer's x-quota-remaining is known by then.
					if err := pacer.Wait(ctx); err != nil {
						return err
					}
					return quota.take(pacer)
				},
				Do: func(ctx context.Context) (*provider.Organization, error) {
					return createOrFind(ctx, p, spec, opts.IfNotExists, b.SkipExisting, s)
				}}
			if !yield(job) {
				return
			}
		}
	}

	// Rows stream as entries finish, through the broken-pipe watch.
	streamIO := *opts.IO
	streamIO.Out = out
	// The widest index, name and provider stand for every row.
	widest := make([]bulk.Job, 0, len(chk.providers))
	for _, name := range chk.providers {
		widest = append(widest, bulk.Job{Index: chk.count, Name: chk.widest, Provider: name})
	}
	printer := results.New(&streamIO, format, &opts.Exporter, widest, false)
	var bar *progress.Line
	if showProgress {
		bar = progress.New(opts.IO.ErrOut, "creating", chk.mine)
	}
	sum := bulk.Run(runCtx, jobs, bulk.Options{Concurrency: b.Concurrency, FailFast: b.FailFast, SkipExisting: b.SkipExisting,
		Stop: func(r bulk.Result) bool {
			var perr *provider.Error
			return errors.As(r.Err, &perr) && perr.Code == quotaCode // nothing more can succeed today
		}},
		func(r bulk.Result) {
			bar.Clear()
			printer.Print(r)
			if len(rep) > 0 {
				_ = rep.Add(resultRow(r))
			}
			bar.Add(1)
		})
	bar.Finish()
	notStarted = sum.NotStarted
	fmt.Fprintf(opts.IO.ErrOut, "created %d, skipped %d, failed %d", sum.Created, sum.Skipped, sum.Failed)
	if sum.NotStarted > 0 {
		fmt.Fprintf(opts.IO.ErrOut, ", not started %d", sum.NotStarted)
	}
	fmt.Fprintf(opts.IO.ErrOut, "%s in %s\n", inShard, sum.Elapsed.Round(time.Millisecond))
	if sum.NotStarted > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "not started: %s (a re-run with --skip-existing picks up there)\n", formatRanges(sum.NotStartedRanges, 10))
	}

	switch {
	case readErr != nil:
		return cmdutil.Usage(fmt.Errorf("manifest %s: %w", b.File, readErr))
	case context.Cause(runCtx) == errBrokenPipe:
		return &cmdutil.CodeError{Code: cmdutil.ExitBrokenPipe,
			Err: fmt.Errorf("standard output was closed: %d organizations not started", sum.NotStarted)}
	case ctx.Err() != nil:
		return fmt.Errorf("interrupted: %d organizations not started: %w", sum.NotStarted, context.Canceled)
	case sum.Failed > 0:
		return &cmdutil.CodeError{Code: printer.Worst(),
			Err: fmt.Errorf("%d of %d organizations failed", sum.Failed, chk.mine)}
	case quota.stopped.Load():
		return &cmdutil.CodeError{Code: cmdutil.ExitUnavailable,
			Err: fmt.Errorf("the daily quota is used up: %d organizations not started", sum.NotStarted)}
	}
	return printer.Err() // the organizations were created; printing one failed
}

// resultRow is an entry's result as a report row.
func resultRow(r bulk.Result) report.Row {
	row := report.Row{Provider: r.Provider, Name: r.Name, Action: bulk.Create, Status: r.Status, Index: r.Index, Line: r.Line}
	if r.Organization != nil {
		row.ID = r.Organization.ID
	}
	if r.Err != nil {
		row.Error, row.ExitCode = r.Err.Error(), cmdutil.ExitCode(r.Err)
		row.Ambiguous = reports.MayHaveSucceeded(r.Err)
	}
	return row
}
