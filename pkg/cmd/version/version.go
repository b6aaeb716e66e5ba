// Package version implements `orgctl version`.
package version

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/orgctl/orgctl/pkg/build"
	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/config"
	"github.com/orgctl/orgctl/pkg/iostreams"
	"github.com/orgctl/orgctl/pkg/output"
)

// VersionOptions are the dependencies of one `version` run.
type VersionOptions struct {
	IO *iostreams.IOStreams
	// Format is the -o value: the flag, ORGCTL_OUTPUT or the config file.
	Format   func() (output.Format, error)
	Info     build.Info
	Exporter cmdutil.Exporter
}

// NewCmdVersion builds the command; tests pass runF to capture the options.
func NewCmdVersion(f *cmdutil.Factory, runF func(*VersionOptions) error) *cobra.Command {
	opts := &VersionOptions{IO: f.IOStreams, Info: build.Current(), Format: func() (output.Format, error) {
		s := f.Viper.GetString(config.KeyOutput) // the flag or the environment
		// The config file may say json too; a broken one must not hide
		// the version, which is what a bug report needs first.
		if cfg, err := f.Config(); err == nil {
			s = cfg.Get(config.KeyOutput)
		}
		format, err := output.ParseFormat(s)
		if err != nil {
			return "", cmdutil.Usage(err)
		}
		return format, nil
	}}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print orgctl's version, commit and build date",
		Long: `Print the version, the git commit and the build date of this orgctl, with the
Go version and platform it was built for. Release binaries carry what the
release stamped; binaries from ` + "`go install`" + ` or ` + "`go build`" + ` show what the Go
toolchain recorded. ` + "`orgctl --version`" + ` prints the same line.`,
		Example: `$ orgctl version
$ orgctl version -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return versionRun(opts)
		},
	}
	cmdutil.AddFormatFlags(cmd, &opts.Exporter)
	return cmd
}

func versionRun(opts *VersionOptions) error {
	format, err := opts.Format()
	if err != nil {
		return err
	}
	return cmdutil.Print(opts.IO, format, &opts.Exporter, opts.Info, func(output.View) error {
		_, err := fmt.Fprintln(opts.IO.Out, opts.Info)
		return err
	})
}
