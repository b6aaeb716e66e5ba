// Package golden compares a test's output with a file under testdata, or
// rewrites the file when the test runs with -update.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// Check compares got with testdata/name, or rewrites it with -update.
func Check(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it):\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// The sandbox's ids are random: a Qovery UUID, a VertraCloud org_<hex>
// (its _ escaped in Markdown).
var sandboxIDs = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|org\\?_[0-9a-f]{16}`)

// Stable replaces what changes from run to run in a report: the sandbox's
// ids, and the manifest's temporary path (as tenants.yaml).
func Stable(doc, manifest string) string {
	return sandboxIDs.ReplaceAllString(strings.ReplaceAll(doc, manifest, "tenants.yaml"), "ID")
}
