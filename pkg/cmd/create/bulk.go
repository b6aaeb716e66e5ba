package create

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/orgctl/orgctl/pkg/api"
	"github.com/orgctl/orgctl/pkg/bulk"
	"github.com/orgctl/orgctl/pkg/cmd/internal/results"
	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/config"
	"github.com/orgctl/orgctl/pkg/manifest"
	"github.com/orgctl/orgctl/pkg/output"
	"github.com/orgctl/orgctl/pkg/progress"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/providers"
	"github.com/orgctl/orgctl/pkg/tableprinter"
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
}

// DefaultMaxWait is --max-wait's default: a Retry-After up to this long is
// waited out in a bulk run, instead of failing every remaining entry.
const DefaultMaxWait = 5 * time.Minute

// quotaCode is VertraCloud's answer when the API key's daily quota is used
// up: every further request would fail the same way until it resets.
const quotaCode = "DAILY_QUOTA_EXCEEDED"

// errBrokenPipe stops a run whose standard output has gone away.
var errBrokenPipe = errors.New("standard output was closed")

// bulkRun creates every organization of a manifest, in two streaming
// passes: the first checks every entry (one bad entry and nothing is
// sent), the second sends. Neither holds the whole manifest.
func bulkRun(ctx context.Context, opts *CreateOptions) error {
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
	showProgress, err := progress.Enabled(b.Progress, opts.IO.IsStderrTTY(), os.Getenv)
	if err != nil {
		return cmdutil.Usage(err)
	}
	cfg, err := opts.Config()
	if err != nil {
		return cmdutil.Usage(err)
	}
	src, err := openManifest(b.File, opts.IO.In)
	if err != nil {
		return cmdutil.Usage(fmt.Errorf("manifest %s: %w", b.File, err))
	}
	defer src.Close()

	// Pass 1: check everything before sending anything.
	defaults := newEntryDefaults(opts.Spec, cfg)
	chk, err := checkManifest(src, defaults, func(problem string) {
		fmt.Fprintln(opts.IO.ErrOut, opts.IO.ErrColors().Red("error:")+" "+problem)
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
	if opts.DryRun {
		fmt.Fprintf(opts.IO.ErrOut, "Dry run: all %d entries are valid; nothing was sent.\n", chk.count)
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
	var format output.Format
	for _, name := range chk.providers {
		run, err := opts.ResolveFor(name)
		if err != nil {
			return err
		}
		pacer := api.PacerFor(rateN, ratePer)
		run.Settings.Gate, run.Settings.Pacer, run.Settings.MaxWait = gate, pacer, b.MaxWait
		if opts.Token != "" && !run.Sandbox { // the sandbox never gets the user's token
			run.Settings.Token = opts.Token
		}
		if provs[name], err = run.Provider(); err != nil {
			return err
		}
		settings[name] = run.Settings
		pacers[name] = pacer
		format = run.Format
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
	quota := &quotaGate{within: b.WithinQuota || b.FailFast, total: chk.count, notice: opts.IO.ErrOut}

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
			name, spec, err := entrySpec(e, defaults)
			if err != nil {
				readErr = fmt.Errorf("%s changed while orgctl was reading it: %w", e.Where(), err)
				return
			}
			p, pacer, s := provs[name], pacers[name], settings[name]
			job := bulk.Job{Index: e.Index, Name: spec.Name, Provider: name, Kind: bulk.Create,
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
		bar = progress.New(opts.IO.ErrOut, "creating", chk.count)
	}
	sum := bulk.Run(runCtx, jobs, bulk.Options{Concurrency: b.Concurrency, FailFast: b.FailFast, SkipExisting: b.SkipExisting,
		Stop: func(r bulk.Result) bool {
			var perr *provider.Error
			return errors.As(r.Err, &perr) && perr.Code == quotaCode // nothing more can succeed today
		}},
		func(r bulk.Result) {
			bar.Clear()
			printer.Print(r)
			bar.Add(1)
		})
	bar.Finish()
	fmt.Fprintf(opts.IO.ErrOut, "created %d, skipped %d, failed %d", sum.Created, sum.Skipped, sum.Failed)
	if sum.NotStarted > 0 {
		fmt.Fprintf(opts.IO.ErrOut, ", not started %d", sum.NotStarted)
	}
	fmt.Fprintf(opts.IO.ErrOut, " in %s\n", sum.Elapsed.Round(time.Millisecond))
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
			Err: fmt.Errorf("%d of %d organizations failed", sum.Failed, chk.count)}
	case quota.stopped.Load():
		return &cmdutil.CodeError{Code: cmdutil.ExitUnavailable,
			Err: fmt.Errorf("the daily quota is used up: %d organizations not started", sum.NotStarted)}
	}
	return printer.Err() // the organizations were created; printing one failed
}

// manifestSource reads a manifest twice (check, then send). Standard
// input, or any file that cannot be read twice (a pipe), is copied to a
// temporary file while the first pass reads it.
type manifestSource struct {
	path   string
	in     io.Reader // standard input
	spool  *os.File  // the copy, for the second pass
	format string    // what the first pass found
}

func openManifest(path string, stdin io.Reader) (*manifestSource, error) {
	s := &manifestSource{path: path, format: manifest.FormatOf(path)}
	if path == "-" {
		s.in, s.format = stdin, ""
		return s, nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		s.in = f // closed by Close, through spool's lifetime
	}
	return s, nil
}

// first opens the manifest for the first pass.
func (s *manifestSource) first() (*manifest.Reader, error) {
	var r *manifest.Reader
	var err error
	if s.in == nil {
		r, err = s.openPath()
	} else {
		spool, cerr := os.CreateTemp("", "orgctl-manifest-*")
		if cerr != nil {
			return nil, fmt.Errorf("copying standard input aside: %w", cerr)
		}
		_ = os.Remove(spool.Name()) // gone with the process (where the OS allows it)
		s.spool = spool
		r, err = manifest.NewReader(io.TeeReader(s.in, spool), s.format)
	}
	if err == nil {
		s.format = r.Format // what the first pass sniffed, for the second
	}
	return r, err
}

// reopen reads the manifest again from the start.
func (s *manifestSource) reopen() (*manifest.Reader, error) {
	if s.spool == nil {
		return s.openPath()
	}
	if _, err := s.spool.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return manifest.NewReader(s.spool, s.format)
}

// openPath reads the manifest file; it is closed at its end, or at once
// when it cannot be read as a manifest.
func (s *manifestSource) openPath() (*manifest.Reader, error) {
	f, err := os.Open(s.path)
	if err != nil {
		return nil, err
	}
	r, err := manifest.NewReader(&closeOnEOF{f: f}, s.format)
	if err != nil {
		f.Close()
	}
	return r, err
}

func (s *manifestSource) Close() {
	if s.spool != nil {
		name := s.spool.Name()
		s.spool.Close()
		_ = os.Remove(name)
	}
	if c, ok := s.in.(io.Closer); ok && s.in != io.Reader(os.Stdin) {
		c.Close()
	}
}

// closeOnEOF closes a file once it has been read to the end, so a pass
// that reads to the end leaves no descriptor open.
type closeOnEOF struct {
	f    *os.File
	done bool
}

func (c *closeOnEOF) Read(p []byte) (int, error) {
	if c.done {
		return 0, io.EOF
	}
	n, err := c.f.Read(p)
	if err == io.EOF {
		c.done = true
		c.f.Close()
	}
	return n, err
}

// checked is what the first pass learnt.
type checked struct {
	count     int      // entries
	problems  int      // invalid entries
	providers []string // in order of first appearance
	widest    string   // the widest name on a terminal, so streamed rows line up
}

// checkManifest validates every entry, streaming, and reports each problem.
// Duplicate names are found through 64-bit hashes (8 bytes an entry); only
// when two hashes are equal is the manifest read once more, to compare the
// names themselves.
func checkManifest(src *manifestSource, defaults entryDefaults, report func(string)) (checked, error) {
	var c checked
	r, err := src.first()
	if err != nil {
		return c, err
	}
	seed := maphash.MakeSeed()
	var hashes []uint64
	widest := 0
	for {
		e, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return c, err
		}
		c.count++
		name, spec, err := entrySpec(e, defaults)
		if err != nil {
			c.problems++
			report(e.Where() + ": " + strings.TrimPrefix(err.Error(), "--"))
			continue
		}
		if !slices.Contains(c.providers, name) {
			c.providers = append(c.providers, name)
		}
		hashes = append(hashes, nameHash(seed, name, spec.Name))
		if w := tableprinter.Width(spec.Name); w > widest {
			c.widest, widest = spec.Name, w
		}
	}
	slices.Sort(hashes)
	suspects := map[uint64]bool{}
	for i := 1; i < len(hashes); i++ {
		if hashes[i] == hashes[i-1] {
			suspects[hashes[i]] = true
		}
	}
	hashes = nil
	if len(suspects) == 0 {
		return c, nil
	}
	// Pass 1b: compare the names whose hashes collide.
	if r, err = src.reopen(); err != nil {
		return c, err
	}
	first := map[string]int{} // provider + lower-cased name -> entry index
	for {
		e, err := r.Next()
		if err == io.EOF {
			return c, nil
		}
		if err != nil {
			return c, err
		}
		name, spec, err := entrySpec(e, defaults)
		if err != nil || !suspects[nameHash(seed, name, spec.Name)] {
			continue
		}
		key := name + "\x00" + strings.ToLower(spec.Name)
		if at, dup := first[key]; dup {
			c.problems++
			report(fmt.Sprintf("%s: name %q repeats entry %d (%s compares names case-insensitively)", e.Where(), spec.Name, at, name))
			continue
		}
		first[key] = e.Index
	}
}

func nameHash(seed maphash.Seed, providerName, name string) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	h.WriteString(providerName)
	h.WriteByte(0)
	h.WriteString(strings.ToLower(name))
	return h.Sum64()
}

// entrySpec turns an entry into its provider and spec, the command line's
// flags filling what the entry leaves empty. A flag only fills the fields
// its provider has: --plan is a default for Qovery entries, not an error on
// VertraCloud ones.
func entrySpec(e manifest.Entry, d entryDefaults) (string, provider.CreateSpec, error) {
	name, err := provider.Canonical(or(e.Provider, d.provider))
	if err != nil && e.Provider == "" {
		err = fmt.Errorf("no provider: set provider in the entry, or --provider")
	}
	spec := e.CreateSpec
	defaults := d.spec
	spec.Description = or(spec.Description, defaults.Description)
	switch name {
	case provider.Qovery:
		spec.Plan = or(spec.Plan, or(defaults.Plan, d.qoveryPlan))
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
	return name, spec, err
}

// entryDefaults is what an entry that leaves a field out gets: the flags'
// values, then the settings', resolved once for the whole manifest.
type entryDefaults struct {
	spec                 provider.CreateSpec // from the flags
	provider, qoveryPlan string              // from flags, environment or config
}

func newEntryDefaults(spec provider.CreateSpec, cfg *config.Config) entryDefaults {
	return entryDefaults{spec: spec, provider: cfg.Get(config.KeyProvider), qoveryPlan: cfg.Get(config.KeyQoveryPlan)}
}

// quotaGate holds back new creations the daily quota cannot serve, with
// --within-quota or --fail-fast, and says once when the run cannot finish
// today. The quota is known from the first answer on.
type quotaGate struct {
	within  bool
	total   int
	notice  io.Writer
	said    atomic.Bool
	started atomic.Int64
	fits    atomic.Int64 // -1 until known: how many may start after the first answer
	stopped atomic.Bool
	once    atomic.Bool
}

// errQuota is why a job was held back: it is counted as not started.
var errQuota = errors.New("the daily quota would be exceeded")

func (q *quotaGate) take(p *api.Pacer) error {
	n := q.started.Add(1)
	qt := p.Quota()
	if !qt.Known {
		return nil
	}
	if q.once.CompareAndSwap(false, true) {
		q.fits.Store(n - 1 + int64(qt.Remaining)) // the answers seen so far were for the jobs before this one
		if left := int64(q.total) - n + 1; left > int64(qt.Remaining) && q.said.CompareAndSwap(false, true) {
			what := "the run stops when it is used up; --within-quota creates only what fits"
			if q.within {
				what = "orgctl creates what fits and lists the rest as not started"
			}
			fmt.Fprintf(q.notice, "warning: the daily API quota allows %d more requests (it resets in %s), and %d organizations are left to create: %s\n",
				qt.Remaining, time.Until(qt.Reset).Round(time.Minute), left, what)
		}
	}
	if q.within && n > q.fits.Load() {
		q.stopped.Store(true)
		return errQuota
	}
	return nil
}

// formatRanges writes index ranges as "entries 3, 5-9, 12", at most max of
// them.
func formatRanges(ranges [][2]int, max int) string {
	parts := make([]string, 0, min(len(ranges), max)+1)
	for i, r := range ranges {
		if i == max {
			parts = append(parts, fmt.Sprintf("and %d more ranges", len(ranges)-max))
			break
		}
		if r[0] == r[1] {
			parts = append(parts, fmt.Sprint(r[0]))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", r[0], r[1]))
		}
	}
	word := "entries "
	if len(ranges) == 1 && ranges[0][0] == ranges[0][1] {
		word = "entry "
	}
	return word + strings.Join(parts, ", ")
}

// watchedWriter reports the first write error (a closed pipe) once.
type watchedWriter struct {
	w       io.Writer
	onError func(error)
	failed  bool
}

func (w *watchedWriter) Write(p []byte) (int, error) {
	if w.failed {
		return 0, errBrokenPipe
	}
	n, err := w.w.Write(p)
	if err != nil {
		w.failed = true
		w.onError(err)
	}
	return n, err
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
