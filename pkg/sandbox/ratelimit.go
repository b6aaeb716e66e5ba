package sandbox

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// RateLimit caps API requests per account: N per window of Per (fixed
// windows, as VertraCloud's "30 requests/min" reads).
type RateLimit struct {
	N   int
	Per time.Duration
}

// The sandbox's limits when none is given: generous, so that tests and
// benchmarks are not throttled, but present, so that every VertraCloud
// answer carries the x-ratelimit-* and x-quota-* headers a client paces
// itself from.
var (
	DefaultRateLimit = RateLimit{N: 1_000_000, Per: time.Minute}
	DefaultQuota     = 100_000_000
)

// Tier is one row of VertraCloud's plan table (api-reference/introduction.mdx,
// "How is the API rate limited?"): requests per minute and per day.
type Tier struct {
	Name      string
	PerMinute int
	PerDay    int
}

// Tiers lists VertraCloud's plans with their documented API-key limits.
func Tiers() []Tier {
	return []Tier{
		{"free", 30, 1_000}, {"economy", 60, 5_000}, {"pro", 120, 20_000}, {"scale", 180, 86_400},
		{"intermediary", 240, 115_200}, {"enterprise-4", 300, 144_000}, {"enterprise-6", 300, 180_000},
		{"enterprise-8", 300, 216_000}, {"enterprise-12", 480, 324_000}, {"enterprise-14", 480, 378_000},
		{"enterprise-16", 480, 432_000}, {"enterprise-18", 480, 486_000}, {"enterprise-20", 480, 540_000},
		{"enterprise-22", 480, 594_000}, {"enterprise-24", 480, 648_000}, {"enterprise-26", 480, 702_000},
		{"enterprise-28", 480, 756_000}, {"enterprise-30", 480, 810_000}, {"enterprise-32", 480, 864_000},
	}
}

// TierNamed finds a tier by name, case-insensitively.
func TierNamed(name string) (Tier, error) {
	tiers := Tiers()
	if i := slices.IndexFunc(tiers, func(t Tier) bool { return strings.EqualFold(t.Name, name) }); i >= 0 {
		return tiers[i], nil
	}
	names := make([]string, len(tiers))
	for i, t := range tiers {
		names[i] = t.Name
	}
	return Tier{}, fmt.Errorf("unknown tier %q: use one of %s", name, strings.Join(names, ", "))
}

// quotaZone is where VertraCloud's daily quota resets at midnight
// (America/Fortaleza, UTC-3 all year); fixed so that no time zone database
// is needed.
var quotaZone = time.FixedZone("America/Fortaleza", -3*60*60)

type window struct {
	start time.Time
	count int
}

// limits are the sandbox's rate-limit state, guarded by Server.mu.
type limits struct {
	minute map[string]*window // per account
	day    map[string]*window // per account, start is the day's midnight
}

// limited applies the rate limits to a request and reports whether it
// answered 429.
//
// VertraCloud routes (introduction.mdx, layers 2 and 3): a request with a
// valid API key counts against its account's per-minute limit and daily
// quota, whose state every answer carries in x-ratelimit-limit/-remaining/
// -reset and x-quota-limit/-remaining/-reset (seconds); over either, 429
// RATE_LIMIT_EXCEEDED or DAILY_QUOTA_EXCEEDED with details {scope, limit,
// used, retry_after} and Retry-After. A refused request does not count.
//
// Qovery routes keep Qovery's shape: only an explicit Options.RateLimit
// applies there, with Retry-After and the problem body, and no x-* header.
func (s *Server) limited(w http.ResponseWriter, r *http.Request) bool {
	vertra := isVertra(r.URL.Path)
	rl := s.opts.RateLimit
	switch {
	case vertra && rl == nil:
		rl = &DefaultRateLimit
	case rl == nil || rl.N <= 0 || rl.Per <= 0:
		return false
	}
	account, ok := s.account(r)
	if !ok {
		return false // the handler refuses it: not an API-key request
	}
	quota := 0
	if vertra {
		quota = s.opts.Quota
		if quota == 0 {
			quota = DefaultQuota
		}
	}
	now := s.opts.Now()

	s.mu.Lock()
	if s.limits.minute == nil {
		s.limits = limits{minute: map[string]*window{}, day: map[string]*window{}}
	}
	win := s.limits.minute[account]
	if win == nil || now.Sub(win.start) >= rl.Per {
		win = &window{start: now}
		s.limits.minute[account] = win
	}
	local := now.In(quotaZone)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, quotaZone)
	day := s.limits.day[account]
	if day == nil || !day.start.Equal(midnight) {
		day = &window{start: midnight}
		s.limits.day[account] = day
	}
	overDay := quota > 0 && day.count >= quota
	overMinute := win.count >= rl.N
	if !overDay && !overMinute {
		win.count++
		day.count++
	}
	used, usedToday := win.count, day.count
	minuteReset := seconds(win.start.Add(rl.Per).Sub(now))
	dayReset := seconds(midnight.AddDate(0, 0, 1).Sub(now))
	s.mu.Unlock()

	h := w.Header()
	if vertra {
		h.Set("x-ratelimit-limit", strconv.Itoa(rl.N))
		h.Set("x-ratelimit-remaining", strconv.Itoa(max(rl.N-used, 0)))
		h.Set("x-ratelimit-reset", strconv.Itoa(minuteReset))
		if quota > 0 {
			h.Set("x-quota-limit", strconv.Itoa(quota))
			h.Set("x-quota-remaining", strconv.Itoa(max(quota-usedToday, 0)))
			h.Set("x-quota-reset", strconv.Itoa(dayReset))
		}
	}
	switch {
	case overDay:
		s.tooMany(w, r, "DAILY_QUOTA_EXCEEDED", "daily API request quota exceeded", limitDetails{"day", quota, usedToday, max(1, dayReset)})
	case overMinute:
		s.tooMany(w, r, "RATE_LIMIT_EXCEEDED", "rate limit exceeded", limitDetails{"minute", rl.N, used, max(1, minuteReset)})
	default:
		return false
	}
	return true
}

// limitDetails is a 429's details object, in the documented order.
type limitDetails struct {
	Scope      string `json:"scope"`
	Limit      int    `json:"limit"`
	Used       int    `json:"used"`
	RetryAfter int    `json:"retry_after"`
}

func (s *Server) tooMany(w http.ResponseWriter, r *http.Request, code, message string, d limitDetails) {
	w.Header().Set("Retry-After", strconv.Itoa(d.RetryAfter))
	if !isVertra(r.URL.Path) {
		qoveryProblem(w, http.StatusTooManyRequests, message)
		return
	}
	body := vertraEnvelope(r.URL.Path, code, message)
	body.Details = d
	writeJSON(w, http.StatusTooManyRequests, body)
}

// account is the account a request counts against: the user id its token
// stands for, when the token is one the handler will accept.
func (s *Server) account(r *http.Request) (string, bool) {
	header := r.Header.Get("Authorization")
	if isVertra(r.URL.Path) {
		scheme, token, _ := strings.Cut(header, " ")
		token = strings.TrimSpace(token)
		if scheme != "Bearer" || !s.tokenOK(token) {
			return "", false
		}
		return snowflake(token), true
	}
	token, ok := qoveryToken(header)
	if !ok || !s.tokenOK(token) {
		return "", false
	}
	return ownerUUID(token), true
}

// seconds rounds a duration up to whole seconds, as the reset headers
// count.
func seconds(d time.Duration) int { return int(math.Ceil(d.Seconds())) }
