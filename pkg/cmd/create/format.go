package create

import (
	"fmt"
	"io"
	"strings"
)

// formatRanges writes index ranges as "entries 3, 5-9, 12", at most max of
// them.
func formatRanges(ranges [][2]int, max int) string {
	parts := make([]string, 0, min(len(ranges), max)+1)
	for i, r := range ranges {
		if i == max {
			parts = append(parts, fmt.Sprintf("and %d more ranges", len(ranges)-max))
			break
		}
		if r[0] == r[1] {
			parts = append(parts, fmt.Sprint(r[0]))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", r[0], r[1]))
		}
	}
	word := "entries "
	if len(ranges) == 1 && ranges[0][0] == ranges[0][1] {
		word = "entry "
	}
	return word + strings.Join(parts, ", ")
}

// watchedWriter reports the first write error (a closed pipe) once.
type watchedWriter struct {
	w       io.Writer
	onError func(error)
	failed  bool
}

func (w *watchedWriter) Write(p []byte) (int, error) {
	if w.failed {
		return 0, errBrokenPipe
	}
	n, err := w.w.Write(p)
	if err != nil {
		w.failed = true
		w.onError(err)
	}
	return n, err
}
