package iostreams

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"
)

const tok = "qov_S3CRET/token+value<1>"

func TestRedactsEverySpelling(t *testing.T) {
	ios, _, out, errOut := Test()
	ios.AddSecret("Bearer " + tok)
	for _, echo := range []string{
		tok,                                    // raw
		"Bearer " + tok,                        // the header as sent
		`qov_S3CRET\/token+value\u003c1\u003e`, // JSON, HTML-escaped, slashes escaped
		`qov_S3CRET/token+value\u003c1\u003e`,  // JSON, HTML-escaped
		"qov_S3CRET%2Ftoken%2Bvalue%3C1%3E",    // URL query escaping
	} {
		out.Reset()
		io := ios.Out
		_, _ = io.Write([]byte(`{"message":"bad header ` + echo + `"}` + "\n"))
		if strings.Contains(out.String(), "S3CRET") {
			t.Errorf("%q printed as %q", echo, out.String())
		}
		if !strings.Contains(out.String(), Mask) {
			t.Errorf("%q: no mask in %q", echo, out.String())
		}
	}
	_, _ = ios.ErrOut.Write([]byte("< X-Echo: Bearer " + tok + "\n"))
	if got := errOut.String(); got != "< X-Echo: ***\n" {
		t.Errorf("stderr = %q", got)
	}
}

func TestRedactsSecretSplitAcrossWrites(t *testing.T) {
	ios, _, out, _ := Test()
	ios.AddSecret(tok)
	msg := "error: HTTP 401: invalid token " + tok + " given\n"
	for i := 0; i < len(msg); i++ { // one byte per write: the worst case
		_, _ = ios.Out.Write([]byte{msg[i]})
	}
	ios.Flush()
	if want := "error: HTTP 401: invalid token *** given\n"; out.String() != want {
		t.Errorf("out = %q, want %q", out, want)
	}
}

// Text that cannot begin a secret goes out at once: a prompt is never held.
func TestHoldsOnlyWhatCouldBeginASecret(t *testing.T) {
	ios, _, out, _ := Test()
	ios.AddSecret(tok)
	_, _ = ios.Out.Write([]byte("Type its name to confirm: "))
	if out.String() != "Type its name to confirm: " {
		t.Errorf("prompt held back: out = %q", out)
	}
	_, _ = ios.Out.Write([]byte("see qov_S3C"))
	if out.String() != "Type its name to confirm: see " {
		t.Errorf("out = %q, want the possible start of the token held", out)
	}
	ios.Flush() // the output ended: it was no secret
	if out.String() != "Type its name to confirm: see qov_S3C" {
		t.Errorf("after Flush out = %q", out)
	}
}

func TestShortValuesAreNotSecrets(t *testing.T) {
	ios, _, out, _ := Test()
	ios.AddSecret("abc", "", "   ")
	_, _ = ios.Out.Write([]byte("abc\n"))
	if out.String() != "abc\n" {
		t.Errorf("out = %q", out)
	}
}

func TestConcurrentWritersStayRedacted(t *testing.T) {
	ios, _, out, _ := Test()
	ios.AddSecret(tok)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				_, _ = ios.Out.Write([]byte(`{"echo":"` + tok + `"}` + "\n"))
			}
		}()
	}
	wg.Wait()
	ios.Flush()
	if strings.Contains(out.String(), "S3CRET") || strings.Count(out.String(), "\n") != 800 {
		t.Errorf("lines = %d, leaked = %v", strings.Count(out.String(), "\n"), strings.Contains(out.String(), "S3CRET"))
	}
}

// FuzzRedact: random tokens inside random bodies, cut at random points
// into several writes: no token ever comes out, and text that holds none
// comes out unchanged.
func FuzzRedact(f *testing.F) {
	f.Add("qov_token_1234", "vtk_other_5678", []byte(`{"message":"Bearer qov_token_1234 is invalid"}`), []byte{3, 9, 1})
	f.Add("abcdefgh", "abcdefghij", []byte("xxabcdefghijabcdefgh"), []byte{11, 2})
	f.Add("aaaaaa", "aaaaab", []byte("aaaaaaaaaaab"), []byte{5})
	f.Fuzz(func(t *testing.T, tok1, tok2 string, body, cuts []byte) {
		clean := func(s string) string { // a token's alphabet: no mask character, no white space
			return strings.Map(func(r rune) rune {
				if r == '*' || r <= ' ' || r > '~' {
					return -1
				}
				return r
			}, s)
		}
		tok1, tok2 = clean(tok1), clean(tok2)
		ios, _, out, _ := Test()
		ios.AddSecret(tok1, "Bearer "+tok2)
		var secrets []string
		for _, s := range []string{tok1, tok2} {
			if len(s) >= MinSecretLen {
				secrets = append(secrets, s)
			}
		}
		// The body with the tokens spliced in at cut points.
		var in []byte
		for i, c := range cuts {
			at := 0
			if len(body) > 0 {
				at = int(c) % (len(body) + 1)
			}
			in = append(append(append(in, body[:at]...), []string{tok1, tok2}[i%2]...), body[at:]...)
		}
		if len(cuts) == 0 {
			in = append(in, body...)
		}
		// Written in pieces whose sizes come from cuts too.
		rest := in
		for i := 0; len(rest) > 0; i++ {
			n := len(rest)
			if len(cuts) > 0 {
				n = 1 + int(cuts[i%len(cuts)])%len(rest)
			}
			_, _ = ios.Out.Write(rest[:n])
			rest = rest[n:]
		}
		ios.Flush()
		for _, s := range secrets {
			if bytes.Contains(out.Bytes(), []byte(s)) {
				t.Fatalf("secret %q in output %q (input %q)", s, out, in)
			}
		}
		if len(secrets) == 0 && !bytes.Equal(out.Bytes(), in) {
			t.Fatalf("no secret, yet output %q != input %q", out, in)
		}
	})
}

// TestWrapWritersUnderTheRedactor: a wrapper sees what the redactor let
// through, on both streams, and RawOut goes through it too.
func TestWrapWritersUnderTheRedactor(t *testing.T) {
	ios, _, out, errOut := Test()
	ios.AddSecret("secret-token-1")
	var seen bytes.Buffer
	ios.WrapWriters(func(w io.Writer) io.Writer { return io.MultiWriter(w, &seen) })
	ios.Out.Write([]byte("a secret-token-1\n"))
	ios.ErrOut.Write([]byte("b\n"))
	ios.RawOut().Write([]byte("raw\n"))
	ios.Flush()
	if seen.String() != "a "+Mask+"\nb\nraw\n" || out.String() != "a "+Mask+"\nraw\n" || errOut.String() != "b\n" {
		t.Errorf("seen %q, stdout %q, stderr %q", seen.String(), out.String(), errOut.String())
	}
}
