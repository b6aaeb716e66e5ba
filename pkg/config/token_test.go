package config

import (
	"strings"
	"testing"
)

func TestCheckToken(t *testing.T) {
	if err := CheckToken("qov_abc.DEF-123_x/+="); err != nil {
		t.Errorf("a good token: %v", err)
	}
	for tok, want := range map[string]string{
		"":                     "is empty",
		"qov_abc\r\nX-Evil: 1": "a carriage return (at byte 7)",
		"qov_abc\n":            "a line feed",
		"qov\x00abc":           "a NUL byte",
		"qov\x1b[2Jabc":        "an escape character",
		"qov\x7fabc":           "a control character (U+007F)",
		"qov abc":              "white space",
		"Bearer qov_abc":       `white space (at byte 6): give the token without its "Bearer" scheme`,
		"qov\tabc":             "white space",
	} {
		err := CheckToken(tok)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckToken(%q) = %v, want %q", tok, err, want)
		}
		if err != nil && tok != "" && strings.Contains(err.Error(), "abc") {
			t.Errorf("the message quotes the token: %v", err)
		}
	}
}
