// Package completion implements `orgctl completion`.
package completion

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/text"
)

// Shells are the shells orgctl writes completion scripts for.
var Shells = []string{"bash", "zsh", "fish", "powershell"}

// NewCmdCompletion builds `orgctl completion SHELL`.
func NewCmdCompletion(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print the shell completion script for bash, zsh, fish or PowerShell",
		Long: `Print the script that makes the shell complete orgctl's commands, flags and
values: providers, plans, output formats, config keys and profiles.

The deb and rpm packages install the scripts for bash, zsh and fish already;
release archives carry them in completions/. Otherwise:

Bash (needs the bash-completion package):
    # in this shell only
    source <(orgctl completion bash)
    # for every new shell
    mkdir -p ~/.local/share/bash-completion/completions
    orgctl completion bash > ~/.local/share/bash-completion/completions/orgctl

Zsh:
    # once, if your ~/.zshrc has no "autoload -U compinit; compinit" yet
    echo "autoload -U compinit; compinit" >> ~/.zshrc
    # into a directory of $fpath, then start a new shell
    orgctl completion zsh > "${fpath[1]}/_orgctl"

Fish:
    mkdir -p ~/.config/fish/completions
    orgctl completion fish > ~/.config/fish/completions/orgctl.fish

PowerShell:
    # in this session only
    orgctl completion powershell | Out-String | Invoke-Expression
    # for every new session: append that line to your profile
    Add-Content $PROFILE "orgctl completion powershell | Out-String | Invoke-Expression"`,
		Example: `# Bash, in this shell
$ source <(orgctl completion bash)

# Fish, for good
$ mkdir -p ~/.config/fish/completions
$ orgctl completion fish > ~/.config/fish/completions/orgctl.fish`,
		ValidArgs:             Shells,
		Args:                  cmdutil.ExactArgs(1, "completion needs a shell: bash, zsh, fish or powershell"),
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return Write(cmd.Root(), args[0], f.IOStreams.Out)
		},
	}
}

// Write writes root's completion script for shell, with descriptions.
func Write(root *cobra.Command, shell string, w io.Writer) error {
	switch shell {
	case "bash":
		return root.GenBashCompletionV2(w, true)
	case "zsh":
		return root.GenZshCompletion(w)
	case "fish":
		return root.GenFishCompletion(w, true)
	case "powershell":
		return root.GenPowerShellCompletionWithDesc(w)
	}
	return cmdutil.Usage(fmt.Errorf("unsupported shell %s: use bash, zsh, fish or powershell", text.Quote(shell)))
}
