package exportcmd

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The entries are written as YAML by hand rather than through a YAML
// encoder: going through JSON and a node tree (output.WriteYAML) takes 70
// µs an entry, and a large account's list, read at that pace, outlived the
// request's timeout. An entry is only strings and lists of
// strings, and each string is written plain when it cannot be misread,
// else double-quoted with escapes, which YAML reads back exactly.

// appendYAML writes e as one item of a sequence indented by indent.
func appendYAML(b *bytes.Buffer, e *entry, indent string) {
	first := true
	key := func(k string) {
		if first {
			b.WriteString(indent + "- ")
			first = false
		} else {
			b.WriteString(indent + "  ")
		}
		b.WriteString(k)
		b.WriteString(":")
	}
	text := func(k string, v *string) {
		if v == nil {
			return
		}
		key(k)
		b.WriteByte(' ')
		appendScalar(b, *v)
		b.WriteByte('\n')
	}
	list := func(k string, v *[]string) {
		if v == nil {
			return
		}
		key(k)
		if len(*v) == 0 {
			b.WriteString(" []\n")
			return
		}
		b.WriteByte('\n')
		for _, item := range *v {
			b.WriteString(indent + "    - ")
			appendScalar(b, item)
			b.WriteByte('\n')
		}
	}
	text("name", &e.Name)
	text("id", &e.ID)
	text("provider", &e.Provider)
	text("plan", e.Plan)
	text("description", e.Description)
	text("website_url", e.WebsiteURL)
	text("repository", e.Repository)
	text("logo_url", e.LogoURL)
	text("icon_url", e.IconURL)
	list("admin_emails", e.AdminEmails)
	list("tags", e.Tags)
}

// appendScalar writes s as a YAML scalar that reads back as the string s.
func appendScalar(b *bytes.Buffer, s string) {
	if plain(s) {
		b.WriteString(s)
		return
	}
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			b.WriteString(`\uFFFD`) // an invalid byte: what a JSON decoder makes of it
		case needsEscape(r):
			if r > 0xFFFF {
				fmt.Fprintf(b, `\U%08X`, r)
			} else {
				fmt.Fprintf(b, `\u%04X`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

// needsEscape is a character YAML does not take as it is inside quotes:
// controls (C0, DEL, C1 with NEL), the byte order mark, the line and
// paragraph separators YAML 1.1 parsers break lines at, and non-characters.
func needsEscape(r rune) bool {
	return r < 0x20 || r >= 0x7F && r <= 0x9F || r == 0xFEFF || r == 0x2028 || r == 0x2029 || r == 0xFFFE || r == 0xFFFF
}

// plain reports whether s can be written unquoted: a conservative subset
// of YAML's plain scalars (a letter, then letters, digits and a few marks,
// single spaces inside), and never a word YAML reads as something other
// than text (null, true, a number). Letters and digits are any script's:
// only ASCII characters are YAML indicators.
func plain(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	if first, _ := utf8.DecodeRuneInString(s); !unicode.IsLetter(first) {
		return false // digits (numbers, dates), punctuation (indicators)
	}
	for i, r := range s {
		switch {
		case r >= utf8.RuneSelf:
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
				return false
			}
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
		case strings.ContainsRune("-_./@+=?&%", r):
		case r == ':':
			if i == len(s)-1 || s[i+1] == ' ' {
				return false // "key: value", "key:"
			}
		case r == ' ':
			if i == len(s)-1 || s[i+1] == ' ' || s[i+1] == '#' {
				return false // trailing or double spaces, " #comment"
			}
		default:
			return false
		}
	}
	switch strings.ToLower(s) {
	case "null", "true", "false", "yes", "no", "on", "off", "y", "n":
		return false // YAML 1.1's booleans too, for any reader of the file
	}
	return true
}
