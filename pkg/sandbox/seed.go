package sandbox

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// DefaultToken is the token `orgctl --sandbox` sends: seeded
// organizations belong to its account unless a seed names another token.
const DefaultToken = "orgctl-sandbox-token"

// MaxSeed bounds one seed.
const MaxSeed = 10_000_000

// Seed is a batch of organizations for POST /_sandbox/seed and
// `sandbox serve --seed`: Count organizations named Prefix%07d, as a
// create with that name (and Description, when set) would make them,
// inserted at once rather than through the API.
type Seed struct {
	// Provider is qovery, vertra or vertra-workspace.
	Provider    string `json:"provider"`
	Count       int    `json:"count"`
	Prefix      string `json:"prefix"`      // default "seed-"
	Description string `json:"description"` // default: a create's default
	// Token is the owner's token: default the one Options.Token accepts,
	// else DefaultToken.
	Token string `json:"token"`
}

// SeedProviders lists the values of Seed.Provider.
func SeedProviders() []string { return []string{providerQovery, providerVertra, providerWorkspace} }

// ParseSeeds reads `--seed` values: "vertra=1000000,qovery=1000".
func ParseSeeds(s string) ([]Seed, error) {
	var seeds []Seed
	for part := range strings.SplitSeq(s, ",") {
		provider, count, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.Atoi(count)
		switch {
		case !ok || err != nil:
			return nil, fmt.Errorf("%q: want PROVIDER=COUNT", part)
		case !slices.Contains(SeedProviders(), provider):
			return nil, fmt.Errorf("%q: the provider is one of %s", part, strings.Join(SeedProviders(), ", "))
		case n < 0 || n > MaxSeed:
			return nil, fmt.Errorf("%q: the count is from 0 to %d", part, MaxSeed)
		}
		seeds = append(seeds, Seed{Provider: provider, Count: n})
	}
	return seeds, nil
}

// errSeed is a seed that cannot be made as asked.
type errSeed struct{ msg string }

func (e *errSeed) Error() string { return e.msg }

// batch checks a seed and returns what builds its organizations.
func (s *Server) batch(seed Seed) (seedBatch, error) {
	if seed.Prefix == "" {
		seed.Prefix = "seed-"
	}
	if seed.Token == "" {
		seed.Token = s.opts.Token
	}
	if seed.Token == "" {
		seed.Token = DefaultToken
	}
	name := func(i int) string { return fmt.Sprintf("%s%07d", seed.Prefix, i) }
	last := name(max(seed.Count-1, 0))
	var desc *string
	if seed.Description != "" {
		desc = &seed.Description
	}
	now := s.now()
	b := seedBatch{n: seed.Count}
	switch {
	case seed.Count < 0 || seed.Count > MaxSeed:
		return b, &errSeed{fmt.Sprintf("count %d: from 0 to %d", seed.Count, MaxSeed)}
	case !s.tokenOK(seed.Token):
		return b, &errSeed{"token: not the token the sandbox accepts"}
	case seed.Provider == providerQovery:
		owner, plan := ownerUUID(seed.Token), "FREE"
		b.key = func(i int) string { return nameScope(providerQovery, owner) + strings.ToLower(name(i)) }
		b.org = func(i int) Organization {
			n := name(i)
			o := s.newQovery(owner, qoveryRequest{Name: &n, Plan: &plan, Description: desc}, now)
			return Organization{Provider: providerQovery, ID: o.ID, Name: n, Owner: owner, Raw: marshal(o)}
		}
	case seed.Provider == providerVertra || seed.Provider == providerWorkspace:
		owner, provider := snowflake(seed.Token), seed.Provider
		if n := utf8.RuneCountInString(last); n > vertraMaxName {
			return b, &errSeed{fmt.Sprintf("names such as %q are %d characters long: at most %d", last, n, vertraMaxName)}
		}
		if desc != nil && utf8.RuneCountInString(*desc) > vertraMaxDescription {
			return b, &errSeed{fmt.Sprintf("description: at most %d characters", vertraMaxDescription)}
		}
		b.key = func(i int) string { return nameScope(provider, owner) + strings.ToLower(name(i)) }
		b.org = func(i int) Organization {
			n := name(i)
			if provider == providerWorkspace {
				ws := newWorkspace(uuid(), n, desc, owner, now)
				return Organization{Provider: provider, ID: ws.ID, Name: n, Owner: owner, Raw: marshal(ws)}
			}
			o := newVertra(owner, vertraRequest{Name: &n, Description: desc}, now)
			return Organization{Provider: provider, ID: o.ID, Name: n, Owner: owner, Raw: marshal(o)}
		}
	default:
		return b, &errSeed{fmt.Sprintf("provider %q: use one of %s", seed.Provider, strings.Join(SeedProviders(), ", "))}
	}
	if strings.TrimSpace(seed.Prefix) == "" {
		return b, &errSeed{"prefix must not be blank"}
	}
	return b, nil
}

// Seed inserts a seed's organizations, all or none.
func (s *Server) Seed(seed Seed) error {
	return s.withStore(func() error { return s.seed(seed) })
}

// seed is Seed with the store open.
func (s *Server) seed(seed Seed) error {
	b, err := s.batch(seed)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.store.seed(b)
}

// seedStatus is the admin API's status for a seed's error.
func seedStatus(err error) int {
	var bad *errSeed
	var taken *nameTakenError
	switch {
	case errors.As(err, &bad):
		return 400
	case errors.As(err, &taken):
		return 409
	}
	return 500
}
