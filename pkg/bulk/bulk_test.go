package bulk

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
			Do: func(ctx context.Context) (*provider.Organization, error) { return f(ctx, i) }}
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
	s := Run(context.Background(), slices.Values(js), Options{Concurrency: 4}, func(r Result) {
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
	s := Run(context.Background(), slices.Values(js), Options{Concurrency: 2, SkipExisting: true}, func(r Result) { statuses[r.Index] = r.Status })
	if statuses[1] != Skipped || statuses[2] != Skipped || statuses[3] != Created || s.Skipped != 2 || s.Created != 1 {
		t.Errorf("statuses %v summary %+v", statuses, s)
	}
	var failure error
	s = Run(context.Background(), slices.Values(js[:1]), Options{Concurrency: 1}, func(r Result) { failure = r.Err })
	if s.Failed != 1 || !errors.Is(failure, conflict) {
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
	s := Run(context.Background(), slices.Values(js), Options{Concurrency: 2, FailFast: true}, func(Result) {})
	if s.Failed != 1 || ran.Load() > 10 || s.NotStarted != 100-int(ran.Load()) {
		t.Errorf("ran %d, summary %+v", ran.Load(), s)
	}
	s = Run(context.Background(), slices.Values(js), Options{Concurrency: 2}, func(Result) {})
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
	s := Run(ctx, slices.Values(js), Options{Concurrency: 3}, func(r Result) {
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
	s := Run(ctx, slices.Values(js), Options{Concurrency: 2}, func(r Result) { t.Errorf("unexpected result %+v", r) })
	if s.NotStarted != 5 {
		t.Errorf("summary %+v", s)
	}
}

func TestKindsAndStatuses(t *testing.T) {
	conflict := &provider.Error{Kind: provider.KindConflict}
	js := []Job{
		{Index: 1, Kind: Update, Do: func(context.Context) (*provider.Organization, error) { return &provider.Organization{ID: "u"}, nil }},
		{Index: 2, Kind: Delete, Do: func(context.Context) (*provider.Organization, error) { return nil, nil }},
		{Index: 3, Do: func(context.Context) (*provider.Organization, error) { return &provider.Organization{ID: "c"}, nil }},
		// --skip-existing concerns creations only: a conflict on update fails.
		{Index: 4, Kind: Update, Do: func(context.Context) (*provider.Organization, error) { return nil, conflict }},
	}
	got := map[int]Result{}
	s := Run(context.Background(), slices.Values(js), Options{Concurrency: 2, SkipExisting: true}, func(r Result) { got[r.Index] = r })
	if got[1].Status != Updated || got[1].Kind != Update || got[2].Status != Deleted || got[3].Status != Created || got[3].Kind != Create || got[4].Status != Failed {
		t.Errorf("results %+v", got)
	}
	if s.Updated != 1 || s.Deleted != 1 || s.Created != 1 || s.Failed != 1 {
		t.Errorf("summary %+v", s)
	}
}

// TestStopListsWhatWasNotStarted: a failure that says "nothing more can
// succeed" (a daily quota) stops the run, and the summary names every
// entry not attempted, those still in the source included.
func TestStopListsWhatWasNotStarted(t *testing.T) {
	quota := errors.New("quota")
	js := jobs(1000, func(ctx context.Context, i int) (*provider.Organization, error) {
		if i >= 10 {
			return nil, quota
		}
		return ok(ctx, i)
	})
	var pulled int
	src := func(yield func(Job) bool) {
		for _, j := range js {
			pulled++
			if !yield(j) {
				return
			}
		}
	}
	s := Run(context.Background(), src, Options{Concurrency: 1, Stop: func(r Result) bool { return errors.Is(r.Err, quota) }}, func(Result) {})
	if s.Created != 9 || s.Failed != 1 || s.NotStarted != 990 || pulled != 1000 {
		t.Fatalf("summary %+v, pulled %d", s, pulled)
	}
	if want := [][2]int{{11, 1000}}; !slices.Equal(s.NotStartedRanges, want) {
		t.Errorf("ranges %v, want %v", s.NotStartedRanges, want)
	}
}

func TestIndexSetMergesOutOfOrder(t *testing.T) {
	var s indexSet
	for _, i := range []int{5, 1, 3, 2, 9, 4, 10, 7} {
		s.add(i)
	}
	if want := [][2]int{{1, 5}, {7, 7}, {9, 10}}; !slices.Equal(s.ranges(), want) || s.n != 8 {
		t.Errorf("ranges %v n %d, want %v", s.ranges(), s.n, want)
	}
}
