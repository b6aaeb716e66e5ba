package config

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/orgctl/orgctl/pkg/keyring"
)

// KeyAuthStorage says where auth login stores tokens: StorageAuto,
// StorageKeyring or StorageFile.
const KeyAuthStorage = "auth.storage"

// Values of auth.storage.
const (
	// StorageAuto: the keyring when one answers, else the 0600 file (said
	// on stderr before writing). The default.
	StorageAuto = "auto"
	// StorageKeyring: the keyring or nothing (fail closed).
	StorageKeyring = "keyring"
	// StorageFile: the 0600 file; the keyring is never touched.
	StorageFile = "file"
)

// StorageValues are the values auth.storage takes.
func StorageValues() []string { return []string{StorageAuto, StorageKeyring, StorageFile} }

// Storage returns auth.storage (flag > environment > file), StorageAuto
// when unset; an unknown value is an error.
func (c *Config) Storage() (string, error) {
	s := strings.ToLower(c.v.GetString(KeyAuthStorage))
	switch s {
	case "":
		return StorageAuto, nil
	case StorageAuto, StorageKeyring, StorageFile:
		return s, nil
	}
	return "", fmt.Errorf("unknown %s %q (%s): use one of %s", KeyAuthStorage, s, c.Source(KeyAuthStorage), strings.Join(StorageValues(), ", "))
}

// InCI reports whether the CI variable is set (to anything but false or 0):
// there, orgctl leaves the keyring alone unless auth.storage asks for it.
func InCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v != "" && v != "false" && v != "0"
}

// KeyringFor returns the keyring this run may use, or nil with the reason
// it may not (no keyring given, auth.storage, CI). An unknown auth.storage
// reads as auto.
func (c *Config) KeyringFor() (keyring.Store, string) {
	storage, _ := c.Storage()
	switch {
	case c.Keyring == nil:
		return nil, "no keyring"
	case storage == StorageFile:
		return nil, KeyAuthStorage + " is " + StorageFile + " (" + c.Source(KeyAuthStorage) + ")"
	case storage != StorageKeyring && InCI():
		return nil, "CI is set (auth.storage keyring would use it there)"
	}
	return c.Keyring, ""
}

// KeyringUser names a token's keyring entry (service keyring.Service): the
// provider, then ":PROFILE" for a profile.
func KeyringUser(tokenKey, profile string) string {
	user, _, _ := strings.Cut(tokenKey, ".")
	if profile != "" {
		user += ":" + strings.ToLower(profile)
	}
	return user
}

// keyringCache remembers this run's keyring answers: one question per
// entry, and none after the keyring has timed out once.
type keyringCache struct {
	mu      sync.Mutex
	answers map[string]*string // nil: no entry
	down    bool
}

// fromKeyring asks the keyring for a token key's entry in profile ("" for
// the top level).
func (c *Config) fromKeyring(tokenKey, profile string) (string, bool) {
	kr, _ := c.KeyringFor()
	if kr == nil {
		return "", false
	}
	c.kc.mu.Lock()
	defer c.kc.mu.Unlock()
	user := KeyringUser(tokenKey, profile)
	if v, ok := c.kc.answers[user]; ok {
		return derefString(v), v != nil
	}
	if c.kc.down {
		return "", false
	}
	if c.kc.answers == nil {
		c.kc.answers = map[string]*string{}
	}
	v, err := kr.Get(keyring.Service, user)
	var timeout *keyring.TimeoutError
	switch {
	case err == nil && CheckToken(v) == nil:
		if c.AddSecret != nil {
			c.AddSecret(v)
		}
		c.kc.answers[user] = &v
		return v, true
	case err == nil:
		c.note(fmt.Sprintf("the keyring's entry %s/%s is not a token (%v): ignored", keyring.Service, user, CheckToken(v)))
	case errors.As(err, &timeout):
		c.kc.down = true
		c.note(err.Error() + ": reading tokens from the config file only")
	case !errors.Is(err, keyring.ErrNotFound):
		// No keyring (headless, a container) is the common case: said only
		// when the keyring was asked for.
		if storage, _ := c.Storage(); storage == StorageKeyring {
			c.note(err.Error() + ": reading tokens from the config file only")
		}
		c.kc.down = true
	}
	c.kc.answers[user] = nil
	return "", false
}

func (c *Config) note(s string) {
	if c.Note != nil {
		c.Note(s)
	}
}

func derefString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// storedToken resolves a token key from what is stored, strongest first:
// the profile's keyring entry, the profile's file key, the top level's
// keyring entry, the top level's file key. It returns the value and its
// source, or "" and "".
func (c *Config) storedToken(key string) (string, string) {
	if c.profileVals != nil {
		if v, ok := c.fromKeyring(key, c.Profile); ok {
			return v, "keyring (profile " + strings.ToLower(c.Profile) + ")"
		}
		if v := scalar(lookup(c.profileVals, key)); v != "" {
			return v, fmt.Sprintf("profile %s (%s)", c.Profile, c.File)
		}
	}
	if v, ok := c.fromKeyring(key, ""); ok {
		return v, "keyring"
	}
	if v := scalar(lookup(c.fileValues, key)); v != "" {
		return v, "config file " + c.File
	}
	return "", ""
}

// scalar is a file value as a string, as viper's GetString gives it; a map
// or a null is "".
func scalar(v any) string {
	switch v := v.(type) {
	case nil, map[string]any, []any:
		return ""
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}

// fromFlagOrEnv reports whether a flag or the environment sets key: they
// win over anything stored.
func (c *Config) fromFlagOrEnv(key string) bool {
	src := c.Source(key)
	return strings.HasPrefix(src, "flag ") || strings.HasPrefix(src, "env ")
}

// TokenWrite is one token for auth login to store.
type TokenWrite struct {
	Path, Profile, Key, Token string
	// Keyring is where the token goes, nil for the file. With File set, a
	// keyring given is only cleared of this entry, so that an old token
	// there cannot shadow the file's.
	Keyring keyring.Store
	File    bool
	// Fallback decides what a keyring that refuses the token means: an
	// error fails closed (nothing is written); nil stores it in the file,
	// so Fallback says so first.
	Fallback func(error) error
}

// Saved says where TokenWrite.Save put the token.
type Saved struct {
	InKeyring       bool  // else in the file
	RemovedFromFile bool  // a copy in the file was removed (moved to the keyring)
	Warning         error // a problem that did not stop the write
}

// Save stores the token under the config lock: in the keyring, removing
// any copy from the file (a profile stays in the file, empty, so that
// --profile finds it), or in the file.
func (w TokenWrite) Save() (saved Saved, err error) {
	keys := KeyPath(w.Profile, w.Key)
	user := KeyringUser(w.Key, w.Profile)
	err = Edit(w.Path, func(root *yaml.Node) (bool, error) {
		if w.Keyring != nil && !w.File {
			kerr := w.Keyring.Set(keyring.Service, user, w.Token)
			if kerr == nil {
				saved.InKeyring = true
				saved.RemovedFromFile = removePath(root, keys)
				added := w.Profile != "" && ensureMap(root, KeyPath(w.Profile, "x")[:2])
				return saved.RemovedFromFile || added, nil
			}
			if ferr := w.Fallback(kerr); ferr != nil {
				return false, ferr
			}
		}
		if w.Keyring != nil && w.File {
			if kerr := w.Keyring.Delete(keyring.Service, user); kerr != nil && !errors.Is(kerr, keyring.ErrNotFound) {
				saved.Warning = fmt.Errorf("could not remove an older token from the keyring (%w): while it is there, it wins over the file's", kerr)
			}
		}
		setPath(root, keys, w.Token)
		return true, nil
	})
	return saved, err
}

// DeleteToken removes a token key's entry from the keyring (kr; nil leaves
// the keyring alone) and from the file, under the config lock. It reports
// where it was; a keyring that could not be asked is an error, after the
// file's copy is gone.
func DeleteToken(path, profile, key string, kr keyring.Store) (fromKeyring, fromFile bool, err error) {
	var kerr error
	err = Edit(path, func(root *yaml.Node) (bool, error) {
		if kr != nil {
			kerr = kr.Delete(keyring.Service, KeyringUser(key, profile))
			fromKeyring = kerr == nil
			if errors.Is(kerr, keyring.ErrNotFound) {
				kerr = nil
			}
		}
		fromFile = removePath(root, KeyPath(profile, key))
		return fromFile, nil
	})
	if err == nil && kerr != nil {
		err = fmt.Errorf("could not remove the token from the keyring: %w", kerr)
	}
	return fromKeyring, fromFile, err
}

// setPath sets keys to a string value, creating the maps on the way.
func setPath(root *yaml.Node, keys []string, value string) {
	node := root
	for _, k := range keys[:len(keys)-1] {
		child := valueOf(node, k)
		if child == nil || child.Kind != yaml.MappingNode {
			child = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			setPair(node, k, child)
		}
		node = child
	}
	setPair(node, keys[len(keys)-1], &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value})
}

// ensureMap makes keys lead to a mapping, reporting whether it added one.
func ensureMap(root *yaml.Node, keys []string) bool {
	added := false
	node := root
	for _, k := range keys {
		child := valueOf(node, k)
		if child == nil || child.Kind != yaml.MappingNode {
			child = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			setPair(node, k, child)
			added = true
		}
		node = child
	}
	return added
}
