package provider

import (
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/orgctl/orgctl/pkg/text"
)

// unsafeRune names the first character of s that text.Safe would escape
// (a control, a bidi or zero-width character, an invalid byte), or "".
func unsafeRune(s string) string {
	if r, bad := text.FirstUnsafe(s); bad {
		return text.Describe(r)
	}
	return ""
}

// ValidateName checks what every provider requires of a name: not blank, no
// control or invisible characters (ESC, bidi overrides such as U+202E,
// zero-width spaces: a name must look like what it is), no surrounding spaces (both APIs compare names
// case-insensitively, and a stray space would make a near-duplicate), and at
// most max characters when max > 0.
func ValidateName(name string, max int) error { return ValidateNameFlag("--name", name, max) }

// ValidateNameFlag is ValidateName for a name given by another flag
// (--new-name).
func ValidateNameFlag(flag, name string, max int) error {
	switch {
	case strings.TrimSpace(name) == "":
		return fmt.Errorf("%s is required and must not be blank", flag)
	case !utf8.ValidString(name):
		return fmt.Errorf("%s is not valid UTF-8", flag)
	case unsafeRune(name) != "":
		return fmt.Errorf("%s %s contains a control character or invisible formatting (%s)", flag, text.Quote(name), unsafeRune(name))
	case strings.TrimSpace(name) != name:
		return fmt.Errorf("%s %s has leading or trailing spaces", flag, text.Quote(name))
	case max > 0 && utf8.RuneCountInString(name) > max:
		return fmt.Errorf("%s is %d characters long; the maximum is %d", flag, utf8.RuneCountInString(name), max)
	}
	return nil
}

// ValidateMaxLength checks a provider's documented length limit, in
// characters (the APIs count characters, not bytes).
func ValidateMaxLength(flag, value string, max int) error {
	if n := utf8.RuneCountInString(value); n > max {
		return fmt.Errorf("%s is %d characters long; the maximum is %d", flag, n, max)
	}
	return nil
}

// ValidateEachMaxLength is ValidateMaxLength for each value of a list
// (tags), naming the value at fault.
func ValidateEachMaxLength(flag string, values []string, max int) error {
	for _, v := range values {
		if n := utf8.RuneCountInString(v); n > max {
			return fmt.Errorf("%s %s is %d characters long; the maximum is %d", flag, text.Quote(v), n, max)
		}
	}
	return nil
}

// ValidateEmails checks that each value is a bare e-mail address
// (ops@acme.io, not "Ops <ops@acme.io>") and drops repeats, keeping order.
func ValidateEmails(flag string, emails []string) ([]string, error) {
	seen := make(map[string]bool, len(emails))
	out := make([]string, 0, len(emails))
	for _, e := range emails {
		a, err := mail.ParseAddress(e)
		if err != nil || a.Address != e || a.Name != "" {
			return nil, fmt.Errorf("%s %s is not a valid e-mail address", flag, text.Quote(e))
		}
		if key := strings.ToLower(e); !seen[key] {
			seen[key] = true
			out = append(out, e)
		}
	}
	return out, nil
}

// ValidateURL checks that a non-empty value is an absolute http(s) URL.
func ValidateURL(flag, value string) error {
	if value == "" {
		return nil
	}
	u, err := url.Parse(value)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s %s must be an absolute http:// or https:// URL", flag, text.Quote(value))
	}
	return nil
}

// ValidateTags rejects blank or control-character tags and drops repeats,
// keeping order.
func ValidateTags(flag string, tags []string) ([]string, error) {
	seen := make(map[string]bool, len(tags))
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		if strings.TrimSpace(t) == "" || unsafeRune(t) != "" {
			return nil, fmt.Errorf("%s %s is not a valid tag: it must be non-blank text", flag, text.Quote(t))
		}
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out, nil
}

// RejectUnsupported returns a usage error naming the first optional field
// the spec sets that this provider does not take, by its flag name, so
// nothing the user asked for is silently dropped.
func RejectUnsupported(providerName string, spec *CreateSpec, supported ...string) error {
	return rejectFlags(providerName, []flagUse{
		{"--plan", spec.Plan != ""},
		{"--website-url", spec.WebsiteURL != ""},
		{"--repository", spec.Repository != ""},
		{"--logo-url", spec.LogoURL != ""},
		{"--icon-url", spec.IconURL != ""},
		{"--admin-email", len(spec.AdminEmails) > 0},
		{"--tag", len(spec.Tags) > 0},
	}, supported)
}

// RejectUnsupportedUpdate is RejectUnsupported for an update: a field is
// used when it is set at all, even to its empty value (a clear).
func RejectUnsupportedUpdate(providerName string, spec *UpdateSpec, supported ...string) error {
	return rejectFlags(providerName, []flagUse{
		{"--plan", spec.Plan != nil},
		{"--website-url", spec.WebsiteURL != nil},
		{"--repository", spec.Repository != nil},
		{"--logo-url", spec.LogoURL != nil},
		{"--icon-url", spec.IconURL != nil},
		{"--admin-email", spec.AdminEmails != nil},
		{"--tag", spec.Tags != nil},
	}, supported)
}

type flagUse struct {
	flag string
	used bool
}

func rejectFlags(providerName string, set []flagUse, supported []string) error {
	for _, f := range set {
		if f.used && !slices.Contains(supported, f.flag) {
			return fmt.Errorf("%s is not supported by provider %s", f.flag, providerName)
		}
	}
	return nil
}
