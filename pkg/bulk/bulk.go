// Package bulk runs many creations through a bounded pool of workers and
// streams each result as it finishes.
package bulk

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/orgctl/orgctl/pkg/provider"
)

// Statuses of a result.
const (
	Created = "created"
	Skipped = "skipped" // the name existed: --skip-existing or --if-not-exists
	Failed  = "failed"
)

// Job is one organization to create.
type Job struct {
	Index    int
	Name     string
	Provider string
	// Wait is called before Create and may block (a rate limiter); an error
	// means the job never started.
	Wait func(ctx context.Context) error
	// Create does the work. It gets a context that the run's cancellation
	// does not reach, so a request in flight finishes (or times out) and its
	// outcome is known.
	Create func(ctx context.Context) (*provider.Organization, error)
}

// Result is the outcome of a job that ran.
type Result struct {
	Index        int
	Name         string
	Provider     string
	Status       string
	Organization *provider.Organization // created, or found (Created false)
	Err          error
}

// Options tune a run.
type Options struct {
	Concurrency int
	// FailFast stops starting jobs after the first failure.
	FailFast bool
	// SkipExisting counts a name that is already taken as skipped.
	SkipExisting bool
}

// Summary counts a run's results.
type Summary struct {
	Created, Skipped, Failed int
	NotStarted               int // jobs never started (interrupted, --fail-fast)
	Elapsed                  time.Duration
	Failures                 []error // one per failed job, in finishing order
}

// Run executes jobs, at most opts.Concurrency at a time, calling emit for
// each result from a single goroutine as soon as it is known. Cancelling
// ctx stops new jobs; those in flight finish.
func Run(ctx context.Context, jobs []Job, opts Options, emit func(Result)) Summary {
	start := time.Now()
	workers := max(1, min(opts.Concurrency, len(jobs)))
	var (
		next    = make(chan Job)
		results = make(chan Result, workers)
		stop    atomic.Bool // set by --fail-fast after a failure
		wg      sync.WaitGroup
		started atomic.Int64
	)
	go func() { // feeder: stops handing out jobs on cancel or fail-fast
		defer close(next)
		for _, j := range jobs {
			if stop.Load() {
				return
			}
			select {
			case next <- j:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				if stop.Load() || ctx.Err() != nil {
					continue // drained: not started
				}
				if j.Wait != nil && j.Wait(ctx) != nil {
					continue // interrupted while rate limited: not started
				}
				started.Add(1)
				r := runJob(context.WithoutCancel(ctx), j, opts)
				if r.Status == Failed && opts.FailFast {
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
		case Skipped:
			s.Skipped++
		default:
			s.Failed++
			s.Failures = append(s.Failures, r.Err)
		}
		emit(r)
	}
	s.NotStarted = len(jobs) - int(started.Load())
	s.Elapsed = time.Since(start)
	return s
}

func runJob(ctx context.Context, j Job, opts Options) Result {
	r := Result{Index: j.Index, Name: j.Name, Provider: j.Provider}
	org, err := j.Create(ctx)
	var perr *provider.Error
	switch {
	case err == nil && org.Created != nil && !*org.Created:
		r.Status, r.Organization = Skipped, org // --if-not-exists found it
	case err == nil:
		r.Status, r.Organization = Created, org
	case opts.SkipExisting && errors.As(err, &perr) && perr.Kind == provider.KindConflict:
		r.Status, r.Err = Skipped, err
	default:
		r.Status, r.Err = Failed, err
	}
	return r
}
