package api

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func FuzzExcerpt(f *testing.F) {
	f.Add([]byte("<html>\n<b>x</b>"), 10)
	f.Add([]byte("\x1b[31m\xff\xfe"), 3)
	f.Fuzz(func(t *testing.T, b []byte, n int) {
		if n < 0 || n > 1000 {
			return
		}
		got := Excerpt(b, n)
		if !utf8.ValidString(got) || strings.IndexFunc(got, unicode.IsControl) >= 0 || utf8.RuneCountInString(got) > n+1 {
			t.Fatalf("Excerpt(%q, %d) = %q", b, n, got)
		}
	})
}
