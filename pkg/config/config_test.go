package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// clearEnv unsets every variable orgctl reads, for the test's duration.
func clearEnv(t *testing.T) {
	t.Helper()
	t.Setenv(EnvConfig, "")
	for _, b := range envBindings {
		for _, e := range b.envs {
			t.Setenv(e, "")
			os.Unsetenv(e)
		}
	}
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	// Under CI=true the keyring is skipped; tests that want CI say so.
	t.Setenv("CI", "")
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPrecedence(t *testing.T) {
	const file = "provider: vertra\noutput: yaml\nqovery:\n  token: from-file\n  plan: TEAM\n  url: https://file.example\nvertra:\n  token: v-file\n"
	tests := []struct {
		name string
		flag string            // --provider value, "" = not given
		env  map[string]string // environment
		file bool              // whether the config file exists
		key  string
		want string
	}{
		{name: "default", key: KeyProvider, want: ""},
		{name: "file", file: true, key: KeyProvider, want: "vertra"},
		{name: "env beats file", file: true, env: map[string]string{"ORGCTL_PROVIDER": "qovery"}, key: KeyProvider, want: "qovery"},
		{name: "flag beats env", file: true, flag: "vertracloud", env: map[string]string{"ORGCTL_PROVIDER": "qovery"}, key: KeyProvider, want: "vertracloud"},
		{name: "token from file", file: true, key: KeyQoveryToken, want: "from-file"},
		{name: "official CLI variable beats file", file: true, env: map[string]string{"QOVERY_CLI_ACCESS_TOKEN": "cli"}, key: KeyQoveryToken, want: "cli"},
		{name: "orgctl variable beats official CLI's", file: true, env: map[string]string{"QOVERY_CLI_ACCESS_TOKEN": "cli", "ORGCTL_QOVERY_TOKEN": "own"}, key: KeyQoveryToken, want: "own"},
		{name: "VERTRA_API_KEY", env: map[string]string{"VERTRA_API_KEY": "vk"}, key: KeyVertraToken, want: "vk"},
		{name: "ORGCTL_VERTRA_TOKEN beats VERTRA_API_KEY", env: map[string]string{"VERTRA_API_KEY": "vk", "ORGCTL_VERTRA_TOKEN": "own"}, key: KeyVertraToken, want: "own"},
		{name: "url env beats file", file: true, env: map[string]string{"ORGCTL_QOVERY_URL": "http://127.0.0.1:1"}, key: KeyQoveryURL, want: "http://127.0.0.1:1"},
		{name: "plan from file", file: true, key: KeyQoveryPlan, want: "TEAM"},
		{name: "output env", file: true, env: map[string]string{"ORGCTL_OUTPUT": "json"}, key: KeyOutput, want: "json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			path := ""
			if tt.file {
				path = writeFile(t, file)
			}
			v := NewViper()
			flags := pflag.NewFlagSet("test", pflag.ContinueOnError)
			flags.String("provider", "", "")
			if err := v.BindPFlag(KeyProvider, flags.Lookup("provider")); err != nil {
				t.Fatal(err)
			}
			if tt.flag != "" {
				if err := flags.Parse([]string{"--provider", tt.flag}); err != nil {
					t.Fatal(err)
				}
			}
			cfg, err := Load(v, path, "", nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.Get(tt.key); got != tt.want {
				t.Errorf("%s = %q, want %q", tt.key, got, tt.want)
			}
		})
	}
}

func TestLoadFindsFileFromEnvAndDefaultPath(t *testing.T) {
	clearEnv(t)
	path := writeFile(t, "provider: qovery\n")
	t.Setenv(EnvConfig, path)
	cfg, err := Load(NewViper(), "", "", nil)
	if err != nil || cfg.File != path || cfg.Get(KeyProvider) != "qovery" {
		t.Fatalf("ORGCTL_CONFIG: cfg=%+v err=%v", cfg, err)
	}

	clearEnv(t)
	def, err := DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(def), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(def, []byte("provider: vertra\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err = Load(NewViper(), "", "", nil)
	if err != nil || cfg.File != def || cfg.Get(KeyProvider) != "vertra" {
		t.Fatalf("default path: cfg=%+v err=%v", cfg, err)
	}
}

func TestLoadErrors(t *testing.T) {
	clearEnv(t)
	if cfg, err := Load(NewViper(), "", "", nil); err != nil || cfg.File != "" {
		t.Errorf("missing default file must be fine: cfg=%+v err=%v", cfg, err)
	}
	missing := filepath.Join(t.TempDir(), "nope.yaml")
	if _, err := Load(NewViper(), missing, "", nil); err == nil || !strings.Contains(err.Error(), "nope.yaml") {
		t.Errorf("missing --config file: err = %v", err)
	}
	bad := writeFile(t, "provider: qovery\nqovery:\n  token: [oops\n")
	_, err := Load(NewViper(), bad, "", nil)
	if err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "yaml: line ") {
		t.Errorf("malformed file: err = %v, want the path and the line", err)
	}
}

func TestPermissionWarning(t *testing.T) {
	clearEnv(t)
	tests := []struct {
		name    string
		content string
		mode    os.FileMode
		warn    bool
	}{
		{"private file with token", "qovery:\n  token: abc\n", 0o600, false},
		{"world-readable with token", "qovery:\n  token: abc\n", 0o644, true},
		{"group-readable nested token", "profiles:\n  prod:\n    vertra:\n      token: abc\n", 0o640, true},
		{"world-readable without token", "provider: qovery\n", 0o644, false},
		{"empty token", "vertra:\n  token: \"\"\n", 0o644, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.content)
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			cfg, err := Load(NewViper(), path, "", nil)
			if err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf("config file %s holds a token and is readable by other users (mode %04o): run chmod 600 %s", path, tt.mode, path)
			if got := strings.Join(cfg.Warnings, "\n"); (got == want) != tt.warn || (!tt.warn && got != "") {
				t.Errorf("warnings = %q", got)
			}
		})
	}
}

// TestMalformedFileNamesTheLine: every shape of file the reader refuses is
// named with its line, so a hand-edited file can be fixed in an editor; the
// editor refuses it with the same words.
func TestMalformedFileNamesTheLine(t *testing.T) {
	clearEnv(t)
	tests := []struct{ name, content, want string }{
		{"top-level list", "# orgctl\n- provider: qovery\n- output: json\n",
			"line 2: the top level must be a mapping of keys, not a list"},
		{"top-level scalar", "\n\nqovery\n", "line 3: the top level must be a mapping of keys, not a single value"},
		{"dotted key twice", "vertra.token: a\nprovider: vertra\nvertra.token: b\n",
			`lines 1 and 3: "vertra.token" is written twice: keep one`},
		{"nested key twice", "vertra:\n  token: a\n  token: b\n",
			`lines 2 and 3: "vertra.token" is written twice: keep one`},
		{"map twice", "vertra:\n  token: a\nqovery: {}\nvertra:\n  url: https://x\n",
			`lines 1 and 4: "vertra" is written twice: keep one`},
		{"twice in a profile", "profiles:\n  p:\n    vertra:\n      token: a\n      token: b\n",
			`lines 4 and 5: "profiles.p.vertra.token" is written twice: keep one`},
		{"two spellings", "Vertra:\n  token: a\nvertra:\n  url: b\n",
			`lines 1 and 3: "Vertra" and "vertra" are the same key (keys ignore case): keep one`},
		{"two documents", "provider: a\n---\nprovider: b\n", "line 2: a second YAML document: the config file holds one"},
		// yaml.v3 says no line for these: orgctl finds it.
		{"an unknown anchor", "provider: qovery\nqovery:\n  token: *tok\n", "is not valid YAML: yaml: line 3: unknown anchor 'tok' referenced"},
		{"a tag the value does not fit", "provider: qovery\noutput: !!int json\n", "is not valid YAML: yaml: line 2: cannot decode !!str `json` as a !!int"},
		{"an error on the first line", "\tprovider: x\n", "is not valid YAML: yaml: line 1: found character that cannot start any token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.content)
			want := "config file " + path + ": " + tt.want
			if strings.HasPrefix(tt.want, "is not valid YAML") {
				want = "config file " + path + " " + tt.want
			}
			if _, err := Load(NewViper(), path, "", nil); err == nil || err.Error() != want {
				t.Errorf("load:\n got %v\nwant %s", err, want)
			}
			if err := SetValue(path, KeyPath("", KeyProvider), "qovery"); err == nil || err.Error() != want {
				t.Errorf("set:\n got %v\nwant %s", err, want)
			}
		})
	}
}

// TestUnknownLongKeyIsWarnedCapped: a key of any length (an explicit YAML
// key has no limit) is named in the warning by its first characters.
func TestUnknownLongKeyIsWarnedCapped(t *testing.T) {
	clearEnv(t)
	long := strings.Repeat("k", 5000)
	path := writeFile(t, "? "+long+"\n: x\n")
	cfg, err := Load(NewViper(), path, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := `unknown key "` + long[:64] + `…" (5000 characters) in ` + path + ": orgctl ignores it (keys: " + strings.Join(Keys(), ", ") + ")"
	if len(cfg.Warnings) != 1 || cfg.Warnings[0] != want {
		t.Errorf("warnings %.300q\nwant %.300q", cfg.Warnings, want)
	}
}
