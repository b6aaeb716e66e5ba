package config

import (
	"fmt"
	"strings"
)

// CheckToken rejects a value that cannot be a token, wherever it comes from
// (a flag, standard input, the environment, the config file, auth login):
// empty, or holding a control character (CR and LF would split the
// Authorization header, ESC would drive a terminal) or white space (a stray
// word, a pasted "Bearer " scheme). The message never quotes the value.
func CheckToken(token string) error {
	if token == "" {
		return fmt.Errorf("is empty")
	}
	for i, r := range token {
		var what, hint string
		switch {
		case r == ' ' || r == '\t' || r == '\u00a0':
			what = "white space"
			if scheme, _, ok := strings.Cut(token, " "); ok && (strings.EqualFold(scheme, "Bearer") || strings.EqualFold(scheme, "Token")) {
				hint = `: give the token without its "` + scheme + `" scheme`
			}
		case r == '\r':
			what = "a carriage return"
		case r == '\n':
			what = "a line feed"
		case r == 0:
			what = "a NUL byte"
		case r == 0x1b:
			what = "an escape character"
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			what = fmt.Sprintf("a control character (U+%04X)", r)
		default:
			continue
		}
		return fmt.Errorf("contains %s (at byte %d)%s", what, i, hint)
	}
	return nil
}
