package root

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/iostreams"
)

// TestEveryCommandIsDocumented holds the tree to what the generated
// reference needs: a one-line description for every command and flag, an
// example for every command, and a completion for every flag value, so
// that no shell offers file names where orgctl expects none.
func TestEveryCommandIsDocumented(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	tree := NewCmdRoot(cmdutil.New(ios))
	forCompletion(tree, []string{cobra.ShellCompRequestCmd}) // as a shell's request would
	cmdutil.VisitCommands(tree, func(cmd *cobra.Command) {
		path := cmd.CommandPath()
		if cmd.Short == "" || strings.Contains(cmd.Short, "\n") || strings.HasSuffix(cmd.Short, ".") {
			t.Errorf("%s: Short %q must be one line without a final period", path, cmd.Short)
		}
		if !strings.Contains(cmd.Example, "$ orgctl ") {
			t.Errorf("%s has no example", path)
		}
		// An installed orgctl has no repository beside it: help points at
		// help topics or at URLs, never at a relative docs/ path.
		if text := strings.ReplaceAll(cmd.Long+cmd.Example, "orgctl/blob/main/docs/", ""); strings.Contains(text, "docs/") {
			t.Errorf("%s: help points at a repository path: %q", path, text)
		}
		check := func(fl *pflag.Flag) {
			if fl.Usage == "" || strings.Contains(fl.Usage, "\n") {
				t.Errorf("%s --%s: usage %q must be one line", path, fl.Name, fl.Usage)
			}
			if _, ok := cmd.GetFlagCompletionFunc(fl.Name); !ok && fl.NoOptDefVal == "" && fl.Name != "help" {
				t.Errorf("%s --%s has no completion", path, fl.Name)
			}
		}
		cmd.LocalFlags().VisitAll(check)
	})
}

// TestCompletionMetadataOnlyWhenAsked: an ordinary run does not walk the
// tree to register "no file names" completions; a completion request does.
func TestCompletionMetadataOnlyWhenAsked(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	tree := NewCmdRoot(cmdutil.New(ios))
	list, _, err := tree.Find([]string{"list"})
	if err != nil {
		t.Fatal(err)
	}
	if list.ValidArgsFunction != nil {
		t.Fatal("completion metadata built for an ordinary run")
	}
	forCompletion(tree, []string{cobra.ShellCompRequestCmd, "list", ""})
	if list.ValidArgsFunction == nil {
		t.Error("a completion request did not get its metadata")
	}
}
