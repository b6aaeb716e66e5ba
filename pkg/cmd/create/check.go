package create

import (
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"slices"
	"strings"

	"github.com/orgctl/orgctl/pkg/config"
	"github.com/orgctl/orgctl/pkg/manifest"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/providers"
	"github.com/orgctl/orgctl/pkg/shard"
	"github.com/orgctl/orgctl/pkg/tableprinter"
	"github.com/orgctl/orgctl/pkg/text"
)

// checked is what the first pass learnt.
type checked struct {
	count     int      // entries
	problems  int      // invalid entries
	mine      int      // valid entries in this run's shard (all of them without --shard)
	providers []string // of this shard's entries, in order of first appearance
	widest    string   // the widest name of this shard on a terminal, so streamed rows line up
}

// checkManifest validates every entry, streaming, and reports each problem.
// Duplicate names are found through 64-bit hashes (8 bytes an entry); only
// when two hashes are equal is the manifest read once more, to compare the
// names themselves. Every entry is checked, in whichever shard: the N jobs
// of a matrix all accept a manifest or all refuse it.
// warn is told each warning (a deprecated plan) of a valid entry.
func checkManifest(src *manifestSource, defaults entryDefaults, sh shard.Shard, report func(*manifest.EntryError),
	warn func(e *manifest.Entry, warning string)) (checked, error) {
	var c checked
	r, err := src.first()
	if err != nil {
		return c, err
	}
	seed := maphash.MakeSeed()
	var hashes []uint64
	widest := 0
	for {
		e, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return c, err
		}
		c.count++
		name, spec, warnings, err := entrySpec(e, defaults)
		for _, w := range warnings {
			warn(&e, w)
		}
		if err != nil {
			c.problems++
			report(problem(e, name, errors.New(strings.TrimPrefix(err.Error(), "--"))))
			continue
		}
		hashes = append(hashes, nameHash(seed, name, spec.Name))
		if !sh.Has(name, spec.Name) {
			continue
		}
		c.mine++
		if !slices.Contains(c.providers, name) {
			c.providers = append(c.providers, name)
		}
		if w := tableprinter.Width(spec.Name); w > widest {
			c.widest, widest = spec.Name, w
		}
	}
	slices.Sort(hashes)
	suspects := map[uint64]bool{}
	for i := 1; i < len(hashes); i++ {
		if hashes[i] == hashes[i-1] {
			suspects[hashes[i]] = true
		}
	}
	hashes = nil
	if len(suspects) == 0 {
		return c, nil
	}
	// Pass 1b: compare the names whose hashes collide.
	if r, err = src.reopen(); err != nil {
		return c, err
	}
	first := map[string]int{} // provider + lower-cased name -> entry index
	for {
		e, err := r.Next()
		if err == io.EOF {
			return c, nil
		}
		if err != nil {
			return c, err
		}
		name, spec, _, err := entrySpec(e, defaults)
		if err != nil || !suspects[nameHash(seed, name, spec.Name)] {
			continue
		}
		key := name + "\x00" + strings.ToLower(spec.Name)
		if at, dup := first[key]; dup {
			c.problems++
			report(problem(e, name, fmt.Errorf("name %s repeats entry %d (%s compares names case-insensitively)", text.Quote(spec.Name), at, name)))
			continue
		}
		first[key] = e.Index
	}
}

// problem is err about entry e, whose provider is name when known. (e by
// value: the address of the loop's entry would move every entry to the heap.)
func problem(e manifest.Entry, name string, err error) *manifest.EntryError {
	p := manifest.Problem(&e, err)
	if name != "" {
		p.Provider = name
	}
	return p
}

func nameHash(seed maphash.Seed, providerName, name string) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	h.WriteString(providerName)
	h.WriteByte(0)
	h.WriteString(strings.ToLower(name))
	return h.Sum64()
}

// entrySpec turns an entry into its provider and spec (and the warnings of
// a valid one, such as a deprecated plan), the command line's
// flags filling what the entry leaves empty. A flag only fills the fields
// its provider has: --plan is a default for Qovery entries, not an error on
// VertraCloud ones.
func entrySpec(e manifest.Entry, d entryDefaults) (string, provider.CreateSpec, []string, error) {
	name, err := provider.Canonical(or(e.Provider, d.provider))
	if err != nil && e.Provider == "" {
		err = fmt.Errorf("no provider: set provider in the entry, or --provider")
	}
	spec := e.CreateSpec
	defaults := d.spec
	spec.Description = or(spec.Description, defaults.Description)
	switch name {
	case provider.Qovery:
		spec.Plan = or(spec.Plan, or(defaults.Plan, d.qoveryPlan))
		spec.WebsiteURL, spec.Repository = or(spec.WebsiteURL, defaults.WebsiteURL), or(spec.Repository, defaults.Repository)
		spec.LogoURL, spec.IconURL = or(spec.LogoURL, defaults.LogoURL), or(spec.IconURL, defaults.IconURL)
		spec.AdminEmails = orList(spec.AdminEmails, defaults.AdminEmails)
	case provider.Vertra:
		spec.Tags = orList(spec.Tags, defaults.Tags)
	}
	if err == nil && e.ID != "" {
		err = fmt.Errorf("id: create makes new organizations; pinning an id is for orgctl apply")
	}
	var warnings []string
	if err == nil {
		warnings, err = providers.Validate(name, &spec)
	}
	if err != nil {
		warnings = nil
	}
	return name, spec, warnings, err
}

// entryDefaults is what an entry that leaves a field out gets: the flags'
// values, then the settings', resolved once for the whole manifest.
type entryDefaults struct {
	spec                 provider.CreateSpec // from the flags
	provider, qoveryPlan string              // from flags, environment or config
}

func newEntryDefaults(spec provider.CreateSpec, cfg *config.Config) entryDefaults {
	return entryDefaults{spec: spec, provider: cfg.Get(config.KeyProvider), qoveryPlan: cfg.Get(config.KeyQoveryPlan)}
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func orList(a, b []string) []string {
	if len(a) > 0 {
		return a
	}
	return b
}
