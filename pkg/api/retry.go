package api

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/orgctl/orgctl/pkg/apierr"
	"github.com/orgctl/orgctl/pkg/internal/ctxtime"
)

// Backoff bounds, used when the API gives no Retry-After.
const (
	backoffBase = 500 * time.Millisecond
	backoffMax  = 10 * time.Second
)

// retryable decides whether an attempt may be repeated: only when the
// request provably was not acted on. That is a connection that never got
// the request out (refused, DNS), HTTP 429 (rate limited) and HTTP 503
// (unavailable). Never another 5xx, a timeout after sending, or a reset
// mid-response: the organization may exist then.
func (c *Client) retryable(resp *Response, err error, attempt int) (wait time.Duration, why string, ok bool) {
	if err != nil {
		var perr *apierr.Error
		if !errors.As(err, &perr) || perr.MayHaveSucceeded || !notSent(perr.Err) {
			return 0, "", false
		}
		return Backoff(attempt), "could not connect (" + perr.Message + ")", true
	}
	if resp.Status != http.StatusTooManyRequests && resp.Status != http.StatusServiceUnavailable {
		return 0, "", false
	}
	why = fmt.Sprintf("HTTP %d", resp.Status)
	if d, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		return d, why, true
	}
	if c.RetryHint != nil {
		if d, ok := c.RetryHint(resp.Body); ok {
			return d, why, true
		}
	}
	return Backoff(attempt), why, true
}

// notSent recognises failures that happen before a request is written:
// no connection could be made.
func notSent(err error) bool {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	return errors.As(err, &dnsErr) || (errors.As(err, &opErr) && opErr.Op == "dial")
}

// retryAfter parses a Retry-After header: delay-seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// Backoff is exponential with jitter: a random delay in [d/2, d], where d
// doubles from backoffBase up to backoffMax.
func Backoff(attempt int) time.Duration {
	d := backoffBase << min(attempt, 10)
	if d > backoffMax || d <= 0 {
		d = backoffMax
	}
	return d/2 + rand.N(d/2+1)
}

// Gate pauses every request that goes through it until a time, so a rate
// limit seen by one worker holds them all back.
type Gate struct {
	mu    sync.Mutex
	until time.Time
}

// PauseFor closes the gate for d from now (never shortening a longer pause).
func (g *Gate) PauseFor(d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if t := time.Now().Add(d); t.After(g.until) {
		g.until = t
	}
}

// Wait returns when the gate is open, or when ctx ends.
func (g *Gate) Wait(ctx context.Context) error {
	for {
		g.mu.Lock()
		d := time.Until(g.until)
		g.mu.Unlock()
		if d <= 0 {
			return ctx.Err()
		}
		if err := ctxtime.Sleep(ctx, d); err != nil {
			return err
		}
	}
}
