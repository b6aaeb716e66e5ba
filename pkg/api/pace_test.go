package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// maxInWindow is the most of the times (sorted) that fall in any window of
// length w.
func maxInWindow(times []time.Time, w time.Duration) int {
	best, first := 0, 0
	for last := range times {
		for times[last].Sub(times[first]) >= w {
			first++
		}
		best = max(best, last-first+1)
	}
	return best
}

// start runs n concurrent waiters on p and returns when each was let go,
// in order.
func start(t *testing.T, p *Pacer, n int) []time.Time {
	t.Helper()
	var mu sync.Mutex
	var times []time.Time
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p.Wait(context.Background()); err != nil {
				t.Error(err)
			}
			mu.Lock()
			times = append(times, time.Now())
			mu.Unlock()
		}()
	}
	wg.Wait()
	return times
}

func TestPacerNeverExceedsTheRate(t *testing.T) {
	// 20/s with 8 concurrent waiters: never more than 20 in any second
	// (the margin absorbs timer jitter), and not much slower either.
	times := start(t, NewPacer(20, time.Second), 41)
	sortTimes(times)
	if got := maxInWindow(times, time.Second); got > 20 {
		t.Errorf("%d requests in one second, limit 20", got)
	}
	if span := times[len(times)-1].Sub(times[0]); span < 2*time.Second {
		t.Errorf("41 requests at 20/s took %s, want at least 2s", span)
	}
}

// TestPacerNeverExceedsTheLimit: a request may go up to earlyBy before its
// slot, so that timers coarser than the interval do not slow a run; the
// limit still holds in every window, both where the log of the last limit
// requests guards it (a limit up to maxLog: 1,000 a second, a slot every
// 1.02 ms, close to earlyBy) and where only the schedule does (above
// maxLog: 20,000 a second, a slot every 51 µs, far finer than a timer),
// 8 workers each. The times are taken after Wait returns, a little late;
// a window of a second leaves the schedule's 2 % (20 ms) for that, so a
// loaded machine cannot fail the test, only a pacer that lets too many go.
func TestPacerNeverExceedsTheLimit(t *testing.T) {
	for _, tc := range []struct {
		n, total int
		per      time.Duration
	}{
		{n: 20_000, total: 30_000, per: time.Second},
		{n: 1_000, total: 1_500, per: time.Second},
	} {
		p := NewPacer(tc.n, tc.per)
		var mu sync.Mutex
		var times []time.Time
		var left atomic.Int64
		left.Store(int64(tc.total))
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for left.Add(-1) >= 0 {
					if err := p.Wait(context.Background()); err != nil {
						t.Error(err)
						return
					}
					// Release times as the pacer saw them: a send cannot
					// come earlier than its Wait returned.
					now := time.Now()
					mu.Lock()
					times = append(times, now)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		sortTimes(times)
		if got := maxInWindow(times, tc.per); got > tc.n {
			t.Errorf("%d/%s: %d requests in one window", tc.n, tc.per, got)
		}
	}
}

func TestHeaderPacerLearnsTheLimit(t *testing.T) {
	p := NewHeaderPacer()
	if err := p.Wait(context.Background()); err != nil { // the probe goes at once
		t.Fatal(err)
	}
	probe := time.Now()
	if p.Interval() != 0 {
		t.Fatal("paced before any answer")
	}
	h := http.Header{}
	h.Set("x-ratelimit-limit", "10")
	h.Set("x-ratelimit-remaining", "9")
	h.Set("x-ratelimit-reset", "1")
	h.Set("x-quota-limit", "1000")
	h.Set("x-quota-remaining", "7")
	h.Set("x-quota-reset", "3600")
	p.Observe(h)
	if got, want := p.Interval(), time.Duration(float64(100*time.Millisecond)*(1+paceMargin)); got != want {
		t.Errorf("interval %s, want %s", got, want)
	}
	if q := p.Quota(); !q.Known || q.Remaining != 7 || q.Limit != 1000 || time.Until(q.Reset) < 59*time.Minute {
		t.Errorf("quota %+v", q)
	}
	// The probe used one of this window's 10: counted with it, no second
	// holds more than 10. (Leaving the probe out made the check depend on
	// how late the first waiter started.)
	times := append(start(t, p, 10), probe)
	sortTimes(times)
	if got := maxInWindow(times, time.Second); got > 10 {
		t.Errorf("%d requests in one second, the probe included; the limit is 10", got)
	}

	// No headers (Qovery): the probe's answer releases the rest, unpaced.
	p = NewHeaderPacer()
	_ = p.Wait(context.Background())
	p.Observe(http.Header{})
	before := time.Now()
	start(t, p, 20)
	if time.Since(before) > time.Second {
		t.Error("unpaced requests were held back")
	}
}

// TestHeaderPacerTakesItsShare: with --shard K/N, N jobs share one token,
// so each paces at 1/N of the limit the headers announce, and sends at
// most 1/N of what the current window has left; --rate stays per job.
func TestHeaderPacerTakesItsShare(t *testing.T) {
	h := http.Header{}
	h.Set("x-ratelimit-limit", "100")
	h.Set("x-ratelimit-remaining", "90")
	h.Set("x-ratelimit-reset", "60")

	whole := NewHeaderPacer()
	_ = whole.Wait(context.Background())
	whole.Observe(h)
	p := NewHeaderPacer().Share(4)
	_ = p.Wait(context.Background())
	p.Observe(h)

	if got, want := p.Interval(), 4*whole.Interval(); got != want || got == 0 {
		t.Errorf("a quarter of the limit: interval %s, want %s (4 × %s)", got, want, whole.Interval())
	}
	if got, want := p.Interval(), pace(25, time.Minute); got < want {
		t.Errorf("interval %s is shorter than 25 a minute's %s", got, want)
	}
	p.mu.Lock()
	limit, budget := p.limit, p.budget
	p.mu.Unlock()
	if limit != 25 || budget != 22 {
		t.Errorf("log limit %d, budget %d; want 25 (100/4) and 22 (90/4)", limit, budget)
	}

	// A limit smaller than the number of shards: one request a window each
	// at most, and the interval still keeps the exact share.
	h.Set("x-ratelimit-limit", "2")
	h.Set("x-ratelimit-remaining", "2")
	p.Observe(h)
	if got, want := p.Interval(), pace(2, time.Minute)*4; got != want {
		t.Errorf("limit 2 among 4 shards: interval %s, want %s", got, want)
	}

	// --rate is per job, as given.
	if got, want := NewPacer(10, time.Second).Share(4).Interval(), NewPacer(10, time.Second).Interval(); got != want {
		t.Errorf("--rate 10/s with 4 shards: interval %s, want %s", got, want)
	}
}

func TestPacerWaitStopsOnCancel(t *testing.T) {
	p := NewPacer(1, time.Hour)
	_ = p.Wait(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := p.Wait(ctx); err == nil {
		t.Error("a cancelled wait let the request go")
	}
}

func sortTimes(ts []time.Time) {
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && ts[j].Before(ts[j-1]); j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
}

// TestMaxWaitOutlastsTheDeadline: a 429's Retry-After longer than the
// retry deadline is waited out when --max-wait allows it, and only then.
func TestMaxWaitOutlastsTheDeadline(t *testing.T) {
	for _, tt := range []struct {
		maxWait  time.Duration
		requests int
		status   int
	}{{0, 1, 429}, {5 * time.Second, 2, 201}} {
		var n atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			w.WriteHeader(http.StatusCreated)
		}))
		// The deadline is 2 × 300ms: shorter than the 1s Retry-After.
		c := &Client{Provider: "vertra", HTTP: srv.Client(), BaseURL: srv.URL, Timeout: 300 * time.Millisecond, Retries: 1, MaxWait: tt.maxWait}
		resp, err := c.Do(context.Background(), "POST", "/v1/organizations", map[string]string{"name": "a"})
		srv.Close()
		if err != nil || resp.Status != tt.status || int(n.Load()) != tt.requests {
			t.Errorf("max-wait %s: status %v err %v after %d requests; want %d after %d", tt.maxWait, resp, err, n.Load(), tt.status, tt.requests)
		}
	}
}
