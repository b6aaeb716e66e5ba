// Package configcmd implements `orgctl config get|set|unset|list|path`.
package configcmd

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/config"
	"github.com/orgctl/orgctl/pkg/output"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/provider/qovery"
	"github.com/orgctl/orgctl/pkg/provider/vertra"
	"github.com/orgctl/orgctl/pkg/providers"
)

// NewCmdConfig returns `orgctl config` and its subcommands.
func NewCmdConfig(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config <command>",
		Short: "Read and change orgctl's settings",
		Example: `$ orgctl config set provider qovery
$ orgctl config list`,
		Long: `Read and change the settings of the config file. Keys: ` + strings.Join(config.Keys(), ", ") + `.

With --profile NAME (or ORGCTL_PROFILE), get/list show that profile's view and
set/unset change profiles.NAME in the file. Tokens are always shown masked.`,
		Args: cobra.NoArgs,
	}
	deps := f.Deps()
	cmd.AddCommand(newCmdGet(deps), newCmdSet(deps), newCmdUnset(deps), newCmdList(deps), newCmdPath(deps))
	return cmd
}

// load reads the configuration; writing commands accept a profile that
// does not exist yet (set creates it).
func load(deps cmdutil.Deps, write bool) (*config.Config, error) {
	if !write {
		return deps.ReadConfig()
	}
	cfg, err := deps.Config()
	if err != nil {
		return nil, cmdutil.Usage(err)
	}
	return cfg, nil
}

// checkKey rejects a key orgctl does not know, listing those it does.
func checkKey(key string) error {
	if !slices.Contains(config.Keys(), key) {
		return cmdutil.Usage(fmt.Errorf("unknown key %q: valid keys are %s", key, strings.Join(config.Keys(), ", ")))
	}
	return nil
}

// completeKey completes the first argument with the config keys.
func completeKey(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return config.Keys(), cobra.ShellCompDirectiveNoFileComp
}

// show masks tokens: no command prints a whole one.
func show(key, value string) string {
	if config.IsToken(key) && value != "" {
		return config.Mask(value)
	}
	return value
}

func newCmdGet(deps cmdutil.Deps) *cobra.Command {
	return &cobra.Command{
		Use:               "get KEY",
		Short:             "Print a setting's resolved value (tokens masked)",
		Example:           `$ orgctl config get provider`,
		Args:              cmdutil.ExactArgs(1, "config get needs a key"),
		ValidArgsFunction: completeKey,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkKey(args[0]); err != nil {
				return err
			}
			cfg, err := load(deps, false)
			if err != nil {
				return err
			}
			fmt.Fprintln(deps.IO.Out, show(args[0], cfg.Get(args[0])))
			return nil
		},
	}
}

func newCmdSet(deps cmdutil.Deps) *cobra.Command {
	return &cobra.Command{
		Use:   "set KEY VALUE",
		Short: "Write a setting to the config file",
		Example: `$ orgctl config set provider vertra
$ orgctl config set qovery.plan team_2025
$ orgctl config set vertra.url https://api.vertracloud.app --profile staging`,
		Args: cmdutil.ExactArgs(2, "config set needs a key and a value"),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) == 1 { // the value: those the key takes, if it has a fixed set
				return cmdutil.ValueCompletions[args[0]], cobra.ShellCompDirectiveNoFileComp
			}
			return completeKey(cmd, args, toComplete)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			key := args[0]
			if err := checkKey(key); err != nil {
				return err
			}
			value, warning, err := normalize(key, args[1])
			if err != nil {
				return cmdutil.Usage(err)
			}
			cfg, err := load(deps, true)
			if err != nil {
				return err
			}
			if warning != "" {
				fmt.Fprintln(deps.IO.ErrOut, deps.IO.ErrColors().Yellow("warning:")+" "+warning)
			}
			return config.SetValue(cfg.Path, config.KeyPath(cfg.Profile, key), value)
		},
	}
}

// normalize checks a value for its key and returns it as stored.
func normalize(key, value string) (string, string, error) {
	switch key {
	case config.KeyProvider:
		name, err := provider.Canonical(value)
		return name, "", err
	case config.KeyOutput:
		f, err := output.ParseFormat(value)
		return string(f), "", err
	case config.KeyQoveryPlan:
		spec := provider.CreateSpec{Name: "x", Plan: value}
		warnings, err := qovery.Validate(&spec)
		if err != nil {
			return "", "", fmt.Errorf("%s", strings.Replace(err.Error(), "--plan", "qovery.plan", 1))
		}
		return spec.Plan, strings.Join(warnings, "; "), nil
	case config.KeyVertraAPI:
		v := strings.ToLower(value)
		if !slices.Contains(vertra.APIs(), v) {
			return "", "", fmt.Errorf("invalid vertra.api %q: use one of %s", value, strings.Join(vertra.APIs(), ", "))
		}
		return v, "", nil
	case config.KeyQoveryURL, config.KeyVertraURL:
		u, err := url.Parse(value)
		if err != nil || u.Host == "" {
			return "", "", fmt.Errorf("invalid %s %q: an absolute https:// URL, e.g. %s", key, value, providers.DefaultURL(strings.Split(key, ".")[0]))
		}
		return value, "", providers.CheckURL(value)
	case config.KeyQoveryToken, config.KeyVertraToken:
		if err := config.CheckToken(value); err != nil {
			return "", "", fmt.Errorf("invalid %s: the token %w", key, err)
		}
		return value, "a token on the command line stays in your shell history: prefer orgctl auth login", nil
	}
	return value, "", nil
}

func newCmdUnset(deps cmdutil.Deps) *cobra.Command {
	return &cobra.Command{
		Use:               "unset KEY",
		Short:             "Remove a setting from the config file",
		Example:           `$ orgctl config unset qovery.plan`,
		Args:              cmdutil.ExactArgs(1, "config unset needs a key"),
		ValidArgsFunction: completeKey,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkKey(args[0]); err != nil {
				return err
			}
			cfg, err := load(deps, true)
			if err != nil {
				return err
			}
			removed, err := config.UnsetValue(cfg.Path, config.KeyPath(cfg.Profile, args[0]))
			if err == nil && !removed {
				fmt.Fprintf(deps.IO.ErrOut, "%s is not set in %s.\n", args[0], cfg.Path)
			}
			return err
		},
	}
}

type entry struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Source string `json:"source"`
}

func newCmdList(deps cmdutil.Deps) *cobra.Command {
	var exporter cmdutil.Exporter
	cmd := &cobra.Command{
		Use:   "list",
		Short: "Show every setting, its value (tokens masked) and where it comes from",
		Example: `$ orgctl config list

# A profile's view, as JSON
$ orgctl config set provider vertra --profile staging
$ orgctl config list --profile staging -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := load(deps, false)
			if err != nil {
				return err
			}
			entries := make([]entry, 0, len(config.Keys()))
			for _, k := range config.Keys() {
				entries = append(entries, entry{Key: k, Value: show(k, cfg.Get(k)), Source: cfg.Source(k)})
			}
			format, err := output.ParseFormat(cfg.Get(config.KeyOutput))
			if err != nil {
				return cmdutil.Usage(err)
			}
			return cmdutil.Print(deps.IO, format, &exporter, entries, func(v output.View) error {
				t := v.Table("KEY", "VALUE", "SOURCE")
				for _, e := range entries {
					value := e.Value
					if value == "" {
						value = "-"
					}
					t.AddRow(e.Key, value, e.Source)
				}
				return t.Render()
			})
		},
	}
	cmdutil.AddFormatFlags(cmd, &exporter)
	cmdutil.AddNoHeadersFlag(cmd, &exporter)
	return cmd
}

func newCmdPath(deps cmdutil.Deps) *cobra.Command {
	return &cobra.Command{
		Use:     "path",
		Short:   "Print the config file's path",
		Example: `$ orgctl config path`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := load(deps, true)
			if err != nil {
				return err
			}
			fmt.Fprintln(deps.IO.Out, cfg.Path)
			return nil
		},
	}
}
