// Package cmdutil holds what every command shares: the factory of lazily
// built dependencies, the global flags, and the mapping of errors to exit
// codes.
package cmdutil

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/orgctl/orgctl/pkg/config"
	"github.com/orgctl/orgctl/pkg/iostreams"
	"github.com/orgctl/orgctl/pkg/keyring"
)

// GlobalFlags are the root command's persistent flags that are not config
// keys (--provider and --output are bound to viper instead).
type GlobalFlags struct {
	ConfigFile string
	Profile    string
	NoColor    bool
	Verbose    bool
	Timeout    time.Duration // per request attempt
	Retries    int           // retries of requests that provably were not acted on
	Sandbox    bool          // --sandbox: talk to the sandbox kept in the user's state dir
	// Connections is how many requests a command runs at once (bulk
	// --concurrency), set before the HTTP client is first asked for: it
	// sizes the connection pool.
	Connections int
	// Reports is set by the commands that make reports (diff, apply,
	// create -f): -o markdown is theirs alone.
	Reports bool

	sandbox *sandboxSession // started by the first ResolveRun under --sandbox
}

// Factory gives commands their dependencies. Nothing heavy happens until a
// command asks for it.
type Factory struct {
	IOStreams  *iostreams.IOStreams
	Viper      *viper.Viper
	Global     *GlobalFlags
	Config     func() (*config.Config, error)
	HTTPClient func() *http.Client
	// FlagKeys maps config keys to the flags bound to them, so `config
	// list` can say when a flag set a value.
	FlagKeys map[string]*pflag.Flag
	// WatchSignals, when set, starts turning SIGINT, SIGTERM and SIGHUP
	// into the run's cancellation; the root calls it before a command runs.
	WatchSignals func()
}

// New returns the factory for a real run.
func New(ios *iostreams.IOStreams) *Factory {
	f := &Factory{
		IOStreams: ios,
		Viper:     config.NewViper(),
		Global:    &GlobalFlags{Timeout: 30 * time.Second, Retries: 3, sandbox: &sandboxSession{}},
		FlagKeys:  map[string]*pflag.Flag{},
	}
	// Every token in play is hidden from the output before anything can
	// echo it: the environment's now, the config file's (every profile) as
	// soon as it is read.
	ios.AddSecret(config.EnvSecrets()...)
	f.Config = sync.OnceValues(func() (*config.Config, error) {
		cfg, err := config.Load(f.Viper, f.Global.ConfigFile, f.Global.Profile, f.FlagKeys)
		if err == nil {
			ios.AddSecret(cfg.Secrets()...)
			cfg.Keyring, cfg.AddSecret = keyring.Default(), ios.AddSecret
			cfg.Note = func(s string) { fmt.Fprintln(ios.ErrOut, ios.ErrColors().Yellow("warning:")+" "+s) }
			for _, w := range cfg.Warnings {
				fmt.Fprintln(ios.ErrOut, ios.ErrColors().Yellow("warning:")+" "+w)
			}
		}
		return cfg, err
	})
	f.HTTPClient = sync.OnceValue(func() *http.Client {
		// Timeouts come from the command's context (--timeout), so one
		// deadline covers the whole exchange.
		t := http.DefaultTransport.(*http.Transport).Clone()
		// HTTP/1.1 only, in every build: bulk runs give each worker a
		// connection of its own, and short JSON calls gain nothing from
		// multiplexing. Release builds then leave net/http's HTTP/2 code
		// out with the nethttpomithttp2 tag (0.5 MiB), changing nothing.
		t.ForceAttemptHTTP2 = false
		t.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
		// Every bulk worker keeps its connection between requests: a pool
		// smaller than the concurrency churns sockets into TIME_WAIT.
		t.MaxIdleConnsPerHost = max(2, 2*f.Global.Connections)       // room for the spares dial races leave
		t.MaxIdleConns = max(t.MaxIdleConns, 4*f.Global.Connections) // two providers' hosts
		return &http.Client{Transport: t}
	})
	return f
}
