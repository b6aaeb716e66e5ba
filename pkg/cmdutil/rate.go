package cmdutil

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/orgctl/orgctl/pkg/text"
)

// ParseRate reads "N/s", "N/m" or "N/h": N requests per second, minute or
// hour (VertraCloud's free tier is 30/m).
func ParseRate(s string) (n int, per time.Duration, err error) {
	count, unit, ok := strings.Cut(strings.TrimSpace(s), "/")
	per = map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour}[unit]
	n, convErr := strconv.Atoi(count)
	if !ok || per == 0 || convErr != nil || n <= 0 {
		return 0, 0, fmt.Errorf("rate %s: use N/s, N/m or N/h with N > 0, e.g. 30/m", text.Quote(s))
	}
	return n, per, nil
}

// RateFlag reads a bulk run's --rate: "" is no limit, and a mistake is a
// usage error (exit 2) naming the flag.
func RateFlag(s string) (n int, per time.Duration, err error) {
	if s == "" {
		return 0, 0, nil
	}
	if n, per, err = ParseRate(s); err != nil {
		return 0, 0, Usage(fmt.Errorf("--rate: %w", err))
	}
	return n, per, nil
}
