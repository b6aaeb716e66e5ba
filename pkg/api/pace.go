package api

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/orgctl/orgctl/pkg/internal/ctxtime"
)

// paceMargin stretches the interval between requests a little, so that
// scheduling jitter (a goroutine woken late, then one on time) never packs
// more than the limit into one of the provider's windows.
const paceMargin = 0.02

// probeWait bounds how long requests wait for the first answer's headers.
const probeWait = 5 * time.Second

// Pacer spaces requests one at a time (a burst of 1) so that a rate limit
// is never exceeded: at most N in any window of the limit's length. It is
// either fixed (--rate) or learnt from VertraCloud's x-ratelimit-* headers;
// it also remembers the daily quota those headers report.
type Pacer struct {
	mu       sync.Mutex
	interval time.Duration // between two requests; 0: unpaced (no limit known)
	next     time.Time     // earliest start of the next request
	limit    int           // requests allowed per window
	window   time.Duration // the limit's window
	sent     []time.Time   // when the last limit requests went, a ring
	head     int           // oldest entry of sent, once full

	fromHeaders bool
	share       int           // this run's part of the announced limit is 1/share (--shard)
	announced   int           // the limit the last answer announced
	probing     chan struct{} // closed when the first answer arrives
	budget      int           // requests left before budgetEnd, in the window joined mid-way
	budgetEnd   time.Time

	quota Quota
}

// Quota is the daily quota an answer reported (x-quota-*).
type Quota struct {
	Known     bool
	Limit     int
	Remaining int
	Reset     time.Time
}

// NewPacer paces at most n requests per window of length per.
func NewPacer(n int, per time.Duration) *Pacer {
	return &Pacer{interval: pace(n, per), limit: n, window: per}
}

// NewHeaderPacer paces from the rate limit the provider announces: the
// first request goes alone, and its answer's x-ratelimit-limit and
// x-ratelimit-reset set the pace of the rest. Without those headers,
// requests are not paced.
func NewHeaderPacer() *Pacer {
	return &Pacer{fromHeaders: true, probing: make(chan struct{})}
}

// PacerFor is the pacer of a run: n per per when --rate gave them (n > 0),
// else the limit the provider's answers announce.
func PacerFor(n int, per time.Duration) *Pacer {
	if n > 0 {
		return NewPacer(n, per)
	}
	return NewHeaderPacer()
}

// Share makes a pacer that learns the limit from the headers take 1/n of
// it: n jobs (the shards of a CI matrix) use one token, and together must
// stay under its limit. A fixed pacer (--rate) is left as given: that rate
// is per job. It returns p.
func (p *Pacer) Share(n int) *Pacer {
	if p != nil && p.fromHeaders && n > 1 {
		p.share = n
	}
	return p
}

func pace(n int, per time.Duration) time.Duration {
	return time.Duration(float64(per) / float64(n) * (1 + paceMargin))
}

// Wait blocks until this request may start, or ctx ends (then the request
// must not be sent). A request is let go only when it is at least one
// interval after the previous one and at least a window after the one n
// requests before it, both measured on the times requests were actually
// let go, so a waiter that wakes late cannot bunch the next ones up.
func (p *Pacer) Wait(ctx context.Context) error {
	if p == nil {
		return ctx.Err()
	}
	p.mu.Lock()
	probe := p.probing
	if probe != nil && p.next.IsZero() {
		p.next = time.Now() // this request is the probe: go now, the others wait for its answer
		p.mu.Unlock()
		return ctx.Err()
	}
	p.mu.Unlock()
	if probe != nil {
		t := time.NewTimer(probeWait) // an answer that never comes must not hold the run
		select {
		case <-probe:
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
		t.Stop()
	}
	for {
		p.mu.Lock()
		now := time.Now()
		slot, hard := now, now // the schedule's next slot; what no request may precede
		if p.interval > 0 {
			slot = latest(now, p.next)
			if len(p.sent) == p.limit && p.limit > 0 {
				hard = latest(hard, p.sent[p.head].Add(p.window))
			}
			if p.budgetEnd.After(hard) && p.budget <= 0 {
				hard = p.budgetEnd // the window we joined is used up
			}
		}
		at := latest(hard, slot.Add(-earlyBy))
		if !at.After(now) {
			p.release(slot, now)
			p.mu.Unlock()
			return ctx.Err()
		}
		p.mu.Unlock()
		if err := ctxtime.Sleep(ctx, at.Sub(now)); err != nil {
			return err
		}
	}
}

// earlyBy is how long before its slot a request may go. Timers cannot wake
// a waiter to the microsecond, and at VertraCloud's API-key limit
// (1,000,000 a minute: a slot every 61 µs) sleeping to each slot paced runs
// at a third of the limit. The schedule is kept (the next slot counts from
// this slot, not from now), so the pace stays 2 % under the limit; the log
// of the last limit requests (up to maxLog) stays exact; above maxLog, a
// millisecond is far less than the 2 % margin of any window of a second or
// more. TestPacerNeverExceedsTheLimit checks both.
const earlyBy = time.Millisecond

// release records that a request goes now, in the schedule's slot. The
// caller holds p.mu.
func (p *Pacer) release(slot, now time.Time) {
	if p.interval == 0 {
		return
	}
	p.next = slot.Add(p.interval)
	if p.budgetEnd.After(now) {
		p.budget--
	}
	if p.limit <= 0 || p.limit > maxLog {
		return
	}
	if len(p.sent) < p.limit {
		p.sent = append(p.sent, now)
		return
	}
	p.sent[p.head] = now
	p.head = (p.head + 1) % p.limit
}

// maxLog bounds the log of recent requests (limits above it are paced by
// interval only).
const maxLog = 10000

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// Observe reads an answer's headers (nil when no answer came).
func (p *Pacer) Observe(h http.Header) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	defer p.endProbe()
	if h == nil {
		return
	}
	now := time.Now()
	if q, ok := intHeader(h, "X-Quota-Remaining"); ok {
		p.quota.Known, p.quota.Remaining = true, q
		p.quota.Limit, _ = intHeader(h, "X-Quota-Limit")
		if s, ok := intHeader(h, "X-Quota-Reset"); ok {
			p.quota.Reset = now.Add(time.Duration(s) * time.Second)
		}
	}
	if !p.fromHeaders {
		return
	}
	limit, ok1 := intHeader(h, "X-Ratelimit-Limit")
	remaining, ok2 := intHeader(h, "X-Ratelimit-Remaining")
	reset, ok3 := intHeader(h, "X-Ratelimit-Reset")
	if !ok1 || !ok2 || !ok3 || limit <= 0 {
		return
	}
	// x-ratelimit-reset counts whole seconds to the window's end, so the
	// longest one seen is the window's length (at least a second).
	resetIn := time.Duration(max(reset, 1)) * time.Second
	share := max(p.share, 1)
	if p.window < resetIn || p.announced != limit {
		// This run's part: at most limit/share in any window (at least one;
		// the interval below keeps the exact share).
		p.window, p.announced, p.limit = max(p.window, resetIn), limit, max(limit/share, 1)
		p.sent, p.head = nil, 0 // a new limit: start the log again
	}
	p.interval = pace(limit, p.window) * time.Duration(share)
	remaining /= share
	if p.probing != nil {
		// The first answer: the window may be partly used already (another
		// run, another tool), so send no more than it has left before it
		// resets.
		p.budget, p.budgetEnd = remaining, now.Add(resetIn)
	}
}

func (p *Pacer) endProbe() {
	if p.probing != nil {
		close(p.probing)
		p.probing = nil
	}
}

// Quota returns the daily quota the last answer reported.
func (p *Pacer) Quota() Quota {
	if p == nil {
		return Quota{}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.quota
}

// Interval is the current spacing between requests (0: unpaced).
func (p *Pacer) Interval() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.interval
}

// intHeader reads a header by its canonical name (as http.Header keeps it:
// a lower-case name would be canonicalised, a copy, on every answer).
func intHeader(h http.Header, key string) (int, bool) {
	v := h.Get(key)
	if v == "" {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	return n, err == nil && n >= 0
}
