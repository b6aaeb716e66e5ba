// Package providers builds a provider.Provider from resolved settings: it is
// the one place that knows every provider sub-package.
package providers

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/orgctl/orgctl/pkg/api"
	"github.com/orgctl/orgctl/pkg/build"
	"github.com/orgctl/orgctl/pkg/config"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/provider/qovery"
	"github.com/orgctl/orgctl/pkg/provider/vertra"
	"github.com/orgctl/orgctl/pkg/text"
)

// Settings are what a provider needs for one run.
type Settings struct {
	Name    string // canonical provider name
	Token   string // may be empty only for a dry run
	BaseURL string // "" means the provider's public API
	HTTP    *http.Client
	Trace   io.Writer // --verbose
	DryRun  bool
	Timeout time.Duration // per attempt
	Retries int
	Notice  io.Writer     // retries are announced here
	Gate    *api.Gate     // shared by bulk workers; nil for one request
	Pacer   *api.Pacer    // bulk runs: spaces retries, reads the rate limit
	MaxWait time.Duration // bulk runs: --max-wait
	// VertraAPI is vertra.api: auto, organizations or workspaces.
	VertraAPI string
	// Sandbox: BaseURL is the embedded sandbox (--sandbox).
	Sandbox bool
}

// Keys returns the config keys of a provider's token and base URL.
func Keys(name string) (tokenKey, urlKey string) {
	if name == provider.Qovery {
		return config.KeyQoveryToken, config.KeyQoveryURL
	}
	return config.KeyVertraToken, config.KeyVertraURL
}

// DisplayName is how messages name a provider.
func DisplayName(name string) string {
	if name == provider.Qovery {
		return "Qovery"
	}
	return "VertraCloud"
}

// DefaultURL is a provider's public API.
func DefaultURL(name string) string {
	if name == provider.Qovery {
		return qovery.DefaultURL
	}
	return vertra.DefaultURL
}

// Validate checks spec for the named provider; see qovery.Validate and
// vertra.Validate.
func Validate(name string, spec *provider.CreateSpec) (warnings []string, err error) {
	if name == provider.Qovery {
		return qovery.Validate(spec)
	}
	return vertra.Validate(spec)
}

// ValidateUpdate checks an update for the named provider; see
// qovery.ValidateUpdate and vertra.ValidateUpdate.
func ValidateUpdate(name string, spec *provider.UpdateSpec) (warnings []string, err error) {
	if name == provider.Qovery {
		return qovery.ValidateUpdate(spec)
	}
	return vertra.ValidateUpdate(spec)
}

// New returns the provider named in s.
func New(s Settings) (provider.Provider, error) {
	c := &api.Client{Provider: s.Name, HTTP: s.HTTP, BaseURL: s.BaseURL, UserAgent: build.UserAgent(), Trace: s.Trace, DryRun: s.DryRun,
		Timeout: s.Timeout, Retries: s.Retries, Notice: s.Notice, Gate: s.Gate,
		Pacer: s.Pacer, MaxWait: s.MaxWait, Sandbox: s.Sandbox}
	if c.BaseURL == "" {
		c.BaseURL = DefaultURL(s.Name)
	}
	if err := CheckURL(c.BaseURL); err != nil {
		return nil, err
	}
	switch s.Name {
	case provider.Qovery:
		if s.Token != "" {
			c.Authorization = qovery.AuthHeader(s.Token)
		}
		return qovery.New(c), nil
	case provider.Vertra:
		if s.Token != "" {
			c.Authorization = vertra.AuthHeader(s.Token)
		}
		c.RetryHint = vertra.RetryHint
		return vertra.New(c, s.VertraAPI), nil
	}
	return nil, fmt.Errorf("unknown provider %s", text.Quote(s.Name))
}

// CheckURL accepts https, and plain http only on loopback (the sandbox), so
// a token never crosses a network in clear text.
func CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("API URL %s is not an absolute URL", text.Quote(raw))
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("API URL %s uses plain http: only https is allowed, except on loopback", text.Quote(raw))
	}
	return fmt.Errorf("API URL %s must use https", text.Quote(raw))
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
