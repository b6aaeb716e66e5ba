// Package config resolves orgctl's settings from flags, the environment and
// the config file, in that order of precedence, through one viper instance
// per run (never viper's global, so tests stay independent).
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"

	"github.com/orgctl/orgctl/pkg/keyring"
	"github.com/orgctl/orgctl/pkg/text"
)

// Keys of the config file. Nested keys are written as YAML maps:
//
//	provider: qovery
//	qovery:
//	  token: qov_...
const (
	KeyProvider    = "provider"
	KeyOutput      = "output"
	KeyQoveryToken = "qovery.token"
	KeyQoveryURL   = "qovery.url"
	KeyQoveryPlan  = "qovery.plan"
	KeyVertraToken = "vertra.token"
	KeyVertraURL   = "vertra.url"
	KeyVertraAPI   = "vertra.api"
)

// EnvConfig names the config file when --config is not given.
const EnvConfig = "ORGCTL_CONFIG"

// EnvProfile selects a profile when --profile is not given.
const EnvProfile = "ORGCTL_PROFILE"

// KeyCurrentProfile is the top-level key `config use-profile` writes: the
// profile used when neither --profile nor ORGCTL_PROFILE names one.
const KeyCurrentProfile = "current_profile"

// KeyProfiles is the top-level map of named profiles.
const KeyProfiles = "profiles"

// Keys lists every key a user may set, in the order `config list` shows.
func Keys() []string {
	keys := make([]string, 0, len(envBindings))
	for _, b := range envBindings {
		keys = append(keys, b.key)
	}
	return keys
}

// IsToken reports whether a key holds a secret.
func IsToken(key string) bool { return strings.HasSuffix(key, ".token") }

// envBindings lists, for each key, the environment variables that set it,
// strongest first. The official CLIs' variables come after orgctl's own, so
// a machine set up for those tools works at once.
var envBindings = []struct {
	key  string
	envs []string
}{
	{KeyProvider, []string{"ORGCTL_PROVIDER"}},
	{KeyOutput, []string{"ORGCTL_OUTPUT"}},
	{KeyQoveryToken, []string{"ORGCTL_QOVERY_TOKEN", "QOVERY_CLI_ACCESS_TOKEN"}},
	{KeyQoveryURL, []string{"ORGCTL_QOVERY_URL"}},
	{KeyQoveryPlan, []string{"ORGCTL_QOVERY_PLAN"}},
	{KeyVertraToken, []string{"ORGCTL_VERTRA_TOKEN", "VERTRA_API_KEY"}},
	{KeyVertraURL, []string{"ORGCTL_VERTRA_URL"}},
	{KeyVertraAPI, []string{"ORGCTL_VERTRA_API"}},
	{KeyAuthStorage, []string{"ORGCTL_AUTH_STORAGE"}},
}

// EnvVars returns the environment variables that set key, strongest first.
func EnvVars(key string) []string {
	for _, b := range envBindings {
		if b.key == key {
			return b.envs
		}
	}
	return nil
}

// NewViper returns a viper that knows orgctl's keys and environment
// variables. Flags are bound to it by the commands that own them.
func NewViper() *viper.Viper {
	v := viper.New()
	v.SetConfigType("yaml")
	for _, b := range envBindings {
		// BindEnv with several names takes the first one that is set.
		_ = v.BindEnv(append([]string{b.key}, b.envs...)...)
	}
	return v
}

// DefaultPath is where the config file lives when nothing names another:
// $XDG_CONFIG_HOME/orgctl/config.yaml or the OS equivalent.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "orgctl", "config.yaml"), nil
}

// Config is the resolved configuration of one run.
type Config struct {
	v *viper.Viper
	// File is the config file that was read, or "" when there was none.
	File string
	// Path is the config file orgctl reads and writes: File, or where it
	// would be created.
	Path string
	// Profile is the selected profile; "" is the default one (the top level).
	Profile string
	// ProfileFrom says what selected Profile: "flag --profile", "env
	// ORGCTL_PROFILE", "current_profile in FILE", or "" for none.
	ProfileFrom string
	// Warnings are problems worth telling the user that do not stop a run.
	Warnings []string
	// ProfileErr is set when the selected profile is not in the file:
	// commands that read settings refuse to run, those that write create it.
	ProfileErr error

	// Keyring is where tokens may be stored besides the file (see
	// KeyringFor); nil: the file only.
	Keyring keyring.Store
	// Note, when set, is told what the user should know about the keyring
	// (a timeout); AddSecret is given every token read from it.
	Note      func(string)
	AddSecret func(...string)

	kc          keyringCache
	flags       map[string]*pflag.Flag // flags bound to keys, for Source
	fileValues  map[string]any         // the file's top level, without profiles
	profileVals map[string]any         // the selected profile's keys
}

// Load reads the config file into v. path is --config (may be empty); then
// ORGCTL_CONFIG; then the default path. A file named by the user must exist;
// the default one may be missing. profile is --profile (may be empty; then
// ORGCTL_PROFILE, then the file's current_profile): its keys, under
// profiles.NAME in the file, override the file's top level. flags maps keys
// to the flags bound to them.
func Load(v *viper.Viper, path, profile string, flags map[string]*pflag.Flag) (*Config, error) {
	cfg := &Config{v: v, Profile: profile, flags: flags}
	switch {
	case profile != "":
		cfg.ProfileFrom = "flag --profile"
	case os.Getenv(EnvProfile) != "":
		cfg.Profile, cfg.ProfileFrom = os.Getenv(EnvProfile), "env "+EnvProfile
	}
	explicit := path != ""
	if !explicit {
		path = os.Getenv(EnvConfig)
		explicit = path != ""
	}
	if !explicit {
		p, err := DefaultPath()
		if err != nil {
			cfg.selectProfile() // no home directory: run on flags and environment
			return cfg, nil
		}
		path = p
	}
	cfg.Path = path
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		cfg.selectProfile()
		return cfg, nil
	case err != nil:
		// The path may be anything --config or ORGCTL_CONFIG said: quote it
		// capped, rather than the *PathError's copy of it in full.
		return nil, fmt.Errorf("reading config file %s: %w", text.Quote(path), text.WithoutPath(err))
	}
	// The file is parsed once here, as the editor parses it, so both see the
	// same keys and refuse the same files.
	values, err := parseFile(path, data)
	if err != nil {
		return nil, err
	}
	v.SetConfigFile(path)
	if err := v.MergeConfigMap(values); err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	cfg.File = path
	cfg.fileValues = values
	if cfg.ProfileFrom == "" {
		if name, _ := values[KeyCurrentProfile].(string); name != "" {
			cfg.Profile, cfg.ProfileFrom = name, KeyCurrentProfile+" in "+path
		}
	}
	if err := cfg.selectProfile(); err != nil {
		return nil, err
	}
	cfg.Warnings = append(cfg.Warnings, unknownKeys(path, values)...)
	cfg.Warnings = append(cfg.Warnings, permissionWarnings(path, values)...) // the file as read above
	return cfg, nil
}

// parseFile reads the config file's YAML into nested maps with lower-case
// keys, as viper sees them.
func parseFile(path string, data []byte) (map[string]any, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil && err != io.EOF {
		return nil, fmt.Errorf("config file %s is not valid YAML: %s", path, withLine(err, data))
	}
	var next yaml.Node
	if err := dec.Decode(&next); err != io.EOF {
		// viper would read the first document only: the rest would be
		// silently ignored.
		line := next.Line
		if err != nil {
			return nil, fmt.Errorf("config file %s is not valid YAML: %s", path, withLine(err, data))
		}
		return nil, fmt.Errorf("config file %s: line %d: a second YAML document: the config file holds one", path, line)
	}
	if len(doc.Content) == 0 { // an empty file
		return map[string]any{}, nil
	}
	if top := doc.Content[0]; top.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("config file %s: line %d: the top level must be a mapping of keys, not %s", path, top.Line, kindName(top))
	}
	if err := checkCaseDuplicates(doc.Content[0], nil); err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	var m map[string]any
	if err := doc.Decode(&m); err != nil {
		return nil, fmt.Errorf("config file %s is not valid YAML: %s", path, withLine(err, data))
	}
	return lowerKeys(m), nil
}

// withLine is a YAML error with its line. yaml.v3 leaves the line out of a
// few: an error on the first line, an alias to an unknown anchor and a
// value its tag does not fit; the line is then found from what they name.
func withLine(err error, data []byte) string {
	msg := err.Error()
	if strings.Contains(msg, "line ") {
		return msg
	}
	rest, _ := strings.CutPrefix(msg, "yaml: ")
	line := 1
	var find string
	if name, ok := strings.CutPrefix(rest, "unknown anchor '"); ok {
		name, _, _ = strings.Cut(name, "'")
		find = "*" + name
	} else if _, tag, ok := strings.Cut(rest, " as a "); ok && strings.HasPrefix(rest, "cannot decode ") {
		find = tag
	}
	if i := bytes.Index(data, []byte(find)); find != "" && i >= 0 {
		line += bytes.Count(data[:i], []byte("\n"))
	}
	return fmt.Sprintf("yaml: line %d: %s", line, rest)
}

// kindName says what a YAML node is, for an error.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	return "a single value"
}

func lowerKeys(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			v = lowerKeys(sub)
		}
		out[strings.ToLower(k)] = v
	}
	return out
}

// Profiles are the names of the config file's profiles, sorted.
func (c *Config) Profiles() []string {
	profiles, _ := c.fileValues[KeyProfiles].(map[string]any)
	names := make([]string, 0, len(profiles))
	for n := range profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// selectProfile lays the selected profile's keys over the file's top level;
// a profile that is not there sets ProfileErr.
func (c *Config) selectProfile() error {
	if c.Profile == "" {
		return nil
	}
	profiles, _ := c.fileValues[KeyProfiles].(map[string]any)
	vals, ok := profiles[strings.ToLower(c.Profile)].(map[string]any)
	if !ok {
		names := c.Profiles()
		what := fmt.Sprintf("unknown profile %s", text.Quote(c.Profile))
		if strings.HasPrefix(c.ProfileFrom, KeyCurrentProfile) {
			what += " (" + KeyCurrentProfile + "; change it with orgctl config use-profile)"
		}
		switch {
		case c.File == "":
			c.ProfileErr = fmt.Errorf("%s: there is no config file yet (%s); create the profile with orgctl config set KEY VALUE --profile %s", what, c.Path, c.Profile)
		case len(names) == 0:
			c.ProfileErr = fmt.Errorf("%s: %s has no profiles", what, c.File)
		default:
			c.ProfileErr = fmt.Errorf("%s: %s has %s", what, c.File, strings.Join(names, ", "))
		}
		return nil
	}
	c.profileVals = vals
	return c.v.MergeConfigMap(vals)
}

// Source says where a key's value comes from: "flag --provider", "env
// ORGCTL_QOVERY_TOKEN", "keyring", "keyring (profile staging)", "profile
// staging (FILE)", "config file FILE", or "default" when nothing sets it.
func (c *Config) Source(key string) string {
	if f := c.flags[key]; f != nil && f.Changed {
		return "flag --" + f.Name
	}
	for _, env := range EnvVars(key) {
		if os.Getenv(env) != "" {
			return "env " + env
		}
	}
	if IsToken(key) {
		if _, src := c.storedToken(key); src != "" {
			return src
		}
		return "default"
	}
	if isSet(lookup(c.profileVals, key)) {
		return fmt.Sprintf("profile %s (%s)", c.Profile, c.File)
	}
	if isSet(lookup(c.fileValues, key)) {
		return "config file " + c.File
	}
	return "default"
}

// isSet reports whether a value from the file sets its key: an empty or
// null value counts as unset, as it does everywhere else in orgctl.
func isSet(v any) bool { return v != nil && v != "" }

// lookup finds a dotted key in nested maps.
func lookup(m map[string]any, key string) any {
	parts := strings.Split(key, ".")
	var cur any = m
	for _, p := range parts {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[p]
	}
	return cur
}

// PermissionWarnings flags a config file that holds a token yet can be read
// by other users, and a config directory they can write to (they could
// replace the file; reading the directory only shows names). Windows has no
// such mode bits.
func PermissionWarnings(path string) []string {
	if runtime.GOOS == "windows" {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	values, err := parseFile(path, data)
	if err != nil {
		return nil
	}
	return permissionWarnings(path, values)
}

// permissionWarnings is PermissionWarnings for a file already read into
// values.
func permissionWarnings(path string, values map[string]any) []string {
	if runtime.GOOS == "windows" || !holdsToken(values) {
		return nil
	}
	var warnings []string
	if info, err := os.Stat(path); err == nil && info.Mode().Perm()&0o077 != 0 {
		warnings = append(warnings, fmt.Sprintf("config file %s holds a token and is readable by other users (mode %04o): run chmod 600 %s", path, info.Mode().Perm(), path))
	}
	if target, err := filepath.EvalSymlinks(path); err == nil {
		dir := filepath.Dir(target)
		if info, err := os.Stat(dir); err == nil && info.Mode().Perm()&0o022 != 0 {
			warnings = append(warnings, fmt.Sprintf("config directory %s is writable by other users (mode %04o): run chmod 700 %s", dir, info.Mode().Perm(), dir))
		}
	}
	return warnings
}

// holdsToken reports whether any "token" key, at any depth, has a value.
func holdsToken(m map[string]any) bool {
	for k, v := range m {
		switch v := v.(type) {
		case map[string]any:
			if holdsToken(v) {
				return true
			}
		case string:
			if k == "token" && v != "" {
				return true
			}
		}
	}
	return false
}

// Get returns the resolved value of a key (flag > environment > file >
// default; for a token, flag > environment > keyring > file).
func (c *Config) Get(key string) string {
	if IsToken(key) && !c.fromFlagOrEnv(key) {
		v, _ := c.storedToken(key)
		return v
	}
	return c.v.GetString(key)
}

// IsSet reports whether any source sets the key.
func (c *Config) IsSet(key string) bool { return c.v.IsSet(key) }
