// Package auth implements `orgctl auth login|status|logout|token`.
package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/config"
	"github.com/orgctl/orgctl/pkg/keyring"
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
		Long: `Store a provider's token in the system keyring (or the 0600 config file
where there is none) once the provider has accepted it, see where each
token comes from and whether it still works, print it for another tool,
and remove it. Flags and environment variables still win over what is
stored; the keyring wins over the file.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newCmdLogin(f), newCmdStatus(f), newCmdLogout(f), newCmdToken(f))
	return cmd
}

// expiringSoon is how close to its expiry a JWT gets a warning.
const expiringSoon = 24 * time.Hour

func newCmdLogin(f *cmdutil.Factory) *cobra.Command {
	var withToken, skipVerify, insecure bool
	deps := f.Deps()
	cmd := &cobra.Command{
		Use:   "login --provider qovery|vertra [--with-token] [--skip-verify] [--insecure-storage]",
		Short: "Store a provider token in the system keyring or the config file",
		Long: `Store a provider's token in the system keyring (service orgctl, one entry
per provider and profile: macOS Keychain, the Secret Service of GNOME/KDE,
Windows Credential Manager); the config file then keeps no token, and a
copy an earlier login left there is removed. Where no keyring answers
(headless Linux, a container), orgctl says so, then stores the token in the
config file, created 0600 in a 0700 directory. --insecure-storage asks for
the file; auth.storage keyring (or ORGCTL_AUTH_STORAGE=keyring) makes a
missing keyring an error instead, and nothing is stored. With CI set, orgctl
leaves the keyring alone unless auth.storage is keyring. Other keys and
comments in the file are kept.

On a terminal, orgctl asks for the token without echoing it. Otherwise pipe
it with --with-token. A token is never taken as an argument: arguments are
visible in the process list and the shell history.

Before storing it, orgctl asks the provider which organizations the token
sees (one list request) and says how many: a token the provider rejects
(HTTP 401/403) is not stored (exit 3), nor one it could not check (network
or provider failure, exit 6). --skip-verify stores it without asking, e.g.
offline. Offline, orgctl checks the token's shape and a Qovery JWT's expiry
(a warning when it has expired or expires within a day).`,
		Example: `# On a terminal: asks for the token without echoing it
$ orgctl auth login --provider qovery

# In a script: the token on standard input
$ echo "$VERTRA_TOKEN" | orgctl auth login --provider vertra --with-token
$ echo "$QOVERY_TOKEN" | orgctl auth login --provider qovery --with-token --profile staging

# Move a token from the config file into the keyring
$ orgctl auth token --provider vertra | orgctl auth login --provider vertra --with-token`,
		Args: cmdutil.ExactArgs(0, "auth login takes no argument: the token is read from the terminal or, with --with-token, standard input"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ios := deps.IO
			cfg, err := deps.Config() // a new profile is fine: login creates it
			if err != nil {
				return cmdutil.Usage(err)
			}
			run, err := resolveNoStored(deps, cfg)
			if err != nil {
				return err
			}
			storage, err := cfg.Storage()
			if err != nil {
				return cmdutil.Usage(err)
			}
			if insecure && storage == config.StorageKeyring {
				return cmdutil.Usage(fmt.Errorf("--insecure-storage asks for the file, but %s is %s (%s)", config.KeyAuthStorage, storage, cfg.Source(config.KeyAuthStorage)))
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
			sees := "not verified (--skip-verify)"
			if !skipVerify {
				n, err := verify(cmd.Context(), run, token)
				if err != nil {
					return fmt.Errorf("%w: nothing stored (--skip-verify stores a token unchecked)", err)
				}
				sees = "the token sees " + organizations(n)
			}
			tokenKey, _ := providers.Keys(run.Name)
			saved, err := store(deps, run.Config, storage, insecure, tokenKey, token)
			if err != nil {
				return err
			}
			where := run.Config.Path
			if saved.InKeyring {
				where = "the keyring (" + keyring.Service + "/" + config.KeyringUser(tokenKey, run.Config.Profile) + ")"
			}
			fmt.Fprintf(ios.ErrOut, "%s Logged in to %s: %s; token %s stored in %s%s.\n", ios.ErrColors().Green("✓"),
				providers.DisplayName(run.Name), sees, config.Mask(token), where, profileNote(run.Config.Profile))
			if saved.RemovedFromFile {
				fmt.Fprintf(ios.ErrOut, "The token in %s was removed: it is in the keyring only.\n", run.Config.Path)
			}
			if saved.Warning != nil {
				fmt.Fprintln(ios.ErrOut, ios.ErrColors().Yellow("warning:")+" "+saved.Warning.Error())
			}
			if !saved.InKeyring {
				warnPermissions(deps, run.Config)
			}
			if env := envVar(tokenKey); env != "" {
				fmt.Fprintf(ios.ErrOut, "%s %s is set and wins over the stored token.\n", ios.ErrColors().Yellow("warning:"), env)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&withToken, "with-token", false, "read the token from standard input")
	cmd.Flags().BoolVar(&skipVerify, "skip-verify", false, "store the token without asking the provider whether it works")
	cmd.Flags().BoolVar(&insecure, "insecure-storage", false, "store the token in the config file (0600, plain text) instead of the system keyring")
	return cmd
}

// resolveNoStored is ResolveRun for login and logout, which need no stored
// token: asking the keyring for one could cost an unlock prompt or a
// timeout for nothing.
func resolveNoStored(deps cmdutil.Deps, cfg *config.Config) (*cmdutil.Run, error) {
	kr := cfg.Keyring
	cfg.Keyring = nil
	defer func() { cfg.Keyring = kr }()
	return cmdutil.ResolveRun(cfg, "", deps.IO, deps.Global, deps.HTTPClient())
}

// envVar is the environment variable that sets a token key, or "".
func envVar(tokenKey string) string {
	for _, env := range config.EnvVars(tokenKey) {
		if os.Getenv(env) != "" {
			return env
		}
	}
	return ""
}

// store writes the token where auth.storage and --insecure-storage say,
// after making orgctl's config directory private. A keyring that cannot be
// reached means the file under auto, saying so before writing, and an
// error under keyring; one that does not answer in time is an error.
func store(deps cmdutil.Deps, cfg *config.Config, storage string, insecure bool, tokenKey, token string) (config.Saved, error) {
	ios := deps.IO
	warn := ios.ErrColors().Yellow("warning:")
	note, warning := config.TightenDir(cfg.Path)
	if note != "" {
		fmt.Fprintln(ios.ErrOut, "note: "+note)
	}
	if warning != "" {
		fmt.Fprintln(ios.ErrOut, warn+" "+warning)
	}
	kr, why := cfg.KeyringFor()
	if kr == nil && storage == config.StorageKeyring {
		return config.Saved{}, errors.New("no keyring to store the token in (" + why + "): nothing stored")
	}
	if kr == nil && storage == config.StorageAuto && !insecure {
		fmt.Fprintf(ios.ErrOut, "note: storing the token in %s (0600, plain text), not the keyring: %s\n", cfg.Path, why)
	}
	w := config.TokenWrite{Path: cfg.Path, Profile: cfg.Profile, Key: tokenKey, Token: token, Keyring: kr, File: insecure || kr == nil,
		Fallback: func(err error) error {
			var timeout *keyring.TimeoutError
			switch {
			case errors.As(err, &timeout):
				return fmt.Errorf("%w: nothing stored; unlock the keyring and retry, or pass --insecure-storage for the file", err)
			case storage == config.StorageKeyring:
				return fmt.Errorf("%w: nothing stored (%s is %s, %s)", err, config.KeyAuthStorage, storage, cfg.Source(config.KeyAuthStorage))
			}
			fmt.Fprintf(ios.ErrOut, "%s %v: storing the token in %s (0600, plain text) instead; %s keyring makes this an error\n", warn, err, cfg.Path, config.KeyAuthStorage)
			return nil
		}}
	return w.Save()
}

// verify asks the provider, with token, for the organizations it sees: the
// cheapest authenticated request both APIs have. A rejection is an
// AuthError-class provider error (exit 3); no answer is exit 6.
func verify(ctx context.Context, run *cmdutil.Run, token string) (int, error) {
	s := run.Settings
	s.Token, s.DryRun = token, false
	p, err := providers.New(s)
	if err != nil {
		return 0, cmdutil.Usage(err)
	}
	n := 0
	err = p.List(ctx, func(*provider.Organization) error { n++; return nil })
	if err != nil {
		var perr *provider.Error
		if errors.As(err, &perr) && perr.Kind == provider.KindAuth {
			return 0, fmt.Errorf("%s rejected the token: %w", providers.DisplayName(run.Name), err)
		}
		return 0, fmt.Errorf("could not check the token with %s: %w", providers.DisplayName(run.Name), err)
	}
	return n, nil
}

func organizations(n int) string {
	if n == 1 {
		return "1 organization"
	}
	return fmt.Sprintf("%d organizations", n)
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

// warnPermissions checks a config file that did not exist when the run
// started (Load checked the others): a new file in a directory other users
// can write to.
func warnPermissions(deps cmdutil.Deps, cfg *config.Config) {
	if cfg.File != "" {
		return
	}
	for _, w := range config.PermissionWarnings(cfg.Path) {
		fmt.Fprintln(deps.IO.ErrOut, deps.IO.ErrColors().Yellow("warning:")+" "+w)
	}
}

func profileNote(profile string) string {
	if profile == "" {
		return ""
	}
	return " (profile " + profile + ")"
}

// tokenStatus is one row of `auth status`; its JSON form is documented in
// docs/output.md.
type tokenStatus struct {
	Provider      string  `json:"provider"`
	Token         *string `json:"token"` // masked
	Kind          *string `json:"kind"`
	ExpiresAt     *string `json:"expires_at"`
	Source        string  `json:"source"`
	Status        string  `json:"status"`
	Organizations *int    `json:"organizations"`
	Error         *string `json:"error"`

	code int // the exit code this row asks for
}

// Values of tokenStatus.Status.
const (
	statusValid       = "valid"       // the provider accepted the token
	statusRejected    = "rejected"    // HTTP 401/403
	statusUnreachable = "unreachable" // no answer, or a provider failure
	statusUnverified  = "unverified"  // --skip-verify
	statusMissing     = "missing"     // no token anywhere
)

func newCmdStatus(f *cmdutil.Factory) *cobra.Command {
	deps := f.Deps()
	var skipVerify bool
	var exporter cmdutil.Exporter
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show where each provider's token comes from and whether it works",
		Long: `Show, for each provider, where its token comes from (a flag, an environment
variable, the keyring, the config file, or nowhere), the token masked, its
kind and, for a JWT, its expiry, and whether the provider accepts it: orgctl
lists the organizations it sees (one request per provider, both at once;
--skip-verify sends nothing).

Exits 3 when the selected provider (--provider, or the configured one) has
no token or the provider rejects it, 6 when the provider could not be asked;
with no provider selected, the same for every provider that has a token, and
3 when none has one. -o json prints the rows documented in
https://github.com/orgctl/orgctl/blob/main/docs/output.md.`,
		Example: `$ orgctl auth status
$ orgctl auth status --provider vertra || orgctl auth login --provider vertra
$ orgctl auth status -o json --skip-verify`,
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
			rows := make([]tokenStatus, len(provider.Names()))
			var wg sync.WaitGroup
			for i, name := range provider.Names() {
				run, err := cmdutil.ResolveRun(cfg, name, deps.IO, deps.Global, deps.HTTPClient())
				if err != nil {
					return err
				}
				check := func() { rows[i] = status(cmd.Context(), run, skipVerify) }
				if deps.Global.Verbose {
					check() // one provider at a time, so the two traces do not interleave
				} else {
					wg.Go(check)
				}
			}
			wg.Wait()
			format, err := output.ParseFormat(cfg.Get(config.KeyOutput))
			if err != nil {
				return cmdutil.Usage(err)
			}
			if err := cmdutil.Print(deps.IO, format, &exporter, rows, func(v output.View) error { return statusTable(v, rows) }); err != nil {
				return err
			}
			return statusError(rows, selected)
		},
	}
	cmd.Flags().BoolVar(&skipVerify, "skip-verify", false, "do not ask the providers whether the tokens work")
	cmdutil.AddFormatFlags(cmd, &exporter)
	cmdutil.AddNoHeadersFlag(cmd, &exporter)
	return cmd
}

// status describes one provider's token, asking the provider about it
// unless skipVerify.
func status(ctx context.Context, run *cmdutil.Run, skipVerify bool) tokenStatus {
	tokenKey, _ := providers.Keys(run.Name)
	token := run.Settings.Token
	row := tokenStatus{Provider: run.Name, Source: "--sandbox", Status: statusMissing, code: cmdutil.ExitAuth}
	if !run.Sandbox { // the sandbox's token is its own: no keyring read
		row.Source = run.Config.Source(tokenKey)
	}
	if token == "" {
		row.Source = "none"
		return row
	}
	kind := "API token"
	if run.Name == provider.Qovery && qovery.IsJWT(token) {
		kind = "JWT"
		if exp, ok := config.JWTExpiry(token); ok {
			row.ExpiresAt = ptr(exp.UTC().Format(time.RFC3339))
		}
	}
	row.Token, row.Kind = ptr(config.Mask(token)), &kind
	if skipVerify {
		row.Status, row.code = statusUnverified, cmdutil.ExitOK
		return row
	}
	n, err := verify(ctx, run, token)
	switch code := cmdutil.ExitCode(err); {
	case err == nil:
		row.Status, row.Organizations, row.code = statusValid, &n, cmdutil.ExitOK
	case code == cmdutil.ExitAuth:
		row.Status, row.Error, row.code = statusRejected, ptr(err.Error()), code
	default:
		row.Status, row.Error, row.code = statusUnreachable, ptr(err.Error()), code
	}
	return row
}

func statusTable(v output.View, rows []tokenStatus) error {
	t := v.Table("PROVIDER", "TOKEN", "KIND", "EXPIRES", "SOURCE", "STATUS")
	for _, r := range rows {
		expires := deref(r.ExpiresAt)
		if r.ExpiresAt != nil {
			if exp, err := time.Parse(time.RFC3339, *r.ExpiresAt); err == nil && time.Until(exp) <= 0 {
				expires += " (expired)"
			}
		}
		state := r.Status
		switch r.Status {
		case statusValid:
			state = v.Colors.Green("valid") + " (sees " + organizations(*r.Organizations) + ")"
		case statusRejected, statusUnreachable:
			state = v.Colors.Red(r.Status)
		case statusUnverified:
			state = "not checked"
		case statusMissing:
			state = "-"
		}
		t.AddRow(r.Provider, deref(r.Token), deref(r.Kind), expires, r.Source, state)
	}
	return t.Render()
}

// statusError is the error `auth status` ends with: the selected provider's
// problem, or, with none selected, every provider's (none having a token is
// one too).
func statusError(rows []tokenStatus, selected string) error {
	var codes []int
	var problems []string
	tokens := 0
	for _, r := range rows {
		if r.Status != statusMissing {
			tokens++
		}
		if (selected != "" && r.Provider != selected) || (selected == "" && r.Status == statusMissing) || r.code == cmdutil.ExitOK {
			continue
		}
		codes = append(codes, r.code)
		if r.Status == statusMissing {
			problems = append(problems, fmt.Sprintf("no %s token: run orgctl auth login --provider %s", providers.DisplayName(r.Provider), r.Provider))
		} else {
			problems = append(problems, *r.Error)
		}
	}
	if selected == "" && tokens == 0 {
		return &cmdutil.AuthError{Err: errors.New("no provider has a token: run orgctl auth login --provider qovery|vertra")}
	}
	if len(codes) == 0 {
		return nil
	}
	return &cmdutil.CodeError{Code: cmdutil.MostSevere(codes...), Err: errors.New(strings.Join(problems, "; "))}
}

func ptr[T any](v T) *T { return &v }

func deref(s *string) string {
	if s == nil || *s == "" {
		return "-"
	}
	return *s
}

func newCmdLogout(f *cmdutil.Factory) *cobra.Command {
	deps := f.Deps()
	return &cobra.Command{
		Use:     "logout --provider qovery|vertra",
		Short:   "Remove a provider's token from the keyring and the config file",
		Example: `$ orgctl auth logout --provider vertra`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := deps.Config() // an unknown profile has nothing to remove
			if err != nil {
				return cmdutil.Usage(err)
			}
			run, err := resolveNoStored(deps, cfg)
			if err != nil {
				return err
			}
			tokenKey, _ := providers.Keys(run.Name)
			kr, _ := run.Config.KeyringFor()
			fromKeyring, fromFile, err := config.DeleteToken(run.Config.Path, run.Config.Profile, tokenKey, kr)
			var places []string
			if fromKeyring {
				places = append(places, "the keyring")
			}
			if fromFile {
				places = append(places, run.Config.Path)
			}
			ios := deps.IO
			switch {
			case len(places) > 0:
				fmt.Fprintf(ios.ErrOut, "%s Removed the %s token from %s%s.\n", ios.ErrColors().Green("✓"),
					providers.DisplayName(run.Name), strings.Join(places, " and "), profileNote(run.Config.Profile))
			case err == nil:
				where := run.Config.Path
				if kr != nil {
					where = "the keyring or " + where
				}
				fmt.Fprintf(ios.ErrOut, "No %s token is stored in %s%s.\n", providers.DisplayName(run.Name), where, profileNote(run.Config.Profile))
			}
			if err != nil {
				return err
			}
			if env := envVar(tokenKey); env != "" {
				fmt.Fprintf(ios.ErrOut, "%s %s still sets a token.\n", ios.ErrColors().Yellow("warning:"), env)
			}
			return nil
		},
	}
}

func newCmdToken(f *cmdutil.Factory) *cobra.Command {
	deps := f.Deps()
	var show bool
	cmd := &cobra.Command{
		Use:   "token --provider qovery|vertra",
		Short: "Print the token orgctl would use, for another tool",
		Long: `Print, on standard output, the token orgctl would send to the provider
(from the environment, the keyring, the profile or the config file, as every
command resolves it), so another tool can use it without a second copy. It is the
one command that prints a whole token: it refuses to write it to a
terminal, where it would stay on screen and in scrollback, unless --show is
given (exit 2). Exits 3 when there is no token.`,
		Example: `$ export VERTRA_API_KEY="$(orgctl auth token --provider vertra)"
$ orgctl auth token --provider qovery | wc -c`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			run, err := deps.Resolve()
			if err != nil {
				return err
			}
			if run.Settings.Token == "" {
				return &cmdutil.AuthError{Err: run.MissingToken()}
			}
			if deps.IO.IsStdoutTTY() && !show {
				return cmdutil.Usage(errors.New("refusing to print a token to a terminal: pipe it to the tool that needs it, or pass --show"))
			}
			// The token is this command's output: it goes to the unredacted
			// stdout, the one exception to redaction (docs/security.md).
			_, err = fmt.Fprintln(deps.IO.RawOut(), run.Settings.Token)
			return err
		},
	}
	cmd.Flags().BoolVar(&show, "show", false, "print the token even when standard output is a terminal")
	return cmd
}
