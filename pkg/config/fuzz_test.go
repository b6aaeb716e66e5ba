package config

import (
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzEdit edits random config files: after a set, the key reads back with
// the value set and nothing else in the file changed; after an unset, the
// key is gone (with the maps it emptied) and nothing else changed.
func FuzzEdit(f *testing.F) {
	for _, seed := range []string{
		"", "{}", profiled, "provider: qovery\n",
		"Qovery:\n  Token: old\n", "qovery: 5\n", "profiles:\n  p:\n    qovery:\n      token: a\n",
		"a: [1, 2]\nb: {c: d}\n# comment\n", "current_profile: p\n", "profiles: []\n",
	} {
		f.Add(seed, "", uint8(2), "new-token", false)
		f.Add(seed, "Staging", uint8(5), "https://x.example", true)
	}
	f.Fuzz(func(t *testing.T, content, profile string, keyIndex uint8, value string, unset bool) {
		if !utf8.ValidString(value) || !utf8.ValidString(profile) {
			return // YAML carries UTF-8 text
		}
		t.Setenv(EnvProfile, "")
		os.Unsetenv(EnvProfile)
		dir := t.TempDir()
		path := filepath.Join(dir, "config.yaml")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		before, err := parseFile(path, []byte(content))
		if err != nil {
			if err := SetValue(path, []string{KeyProvider}, "x"); err == nil {
				t.Fatalf("the editor accepted a file the reader refuses (%v)", err)
			}
			return
		}
		keys := KeyPath(profile, Keys()[int(keyIndex)%len(Keys())])
		want := deepCopy(before)
		if unset {
			removed, err := UnsetValue(path, keys)
			if err != nil {
				t.Fatalf("unset: %v", err)
			}
			if removed != removeFrom(want, lowerAll(keys)) {
				t.Fatalf("unset reported removed=%v", removed)
			}
		} else {
			if err := SetValue(path, keys, value); err != nil {
				t.Fatalf("set: %v", err)
			}
			setIn(want, lowerAll(keys), value)
		}
		data, err := os.ReadFile(path)
		if err != nil && !unset {
			t.Fatal(err)
		}
		after, err := parseFile(path, data)
		if err != nil {
			t.Fatalf("the edited file does not read back: %v\n%s", err, data)
		}
		if !reflect.DeepEqual(after, want) {
			t.Fatalf("after editing %v:\n got %#v\nwant %#v\nfile:\n%s", keys, after, want, data)
		}
		// What orgctl resolves is what was set (the default profile may be
		// overridden by a current_profile).
		if !unset && profile != "" {
			key := Keys()[int(keyIndex)%len(Keys())]
			cfg, err := Load(NewViper(), path, profile, nil)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			if got := cfg.Get(key); got != value {
				t.Fatalf("%s in profile %q reads back as %q, want %q", key, profile, got, value)
			}
		}
	})
}

func lowerAll(keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = strings.ToLower(k)
	}
	return out
}

func deepCopy(m map[string]any) map[string]any {
	out := maps.Clone(m)
	for k, v := range out {
		if sub, ok := v.(map[string]any); ok {
			out[k] = deepCopy(sub)
		}
	}
	return out
}

// setIn is what SetValue should do, on the parsed maps: a non-map on the
// way is replaced by a map.
func setIn(m map[string]any, keys []string, value string) {
	for _, k := range keys[:len(keys)-1] {
		sub, ok := m[k].(map[string]any)
		if !ok {
			sub = map[string]any{}
			m[k] = sub
		}
		m = sub
	}
	m[keys[len(keys)-1]] = value
}

// removeFrom is what UnsetValue should do: remove the key and the maps it
// empties on the way back up.
func removeFrom(m map[string]any, keys []string) bool {
	v, ok := m[keys[0]]
	if !ok {
		return false
	}
	if len(keys) == 1 {
		delete(m, keys[0])
		return true
	}
	sub, isMap := v.(map[string]any)
	if !isMap || !removeFrom(sub, keys[1:]) {
		return false
	}
	if len(sub) == 0 {
		delete(m, keys[0])
	}
	return true
}
