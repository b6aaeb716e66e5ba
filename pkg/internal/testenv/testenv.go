// Package testenv isolates a test from the developer's orgctl settings.
package testenv

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/orgctl/orgctl/pkg/config"
)

// Isolate unsets every environment variable orgctl reads and points the
// config directory at an empty temporary one, for the test's duration. It
// returns the default config file's path there.
func Isolate(t testing.TB) string {
	t.Helper()
	// A test run inside GitHub Actions must not append to the job's summary.
	vars := []string{config.EnvConfig, config.EnvProfile, "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "ORGCTL_SUMMARY"}
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
	return filepath.Join(dir, "orgctl", "config.yaml")
}
