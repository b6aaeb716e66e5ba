// Package text makes strings that come from outside orgctl (a server's
// names, ids and messages, a manifest's fields) safe to show on a terminal.
package text

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Safe returns s with everything that could drive or deceive a terminal
// escaped, Go-style and visibly: C0 and C1 controls (ESC, CR, LF, BEL…),
// DEL, Unicode format characters (bidi overrides and isolates U+202A–U+202E
// and U+2066–U+2069, zero-width U+200B–U+200F, U+FEFF, soft hyphen…), line
// and paragraph separators, and invalid UTF-8 bytes. Every other character,
// accents and emoji included, is kept. The result is one line: apply Safe to
// each server string before it goes into a human-facing line.
func Safe(s string) string {
	if _, bad := FirstUnsafe(s); !bad {
		return s // the common case costs one scan and no allocation
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case !unsafeRune(r):
			b.WriteString(s[i : i+size])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += size
	}
	return b.String()
}

// FirstUnsafe returns the first rune Safe would escape (utf8.RuneError for an
// invalid byte), and whether there is one. Validation uses it to reject a
// name before anything is sent.
func FirstUnsafe(s string) (rune, bool) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size <= 1) || unsafeRune(r) {
			return r, true
		}
		i += size
	}
	return 0, false
}

// Describe names a rune for an error message: U+202E, or \x1b for ASCII.
func Describe(r rune) string {
	if r < 0x80 {
		return fmt.Sprintf(`\x%02x`, r)
	}
	return fmt.Sprintf("U+%04X", r)
}

// unsafeRune: controls (Cc: C0, DEL, C1), format characters (Cf: bidi
// controls, zero-width characters, BOM…), line and paragraph separators
// (Zl, Zp), and the Hangul fillers some terminals draw as nothing.
func unsafeRune(r rune) bool {
	if r < 0x80 {
		return r < 0x20 || r == 0x7f
	}
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) ||
		r == 0x115f || r == 0x1160 || r == 0x3164 || r == 0xffa0
}

// QuoteMax is how many characters of a value an error message quotes: a
// value given by the user or read from outside (a flag, a manifest field, a
// config key) may be of any length, and echoing 128 KiB back makes an error
// line nobody can read. docs/security.md documents it.
const QuoteMax = 64

// Quote quotes a value for a message, as %q does. A value longer than
// QuoteMax characters is cut there, marked "…" and followed by its length:
// "aaaa…" (131072 characters). Characters are runes; an invalid byte is one.
func Quote(s string) string {
	n := 0
	for i := range s {
		if n == QuoteMax {
			return strconv.Quote(s[:i]+"…") + fmt.Sprintf(" (%d characters)", utf8.RuneCountInString(s))
		}
		n++
	}
	return strconv.Quote(s)
}

// Label names a key or field in a message as it is, unquoted, like the
// known names it usually is; one longer than QuoteMax (a file may hold a
// key of any length) is quoted and capped by Quote.
func Label(s string) string {
	if utf8.RuneCountInString(s) <= QuoteMax {
		return s
	}
	return Quote(s)
}

// Bound caps, in a message orgctl did not word itself (cobra's and
// pflag's, or any error on its way to stderr), every Go-quoted value (as %q
// writes it) longer than QuoteMax, as Quote shows it. Text that does not
// unquote is kept.
func Bound(msg string) string {
	if len(msg) <= QuoteMax+2 {
		return msg // nothing in it can be too long
	}
	var b strings.Builder
	for {
		start := strings.IndexByte(msg, '"')
		if start < 0 {
			break
		}
		end := closingQuote(msg, start)
		if end < 0 {
			break
		}
		q := msg[start : end+1]
		b.WriteString(msg[:start])
		// A value of QuoteMax characters and "…" is Quote's own output: kept.
		if v, err := strconv.Unquote(q); err == nil && utf8.RuneCountInString(v) > QuoteMax+1 {
			q = Quote(v)
		}
		b.WriteString(q)
		msg = msg[end+1:]
	}
	b.WriteString(msg)
	return b.String()
}

// closingQuote is the index of the quote that closes the one at start, past
// backslash escapes, or -1.
func closingQuote(s string, start int) int {
	for i := start + 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// BoundArgs is Bound for a message about the command line (a flag
// parser's): it also quotes and caps a bare word longer than QuoteMax, as
// pflag echoes an unknown flag (unknown flag: --aaaa…) unquoted.
func BoundArgs(msg string) string {
	words := strings.Split(Bound(msg), " ")
	for i, w := range words {
		if utf8.RuneCountInString(w) > QuoteMax && !strings.HasPrefix(w, `"`) {
			words[i] = Quote(w)
		}
	}
	return strings.Join(words, " ")
}

// WithoutPath is err without the path an *fs.PathError repeats in full
// (or a temporary file's beside it), for a message that names the path
// itself, capped with Quote.
func WithoutPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
