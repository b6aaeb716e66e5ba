// Package auth implements `orgctl auth login|status|logout`.
package auth

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/config"
	"github.com/orgctl/orgctl/pkg/output"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/provider/qovery"
	"github.com/orgctl/orgctl/pkg/providers"
)

// NewCmdAuth returns `orgctl auth` and its subcommands.
func NewCmdAuth(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auth <command>",
		Short: "Store, check and remove provider tokens",
		Example: `$ orgctl auth login --provider qovery
$ orgctl auth status`,
		Long: `Store a provider's token in the config file (0600), see where each token
comes from, and remove it. Environment variables still win over the file.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newCmdLogin(f), newCmdStatus(f), newCmdLogout(f))
	return cmd
}

// expiringSoon is how close to its expiry a JWT gets a warning.
const expiringSoon = 24 * time.Hour

func newCmdLogin(f *cmdutil.Factory) *cobra.Command {
	var withToken bool
	deps := f.Deps()
	cmd := &cobra.Command{
		Use:   "login --provider qovery|vertra [--with-token]",
		Short: "Store a provider token in the config file",
		Long: `Store a provider's token in the config file, created 0600 in a 0700
directory; other keys and comments in the file are kept.

On a terminal, orgctl asks for the token without echoing it. Otherwise pipe
it with --with-token. A token is never taken as an argument: arguments are
visible in the process list and the shell history.

orgctl checks what it can offline: the token's shape, and a Qovery JWT's
expiry (a warning when it has expired or expires within a day).`,
		Example: `# On a terminal: asks for the token without echoing it
$ orgctl auth login --provider qovery

# In a script: the token on standard input
$ echo "$VERTRA_TOKEN" | orgctl auth login --provider vertra --with-token
$ echo "$QOVERY_TOKEN" | orgctl auth login --provider qovery --with-token --profile staging`,
		Args: cmdutil.ExactArgs(0, "auth login takes no argument: the token is read from the terminal or, with --with-token, standard input"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ios := deps.IO
			cfg, err := deps.Config() // a new profile is fine: login creates it
			if err != nil {
				return cmdutil.Usage(err)
			}
			run, err := cmdutil.ResolveRun(cfg, "", ios, deps.Global, deps.HTTPClient())
			if err != nil {
				return err
			}
			var token string
			switch {
			case withToken:
				data, err := io.ReadAll(io.LimitReader(ios.In, 64<<10))
				if err != nil {
					return err
				}
				token = strings.TrimSpace(string(data))
			case ios.IsStdinTTY():
				fmt.Fprintf(ios.ErrOut, "Paste your %s token (it will not be shown): ", providers.DisplayName(run.Name))
				data, err := ios.ReadPassword()
				fmt.Fprintln(ios.ErrOut)
				if err != nil {
					return fmt.Errorf("reading the token: %w", err)
				}
				token = strings.TrimSpace(string(data))
			default:
				return cmdutil.Usage(fmt.Errorf("standard input is not a terminal: pipe the token and pass --with-token"))
			}
			ios.AddSecret(token)
			if err := checkShape(token); err != nil {
				return cmdutil.Usage(err)
			}
			warnExpiry(deps, run.Name, token)
			tokenKey, _ := providers.Keys(run.Name)
			if err := config.SetValue(run.Config.Path, config.KeyPath(run.Config.Profile, tokenKey), token); err != nil {
				return err
			}
			fmt.Fprintf(ios.ErrOut, "%s Logged in to %s: token %s stored in %s%s.\n", ios.ErrColors().Green("✓"),
				providers.DisplayName(run.Name), config.Mask(token), run.Config.Path, profileNote(run.Config.Profile))
			if src := run.Config.Source(tokenKey); strings.HasPrefix(src, "env ") {
				fmt.Fprintf(ios.ErrOut, "%s %s is set and wins over the file.\n", ios.ErrColors().Yellow("warning:"), strings.TrimPrefix(src, "env "))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&withToken, "with-token", false, "read the token from standard input")
	return cmd
}

// checkShape rejects what cannot be a token: empty, or with white space
// (a pasted line with a stray word, a trailing comment) or a control
// character (see config.CheckToken).
func checkShape(token string) error {
	if token == "" {
		return fmt.Errorf("no token given")
	}
	if err := config.CheckToken(token); err != nil {
		return fmt.Errorf("the token %w: paste only the token", err)
	}
	return nil
}

func warnExpiry(deps cmdutil.Deps, name, token string) {
	if name != provider.Qovery {
		return
	}
	exp, ok := config.JWTExpiry(token)
	if !ok {
		return
	}
	warn := deps.IO.ErrColors().Yellow("warning:")
	switch left := time.Until(exp); {
	case left <= 0:
		fmt.Fprintf(deps.IO.ErrOut, "%s this Qovery token expired on %s\n", warn, exp.UTC().Format(time.RFC3339))
	case left < expiringSoon:
		fmt.Fprintf(deps.IO.ErrOut, "%s this Qovery token expires in %s (%s)\n", warn, left.Round(time.Minute), exp.UTC().Format(time.RFC3339))
	}
}

func profileNote(profile string) string {
	if profile == "" {
		return ""
	}
	return " (profile " + profile + ")"
}

func newCmdStatus(f *cmdutil.Factory) *cobra.Command {
	deps := f.Deps()
	return &cobra.Command{
		Use:   "status",
		Short: "Show where each provider's token comes from",
		Long: `Show, for each provider, where its token comes from (a flag, an environment
variable, the config file, or nowhere), the token masked, its kind and, for a
JWT, its expiry. Exits 3 when the selected provider (--provider, or the
configured one) has no token, or, with none selected, when no provider has one.`,
		Example: `$ orgctl auth status
$ orgctl auth status --provider vertra || orgctl auth login --provider vertra`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := deps.ReadConfig()
			if err != nil {
				return err
			}
			selected := ""
			if name := cfg.Get(config.KeyProvider); name != "" {
				if selected, err = provider.Canonical(name); err != nil {
					return cmdutil.Usage(err)
				}
			}
			tw := output.NewView(deps.IO, output.Table, false).Table("PROVIDER", "TOKEN", "KIND", "EXPIRES", "SOURCE")
			missing := map[string]bool{}
			for _, name := range provider.Names() {
				tokenKey, _ := providers.Keys(name)
				token, source := cfg.Get(tokenKey), cfg.Source(tokenKey)
				if deps.Global.Sandbox {
					token, source = cmdutil.SandboxToken, "--sandbox"
				}
				if token == "" {
					missing[name] = true
					tw.AddRow(name, "-", "-", "-", "none")
					continue
				}
				kind, expires := "API token", "-"
				if name == provider.Qovery && qovery.IsJWT(token) {
					kind = "JWT"
					if exp, ok := config.JWTExpiry(token); ok {
						expires = exp.UTC().Format(time.RFC3339)
						if time.Until(exp) <= 0 {
							expires += " (expired)"
						}
					}
				}
				tw.AddRow(name, config.Mask(token), kind, expires, source)
			}
			if err := tw.Render(); err != nil {
				return err
			}
			if (selected != "" && missing[selected]) || (selected == "" && len(missing) == len(provider.Names())) {
				what := "no provider has a token"
				if selected != "" {
					what = "no " + providers.DisplayName(selected) + " token"
				}
				return &cmdutil.AuthError{Err: fmt.Errorf("%s: run orgctl auth login --provider %s", what, or(selected, "qovery|vertra"))}
			}
			return nil
		},
	}
}

func newCmdLogout(f *cmdutil.Factory) *cobra.Command {
	deps := f.Deps()
	return &cobra.Command{
		Use:     "logout --provider qovery|vertra",
		Short:   "Remove a provider's token from the config file",
		Example: `$ orgctl auth logout --provider vertra`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := deps.Config() // an unknown profile has nothing to remove
			if err != nil {
				return cmdutil.Usage(err)
			}
			run, err := cmdutil.ResolveRun(cfg, "", deps.IO, deps.Global, deps.HTTPClient())
			if err != nil {
				return err
			}
			tokenKey, _ := providers.Keys(run.Name)
			removed, err := config.UnsetValue(run.Config.Path, config.KeyPath(run.Config.Profile, tokenKey))
			if err != nil {
				return err
			}
			ios := deps.IO
			if removed {
				fmt.Fprintf(ios.ErrOut, "%s Removed the %s token from %s%s.\n", ios.ErrColors().Green("✓"),
					providers.DisplayName(run.Name), run.Config.Path, profileNote(run.Config.Profile))
			} else {
				fmt.Fprintf(ios.ErrOut, "No %s token is stored in %s%s.\n", providers.DisplayName(run.Name), run.Config.Path, profileNote(run.Config.Profile))
			}
			if src := run.Config.Source(tokenKey); strings.HasPrefix(src, "env ") {
				fmt.Fprintf(ios.ErrOut, "%s %s still sets a token.\n", ios.ErrColors().Yellow("warning:"), strings.TrimPrefix(src, "env "))
			}
			return nil
		},
	}
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
