package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/orgctl/orgctl/pkg/internal/atomicfile"
	"github.com/orgctl/orgctl/pkg/text"
)

// KeyPath is where a key lives in the file: under profiles.NAME for a
// profile, at the top level otherwise.
func KeyPath(profile, key string) []string {
	parts := strings.Split(key, ".")
	if profile == "" {
		return parts
	}
	return append([]string{"profiles", strings.ToLower(profile)}, parts...)
}

// SetValue writes one key into the YAML file at path, creating the file
// (0600, in a 0700 directory) if needed. It edits the YAML tree in place, so
// every other key, their order and the comments stay as they were. Keys
// match whatever their case in the file, as viper reads them.
func SetValue(path string, keys []string, value string) error {
	return Edit(path, func(root *yaml.Node) (bool, error) {
		setPath(root, keys, value)
		return true, nil
	})
}

// UnsetValue removes one key from the file, and any map left empty by it.
// It reports whether the key was there.
func UnsetValue(path string, keys []string) (removed bool, err error) {
	err = Edit(path, func(root *yaml.Node) (bool, error) {
		removed = removePath(root, keys)
		return removed, nil
	})
	return removed, err
}

// LockWait bounds how long a writer waits for another to release the config
// lock: a hung orgctl must not block every other one forever.
var LockWait = 10 * time.Second

// Edit is the one way orgctl changes the config file. Under an exclusive
// lock (path's target + ".lock"), so concurrent orgctl processes never lose
// each other's writes, it reads the file afresh, lets edit change its
// top-level mapping, and, when edit reports a change, writes a temporary file
// beside it, syncs it and renames it over the file. A symlinked file is
// written through to its target. A missing file starts as an empty mapping.
func Edit(path string, edit func(root *yaml.Node) (changed bool, err error)) error {
	target, err := resolve(path)
	if err != nil {
		return err
	}
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating the config directory: %w", err)
	}
	unlock, err := atomicfile.LockWait(target+".lock", LockWait)
	if err != nil {
		return fmt.Errorf("locking the config file: %w", err)
	}
	defer unlock()
	doc, err := readDoc(target)
	if err != nil {
		return err
	}
	changed, err := edit(doc.Content[0])
	if err != nil || !changed {
		return err
	}
	return writeDoc(target, doc)
}

// resolve follows symlinks to the file to write, even to a target that does
// not exist yet, so a symlinked config (dotfiles managers do that) stays a
// symlink.
func resolve(path string) (string, error) {
	for range 40 {
		fi, err := os.Lstat(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return path, nil
		case err != nil:
			return "", fmt.Errorf("reading config file: %w", err)
		case fi.Mode()&fs.ModeSymlink == 0:
			return path, nil
		}
		link, err := os.Readlink(path)
		if err != nil {
			return "", fmt.Errorf("reading config file: %w", err)
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(path), link)
		}
		path = link
	}
	return "", fmt.Errorf("config file %s: too many levels of symbolic links", path)
}

// removePath deletes keys from a mapping and prunes emptied maps.
func removePath(m *yaml.Node, keys []string) bool {
	i := indexOf(m, keys[0])
	if i < 0 {
		return false
	}
	if len(keys) == 1 {
		m.Content = append(m.Content[:i], m.Content[i+2:]...)
		return true
	}
	child := m.Content[i+1]
	if child.Kind != yaml.MappingNode || !removePath(child, keys[1:]) {
		return false
	}
	if len(child.Content) == 0 {
		m.Content = append(m.Content[:i], m.Content[i+2:]...)
	}
	return true
}

// indexOf finds key in a mapping case-insensitively, as viper reads it
// (strings.ToLower, not Unicode folding), and returns the index of its key
// node, or -1.
func indexOf(m *yaml.Node, key string) int {
	key = strings.ToLower(key)
	for i := 0; i+1 < len(m.Content); i += 2 {
		if strings.ToLower(m.Content[i].Value) == key {
			return i
		}
	}
	return -1
}

func valueOf(m *yaml.Node, key string) *yaml.Node {
	if i := indexOf(m, key); i >= 0 {
		return m.Content[i+1]
	}
	return nil
}

func setPair(m *yaml.Node, key string, value *yaml.Node) {
	if i := indexOf(m, key); i >= 0 {
		// Keep a comment that sat on the old value.
		value.LineComment, value.HeadComment = m.Content[i+1].LineComment, m.Content[i+1].HeadComment
		m.Content[i+1] = value
		return
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, value)
}

// readDoc parses the file into a document holding one mapping; a missing or
// empty file gives an empty mapping.
func readDoc(path string) (*yaml.Node, error) {
	data, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("reading config file: %w", err)
	}
	// The reader's own checks, so that the editor refuses exactly the files
	// the reader refuses (a non-scalar key, a key in two spellings, ...).
	if _, err := parseFile(path, data); err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("config file %s is not valid YAML: %w", path, err)
	}
	if doc.Kind == 0 {
		doc = yaml.Node{Kind: yaml.DocumentNode}
	}
	if len(doc.Content) == 0 {
		doc.Content = []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}
	}
	return &doc, nil
}

// checkCaseDuplicates refuses a mapping that holds one key twice, in one
// spelling or two (Qovery: and qovery:): viper would keep either at random,
// so neither the reader nor the editor can know which one counts. Both
// lines are named, as a hand-edited file is fixed in an editor.
func checkCaseDuplicates(m *yaml.Node, at []string) error {
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		kn := m.Content[i]
		k := kn.Value
		if prev, ok := seen[strings.ToLower(k)]; ok {
			if prev.Value == k {
				return fmt.Errorf("lines %d and %d: %s is written twice: keep one", prev.Line, kn.Line, text.Quote(strings.Join(append(at, k), ".")))
			}
			return fmt.Errorf("lines %d and %d: %s and %s are the same key (keys ignore case): keep one", prev.Line, kn.Line, text.Quote(strings.Join(append(at, prev.Value), ".")), text.Quote(strings.Join(append(at, k), ".")))
		}
		seen[strings.ToLower(k)] = kn
		if v := m.Content[i+1]; v.Kind == yaml.MappingNode {
			if err := checkCaseDuplicates(v, append(at[:len(at):len(at)], k)); err != nil {
				return err
			}
		}
	}
	return nil
}

// keepNulls spells out the nulls that were written as nothing (`{key}`,
// `key:`): yaml.v3 re-encodes such a value as an empty quoted string in
// flow style, which would
// turn another key's null into an empty string on every edit.
func keepNulls(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Value == "" {
		n.Value = "null"
	}
	for _, c := range n.Content {
		keepNulls(c)
	}
}

// writeDoc replaces the file atomically, private to its owner: it may hold
// tokens.
func writeDoc(path string, doc *yaml.Node) error {
	keepNulls(doc)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return err
	}
	return atomicfile.Write(path, buf.Bytes())
}
