package provider

import (
	"strings"
	"testing"
)

// Names and tags that would look like something else on a terminal are
// refused before anything is sent.
func TestValidateNameRejectsInvisibleAndBidi(t *testing.T) {
	for _, name := range []string{"acme\u202egpj.exe", "ac\u200bme", "\u2066acme\u2069", "acme\ufeff", "ac\x1b[2Jme", "ac\u009bme", "a\u2028b"} {
		err := ValidateName(name, 0)
		if err == nil || !strings.Contains(err.Error(), "contains a control character or invisible formatting") {
			t.Errorf("ValidateName(%q) = %v, want a rejection", name, err)
		}
		if err != nil && strings.ContainsAny(err.Error(), "\u202e\u200b\u2066\ufeff\x1b\u009b\u2028") {
			t.Errorf("the error quotes the raw character: %q", err)
		}
		if _, err := ValidateTags("--tag", []string{name}); err == nil {
			t.Errorf("ValidateTags(%q) accepted it", name)
		}
	}
	for _, name := range []string{"acme", "Café ☕", "東京-1", "a b"} {
		if err := ValidateName(name, 0); err != nil {
			t.Errorf("ValidateName(%q) = %v", name, err)
		}
	}
}
