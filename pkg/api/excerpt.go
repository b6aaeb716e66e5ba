package api

import (
	"strings"
	"unicode"
)

// Excerpt returns the start of an unreadable body as one safe line for an
// error message: invalid UTF-8 and control characters (which could drive the
// user's terminal) are replaced, runs of white space folded, and the text is
// cut at n characters.
func Excerpt(b []byte, n int) string {
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
