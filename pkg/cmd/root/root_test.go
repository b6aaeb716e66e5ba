package root

import (
	"context"
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

// TestStubsMatchTheCommands: the stubs a run puts in place of the commands
// it does not build show what the commands themselves would show.
func TestStubsMatchTheCommands(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	f := cmdutil.New(ios)
	full := NewCmdRoot(f)
	stubbed := newCmdRootFor(f, []string{"--help"})
	if len(full.Commands()) != len(stubbed.Commands()) {
		t.Fatalf("%d stubs for %d commands", len(stubbed.Commands()), len(full.Commands()))
	}
	for _, cmd := range full.Commands() {
		stub, _, err := stubbed.Find([]string{cmd.Name()})
		if err != nil || stub == stubbed {
			t.Errorf("no stub for %s", cmd.Name())
			continue
		}
		if stub.Short != cmd.Short || strings.Join(stub.Aliases, ",") != strings.Join(cmd.Aliases, ",") ||
			stub.IsAvailableCommand() != cmd.IsAvailableCommand() || stub.IsAdditionalHelpTopicCommand() != cmd.IsAdditionalHelpTopicCommand() {
			t.Errorf("stub %s = %q %v, command = %q %v", cmd.Name(), stub.Short, stub.Aliases, cmd.Short, cmd.Aliases)
		}
	}
}

// TestOnlyTheNamedCommandIsBuilt: a run builds the command its arguments
// name (past the root's flags and their values) and no other; a line that
// names none cleanly gets them all.
func TestOnlyTheNamedCommandIsBuilt(t *testing.T) {
	built := func(tree *cobra.Command) []string {
		var names []string
		for _, c := range tree.Commands() {
			if c.HasFlags() || c.HasSubCommands() || c.Long != "" {
				names = append(names, c.Name())
			}
		}
		return names
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"create", "--name", "acme"}, "create"},
		{[]string{"--config", "c.yaml", "-o", "json", "--sandbox", "ls"}, "list"},
		{[]string{"--profile=ci", "config", "set", "provider", "vertra"}, "config"},
		{[]string{"--help"}, ""},
		{[]string{}, ""},
		{[]string{"--version"}, ""},
		{[]string{"help", "exit-codes"}, "all"},
		{[]string{cobra.ShellCompRequestCmd, "create", "--"}, "all"},
		{[]string{"crate"}, "all"},
	} {
		ios, _, _, _ := iostreams.Test()
		got := strings.Join(built(newCmdRootFor(cmdutil.New(ios), tc.args)), ",")
		want := tc.want
		if want == "all" {
			want = strings.Join(built(NewCmdRoot(cmdutil.New(ios))), ",")
		}
		if got != want {
			t.Errorf("%q built %q, want %q", tc.args, got, want)
		}
	}
}

// TestSignalsWatchedOnlyForACommand: a command that runs has SIGINT,
// SIGTERM and SIGHUP watched before it starts; help, --version and a
// shell's completion request start no watch (it costs a thread).
func TestSignalsWatchedOnlyForACommand(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		watched bool
	}{
		{[]string{"version"}, true},
		{[]string{"config", "path"}, true},
		{[]string{"--help"}, false},
		{[]string{"--version"}, false},
		{[]string{"help", "create"}, false},
		{[]string{cobra.ShellCompRequestCmd, "cre"}, false},
	} {
		ios, _, _, _ := iostreams.Test()
		watched := false
		if code := run(context.Background(), ios, tc.args, func() { watched = true }); code != 0 {
			t.Errorf("%q: exit %d", tc.args, code)
		}
		if watched != tc.watched {
			t.Errorf("%q: signals watched = %v, want %v", tc.args, watched, tc.watched)
		}
	}
}
