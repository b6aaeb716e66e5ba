package bulk

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orgctl/orgctl/pkg/provider"
)

// jobs makes n jobs whose Create calls f with the job's index.
func jobs(n int, f func(ctx context.Context, i int) (*provider.Organization, error)) []Job {
	out := make([]Job, n)
	for i := range out {
		i := i + 1
		out[i-1] = Job{Index: i, Name: fmt.Sprint("org", i), Provider: "qovery",
			Create: func(ctx context.Context) (*provider.Organization, error) { return f(ctx, i) }}
	}
	return out
}

func ok(_ context.Context, i int) (*provider.Organization, error) {
	return &provider.Organization{ID: fmt.Sprint("id", i)}, nil
}

func TestConcurrencyIsBounded(t *testing.T) {
	var inFlight, peak atomic.Int64
	js := jobs(50, func(ctx context.Context, i int) (*provider.Organization, error) {
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(2 * time.Millisecond)
		inFlight.Add(-1)
		return ok(ctx, i)
	})
	seen := map[int]bool{}
	s := Run(context.Background(), js, Options{Concurrency: 4}, func(r Result) {
		if r.Status != Created || seen[r.Index] {
			t.Errorf("result %+v", r)
		}
		seen[r.Index] = true
	})
	if s.Created != 50 || len(seen) != 50 || s.NotStarted != 0 {
		t.Errorf("summary %+v, %d results", s, len(seen))
	}
	if p := peak.Load(); p > 4 || p < 2 {
		t.Errorf("peak concurrency %d, want 2..4", p)
	}
}

func TestSkipExistingAndIfNotExists(t *testing.T) {
	conflict := &provider.Error{Kind: provider.KindConflict, Code: "ORGANIZATION_NAME_ALREADY_EXISTS"}
	no := false
	js := jobs(3, func(ctx context.Context, i int) (*provider.Organization, error) {
		switch i {
		case 1:
			return nil, conflict
		case 2:
			return &provider.Organization{ID: "found", Created: &no}, nil
		}
		return ok(ctx, i)
	})
	statuses := map[int]string{}
	s := Run(context.Background(), js, Options{Concurrency: 2, SkipExisting: true}, func(r Result) { statuses[r.Index] = r.Status })
	if statuses[1] != Skipped || statuses[2] != Skipped || statuses[3] != Created || s.Skipped != 2 || s.Created != 1 {
		t.Errorf("statuses %v summary %+v", statuses, s)
	}
	s = Run(context.Background(), js[:1], Options{Concurrency: 1}, func(Result) {})
	if s.Failed != 1 || !errors.Is(s.Failures[0], conflict) {
		t.Errorf("without --skip-existing: %+v", s)
	}
}

func TestFailFastStopsScheduling(t *testing.T) {
	var ran atomic.Int64
	js := jobs(100, func(ctx context.Context, i int) (*provider.Organization, error) {
		ran.Add(1)
		if i == 3 {
			return nil, errors.New("boom")
		}
		time.Sleep(time.Millisecond)
		return ok(ctx, i)
	})
	s := Run(context.Background(), js, Options{Concurrency: 2, FailFast: true}, func(Result) {})
	if s.Failed != 1 || ran.Load() > 10 || s.NotStarted != 100-int(ran.Load()) {
		t.Errorf("ran %d, summary %+v", ran.Load(), s)
	}
	s = Run(context.Background(), js, Options{Concurrency: 2}, func(Result) {})
	if s.Failed != 1 || s.Created != 99 {
		t.Errorf("without --fail-fast: %+v", s)
	}
}

func TestCancelLetsInFlightFinish(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	release := make(chan struct{})
	var once sync.Once
	js := jobs(20, func(jctx context.Context, i int) (*provider.Organization, error) {
		once.Do(cancel) // the interrupt arrives while the first jobs run
		<-release
		if jctx.Err() != nil {
			return nil, jctx.Err() // must not happen: in-flight work is not cancelled
		}
		return ok(jctx, i)
	})
	go func() { time.Sleep(20 * time.Millisecond); close(release) }()
	s := Run(ctx, js, Options{Concurrency: 3}, func(r Result) {
		if r.Status != Created {
			t.Errorf("in-flight job %d: %+v", r.Index, r)
		}
	})
	if s.Created == 0 || s.Created > 3 || s.Created+s.NotStarted != 20 || s.Failed != 0 {
		t.Errorf("summary %+v", s)
	}
}

func TestWaitErrorMeansNotStarted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	js := jobs(5, ok)
	for i := range js {
		js[i].Wait = func(ctx context.Context) error { return ctx.Err() }
	}
	s := Run(ctx, js, Options{Concurrency: 2}, func(r Result) { t.Errorf("unexpected result %+v", r) })
	if s.NotStarted != 5 {
		t.Errorf("summary %+v", s)
	}
}
