package text

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSafe(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"acme", "acme"},
		{"Café ☕ 東京", "Café ☕ 東京"},
		{"a\x1b[31mred", `a\x1b[31mred`},
		{"a\x1b]0;title\x07b", `a\x1b]0;title\x07b`},
		{"line\nfake: ok\r", `line\nfake: ok\r`},
		{"tab\there", `tab\there`},
		{"nul\x00del\x7f", `nul\x00del\x7f`},
		{"c1\u009b31m", `c1\u009b31m`},
		{"gpj.\u202eexe", `gpj.\u202eexe`},
		{"\u2066iso\u2069", `\u2066iso\u2069`},
		{"zero\u200bwidth\u200d\u200e\u200f", `zero\u200bwidth\u200d\u200e\u200f`},
		{"\ufeffbom", `\ufeffbom`},
		{"sep\u2028\u2029", `sep\u2028\u2029`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"filler\u3164", `filler\u3164`},
	} {
		if got := Safe(tt.in); got != tt.want {
			t.Errorf("Safe(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFirstUnsafe(t *testing.T) {
	if r, bad := FirstUnsafe("ok name-1"); bad {
		t.Fatalf("FirstUnsafe(ok) = %U, true", r)
	}
	for in, want := range map[string]rune{"a\u202eb": 0x202e, "x\x1by": 0x1b, "\xff": utf8.RuneError, "a\u200bb": 0x200b, "é\u2067": 0x2067} {
		if r, bad := FirstUnsafe(in); !bad || r != want {
			t.Errorf("FirstUnsafe(%q) = %U, %v; want %U", in, r, bad, want)
		}
	}
	if Describe(0x1b) != `\x1b` || Describe(0x202e) != "U+202E" {
		t.Errorf("Describe: %s %s", Describe(0x1b), Describe(0x202e))
	}
}

// FuzzSafe: whatever comes in, nothing Safe returns can drive a terminal,
// and safe text is left alone.
func FuzzSafe(f *testing.F) {
	for _, s := range []string{"acme", "a\x1b[2Jb", "\u202e", "\xff\xfe", "Café"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Safe(s)
		if r, bad := FirstUnsafe(out); bad {
			t.Fatalf("Safe(%q) = %q still holds %U", s, out, r)
		}
		if _, bad := FirstUnsafe(s); !bad && out != s {
			t.Fatalf("Safe changed safe text %q to %q", s, out)
		}
		if strings.ContainsAny(out, "\n\r\x1b") {
			t.Fatalf("Safe(%q) = %q is not one inert line", s, out)
		}
	})
}

func TestQuoteCapsLongValues(t *testing.T) {
	long := strings.Repeat("a", 128<<10)
	tests := map[string]string{
		"acme":                     `"acme"`,
		"":                         `""`,
		"line\nbreak":              `"line\nbreak"`,
		strings.Repeat("é", 64):    `"` + strings.Repeat("é", 64) + `"`,
		strings.Repeat("é", 65):    `"` + strings.Repeat("é", 64) + `…" (65 characters)`,
		long:                       `"` + long[:64] + `…" (131072 characters)`,
		strings.Repeat("\x1b", 70): `"` + strings.Repeat(`\x1b`, 64) + `…" (70 characters)`,
		strings.Repeat("\xff", 70): `"` + strings.Repeat(`\xff`, 64) + `…" (70 characters)`,
	}
	for in, want := range tests {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%.20q…) = %.100s, want %.100s", in, got, want)
		}
	}
}

func TestBoundCapsQuotedValuesInAMessage(t *testing.T) {
	long := strings.Repeat("x", 1000)
	msg := `invalid argument "` + long + `" for "--timeout" flag: time: invalid duration "` + long + `"`
	want := `invalid argument "` + long[:64] + `…" (1000 characters) for "--timeout" flag: time: invalid duration "` + long[:64] + `…" (1000 characters)`
	if got := Bound(msg); got != want {
		t.Errorf("Bound = %s\nwant    %s", got, want)
	}
	for _, keep := range []string{`short "one" and "two"`, `unbalanced "` + long, `not go-quoted "` + long + `\q"`} {
		if got := Bound(keep); got != keep {
			t.Errorf("Bound changed %.40q… to %.80s", keep, got)
		}
	}
	if got, want := BoundArgs("unknown flag: --"+long), `unknown flag: "--`+long[:62]+`…" (1002 characters)`; got != want {
		t.Errorf("BoundArgs = %s\nwant        %s", got, want)
	}
}

func TestLabelQuotesOnlyALongName(t *testing.T) {
	long := strings.Repeat("k", 65)
	if got := Label("qovery.token"); got != "qovery.token" {
		t.Errorf("Label = %s", got)
	}
	if got, want := Label(long), `"`+long[:64]+`…" (65 characters)`; got != want {
		t.Errorf("Label = %s, want %s", got, want)
	}
}
