package cmdutil

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/orgctl/orgctl/pkg/internal/atomicfile"
	"github.com/orgctl/orgctl/pkg/provider"
)

// Completing organization names asks the provider, so it is bounded: one
// list call of at most NameCompletionTimeout, and a cache of the names for
// NameCacheTTL so that pressing TAB again does not ask again.
const (
	NameCompletionTimeout = 2 * time.Second
	NameCacheTTL          = 60 * time.Second
)

// CompleteOrgNames completes organization names (the id as description)
// from the provider's list, for a command taking at most maxArgs of them (0:
// any number), leaving out those already typed. It completes nothing,
// quietly, when there is no token, the network fails or the provider is
// slow: a shell must never hang or print errors on TAB.
func (f *Factory) CompleteOrgNames(maxArgs int) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if maxArgs > 0 && len(args) >= maxArgs {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		for _, org := range f.orgNames(cmd.Context(), toComplete) {
			if !slices.ContainsFunc(args, func(a string) bool { return strings.EqualFold(a, org.Name) }) {
				out = append(out, cobra.CompletionWithDesc(org.Name, org.ID))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// cachedNames is the cache file's content.
type cachedNames struct {
	FetchedAt time.Time      `json:"fetched_at"`
	Orgs      []cachedOrgRef `json:"organizations"`
}

type cachedOrgRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Completion keeps at most maxCompletions names, and caches an account's
// names only up to maxCachedNames: past that, each TAB streams the list
// again and keeps only the names that start with what is typed.
const (
	maxCompletions = 1000
	maxCachedNames = 10000
)

// orgNames lists the names that may complete prefix: every name of a small
// account (cached, so the next TAB does not ask again), or of a large one
// those that start with prefix, case-insensitively.
func (f *Factory) orgNames(ctx context.Context, prefix string) []cachedOrgRef {
	cfg, err := f.Config()
	if err != nil || cfg.ProfileErr != nil {
		return nil
	}
	if f.Global.Sandbox {
		return nil // the sandbox's state is locked while a command runs: never wait on it here
	}
	g := *f.Global
	g.Verbose, g.Retries, g.Timeout = false, 0, NameCompletionTimeout
	run, err := ResolveRun(cfg, "", f.IOStreams, &g, f.HTTPClient())
	if err != nil || run.Settings.Token == "" {
		return nil
	}
	run.Settings.Notice = nil // nothing on the terminal while the user types
	path := nameCachePath(run.Name, run.Settings.Token+"\x00"+run.Settings.BaseURL+"\x00"+run.Settings.VertraAPI)
	if c, ok := readNameCache(path); ok {
		return withPrefix(c.Orgs, prefix)
	}
	p, err := run.Provider()
	if err != nil {
		return nil
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, NameCompletionTimeout)
	defer cancel()
	c := cachedNames{FetchedAt: time.Now()}
	seen := 0
	err = p.List(ctx, func(o *provider.Organization) error {
		seen++
		if seen > maxCachedNames {
			if seen == maxCachedNames+1 {
				c.Orgs = withPrefix(c.Orgs, prefix) // too many to cache: keep the candidates
			}
			if !hasPrefixFold(o.Name, prefix) {
				return nil
			}
		}
		c.Orgs = append(c.Orgs, cachedOrgRef{ID: o.ID, Name: o.Name})
		if seen > maxCachedNames && len(c.Orgs) >= maxCompletions {
			return provider.Stop
		}
		return nil
	})
	if err != nil {
		return nil
	}
	if seen <= maxCachedNames {
		writeNameCache(path, c)
	}
	return withPrefix(c.Orgs, prefix)
}

// withPrefix keeps the names that start with prefix, case-insensitively,
// and at most maxCompletions of them.
func withPrefix(orgs []cachedOrgRef, prefix string) []cachedOrgRef {
	out := orgs[:0:0]
	for _, o := range orgs {
		if hasPrefixFold(o.Name, prefix) && len(out) < maxCompletions {
			out = append(out, o)
		}
	}
	return out
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// nameCachePath names the cache of one provider and credential: the file
// name carries a fingerprint of the token and URL, never the token itself.
// "" when there is no cache directory.
func nameCachePath(providerName, credential string) string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	sum := sha256.Sum256([]byte(credential))
	return filepath.Join(dir, "orgctl", "names-"+providerName+"-"+hex.EncodeToString(sum[:8])+".json")
}

func readNameCache(path string) (cachedNames, bool) {
	var c cachedNames
	if path == "" {
		return c, false
	}
	data, err := os.ReadFile(path)
	if err != nil || json.Unmarshal(data, &c) != nil {
		return c, false
	}
	age := time.Since(c.FetchedAt)
	return c, age >= 0 && age < NameCacheTTL
}

// writeNameCache writes the cache atomically, readable by the user alone;
// a failure only costs the next TAB a list call.
func writeNameCache(path string, c cachedNames) {
	if path == "" {
		return
	}
	data, err := json.Marshal(c)
	if err == nil && os.MkdirAll(filepath.Dir(path), 0o700) == nil {
		_ = atomicfile.Write(path, data)
	}
}

// ProviderAnnotation marks a flag that only some providers take, so that
// completion offers it only when one of them is selected.
const ProviderAnnotation = "orgctl_providers"

// ForProvider marks flags of fs as taken by one provider only.
func ForProvider(fs *pflag.FlagSet, providerName string, flags ...string) {
	for _, name := range flags {
		if err := fs.SetAnnotation(name, ProviderAnnotation, []string{providerName}); err != nil {
			panic(err) // a misspelt flag name: the command tree tests catch it
		}
	}
}

// HideOtherProvidersFlags is called when the shell asks for completions
// (args are the words typed after `orgctl`): it hides the flags of the
// command being completed that the selected provider does not take, so
// `--provider vertra --<TAB>` offers no Qovery flag. configured is the
// provider of the environment or config file, used when no --provider is
// typed; with none, every flag stays.
func HideOtherProvidersFlags(root *cobra.Command, args []string, configured string) {
	target, _, err := root.Find(args)
	if err != nil {
		return
	}
	name, err := provider.Canonical(typedProvider(args, configured))
	if err != nil {
		return
	}
	target.Flags().VisitAll(func(fl *pflag.Flag) {
		if only, ok := fl.Annotations[ProviderAnnotation]; ok && !slices.Contains(only, name) {
			fl.Hidden = true
		}
	})
}

// typedProvider finds --provider's value among completed words.
func typedProvider(args []string, fallback string) string {
	if v, ok := TypedFlag(args, "provider"); ok {
		return v
	}
	return fallback
}

// TypedFlag finds the value of --name among the words of a completion
// request, where cobra has not parsed them yet (the last word is still being
// typed).
func TypedFlag(args []string, name string) (string, bool) {
	if len(args) > 0 {
		args = args[:len(args)-1]
	}
	for i := len(args) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(args[i], "--"+name+"="); ok {
			return v, true
		}
		if args[i] == "--"+name && i+1 < len(args) {
			return args[i+1], true
		}
	}
	return "", false
}
