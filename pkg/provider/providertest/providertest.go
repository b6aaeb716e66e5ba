// Package providertest holds checks that the provider packages' tests share.
package providertest

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/orgctl/orgctl/pkg/provider"
)

// CheckDecoded holds for any answer a decoder is given: an organization of
// that provider with an id, or a *provider.Error whose message is one
// printable line of bounded length (so a hostile body cannot drive the
// user's terminal or flood it).
func CheckDecoded(t *testing.T, providerName string, org *provider.Organization, err error) *provider.Error {
	t.Helper()
	if err == nil {
		if org == nil || org.ID == "" || org.Provider != providerName {
			t.Fatalf("success without an organization id: %+v", org)
		}
		return nil
	}
	var perr *provider.Error
	if !errors.As(err, &perr) {
		t.Fatalf("error %T is not a *provider.Error", err)
	}
	msg := perr.Message
	if utf8.RuneCountInString(msg) > 301 || !utf8.ValidString(msg) || strings.IndexFunc(msg, unicode.IsControl) >= 0 {
		t.Fatalf("message is not one bounded printable line: %q", msg)
	}
	return perr
}
