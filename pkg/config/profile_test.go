package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

const profiled = `# orgctl settings
provider: qovery
qovery:
  token: default-token   # the default profile
  url: https://default.example
profiles:
  staging:
    qovery:
      token: staging-token
      url: https://staging.example
  bare:
    output: json
`

func TestPrecedenceWithProfiles(t *testing.T) {
	tests := []struct {
		name    string
		profile string // --profile
		env     map[string]string
		flag    string // --provider
		key     string
		want    string
		source  string
	}{
		{name: "default profile", key: KeyQoveryToken, want: "default-token", source: "config file "},
		{name: "profile beats default profile", profile: "staging", key: KeyQoveryToken, want: "staging-token", source: "profile staging ("},
		{name: "ORGCTL_PROFILE selects", env: map[string]string{"ORGCTL_PROFILE": "staging"}, key: KeyQoveryURL, want: "https://staging.example", source: "profile staging ("},
		{name: "--profile beats ORGCTL_PROFILE", profile: "bare", env: map[string]string{"ORGCTL_PROFILE": "staging"}, key: KeyQoveryToken, want: "default-token", source: "config file "},
		{name: "env beats profile", profile: "staging", env: map[string]string{"ORGCTL_QOVERY_TOKEN": "env-token"}, key: KeyQoveryToken, want: "env-token", source: "env ORGCTL_QOVERY_TOKEN"},
		{name: "flag beats env", flag: "vertra", env: map[string]string{"ORGCTL_PROVIDER": "qovery"}, key: KeyProvider, want: "vertra", source: "flag --provider"},
		{name: "profile falls back to the default profile", profile: "staging", key: KeyProvider, want: "qovery", source: "config file "},
		{name: "built-in default", profile: "staging", key: KeyVertraToken, want: "", source: "default"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			t.Setenv(EnvProfile, "")
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			path := writeFile(t, profiled)
			v := NewViper()
			fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
			fs.String("provider", "", "")
			_ = v.BindPFlag(KeyProvider, fs.Lookup("provider"))
			if tt.flag != "" {
				_ = fs.Parse([]string{"--provider", tt.flag})
			}
			cfg, err := Load(v, path, tt.profile, map[string]*pflag.Flag{KeyProvider: fs.Lookup("provider")})
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.Get(tt.key); got != tt.want {
				t.Errorf("%s = %q, want %q", tt.key, got, tt.want)
			}
			if got := cfg.Source(tt.key); !strings.HasPrefix(got, tt.source) {
				t.Errorf("source = %q, want %q…", got, tt.source)
			}
		})
	}
}

func TestUnknownProfile(t *testing.T) {
	clearEnv(t)
	path := writeFile(t, profiled)
	cfg, err := Load(NewViper(), path, "prod", nil)
	if err != nil || cfg.ProfileErr == nil || cfg.ProfileErr.Error() != `unknown profile "prod": `+path+` has bare, staging` {
		t.Errorf("err = %v, %v", err, cfg.ProfileErr)
	}
	cfg, _ = Load(NewViper(), writeFile(t, "provider: qovery\n"), "prod", nil)
	if cfg.ProfileErr == nil || !strings.Contains(cfg.ProfileErr.Error(), "has no profiles") {
		t.Errorf("err = %v", cfg.ProfileErr)
	}
	home := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", home) // the default path may be missing
	missing := filepath.Join(home, "orgctl", "config.yaml")
	cfg, err = Load(NewViper(), "", "prod", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := `unknown profile "prod": there is no config file yet (` + missing + `); create the profile with orgctl config set KEY VALUE --profile prod`
	if cfg.ProfileErr == nil || cfg.ProfileErr.Error() != want {
		t.Errorf("err = %v, want %s", cfg.ProfileErr, want)
	}
}

func TestSetValueKeepsCommentsAndOrder(t *testing.T) {
	path := writeFile(t, profiled)
	if err := SetValue(path, KeyPath("", KeyQoveryToken), "new-token"); err != nil {
		t.Fatal(err)
	}
	if err := SetValue(path, KeyPath("prod", KeyVertraURL), "https://vertra.prod"); err != nil {
		t.Fatal(err)
	}
	if err := SetValue(path, KeyPath("", KeyOutput), "123"); err != nil { // a string, even when it looks like a number
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	got := string(data)
	for _, want := range []string{
		"# orgctl settings\nprovider: qovery\n",
		"token: new-token # the default profile\n",
		"  prod:\n    vertra:\n      url: https://vertra.prod\n",
		"      token: staging-token\n",
		"output: \"123\"\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("file lacks %q:\n%s", want, got)
		}
	}
	cfg, err := Load(NewViper(), path, "prod", nil)
	if err != nil || cfg.Get(KeyVertraURL) != "https://vertra.prod" || cfg.Get(KeyQoveryToken) != "new-token" || cfg.Get(KeyOutput) != "123" {
		t.Errorf("reloaded: %v %q %q", err, cfg.Get(KeyVertraURL), cfg.Get(KeyQoveryToken))
	}
}

func TestUnsetValuePrunesEmptyMaps(t *testing.T) {
	path := writeFile(t, profiled)
	removed, err := UnsetValue(path, KeyPath("staging", KeyQoveryToken))
	if err != nil || !removed {
		t.Fatalf("removed %v err %v", removed, err)
	}
	if removed, _ := UnsetValue(path, KeyPath("staging", KeyQoveryToken)); removed {
		t.Error("removed twice")
	}
	if _, err := UnsetValue(path, KeyPath("staging", KeyQoveryURL)); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), "staging") || !strings.Contains(string(data), "token: default-token") {
		t.Errorf("file:\n%s", data)
	}
	if removed, err := UnsetValue(filepath.Join(t.TempDir(), "none.yaml"), []string{"x"}); removed || err != nil {
		t.Errorf("missing file: %v %v", removed, err)
	}
}

func TestSetValueCreatesAPrivateFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "orgctl")
	path := filepath.Join(dir, "config.yaml")
	if err := SetValue(path, KeyPath("", KeyVertraToken), "vtk_secret_value"); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	di, _ := os.Stat(dir)
	if fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700 {
		t.Errorf("file %o, dir %o", fi.Mode().Perm(), di.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	if string(data) != "vertra:\n  token: vtk_secret_value\n" {
		t.Errorf("file = %q", data)
	}
	// Rewriting a file keeps it private even if it was not.
	_ = os.Chmod(path, 0o644)
	_ = SetValue(path, KeyPath("", KeyProvider), "vertra")
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("rewritten file %o", fi.Mode().Perm())
	}
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"qov_0123456789abcd":          "qov_…abcd",
		"vtk_live_abcdefgh1234":       "vtk_…1234",
		"eyJhbGciOi.eyJzdWIi.sig9876": "eyJ…9876",
		"plainapitoken12345":          "…2345",
		"short":                       "****",
		"":                            "****",
	} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestJWTExpiry(t *testing.T) {
	// {"alg":"none"} . {"exp":1767225600} . sig
	exp, ok := JWTExpiry("eyJhbGciOiJub25lIn0.eyJleHAiOjE3NjcyMjU2MDB9.c2ln")
	if !ok || !exp.Equal(time.Unix(1767225600, 0)) {
		t.Errorf("exp %v %v", exp, ok)
	}
	for _, bad := range []string{"qov_x", "a.b.c", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln"} {
		if _, ok := JWTExpiry(bad); ok {
			t.Errorf("JWTExpiry(%q) ok", bad)
		}
	}
}
