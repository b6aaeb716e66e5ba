package create

import (
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/orgctl/orgctl/pkg/api"
)

// quotaCode is VertraCloud's answer when the API key's daily quota is used
// up: every further request would fail the same way until it resets.
const quotaCode = "DAILY_QUOTA_EXCEEDED"

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
