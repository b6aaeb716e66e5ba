package config

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/orgctl/orgctl/pkg/keyring"
	"github.com/orgctl/orgctl/pkg/keyring/keyringtest"
)

func loadWith(t *testing.T, path, profile string, kr keyring.Store) (*Config, *[]string) {
	t.Helper()
	cfg, err := Load(NewViper(), path, profile, nil)
	if err != nil {
		t.Fatal(err)
	}
	var notes []string
	cfg.Keyring, cfg.Note = kr, func(s string) { notes = append(notes, s) }
	return cfg, &notes
}

// TestTokenPrecedenceWithTheKeyring: flag/env > keyring > file, the
// profile's layer over the top level's, each saying where it comes from.
func TestTokenPrecedenceWithTheKeyring(t *testing.T) {
	clearEnv(t)
	t.Setenv("CI", "")
	path := writeFile(t, "vertra:\n  token: file-top-token\nprofiles:\n  staging:\n    vertra:\n      token: file-staging-token\n  bare: {}\n")
	kr := keyringtest.New()
	_ = kr.Set(keyring.Service, "vertra", "keyring-top-token")
	tests := []struct {
		profile, env string
		keyring      map[string]string
		want, source string
	}{
		{want: "keyring-top-token", source: "keyring"},
		{env: "env-token", want: "env-token", source: "env ORGCTL_VERTRA_TOKEN"},
		{profile: "staging", want: "file-staging-token", source: "profile staging (" + path + ")"},
		{profile: "staging", keyring: map[string]string{"vertra:staging": "keyring-staging-token"}, want: "keyring-staging-token", source: "keyring (profile staging)"},
		{profile: "bare", want: "keyring-top-token", source: "keyring"},
	}
	for _, tt := range tests {
		t.Setenv("ORGCTL_VERTRA_TOKEN", tt.env)
		for u, v := range tt.keyring {
			_ = kr.Set(keyring.Service, u, v)
		}
		cfg, _ := loadWith(t, path, tt.profile, kr)
		if got, src := cfg.Get(KeyVertraToken), cfg.Source(KeyVertraToken); got != tt.want || src != tt.source {
			t.Errorf("profile %q env %q: %q from %q, want %q from %q", tt.profile, tt.env, got, src, tt.want, tt.source)
		}
	}
	_ = kr.Delete(keyring.Service, "vertra")
	cfg, _ := loadWith(t, path, "", kr)
	if got, src := cfg.Get(KeyVertraToken), cfg.Source(KeyVertraToken); got != "file-top-token" || src != "config file "+path {
		t.Errorf("no keyring entry: %q from %q", got, src)
	}
}

// TestKeyringLeftAloneUnlessAllowed: auth.storage file and CI keep every
// read away from the keyring; auth.storage keyring brings it back in CI.
func TestKeyringLeftAloneUnlessAllowed(t *testing.T) {
	clearEnv(t)
	path := writeFile(t, "vertra:\n  token: file-top-token\n")
	for _, tt := range []struct{ ci, storage, want string }{
		{"true", "", "file-top-token"},
		{"1", "auto", "file-top-token"},
		{"", "file", "file-top-token"},
		{"true", "keyring", "keyring-top-token"},
		{"false", "", "keyring-top-token"},
	} {
		t.Setenv("CI", tt.ci)
		t.Setenv("ORGCTL_AUTH_STORAGE", tt.storage)
		kr := keyringtest.New()
		_ = kr.Set(keyring.Service, "vertra", "keyring-top-token")
		kr.Calls = 0
		cfg, _ := loadWith(t, path, "", kr)
		if got := cfg.Get(KeyVertraToken); got != tt.want || (tt.want == "file-top-token") != (kr.Calls == 0) {
			t.Errorf("CI=%q storage %q: %q after %d keyring calls", tt.ci, tt.storage, got, kr.Calls)
		}
	}
}

// TestHungKeyringFallsBackToTheFileOnce: a keyring that never answers costs
// one timeout per run, with a note, and the file's token is used.
func TestHungKeyringFallsBackToTheFileOnce(t *testing.T) {
	clearEnv(t)
	t.Setenv("CI", "")
	path := writeFile(t, "vertra:\n  token: file-top-token\n")
	fake := keyringtest.New()
	fake.Block = make(chan struct{})
	defer close(fake.Block)
	cfg, notes := loadWith(t, path, "", keyring.WithTimeout(fake, 50*time.Millisecond))
	start := time.Now()
	for range 3 {
		if got := cfg.Get(KeyVertraToken); got != "file-top-token" {
			t.Fatalf("got %q", got)
		}
		_ = cfg.Get(KeyQoveryToken)
	}
	if time.Since(start) > 2*time.Second || len(*notes) != 1 || !strings.Contains((*notes)[0], "did not answer within 50ms") {
		t.Errorf("took %s, notes %q", time.Since(start), *notes)
	}
}

func TestSaveAndDeleteToken(t *testing.T) {
	clearEnv(t)
	path := writeFile(t, "# mine\nprovider: vertra\nvertra:\n  token: old-file-token\n  url: https://x.example\n")
	kr := keyringtest.New()
	saved, err := TokenWrite{Path: path, Key: KeyVertraToken, Token: "new-token-123", Keyring: kr,
		Fallback: func(err error) error { t.Fatal("fallback"); return err }}.Save()
	data, _ := os.ReadFile(path)
	if saved != (Saved{InKeyring: true, RemovedFromFile: true}) || err != nil || kr.Entries()["vertra"] != "new-token-123" || strings.Contains(string(data), "token") ||
		!strings.Contains(string(data), "# mine") {
		t.Fatalf("save: %+v %v; keyring %v; file:\n%s", saved, err, kr.Entries(), data)
	}
	// A new profile stays in the file, empty, so --profile finds it.
	if _, err := (TokenWrite{Path: path, Profile: "Staging", Key: KeyVertraToken, Token: "staging-token-1", Keyring: kr}).Save(); err != nil {
		t.Fatal(err)
	}
	cfg, _ := loadWith(t, path, "staging", kr)
	if cfg.ProfileErr != nil || cfg.Get(KeyVertraToken) != "staging-token-1" {
		t.Fatalf("profile: %v %q", cfg.ProfileErr, cfg.Get(KeyVertraToken))
	}
	// Fail closed: nothing written anywhere.
	kr.Err = errors.New("no secret service")
	before, _ := os.ReadFile(path)
	_, err = TokenWrite{Path: path, Key: KeyQoveryToken, Token: "qov-token-123", Keyring: kr,
		Fallback: func(err error) error { return err }}.Save()
	after, _ := os.ReadFile(path)
	if err == nil || string(before) != string(after) {
		t.Fatalf("fail closed: %v; file:\n%s", err, after)
	}
	kr.Err = nil
	fromKeyring, fromFile, err := DeleteToken(path, "", KeyVertraToken, kr)
	if !fromKeyring || fromFile || err != nil || kr.Entries()["vertra"] != "" {
		t.Fatalf("delete: %v %v %v %v", fromKeyring, fromFile, err, kr.Entries())
	}
}
