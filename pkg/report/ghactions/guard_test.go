package ghactions

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestGuard(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain text, # and [x]", "plain text, # and [x]"},
		{"##[add-mask]x", `##\u005badd-mask]x`},
		{"a ##[set-output name=changes;]0 b ##[error]c", `a ##\u005bset-output name=changes;]0 b ##\u005berror]c`},
		{"###[x", `###\u005bx`},
		{"#[ #", "#[ #"},
	} {
		var b bytes.Buffer
		if _, err := Guard(&b).Write([]byte(c.in)); err != nil || b.String() != c.want {
			t.Errorf("%q: %q %v, want %q", c.in, b.String(), err, c.want)
		}
	}
}

// TestGuardAcrossWrites: a "##[" split across writes, at every split, is
// escaped all the same.
func TestGuardAcrossWrites(t *testing.T) {
	const in = `x##[add-mask]y`
	for i := 0; i <= len(in); i++ {
		for j := i; j <= len(in); j++ {
			var b bytes.Buffer
			g := Guard(&b)
			for _, part := range []string{in[:i], in[i:j], in[j:]} {
				if n, err := g.Write([]byte(part)); n != len(part) || err != nil {
					t.Fatalf("Write(%q) = %d, %v", part, n, err)
				}
			}
			if b.String() != `x##\u005badd-mask]y` {
				t.Errorf("split at %d, %d: %q", i, j, b.String())
			}
		}
	}
}

// TestGuardKeepsJSON: NDJSON through the guard decodes to the same values,
// and holds no "##[".
func TestGuardKeepsJSON(t *testing.T) {
	v := map[string]string{"name": `##[set-output name=x;]1 \##[ "##[`, "other": "###[[##"}
	var b bytes.Buffer
	if err := json.NewEncoder(Guard(&b)).Encode(v); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "##[") {
		t.Errorf("a ##[ went through: %s", b.String())
	}
	var back map[string]string
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || back["name"] != v["name"] || back["other"] != v["other"] {
		t.Errorf("decoded %q (%v), want %q", back, err, v)
	}
}
