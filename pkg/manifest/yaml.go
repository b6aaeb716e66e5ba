package manifest

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// parseYAML reads a list of mappings. It walks the node tree rather than
// decoding into structs so that every entry keeps its line and an unknown
// field is an error, not silently dropped.
func parseYAML(data []byte) ([]Entry, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, fmt.Errorf("the manifest is empty")
	}
	list := doc.Content[0]
	if list.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("line %d: the manifest must be a list of organizations", list.Line)
	}
	return entriesOf(list)
}

// entriesOf reads a sequence node of entries.
func entriesOf(list *yaml.Node) ([]Entry, error) {
	entries := make([]Entry, 0, len(list.Content))
	for i, item := range list.Content {
		e := Entry{Index: i + 1, Line: item.Line}
		if item.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("%s: must be a mapping of fields", e.Where())
		}
		for j := 0; j+1 < len(item.Content); j += 2 {
			key, value := item.Content[j], item.Content[j+1]
			if value.Tag == "!!null" {
				continue // `description: ~` is left out, as if absent; "" clears
			}
			values, err := scalars(value)
			if err == nil {
				err = e.set(key.Value, values)
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", e.Where(), key.Value, err)
			}
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// scalars reads a scalar or a list of scalars.
func scalars(n *yaml.Node) ([]string, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return []string{""}, nil
		}
		return []string{n.Value}, nil
	case yaml.SequenceNode:
		out := make([]string, 0, len(n.Content))
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: expected text", c.Line)
			}
			out = append(out, c.Value)
		}
		return out, nil
	}
	return nil, fmt.Errorf("line %d: expected text or a list of text", n.Line)
}
