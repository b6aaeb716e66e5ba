// Package bulk runs a stream of jobs (create, update or delete one
// organization each) through a bounded pool of workers and streams each
// result as it finishes. Nothing holds the whole stream: jobs are pulled
// from the source only as fast as workers take them.
//
// Use:
//
//	sum := bulk.Run(ctx, jobs, bulk.Options{Concurrency: 8}, func(r bulk.Result) { print(r) })
//
// where jobs is an iter.Seq[bulk.Job] (slices.Values(js) for a slice, or a
// function reading a manifest entry by entry).
package bulk

import (
	"context"
	"errors"
	"iter"
	"sync"
	"sync/atomic"
	"time"

	"github.com/orgctl/orgctl/pkg/provider"
)

// Kinds of job: what Do does to the organization.
const (
	Create = "create"
	Update = "update"
	Delete = "delete"
)

// Statuses of a result.
const (
	Created    = "created"
	Updated    = "updated"
	Deleted    = "deleted"
	Skipped    = "skipped" // the name existed: --skip-existing or --if-not-exists
	Failed     = "failed"
	NotStarted = "not_started" // only in Summary.NotStartedRanges, never emitted
)

// Job is one thing to do to one organization.
type Job struct {
	Index    int    // 1-based position in the input, for reports
	Name     string // organization name, for reports
	Provider string
	Kind     string // Create (when empty), Update or Delete
	Line     int    // the entry's line in the manifest, for reports; 0 when none
	Ref      int    // the caller's own number for the job, given back in its result
	// Wait is called before Do and may block (a rate limiter); an error
	// means the job never started.
	Wait func(ctx context.Context) error
	// Do does the work. It gets a context that the run's cancellation does
	// not reach, so a request in flight finishes (or times out) and its
	// outcome is known. An Organization with Created == false means "it
	// was already there": the result is Skipped.
	Do func(ctx context.Context) (*provider.Organization, error)
}

// Result is the outcome of a job that ran.
type Result struct {
	Index        int
	Name         string
	Provider     string
	Kind         string
	Line, Ref    int // the job's
	Status       string
	Organization *provider.Organization // created, found, updated or deleted
	Err          error
}

// Options tune a run.
type Options struct {
	Concurrency int
	// FailFast stops starting jobs after the first failure.
	FailFast bool
	// SkipExisting counts a create that meets a taken name as skipped.
	SkipExisting bool
	// Stop, when it returns true for a failed result, starts no new job
	// (e.g. a daily quota is exhausted: every further request would fail).
	Stop func(Result) bool
}

// Summary counts a run's results.
type Summary struct {
	Created, Updated, Deleted, Skipped, Failed int
	// NotStarted counts jobs never started (interrupted, --fail-fast, Stop),
	// including those left in the source; NotStartedRanges lists their
	// indexes as closed ranges [first, last], in increasing order.
	NotStarted       int
	NotStartedRanges [][2]int
	Elapsed          time.Duration
}

// Run executes the jobs, at most opts.Concurrency at a time, calling emit
// for each result from a single goroutine as soon as it is known.
// Cancelling ctx stops new jobs; those in flight finish. After a stop, the
// rest of the source is read (not run) to count and list what was not
// started.
func Run(ctx context.Context, jobs iter.Seq[Job], opts Options, emit func(Result)) Summary {
	start := time.Now()
	workers := max(1, opts.Concurrency)
	var (
		next       = make(chan Job, workers) // a job ready for each worker that frees up
		results    = make(chan Result, workers)
		stop       atomic.Bool // set after a failure by --fail-fast or opts.Stop
		wg         sync.WaitGroup
		mu         sync.Mutex // guards notStarted
		notStarted indexSet
	)
	skip := func(j Job) { mu.Lock(); notStarted.add(j.Index); mu.Unlock() }
	halted := func() bool { return stop.Load() || ctx.Err() != nil }

	go func() { // feeder: stops handing out jobs on cancel or stop
		defer close(next)
		for j := range jobs {
			if halted() {
				skip(j)
				continue // keep reading: count what is left
			}
			select {
			case next <- j:
			case <-ctx.Done():
				skip(j)
			}
		}
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				if halted() {
					skip(j)
					continue
				}
				if j.Wait != nil && j.Wait(ctx) != nil {
					skip(j) // interrupted while rate limited
					continue
				}
				if stop.Load() { // stopped while this one waited its turn
					skip(j)
					continue
				}
				r := runJob(context.WithoutCancel(ctx), j, opts)
				if r.Status == Failed && (opts.FailFast || (opts.Stop != nil && opts.Stop(r))) {
					stop.Store(true)
				}
				results <- r
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	var s Summary
	for r := range results {
		switch r.Status {
		case Created:
			s.Created++
		case Updated:
			s.Updated++
		case Deleted:
			s.Deleted++
		case Skipped:
			s.Skipped++
		default:
			s.Failed++
		}
		emit(r)
	}
	s.NotStarted, s.NotStartedRanges = notStarted.n, notStarted.ranges()
	s.Elapsed = time.Since(start)
	return s
}

func runJob(ctx context.Context, j Job, opts Options) Result {
	kind := j.Kind
	if kind == "" {
		kind = Create
	}
	r := Result{Index: j.Index, Name: j.Name, Provider: j.Provider, Kind: kind, Line: j.Line, Ref: j.Ref}
	org, err := j.Do(ctx)
	var perr *provider.Error
	switch {
	case err == nil && org != nil && org.Created != nil && !*org.Created:
		r.Status, r.Organization = Skipped, org // the name was taken (and not by this run, as far as known)
	case err == nil:
		r.Status, r.Organization = done[kind], org
	case kind == Create && opts.SkipExisting && errors.As(err, &perr) && perr.Kind == provider.KindConflict:
		r.Status, r.Err = Skipped, err
	default:
		r.Status, r.Err = Failed, err
	}
	return r
}

var done = map[string]string{Create: Created, Update: Updated, Delete: Deleted}
