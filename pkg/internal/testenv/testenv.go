// Package testenv isolates a test from the developer's orgctl settings.
package testenv

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/orgctl/orgctl/pkg/config"
	"github.com/orgctl/orgctl/pkg/keyring"
	"github.com/orgctl/orgctl/pkg/keyring/keyringtest"
)

// Isolate unsets every environment variable orgctl reads and points the
// config directory at an empty temporary one, for the test's duration. It
// returns the default config file's path there. Tokens are stored in the
// file (auth.storage file), and the keyring is an empty fake: no test
// reaches the developer's real keyring; Keyring brings it in.
func Isolate(t testing.TB) string {
	t.Helper()
	// A test run inside GitHub Actions must not append to the job's summary,
	// nor one under CI change where tokens are stored.
	vars := []string{config.EnvConfig, config.EnvProfile, "CI", "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "ORGCTL_SUMMARY"}
	for _, k := range config.Keys() {
		vars = append(vars, config.EnvVars(k)...)
	}
	for _, e := range vars {
		t.Setenv(e, "") // restores the old value afterwards
		os.Unsetenv(e)
	}
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir()) // the --sandbox state
	t.Setenv("ORGCTL_AUTH_STORAGE", config.StorageFile)
	t.Cleanup(keyring.Replace(keyringtest.New()))
	return filepath.Join(dir, "orgctl", "config.yaml")
}

// Keyring is Isolate's environment with the keyring in use (auth.storage
// auto): it returns the fake that stands for it.
func Keyring(t testing.TB) *keyringtest.Fake {
	t.Helper()
	t.Setenv("ORGCTL_AUTH_STORAGE", "")
	fake := keyringtest.New()
	t.Cleanup(keyring.Replace(fake))
	return fake
}
