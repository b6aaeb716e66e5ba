// Package gendocs writes what is generated from orgctl's command tree: the
// shell completion scripts, a markdown page per command and the man pages.
package gendocs

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/orgctl/orgctl/pkg/cmd/completion"
	"github.com/orgctl/orgctl/pkg/cmdutil"
)

// Where the generated files go, relative to the repository root.
const (
	CompletionsDir = "completions"
	MarkdownDir    = "docs/cli"
	ManDir         = "docs/man"
)

// CompletionFiles names each shell's script as the shells look for it.
var CompletionFiles = map[string]string{
	"bash":       "orgctl.bash",
	"zsh":        "_orgctl",
	"fish":       "orgctl.fish",
	"powershell": "orgctl.ps1",
}

// Generate writes every generated file under root (a repository root),
// replacing what an earlier run wrote, so that a removed command leaves no
// stale page behind. The output depends only on the command tree.
func Generate(cmd *cobra.Command, root string) error {
	for _, dir := range []string{CompletionsDir, MarkdownDir, ManDir} {
		if err := os.RemoveAll(filepath.Join(root, dir)); err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			return err
		}
	}
	cmd.DisableAutoGenTag = true // no generation date: regenerating changes nothing
	for _, shell := range completion.Shells {
		var buf bytes.Buffer
		if err := completion.Write(cmd, shell, &buf); err != nil {
			return fmt.Errorf("%s completion: %w", shell, err)
		}
		if err := os.WriteFile(filepath.Join(root, CompletionsDir, CompletionFiles[shell]), buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	if err := doc.GenMarkdownTreeCustom(cmd, filepath.Join(root, MarkdownDir), func(string) string { return "" },
		func(name string) string { return name }); err != nil {
		return fmt.Errorf("markdown: %w", err)
	}
	var err error
	cmdutil.VisitCommands(cmd, func(c *cobra.Command) {
		if err == nil {
			err = genMan(c, "1", filepath.Join(root, ManDir))
		}
	})
	// Help topics (orgctl help environment) are section 7 pages, as git's
	// gitcredentials(7) are, and markdown pages beside the commands'.
	for _, c := range cmd.Commands() {
		if err != nil || !c.IsAdditionalHelpTopicCommand() {
			continue
		}
		if err = genMan(c, "7", filepath.Join(root, ManDir)); err != nil {
			break
		}
		var buf bytes.Buffer
		if err = doc.GenMarkdownCustom(c, &buf, func(name string) string { return name }); err == nil {
			err = os.WriteFile(filepath.Join(root, MarkdownDir, strings.ReplaceAll(c.CommandPath(), " ", "_")+".md"), buf.Bytes(), 0o644)
		}
	}
	return err
}

// genMan writes cmd's man page in a section: orgctl.1, orgctl-create.1, ...
func genMan(cmd *cobra.Command, section, dir string) error {
	header := &doc.GenManHeader{Title: strings.ToUpper(strings.ReplaceAll(cmd.CommandPath(), " ", "-")),
		Section: section, Source: "orgctl", Manual: "orgctl manual"}
	var buf bytes.Buffer
	if err := doc.GenMan(cmd, header, &buf); err != nil {
		return fmt.Errorf("man page of %s: %w", cmd.CommandPath(), err)
	}
	page := undate(buf.Bytes())
	if section == "7" { // a topic is read, not run: no synopsis, no options
		page = synopsis.ReplaceAll(page, []byte("$1"))
		page = options.ReplaceAll(page, []byte("$1"))
		page = bytes.ReplaceAll(page, []byte("(7)"), []byte("(1)")) // SEE ALSO: the commands
	}
	name := strings.ReplaceAll(cmd.CommandPath(), " ", "-") + "." + section
	return os.WriteFile(filepath.Join(dir, name), page, 0o644)
}

// synopsis is a man page's SYNOPSIS section, up to the next section.
var synopsis = regexp.MustCompile(`(?s)\.SH SYNOPSIS\n.*?(\.SH )`)

// options are a man page's OPTIONS sections, up to SEE ALSO.
var options = regexp.MustCompile(`(?s)\.SH OPTIONS\n.*?(\.SH SEE ALSO)`)

// thDate is the date field of a man page's .TH line, which cobra always
// fills with the current month.
var thDate = regexp.MustCompile(`(?m)^(\.TH "[^"]*" "[^"]*" )"[^"]*"`)

// undate empties the date field: a page that changes every month would make
// the committed pages stale without any change to orgctl.
func undate(page []byte) []byte {
	return thDate.ReplaceAll(page, []byte(`$1""`))
}
