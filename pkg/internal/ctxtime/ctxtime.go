// Package ctxtime waits on the clock the way every waiter in orgctl must:
// until the time is up or the context ends, whichever comes first.
package ctxtime

import (
	"context"
	"time"
)

// Sleep waits for d, or until ctx ends; it returns ctx.Err() in the second
// case (and at once, for d <= 0, if ctx has already ended), else nil.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
