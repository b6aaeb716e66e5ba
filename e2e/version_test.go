package e2e

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	line := "orgctl version 1.2.3 (commit 0123456, built 2026-11-25T08:00:00Z, " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + ")\n"
	for _, args := range [][]string{{"version"}, {"--version"}, {"-v"}} {
		if r := orgctl(t, env(t), args...); r.code != 0 || r.out != line || r.errOut != "" {
			t.Errorf("orgctl %v = %d %q %q, want 0 %q", args, r.code, r.out, r.errOut, line)
		}
	}

	r := orgctl(t, env(t), "version", "-o", "json")
	var got map[string]any
	if err := json.Unmarshal([]byte(r.out), &got); err != nil || r.code != 0 {
		t.Fatalf("version -o json = %d %q: %v", r.code, r.out, err)
	}
	want := map[string]any{"version": stampVersion, "commit": stampCommit, "date": stampDate,
		"go_version": runtime.Version(), "platform": runtime.GOOS + "/" + runtime.GOARCH}
	if len(got) != len(want) {
		t.Errorf("version -o json = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("version -o json: %s = %v, want %v", k, got[k], v)
		}
	}

	// A broken config file must not hide the version; ORGCTL_OUTPUT applies.
	e := env(t, "ORGCTL_CONFIG=/nonexistent/config.yaml", "ORGCTL_OUTPUT=yaml")
	if r := orgctl(t, e, "version"); r.code != 0 || !strings.HasPrefix(r.out, "version: 1.2.3\n") {
		t.Errorf("version with a missing config file = %d %q %q", r.code, r.out, r.errOut)
	}
	if r := orgctl(t, env(t), "version", "-o", "xml"); r.code != 2 || r.errOut != "error: unknown output format \"xml\": use one of table, wide, json, yaml\n" {
		t.Errorf("version -o xml = %d %q", r.code, r.errOut)
	}
}
