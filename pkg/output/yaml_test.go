package output

import (
	"bytes"
	"encoding/json"
	"testing"

	"go.yaml.in/yaml/v3"
)

// parsedYAML is how WriteYAML used to build its node tree: YAML's own
// parser reading the JSON, then every node in block style. yamlNode must
// give the same tree, so the same bytes. (YAML's parser refuses a JSON
// string with a control character: ok is false.)
func parsedYAML(t *testing.T, v any) (_ string, ok bool) {
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var node yaml.Node
	if err := yaml.Unmarshal(data, &node); err != nil {
		return "", false
	}
	var block func(n *yaml.Node)
	block = func(n *yaml.Node) {
		n.Style = 0
		for _, c := range n.Content {
			block(c)
		}
	}
	block(&node)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&node); err != nil {
		t.Fatal(err)
	}
	enc.Close()
	return b.String(), true
}

func FuzzWriteYAMLAsYAMLParsesIt(f *testing.F) {
	for _, s := range []string{"", "a: b", "true", "1", "0x1F", "1e5", "~", "null", "- x", "#c", "line\nbreak", " lead", "trail ",
		"<b>&co</b>", "'q'", `"dq"`, "\u2028", "tab\there", "\x00\x7f", "é", "🙂", "{a}", "[1]", "*ref", "&a", "!tag", "%x", "@x", "`x", "? x", "|", ">"} {
		f.Add(s, s+"2", int64(len(s)), len(s)%2 == 0)
	}
	f.Fuzz(func(t *testing.T, s, s2 string, n int64, b bool) {
		v := map[string]any{
			"s": s, s2: s, "list": []any{s, s2, n, b, nil, 1.5, []string{}, map[string]any{}},
			"nested": map[string]any{"n": n, "s": []string{s2}, "empty": ""},
		}
		var got bytes.Buffer
		if err := WriteYAML(&got, v); err != nil {
			t.Fatal(err)
		}
		if want, ok := parsedYAML(t, v); ok && got.String() != want {
			t.Errorf("got\n%s\nwant\n%s", got.String(), want)
		}
		// Whatever the text, a YAML reader gets the values back.
		var back any
		if err := yaml.Unmarshal(got.Bytes(), &back); err != nil {
			t.Fatalf("%v\n%s", err, got.String())
		}
		a, _ := json.Marshal(v) // as JSON gives it: invalid UTF-8 becomes U+FFFD
		var sent any
		json.Unmarshal(a, &sent)
		a, _ = json.Marshal(sent)
		b2, err := json.Marshal(back)
		if err != nil || !bytes.Equal(a, b2) {
			t.Errorf("read back as %s (%v), want %s\n%s", b2, err, a, got.String())
		}
	})
}

// A provider's text may hold control characters; YAML's parser refused
// the JSON that carried them, so -o yaml failed on such an organization.
func TestYAMLCarriesControlCharacters(t *testing.T) {
	desc := "bell\a, nul\x00, del\x7f, esc\x1b[31m"
	var b bytes.Buffer
	if err := Write(&b, YAML, map[string]any{"description": desc}); err != nil {
		t.Fatal(err)
	}
	var back struct{ Description string }
	if err := yaml.Unmarshal(b.Bytes(), &back); err != nil || back.Description != desc {
		t.Errorf("read back %q (%v) from\n%s", back.Description, err, b.String())
	}
}
