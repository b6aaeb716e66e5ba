package sandbox

import (
	"math"
	"net/http"
	"strconv"
	"time"
)

// RateLimit caps API requests per token: N per window of Per (fixed
// windows, as VertraCloud's "30 requests/min" reads).
type RateLimit struct {
	N   int
	Per time.Duration
}

type window struct {
	start time.Time
	count int
}

// limited applies Options.RateLimit to a request: it sets the
// x-ratelimit-* headers (VertraCloud's) and, over the limit, answers 429
// with Retry-After and reports true. The caller holds no lock.
func (s *Server) limited(w http.ResponseWriter, r *http.Request) bool {
	rl := s.opts.RateLimit
	if rl == nil || rl.N <= 0 || rl.Per <= 0 {
		return false
	}
	now := s.opts.Now()
	key := r.Header.Get("Authorization")
	s.mu.Lock()
	if s.windows == nil {
		s.windows = map[string]*window{}
	}
	win := s.windows[key]
	if win == nil || now.Sub(win.start) >= rl.Per {
		win = &window{start: now}
		s.windows[key] = win
	}
	win.count++
	count, reset := win.count, win.start.Add(rl.Per).Sub(now)
	s.mu.Unlock()

	h := w.Header()
	h.Set("x-ratelimit-limit", strconv.Itoa(rl.N))
	h.Set("x-ratelimit-remaining", strconv.Itoa(max(rl.N-count, 0)))
	h.Set("x-ratelimit-reset", strconv.Itoa(int(math.Ceil(reset.Seconds()))))
	if count <= rl.N {
		return false
	}
	retry := max(1, int(math.Ceil(reset.Seconds())))
	h.Set("Retry-After", strconv.Itoa(retry))
	if isVertra(r.URL.Path) {
		body := vertraEnvelope(r.URL.Path, "RATE_LIMIT_EXCEEDED", "rate limit exceeded")
		body.Details = map[string]any{"retry_after": retry}
		writeJSON(w, http.StatusTooManyRequests, body)
	} else {
		qoveryProblem(w, http.StatusTooManyRequests, "rate limit exceeded")
	}
	return true
}
