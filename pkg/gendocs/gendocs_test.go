package gendocs

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/orgctl/orgctl/pkg/cmd/root"
	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/iostreams"
)

func tree() *cobra.Command {
	ios, _, _, _ := iostreams.Test()
	return root.NewCmdRoot(cmdutil.New(ios))
}

func generate(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := Generate(tree(), dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestEveryCommandHasItsPages checks a markdown page and a man page per
// command, named as the man and markdown links expect, and the scripts.
func TestEveryCommandHasItsPages(t *testing.T) {
	dir := generate(t)
	cmdutil.VisitCommands(tree(), func(cmd *cobra.Command) {
		md := read(t, filepath.Join(dir, MarkdownDir, strings.ReplaceAll(cmd.CommandPath(), " ", "_")+".md"))
		if !strings.HasPrefix(md, "## "+cmd.CommandPath()+"\n") || !strings.Contains(md, cmd.Short) {
			t.Errorf("markdown page of %s: %.80q", cmd.CommandPath(), md)
		}
		man := read(t, filepath.Join(dir, ManDir, strings.ReplaceAll(cmd.CommandPath(), " ", "-")+".1"))
		if !strings.Contains(man, `.TH "`+strings.ToUpper(strings.ReplaceAll(cmd.CommandPath(), " ", "-"))+`" "1" "" "orgctl" "orgctl manual"`) {
			t.Errorf("man page of %s has header %.120q", cmd.CommandPath(), man)
		}
	})
	for shell, file := range CompletionFiles {
		if s := read(t, filepath.Join(dir, CompletionsDir, file)); !strings.Contains(s, "__complete") {
			t.Errorf("%s script %s does not call orgctl __complete", shell, file)
		}
	}
}

// TestHelpTopicsHavePages: `orgctl help environment` is also a section 7
// man page (orgctl-environment(7)) and a markdown page, with no synopsis or
// options: a topic is read, not run.
func TestHelpTopicsHavePages(t *testing.T) {
	dir := generate(t)
	for _, topic := range []string{"environment", "exit-codes"} {
		man := read(t, filepath.Join(dir, ManDir, "orgctl-"+topic+".7"))
		if !strings.Contains(man, `.TH "ORGCTL-`+strings.ToUpper(topic)+`" "7" "" "orgctl" "orgctl manual"`) ||
			strings.Contains(man, ".SH SYNOPSIS") || strings.Contains(man, ".SH OPTIONS") || !strings.Contains(man, `\fBorgctl(1)\fP`) {
			t.Errorf("man page of topic %s:\n%s", topic, man)
		}
		if md := read(t, filepath.Join(dir, MarkdownDir, "orgctl_"+topic+".md")); !strings.HasPrefix(md, "## orgctl "+topic+"\n") {
			t.Errorf("markdown page of topic %s: %.80q", topic, md)
		}
	}
}

// TestGenerateIsReproducible: CI compares a fresh run with the committed
// files, which only works if two runs agree.
func TestGenerateIsReproducible(t *testing.T) {
	a, b := generate(t), generate(t)
	for _, sub := range []string{CompletionsDir, MarkdownDir, ManDir} {
		entries, err := os.ReadDir(filepath.Join(a, sub))
		if err != nil || len(entries) == 0 {
			t.Fatalf("%s: %v, %d files", sub, err, len(entries))
		}
		for _, e := range entries {
			if read(t, filepath.Join(a, sub, e.Name())) != read(t, filepath.Join(b, sub, e.Name())) {
				t.Errorf("%s/%s differs between two runs", sub, e.Name())
			}
		}
	}
}

// TestGenerateRemovesStalePages: a page of a removed command must not survive.
func TestGenerateRemovesStalePages(t *testing.T) {
	dir := generate(t)
	stale := filepath.Join(dir, ManDir, "orgctl-removed.1")
	if err := os.WriteFile(stale, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Generate(tree(), dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale page survived: %v", err)
	}
}

// TestManPagesRender renders every page with man(1), as `man -l` does for
// a user, and fails on any warning of the formatter.
func TestManPagesRender(t *testing.T) {
	if _, err := exec.LookPath("man"); err != nil {
		if os.Getenv("ORGCTL_TEST_SHELLS") == "require" {
			t.Fatal("man is not installed")
		}
		t.Skip("man is not installed")
	}
	dir := generate(t)
	pages, _ := filepath.Glob(filepath.Join(dir, ManDir, "*.[17]"))
	for _, page := range pages {
		cmd := exec.Command("man", "--warnings", "-l", page)
		cmd.Env = append(os.Environ(), "MANWIDTH=80", "MANPAGER=cat", "PAGER=cat")
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil || errOut.Len() > 0 {
			t.Errorf("man -l %s: %v %s", filepath.Base(page), err, errOut.String())
		}
		name := strings.TrimSuffix(filepath.Base(page), filepath.Ext(page))
		if !regexp.MustCompile(`NAME\n\s+` + regexp.QuoteMeta(name) + `\s+- `).MatchString(out.String()) {
			t.Errorf("man -l %s renders no NAME section:\n%.300s", filepath.Base(page), out.String())
		}
	}
	if len(pages) < 10 {
		t.Errorf("only %d man pages", len(pages))
	}
}
