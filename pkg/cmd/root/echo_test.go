package root

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/internal/testenv"
	"github.com/orgctl/orgctl/pkg/iostreams"
	"github.com/orgctl/orgctl/pkg/manifest"
)

// TestBadValuesAreEchoedCapped: a 128 KiB value given where orgctl expects a
// short one (a flag, an argument, the config path, a manifest field) is
// refused with exit 2 and one short error line that quotes its first
// text.QuoteMax characters and its length, never the whole value.
func TestBadValuesAreEchoedCapped(t *testing.T) {
	long := strings.Repeat("a", 128<<10)
	capped := `"` + strings.Repeat("a", 64) + `…" (131072 characters)`
	dir := t.TempDir()
	path := filepath.Join(dir, "m.json")
	if err := os.WriteFile(path, []byte(`[{"name":"acme","provider":"vertra","`+long+`":"x"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good.json")
	if err := os.WriteFile(good, []byte(`[{"name":"acme","provider":"vertra"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string // the whole stderr line after "error: "
	}{
		{"--provider", []string{"list", "--provider", long},
			"unknown provider " + capped + ": valid values are qovery, vertra, vertracloud"},
		{"-o", []string{"list", "--provider", "vertra", "-o", long},
			"unknown output format " + capped + ": use one of table, wide, json, yaml"},
		{"--config", []string{"list", "--provider", "vertra", "--config", filepath.Join(dir, long)},
			"reading config file " + `"` + (dir + "/" + long)[:64] + `…" (` + strconv.Itoa(len(dir)+1+len(long)) + ` characters): file name too long`},
		{"--plan", []string{"create", "--provider", "qovery", "--name", "acme", "--plan", long, "--dry-run"},
			"--plan " + capped + " is not a Qovery plan: use one of FREE, TEAM, TEAM_YEARLY, ENTERPRISE, ENTERPRISE_YEARLY, PROFESSIONAL, BUSINESS, USER_2025, TEAM_2025, BUSINESS_2025, ENTERPRISE_2025"},
		{"--name with an ESC", []string{"create", "--provider", "vertra", "--name", long + "\x1b", "--dry-run"},
			`--name "` + strings.Repeat("a", 64) + `…" (131073 characters) contains a control character or invisible formatting (\x1b)`},
		{"a Qovery name past 255 characters", []string{"create", "--provider", "qovery", "--name", long, "--plan", "TEAM_2025", "--dry-run"},
			"--name is 131072 characters long; the maximum is 255"},
		{"a manifest key", []string{"create", "-f", path, "--dry-run"},
			"manifest " + path + ": entry 1 (line 1): " + capped + ": unknown field " + capped + " (fields: " + strings.Join(manifest.Fields(), ", ") + ")"},
		{"--timeout", []string{"list", "--timeout", long},
			`invalid argument ` + capped + ` for "--timeout" flag: time: invalid duration ` + capped},
		{"an unknown flag", []string{"list", "--" + long},
			`unknown flag: "--` + strings.Repeat("a", 62) + `…" (131074 characters)`},
		{"an unknown command", []string{long},
			`unknown command ` + capped + ` for "orgctl"`},
		{"ORGCTL_SUMMARY", []string{"create", "-f", good, "--dry-run"},
			`ORGCTL_SUMMARY must be 1 or 0, got ` + capped},
		{"apply PLAN", []string{"apply", long},
			"plan " + capped + ": file name too long"},
		{"diff -f", []string{"diff", "-f", long},
			"manifest " + capped + ": file name too long"},
		{"--junit", []string{"diff", "-f", good, "--junit", long},
			"--junit " + capped + ": file name too long"},
	}
	env := map[string][]string{ // NAME=VALUE a row needs
		"ORGCTL_SUMMARY": {"GITHUB_ACTIONS=true", "GITHUB_STEP_SUMMARY=" + filepath.Join(dir, "summary.md"), "ORGCTL_SUMMARY=" + long},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testenv.Isolate(t)
			t.Setenv("GITHUB_ACTIONS", "")
			for _, kv := range env[tt.name] {
				k, v, _ := strings.Cut(kv, "=")
				t.Setenv(k, v)
			}
			ios, _, out, errOut := iostreams.Test()
			code := Run(context.Background(), ios, tt.args)
			if got := errOut.String(); code != 2 || got != "error: "+tt.want+"\n" || out.Len() != 0 {
				t.Errorf("exit %d, stdout %d bytes\nstderr %.300q (%d bytes)\nwant   %.300q", code, out.Len(), got, len(got), "error: "+tt.want+"\n")
			}
		})
	}
}
