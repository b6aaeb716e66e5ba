package cmdutil

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/orgctl/orgctl/pkg/config"
	"github.com/orgctl/orgctl/pkg/iostreams"
	"github.com/orgctl/orgctl/pkg/output"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/provider/vertra"
	"github.com/orgctl/orgctl/pkg/providers"
)

// Deps are what the factory gives every command that talks to a provider;
// options structs embed them.
type Deps struct {
	IO         *iostreams.IOStreams
	Config     func() (*config.Config, error)
	HTTPClient func() *http.Client
	Global     *GlobalFlags
}

// Deps returns the factory's dependencies for a command.
func (f *Factory) Deps() Deps {
	return Deps{IO: f.IOStreams, Config: f.Config, HTTPClient: f.HTTPClient, Global: f.Global}
}

// Resolve loads the configuration and resolves the provider to talk to.
func (d Deps) Resolve() (*Run, error) { return d.ResolveFor("") }

// ResolveFor is Resolve for a named provider; "" means the configured one
// (--provider, ORGCTL_PROVIDER, the config file).
func (d Deps) ResolveFor(name string) (*Run, error) {
	cfg, err := d.ReadConfig()
	if err != nil {
		return nil, err
	}
	return ResolveRun(cfg, name, d.IO, d.Global, d.HTTPClient())
}

// ReadConfig loads the configuration for a command that reads settings:
// the selected profile must exist.
func (d Deps) ReadConfig() (*config.Config, error) {
	cfg, err := d.Config()
	if err == nil {
		err = cfg.ProfileErr
	}
	if err != nil {
		return nil, Usage(err)
	}
	return cfg, nil
}

// Connect is Resolve, then Run.Provider.
func (d Deps) Connect() (*Run, provider.Provider, error) {
	run, err := d.Resolve()
	if err != nil {
		return nil, nil, err
	}
	p, err := run.Provider()
	return run, p, err
}

// Run is what every command that talks to a provider resolves first: the
// provider's name, the output format, and the settings to reach it
// (flag > environment > config file > default for each).
type Run struct {
	Config   *config.Config
	Name     string // canonical provider name
	Format   output.Format
	Settings providers.Settings
	Sandbox  bool // --sandbox: Settings point at the sandbox; keep its token
}

// ResolveRun reads the provider (name, else the configured one), the output
// format and the provider's token, URL and API generation; every mistake is
// a usage error.
func ResolveRun(cfg *config.Config, name string, ios *iostreams.IOStreams, g *GlobalFlags, client *http.Client) (*Run, error) {
	if name == "" {
		name = cfg.Get(config.KeyProvider)
	}
	name, err := provider.Canonical(name)
	if err != nil {
		return nil, Usage(err)
	}
	parse := output.ParseFormat
	if g.Reports {
		parse = output.ParseReportFormat
	}
	format, err := parse(cfg.Get(config.KeyOutput))
	if err != nil {
		return nil, Usage(err)
	}
	apiGen := strings.ToLower(cfg.Get(config.KeyVertraAPI))
	if apiGen != "" && !slices.Contains(vertra.APIs(), apiGen) {
		return nil, Usage(fmt.Errorf("unknown vertra.api %q: use one of %s", apiGen, strings.Join(vertra.APIs(), ", ")))
	}
	tokenKey, urlKey := providers.Keys(name)
	s := providers.Settings{
		Name:      name,
		BaseURL:   cfg.Get(urlKey),
		HTTP:      client,
		Timeout:   g.Timeout,
		Retries:   g.Retries,
		Notice:    ios.ErrOut,
		VertraAPI: apiGen,
	}
	if !g.Sandbox { // the sandbox never gets the user's token: no keyring read
		s.Token = cfg.Get(tokenKey)
		ios.AddSecret(s.Token)
	}
	if g.Verbose {
		s.Trace = ios.ErrOut
	}
	if g.Sandbox {
		if g.sandbox == nil {
			g.sandbox = &sandboxSession{}
		}
		url, err := g.sandbox.start(ios)
		if err != nil {
			return nil, err
		}
		s.BaseURL, s.Token = url, SandboxToken
	}
	return &Run{Config: cfg, Name: name, Format: format, Settings: s, Sandbox: g.Sandbox}, nil
}

// Provider builds the provider, refusing to go on without a token (except
// for a dry run, which sends nothing).
func (r *Run) Provider() (provider.Provider, error) {
	if r.Settings.Token == "" && !r.Settings.DryRun {
		return nil, &AuthError{Err: r.MissingToken()}
	}
	if r.Settings.Token != "" {
		// A CR or LF would split the Authorization header; the message
		// says where the token came from, never what it is.
		if err := config.CheckToken(r.Settings.Token); err != nil {
			tokenKey, _ := providers.Keys(r.Name)
			return nil, Usage(fmt.Errorf("the %s token (%s) %w", providers.DisplayName(r.Name), r.Config.Source(tokenKey), err))
		}
	}
	p, err := providers.New(r.Settings)
	if err != nil {
		return nil, Usage(err)
	}
	return p, nil
}

// MissingToken says where a token can come from.
func (r *Run) MissingToken() error {
	tokenKey, _ := providers.Keys(r.Name)
	where := "the config file"
	if r.Config.File != "" {
		where = r.Config.File
	}
	return fmt.Errorf("no %s token: run orgctl auth login --provider %s, or set %s, or %s in %s, or try --sandbox",
		providers.DisplayName(r.Name), r.Name, strings.Join(config.EnvVars(tokenKey), " or "), tokenKey, where)
}
