// Package configcmd implements `orgctl config get|set|unset|list|path|use-profile|current-profile`.
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
Tokens that auth login stored in the system keyring are read and shown
(masked) as "keyring"; set and unset change only the file.

With --profile NAME (or ORGCTL_PROFILE, or the profile chosen with
use-profile), get/list show that profile's view and set/unset change
profiles.NAME in the file. Tokens are always shown masked.`,
		Args: cobra.NoArgs,
	}
	deps := f.Deps()
	cmd.AddCommand(newCmdGet(deps), newCmdSet(deps), newCmdUnset(deps), newCmdList(deps), newCmdPath(deps),
		newCmdUseProfile(deps), newCmdCurrentProfile(deps))
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
	var exporter cmdutil.Exporter
	cmd := &cobra.Command{
		Use:   "get KEY",
		Short: "Print a setting's resolved value (tokens masked)",
		Long: `Print a setting's resolved value (flag > environment > profile > file >
default), a token masked. -o json or -o yaml (given on the command line or in
ORGCTL_OUTPUT, not taken from the config file, so $(orgctl config get KEY)
stays a bare value) print {"key", "value", "source"}.`,
		Example: `$ orgctl config get provider
$ orgctl config get qovery.url -o json`,
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
			format := output.Table
			if src := cfg.Source(config.KeyOutput); strings.HasPrefix(src, "flag ") || strings.HasPrefix(src, "env ") {
				if format, err = output.ParseFormat(cfg.Get(config.KeyOutput)); err != nil {
					return cmdutil.Usage(err)
				}
			}
			e := entry{Key: args[0], Value: show(args[0], cfg.Get(args[0])), Source: cfg.Source(args[0])}
			return cmdutil.Print(deps.IO, format, &exporter, e, func(output.View) error {
				_, err := fmt.Fprintln(deps.IO.Out, e.Value)
				return err
			})
		},
	}
	cmdutil.AddFormatFlags(cmd, &exporter)
	return cmd
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
			if err := config.SetValue(cfg.Path, config.KeyPath(cfg.Profile, key), value); err != nil {
				return err
			}
			if src := cfg.Source(key); config.IsToken(key) && strings.HasPrefix(src, "keyring") {
				fmt.Fprintf(deps.IO.ErrOut, "%s the token in the keyring (%s) wins over the file's: orgctl auth logout removes it\n",
					deps.IO.ErrColors().Yellow("warning:"), src)
			}
			if cfg.File == "" { // a new file: Load had nothing to check
				for _, w := range config.PermissionWarnings(cfg.Path) {
					fmt.Fprintln(deps.IO.ErrOut, deps.IO.ErrColors().Yellow("warning:")+" "+w)
				}
			}
			return nil
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
	case config.KeyAuthStorage:
		v := strings.ToLower(value)
		if !slices.Contains(config.StorageValues(), v) {
			return "", "", fmt.Errorf("invalid %s %q: use one of %s", key, value, strings.Join(config.StorageValues(), ", "))
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

func newCmdUseProfile(deps cmdutil.Deps) *cobra.Command {
	var clear bool
	cmd := &cobra.Command{
		Use:   "use-profile NAME | --clear",
		Short: "Make a profile the one used when --profile and ORGCTL_PROFILE are absent",
		Long: `Write current_profile to the config file: every later command uses that
profile unless --profile or ORGCTL_PROFILE names another. The profile must be
in the file (create it with config set ... --profile NAME or auth login
--profile NAME). --clear goes back to the top level of the file.`,
		Example: `$ orgctl config set provider vertra --profile staging
$ orgctl config use-profile staging
$ orgctl config current-profile
$ orgctl config use-profile --clear`,
		Args: func(cmd *cobra.Command, args []string) error {
			if clear {
				return cmdutil.ExactArgs(0, "config use-profile --clear takes no profile")(cmd, args)
			}
			return cmdutil.ExactArgs(1, "config use-profile needs a profile name (or --clear)")(cmd, args)
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if cfg, err := deps.Config(); err == nil && len(args) == 0 {
				return cfg.Profiles(), cobra.ShellCompDirectiveNoFileComp
			}
			return nil, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := load(deps, true)
			if err != nil {
				return err
			}
			ios := deps.IO
			if clear {
				removed, err := config.UnsetValue(cfg.Path, []string{config.KeyCurrentProfile})
				if err == nil && removed {
					fmt.Fprintf(ios.ErrOut, "%s No current profile: the top level of %s is used.\n", ios.ErrColors().Green("✓"), cfg.Path)
				} else if err == nil {
					fmt.Fprintf(ios.ErrOut, "No current profile was set in %s.\n", cfg.Path)
				}
				return err
			}
			name := strings.ToLower(args[0])
			if !slices.Contains(cfg.Profiles(), name) {
				have := "has no profiles"
				if len(cfg.Profiles()) > 0 {
					have = "has " + strings.Join(cfg.Profiles(), ", ")
				}
				where := cfg.File
				if where == "" {
					where = cfg.Path + " (not created yet)"
				}
				return cmdutil.Usage(fmt.Errorf("unknown profile %q: %s %s; create it with orgctl config set KEY VALUE --profile %s", args[0], where, have, args[0]))
			}
			if err := config.SetValue(cfg.Path, []string{config.KeyCurrentProfile}, name); err != nil {
				return err
			}
			fmt.Fprintf(ios.ErrOut, "%s Using profile %s (current_profile in %s).\n", ios.ErrColors().Green("✓"), name, cfg.Path)
			if strings.HasPrefix(cfg.ProfileFrom, "env ") || strings.HasPrefix(cfg.ProfileFrom, "flag ") {
				fmt.Fprintf(ios.ErrOut, "%s %s selects %s for this command; it wins over current_profile.\n", ios.ErrColors().Yellow("warning:"),
					strings.TrimPrefix(strings.TrimPrefix(cfg.ProfileFrom, "env "), "flag "), cfg.Profile)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&clear, "clear", false, "use the top level of the config file again")
	return cmd
}

// currentProfile is what `config current-profile -o json` prints.
type currentProfile struct {
	Profile *string `json:"profile"` // null: the top level of the file
	Source  *string `json:"source"`  // what selected it
}

func newCmdCurrentProfile(deps cmdutil.Deps) *cobra.Command {
	var exporter cmdutil.Exporter
	cmd := &cobra.Command{
		Use:   "current-profile",
		Short: "Print the profile in effect and what selected it",
		Long: `Print the name of the profile in effect: --profile, else ORGCTL_PROFILE, else
the config file's current_profile (see use-profile). With none, stdout stays
empty and stderr says the top level of the file is used. -o json prints
{"profile", "source"}, both null when no profile is selected.`,
		Example: `$ orgctl config current-profile
$ orgctl config current-profile -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := load(deps, false)
			if err != nil {
				return err
			}
			var cur currentProfile
			if cfg.Profile != "" {
				cur = currentProfile{Profile: &cfg.Profile, Source: &cfg.ProfileFrom}
			}
			format, err := output.ParseFormat(cfg.Get(config.KeyOutput))
			if err != nil {
				return cmdutil.Usage(err)
			}
			return cmdutil.Print(deps.IO, format, &exporter, cur, func(output.View) error {
				if cur.Profile == nil {
					_, err := fmt.Fprintln(deps.IO.ErrOut, "No profile selected: orgctl uses the top level of the config file.")
					return err
				}
				_, err := fmt.Fprintln(deps.IO.Out, cfg.Profile)
				return err
			})
		},
	}
	cmdutil.AddFormatFlags(cmd, &exporter)
	return cmd
}
