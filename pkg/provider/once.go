package provider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/orgctl/orgctl/pkg/internal/ctxtime"
)

// Who made the organization that `create` reports (Organization.CreatedBy).
const (
	ByThisRun        = "this_run"        // this run's create was answered with success
	ByEarlierAttempt = "earlier_attempt" // an attempt of this run whose answer was lost or failed
	BeforeThisRun    = "before_run"      // it existed before this run's first attempt
	ByUnknown        = "unknown"         // an earlier attempt may have made it; created_at cannot tell
)

// ClockSkew is how far ahead of the provider's clock the local clock may
// run without an organization made by this run being taken for an older
// one: created_at (the provider's clock) is compared with the first
// attempt's start (ours) minus ClockSkew.
const ClockSkew = 2 * time.Minute

// OnceOptions tune CreateOnce.
type OnceOptions struct {
	// Repeat (--if-not-exists, --skip-existing) repeats a create whose
	// outcome is unknown: names are unique, so a repeat can meet a conflict
	// but never make a second organization. A conflict met after an attempt
	// reached the server is then looked up and returned, not failed.
	Repeat bool
	// FindExisting (--if-not-exists) looks up and returns every taken name,
	// and implies Repeat.
	FindExisting bool
	// Retries bounds the repeats (--retries).
	Retries int
	// Backoff is the wait before repeat n (0-based); nil waits nothing.
	Backoff func(n int) time.Duration
	// Notice, when set, gets one line per repeat (stderr).
	Notice io.Writer
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// CreateOnce creates spec.Name on p at most once, and says who made what it
// returns (Created, CreatedBy).
//
// Without Repeat it is one Create: a taken name fails (KindConflict), and
// so does an unknown outcome (MayHaveSucceeded). The exception is a taken
// name met by the API client's own repeat after a 429/503 (a proxy may
// answer 503 after the API acted): the name is looked up, and returned as
// ByEarlierAttempt when its created_at is within this run (see
// repeatedConflict); otherwise the conflict stands.
//
// With Repeat, an unknown outcome (a timeout or reset after sending, a 5xx,
// an unreadable success) is repeated up to Retries times, and a taken name
// met after an earlier attempt reached the server is looked up and
// returned; with FindExisting, any taken name is. When an earlier attempt
// reached the server, the organization's created_at decides: older than
// the first attempt (less ClockSkew) is BeforeThisRun, otherwise
// ByEarlierAttempt; an unreadable created_at is ByUnknown. Without an
// earlier attempt, a taken name is BeforeThisRun.
func CreateOnce(ctx context.Context, p Provider, spec CreateSpec, o OnceOptions) (*Organization, error) {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	repeat := o.Repeat || o.FindExisting
	firstSent := now()
	reached := false // an earlier attempt of this call reached the server
	for attempt := 0; ; attempt++ {
		org, err := p.Create(ctx, spec)
		if err == nil {
			org.Created, org.CreatedBy = ptr(true), ByThisRun
			return org, nil
		}
		var perr *Error
		if !errors.As(err, &perr) {
			return nil, err
		}
		if perr.Kind == KindConflict {
			perr.Repeated = perr.Repeated || reached
			switch {
			case o.FindExisting || repeat && perr.Repeated:
				return findExisting(ctx, p, spec.Name, perr, firstSent, o)
			case perr.Repeated:
				return repeatedConflict(ctx, p, spec.Name, perr, firstSent, o)
			}
			return nil, err
		}
		if !repeat || !perr.MayHaveSucceeded || attempt >= o.Retries ||
			ctx.Err() != nil || errors.Is(err, context.Canceled) {
			return nil, err
		}
		reached = true
		wait := o.wait(attempt)
		if o.Notice != nil {
			fmt.Fprintf(o.Notice, "%s: %s: %s; its name is unique, so repeating the create cannot make a second one: retrying in %s (retry %d of %d)\n",
				p.Name(), spec.Name, unknownWhy(perr), wait.Round(time.Millisecond), attempt+1, o.Retries)
		}
		if serr := ctxtime.Sleep(ctx, wait); serr != nil {
			// Keep what is known: the last attempt may have created it.
			return nil, fmt.Errorf("%w; interrupted before repeating the create: %w", err, serr)
		}
	}
}

// findExisting looks up a name the provider said is taken. The lookup only
// reads, so a failure that may pass (a timeout, a 5xx) is tried again.
func findExisting(ctx context.Context, p Provider, name string, conflict *Error, firstSent time.Time, o OnceOptions) (*Organization, error) {
	existing, err := FindByName(ctx, p, name)
	for n := 0; n < o.Retries && transient(err) && ctx.Err() == nil; n++ {
		wait := o.wait(n)
		if o.Notice != nil {
			fmt.Fprintf(o.Notice, "%s: %s: the name is taken, but looking it up failed (%s): retrying in %s (retry %d of %d)\n",
				p.Name(), name, err, wait.Round(time.Millisecond), n+1, o.Retries)
		}
		if serr := ctxtime.Sleep(ctx, wait); serr != nil {
			break
		}
		existing, err = FindByName(ctx, p, name)
	}
	if err != nil {
		var nf *Error
		if errors.As(err, &nf) && nf.Kind == KindNotFound {
			c := *conflict
			c.Message += ", but no organization of that name is visible to this token"
			return nil, &c
		}
		return nil, err
	}
	by := BeforeThisRun
	if conflict.Repeated {
		by = createdBy(existing.CreatedAt, firstSent)
	}
	existing.Created, existing.CreatedBy = ptr(by == ByEarlierAttempt), by
	return existing, nil
}

// repeatedConflict settles, for a create without Repeat, a taken name met
// after an earlier attempt of this run reached the server: this run most
// likely made it, and the organization is returned when its created_at says
// so (ByEarlierAttempt). Made before the run, it stays a conflict, now
// saying so; a created_at that cannot tell, or a lookup that fails, leaves
// the conflict's "an earlier attempt of this run may have created it".
func repeatedConflict(ctx context.Context, p Provider, name string, conflict *Error, firstSent time.Time, o OnceOptions) (*Organization, error) {
	org, err := findExisting(ctx, p, name, conflict, firstSent, o)
	var ferr *Error
	switch {
	case err != nil && errors.As(err, &ferr) && ferr.Kind == KindConflict:
		return nil, err // taken, yet not visible to this token: it says so
	case err != nil || org.CreatedBy == ByUnknown:
		return nil, conflict
	case org.CreatedBy == ByEarlierAttempt:
		return org, nil
	}
	c := *conflict
	c.Repeated = false
	c.Message = strings.TrimPrefix(c.Message+"; it was created before this run (by its created_at)", "; ")
	return nil, &c
}

func (o OnceOptions) wait(n int) time.Duration {
	if o.Backoff == nil {
		return 0
	}
	return o.Backoff(n)
}

// transient reports whether a read that failed may succeed if tried again.
func transient(err error) bool {
	var e *Error
	return err != nil && errors.As(err, &e) && (e.Kind == KindNetwork || e.Kind == KindServer) && !errors.Is(err, context.Canceled)
}

// createdBy judges an organization found after an earlier attempt of this
// run reached the server, by its created_at.
func createdBy(createdAt string, firstSent time.Time) string {
	t, err := time.Parse(time.RFC3339Nano, createdAt)
	switch {
	case err != nil:
		return ByUnknown
	case t.Before(firstSent.Add(-ClockSkew)):
		return BeforeThisRun
	}
	return ByEarlierAttempt
}

// unknownWhy is the short reason an outcome is unknown, for a notice.
func unknownWhy(e *Error) string {
	if e.Status != 0 {
		return fmt.Sprintf("HTTP %d", e.Status)
	}
	return e.Message
}

func ptr[T any](v T) *T { return &v }
