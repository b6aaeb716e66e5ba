package exportcmd

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/orgctl/orgctl/pkg/manifest"
	"github.com/orgctl/orgctl/pkg/planfile"
)

// tricky are pieces of text YAML treats specially somewhere: indicators,
// comments, keys, quotes, escapes, line breaks of every kind, words read as
// null, booleans or numbers, and characters that must be escaped.
var tricky = []string{
	"a", "Z", "0", "1e3", "0x1F", ".inf", "-", "- ", ":", ": ", " :", "#", " #", "?", "!", "&", "*", "%", "@", "`",
	"'", "\"", "\\", "|", ">", "{", "}", "[", "]", ",", " ", "  ", "\t", "\n", "\r", "\r\n", "\x00", "\x1b", "\x7f",
	"\u0085", "\u00a0", "\u2028", "\u2029", "\ufeff", "\u202e", "\ufffd", "\U0001F600", "ünï", "日本", "e\u0301", "Ⅻ", "٣", "null", "~",
	"true", "False", "yes", "NO", "on", "y", "<<", "---", "...", "https://a.example/?q=1&b=2", "b:c", "2001-12-14",
}

// TestScalarsReadBack: whatever the string, appendScalar writes YAML that
// reads back as that string (random concatenations of tricky pieces, fixed
// seeds), both alone and as an entry through the manifest parser apply uses.
func TestScalarsReadBack(t *testing.T) {
	r := rand.New(rand.NewPCG(20, 26))
	for range 20000 {
		var s strings.Builder
		for range 1 + r.IntN(4) {
			s.WriteString(tricky[r.IntN(len(tricky))])
		}
		want := s.String()
		var b bytes.Buffer
		b.WriteString("v: ")
		appendScalar(&b, want)
		var got map[string]any
		if err := yaml.Unmarshal(b.Bytes(), &got); err != nil || got["v"] != want {
			t.Fatalf("%q written as %q reads back as %#v (%v)", want, b.String(), got["v"], err)
		}
	}
}

func TestEntriesReadBack(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	pick := func() string {
		var s strings.Builder
		for range 1 + r.IntN(3) {
			s.WriteString(tricky[r.IntN(len(tricky))])
		}
		return s.String()
	}
	var doc bytes.Buffer
	var want []entry
	doc.WriteString("organizations:\n")
	for range 2000 {
		desc, tag := pick(), strings.TrimSpace(strings.ReplaceAll(pick(), ",", ""))
		if tag == "" {
			tag = "t"
		}
		e := entry{Name: pick(), ID: pick(), Provider: "vertra", Fields: planfile.Fields{Description: &desc, Tags: &[]string{tag, "x"}}}
		want = append(want, e)
		appendYAML(&doc, &e, "  ")
	}
	d, err := manifest.ParseDocument(bytes.NewReader(doc.Bytes()), manifest.YAML)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range d.Entries {
		w := want[i]
		if e.Name != w.Name || e.ID != w.ID || e.Description != *w.Description || strings.Join(e.Tags, "\x00") != strings.Join(*w.Tags, "\x00") {
			t.Fatalf("entry %d reads back as %q %q %q %q, want %q %q %q %q", i+1, e.Name, e.ID, e.Description, e.Tags, w.Name, w.ID, *w.Description, *w.Tags)
		}
	}
}
