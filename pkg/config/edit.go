package config

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
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
// every other key, their order and the comments stay as they were.
func SetValue(path string, keys []string, value string) error {
	doc, err := readDoc(path)
	if err != nil {
		return err
	}
	node := doc.Content[0]
	for _, k := range keys[:len(keys)-1] {
		child := valueOf(node, k)
		if child == nil || child.Kind != yaml.MappingNode {
			child = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			setPair(node, k, child)
		}
		node = child
	}
	setPair(node, keys[len(keys)-1], &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value})
	return writeDoc(path, doc)
}

// UnsetValue removes one key from the file, and any map left empty by it.
// It reports whether the key was there.
func UnsetValue(path string, keys []string) (bool, error) {
	if _, err := os.Stat(path); os.IsNotExist(err) {
		return false, nil
	}
	doc, err := readDoc(path)
	if err != nil {
		return false, err
	}
	if !removePath(doc.Content[0], keys) {
		return false, nil
	}
	return true, writeDoc(path, doc)
}

// removePath deletes keys from a mapping and prunes emptied maps.
func removePath(m *yaml.Node, keys []string) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != keys[0] {
			continue
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
	return false
}

func valueOf(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func setPair(m *yaml.Node, key string, value *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			// Keep a comment that sat on the old value.
			value.LineComment, value.HeadComment = m.Content[i+1].LineComment, m.Content[i+1].HeadComment
			m.Content[i+1] = value
			return
		}
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
	if doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("config file %s: the top level must be a mapping of keys", path)
	}
	return &doc, nil
}

// writeDoc replaces the file atomically (a temporary file renamed over it),
// private to its owner: it may hold tokens.
func writeDoc(path string, doc *yaml.Node) error {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".orgctl-config-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
