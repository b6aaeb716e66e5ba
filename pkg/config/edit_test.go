package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// TestReaderAndEditorAgreeOnKeyCase: whatever the spelling of a key in a
// hand-written file, what Load reads is what SetValue replaces and
// UnsetValue removes.
func TestReaderAndEditorAgreeOnKeyCase(t *testing.T) {
	clearEnv(t)
	tests := []struct {
		name, file, profile string
	}{
		{"lower", "qovery:\n  token: old-token\n", ""},
		{"capitalised", "Qovery:\n  Token: old-token\n", ""},
		{"upper", "QOVERY:\n  TOKEN: old-token\n", ""},
		{"mixed", "qOvErY:\n  tOkEn: old-token\n", ""},
		{"capitalised profile map", "Profiles:\n  Staging:\n    Qovery:\n      Token: old-token\n", "staging"},
		{"profile selected in capitals", "profiles:\n  staging:\n    qovery:\n      token: old-token\n", "STAGING"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.file)
			cfg, err := Load(NewViper(), path, tt.profile, nil)
			if err != nil || cfg.Get(KeyQoveryToken) != "old-token" {
				t.Fatalf("read %q, %v", cfg.Get(KeyQoveryToken), err)
			}
			if err := SetValue(path, KeyPath(tt.profile, KeyQoveryToken), "new-token"); err != nil {
				t.Fatal(err)
			}
			data, _ := os.ReadFile(path)
			if strings.Contains(string(data), "old-token") || strings.Count(string(data), "new-token") != 1 {
				t.Errorf("after set:\n%s", data)
			}
			cfg, err = Load(NewViper(), path, tt.profile, nil)
			if err != nil || cfg.Get(KeyQoveryToken) != "new-token" {
				t.Fatalf("reread %q, %v", cfg.Get(KeyQoveryToken), err)
			}
			removed, err := UnsetValue(path, KeyPath(tt.profile, KeyQoveryToken))
			if err != nil || !removed {
				t.Fatalf("unset: removed %v, %v", removed, err)
			}
			cfg, err = Load(NewViper(), path, "", nil)
			if err != nil || cfg.Get(KeyQoveryToken) != "" {
				t.Errorf("after unset %q, %v; file:\n%s", cfg.Get(KeyQoveryToken), err, data)
			}
		})
	}
}

// TestOneKeyInTwoSpellingsIsRefused: viper would keep either spelling at
// random, so reader and editor both refuse the file, naming the key.
func TestOneKeyInTwoSpellingsIsRefused(t *testing.T) {
	clearEnv(t)
	path := writeFile(t, "qovery:\n  token: a\nprofiles:\n  p:\n    Vertra:\n      url: x\n    vertra:\n      token: b\n")
	want := `config file ` + path + `: "profiles.p.Vertra" and "profiles.p.vertra" are the same key (keys ignore case): keep one`
	if _, err := Load(NewViper(), path, "", nil); err == nil || err.Error() != want {
		t.Errorf("load: %v", err)
	}
	if err := SetValue(path, KeyPath("", KeyProvider), "qovery"); err == nil || err.Error() != want {
		t.Errorf("set: %v", err)
	}
}

func TestSymlinkedConfigIsWrittenThrough(t *testing.T) {
	clearEnv(t)
	dotfiles := t.TempDir()
	target := filepath.Join(dotfiles, "orgctl.yaml")
	if err := os.WriteFile(target, []byte("provider: qovery\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.Symlink("../"+filepath.Base(dotfiles)+"/orgctl.yaml", link); err != nil {
		t.Fatal(err)
	}
	if err := SetValue(link, KeyPath("", KeyOutput), "json"); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the symlink was replaced: %v %v", fi.Mode(), err)
	}
	if data, _ := os.ReadFile(target); string(data) != "provider: qovery\noutput: json\n" {
		t.Errorf("target = %q", data)
	}
	if _, err := os.Stat(target + ".lock"); err != nil {
		t.Errorf("the lock file belongs beside the target: %v", err)
	}
	// A dangling link creates its target.
	os.Remove(target)
	if err := SetValue(link, KeyPath("", KeyOutput), "yaml"); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(target); string(data) != "output: yaml\n" {
		t.Errorf("new target = %q", data)
	}
}

func TestUnknownKeysGetASuggestion(t *testing.T) {
	clearEnv(t)
	path := writeFile(t, "provder: qovery\nQovery:\n  tokn: x\n  url: https://q.example\nprofiles:\n  empty: {}\n  prod:\n    vertra:\n      api: auto\n      colour: red\ncurrent_profile: prod\nzzzzzzzzzz: 1\n")
	cfg, err := Load(NewViper(), path, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"unknown key profiles.prod.vertra.colour in " + path + ": orgctl ignores it (keys: provider, output, qovery.token, qovery.url, qovery.plan, vertra.token, vertra.url, vertra.api, auth.storage)",
		"unknown key provder in " + path + ": did you mean provider?",
		"unknown key qovery.tokn in " + path + ": did you mean qovery.token?",
		"unknown key zzzzzzzzzz in " + path + ": orgctl ignores it (keys: provider, output, qovery.token, qovery.url, qovery.plan, vertra.token, vertra.url, vertra.api, auth.storage)",
	}
	if got := strings.Join(cfg.Warnings, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	if cfg.Profile != "prod" || cfg.ProfileFrom != "current_profile in "+path || cfg.Get(KeyVertraAPI) != "auto" {
		t.Errorf("profile %q from %q", cfg.Profile, cfg.ProfileFrom)
	}
}

// TestSourceIsTheFileOnlyWhenTheFileSetsTheKey: keys bound to flags, or
// left empty in the file, are not "config file".
func TestSourceIsTheFileOnlyWhenTheFileSetsTheKey(t *testing.T) {
	clearEnv(t)
	v, flags := flagViper(t)
	path := writeFile(t, "qovery:\n  plan: TEAM\n  token: \"\"\nvertra:\n  url:\n")
	cfg, err := Load(v, path, "", flags)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		KeyProvider: "default", KeyOutput: "default", KeyQoveryToken: "default", KeyVertraURL: "default",
		KeyQoveryPlan: "config file " + path,
	} {
		if got := cfg.Source(key); got != want {
			t.Errorf("Source(%s) = %q, want %q", key, got, want)
		}
	}
}

func TestConfigDirectoryPermissions(t *testing.T) {
	clearEnv(t)
	parent := t.TempDir()
	path := filepath.Join(parent, "new", "orgctl", "config.yaml")
	if err := SetValue(path, KeyPath("", KeyVertraToken), "vtk_token_value"); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{filepath.Dir(path), filepath.Dir(filepath.Dir(path))} {
		if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
			t.Errorf("%s created %o", dir, fi.Mode().Perm())
		}
	}
	if w := PermissionWarnings(path); len(w) != 0 {
		t.Errorf("warnings on a private directory: %q", w)
	}
	dir := filepath.Dir(path)
	os.Chmod(dir, 0o777)
	want := "config directory " + dir + " is writable by other users (mode 0777): run chmod 700 " + dir
	if w := PermissionWarnings(path); len(w) != 1 || w[0] != want {
		t.Errorf("warnings = %q", w)
	}
}

// flagViper binds --provider and --output as the root command does.
func flagViper(t *testing.T) (*viper.Viper, map[string]*pflag.Flag) {
	v := NewViper()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	fs.String("provider", "", "")
	fs.String("output", "", "")
	flags := map[string]*pflag.Flag{}
	for key, name := range map[string]string{KeyProvider: "provider", KeyOutput: "output"} {
		if err := v.BindPFlag(key, fs.Lookup(name)); err != nil {
			t.Fatal(err)
		}
		flags[key] = fs.Lookup(name)
	}
	return v, flags
}
