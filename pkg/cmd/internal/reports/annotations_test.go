package reports

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/iostreams"
	"github.com/orgctl/orgctl/pkg/output"
	"github.com/orgctl/orgctl/pkg/report"
)

// flags parses args into the report flags, as a command would.
func flags(t *testing.T, args ...string) *Flags {
	t.Helper()
	var f Flags
	cmd := &cobra.Command{Use: "x"}
	AddFlags(cmd, &f)
	if err := cmd.ParseFlags(args); err != nil {
		t.Fatal(err)
	}
	return &f
}

func TestAnnotating(t *testing.T) {
	for _, c := range []struct {
		vars map[string]string
		args []string
		want bool
	}{
		{map[string]string{"GITHUB_ACTIONS": "true"}, nil, true},
		{map[string]string{}, nil, false},
		{map[string]string{"GITHUB_ACTIONS": "1"}, nil, false},  // the runner sets "true"
		{map[string]string{}, []string{"--annotations"}, false}, // never outside Actions
		{map[string]string{"GITHUB_ACTIONS": "true", "ORGCTL_ANNOTATIONS": "0"}, nil, false},
		{map[string]string{"GITHUB_ACTIONS": "true", "ORGCTL_ANNOTATIONS": "off"}, nil, false},
		{map[string]string{"GITHUB_ACTIONS": "true"}, []string{"--annotations=false"}, false},
		{map[string]string{"GITHUB_ACTIONS": "true", "ORGCTL_ANNOTATIONS": "0"}, []string{"--annotations"}, true}, // the flag wins
	} {
		if got, err := Annotating(flags(t, c.args...), env(c.vars)); got != c.want || err != nil {
			t.Errorf("%v %v: %v %v, want %v", c.vars, c.args, got, err, c.want)
		}
	}
	if _, err := Annotating(nil, env(map[string]string{"GITHUB_ACTIONS": "true", "ORGCTL_ANNOTATIONS": "maybe"})); cmdutil.ExitCode(err) != cmdutil.ExitUsage {
		t.Errorf("ORGCTL_ANNOTATIONS=maybe: %v, want a usage error", err)
	}
}

// TestJUnitAndAnnotationsAreRedacted: a token in a row reaches neither the
// JUnit file nor the annotations, in any spelling their escaping makes.
func TestJUnitAndAnnotationsAreRedacted(t *testing.T) {
	const token = "vtk_s3cr3t:api,token%&<"
	ios, _, _, errOut := iostreams.Test()
	ios.AddSecret(token)
	path := filepath.Join(t.TempDir(), "junit.xml")
	w, err := New(Options{IO: ios, Command: "apply", Format: output.JSON, Flags: flags(t, "--junit", path),
		Getenv: env(map[string]string{"GITHUB_ACTIONS": "true"}), Manifest: "m.yaml"})
	if err != nil || len(w) == 0 {
		t.Fatalf("%v %v", w, err)
	}
	_ = w.Add(report.Row{Provider: "vertra", Name: "acme", Action: "update", Status: "failed", ExitCode: 3,
		Error: "401: bad token " + token, Index: 1, Line: 2})
	if err := Close(w, report.Summary{Command: "apply"}, nil); err != nil {
		t.Fatal(err)
	}
	file, _ := os.ReadFile(path)
	var parsed struct{}
	if err := xml.Unmarshal(file, &parsed); err != nil {
		t.Fatalf("the report: %v", err)
	}
	if !strings.Contains(errOut.String(), "::error file=m.yaml,line=2,") {
		t.Errorf("no annotation: %q", errOut.String())
	}
	for where, doc := range map[string]string{"annotations": errOut.String(), "junit": string(file)} {
		if strings.Contains(doc, "s3cr3t") {
			t.Errorf("the token is in the %s:\n%s", where, doc)
		}
	}
}

// TestJUnitFileMustBeWritable: a missing directory is a usage error from
// New, before the command sends anything, and leaves no file behind.
func TestJUnitFileMustBeWritable(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	dir := t.TempDir()
	_, err := New(Options{IO: ios, Command: "diff", Format: output.JSON, Flags: flags(t, "--junit", filepath.Join(dir, "nope", "j.xml")), Getenv: env(nil)})
	if cmdutil.ExitCode(err) != cmdutil.ExitUsage {
		t.Errorf("%v, want a usage error", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}
