package manifest

import (
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/orgctl/orgctl/pkg/text"
)

// yamlEntries reads a list of mappings. YAML is read whole (up to
// MaxYAMLSize) and cut into its items, each parsed when its entry is read
// (see splitYAML); a list that cannot be cut is parsed whole, then handed
// out entry by entry, each node released once read. It walks node trees
// rather than decoding into structs so that every entry keeps its line and
// an unknown field is an error, not silently dropped.
func yamlEntries(in io.Reader) (func() (Entry, error), error) {
	data, err := io.ReadAll(in)
	if err != nil {
		return nil, err
	}
	rest, items, ok := splitYAML(data)
	if !ok || rest != nil {
		return wholeEntries(data)
	}
	next, read := itemEntries(items), 0
	var whole func() (Entry, error)
	return func() (Entry, error) {
		if whole != nil {
			return whole()
		}
		e, ok, err := next()
		if ok {
			read++
			return e, err
		}
		// An item that does not read alone: the document, whole, from there.
		if whole, err = wholeEntries(data); err != nil {
			return Entry{}, err
		}
		for range read {
			_, _ = whole()
		}
		return whole()
	}, nil
}

// wholeEntries parses a list of mappings into one node tree.
func wholeEntries(data []byte) (func() (Entry, error), error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, oneLine(err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, fmt.Errorf("the manifest is empty")
	}
	list := doc.Content[0]
	if list.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("line %d: the manifest must be a list of organizations", list.Line)
	}
	return nodeEntries(list), nil
}

// entriesOf reads a sequence node of entries.
func entriesOf(list *yaml.Node) ([]Entry, error) {
	next := nodeEntries(list)
	entries := make([]Entry, 0, len(list.Content))
	for {
		e, err := next()
		if err == io.EOF {
			return entries, nil
		}
		if err != nil {
			return nil, err
		}
		entries = append(entries, e)
	}
}

// nodeEntries hands out the entries of a sequence node one by one, each
// node released once read.
func nodeEntries(list *yaml.Node) func() (Entry, error) {
	i := 0
	return func() (Entry, error) {
		if i == len(list.Content) {
			return Entry{}, io.EOF
		}
		item := list.Content[i]
		list.Content[i] = nil // let the collector have it
		i++
		return entryOf(item, i, 0)
	}
}

// entryOf reads the index-th entry from its mapping node, whose lines are
// offset lines into the file.
func entryOf(item *yaml.Node, index, offset int) (Entry, error) {
	e := Entry{Index: index, Line: item.Line + offset}
	if item.Kind != yaml.MappingNode {
		return Entry{}, fmt.Errorf("%s: must be a mapping of fields", e.Where())
	}
	for j := 0; j+1 < len(item.Content); j += 2 {
		key, value := item.Content[j], item.Content[j+1]
		if value.Tag == "!!null" {
			continue // `description: ~` is left out, as if absent; "" clears
		}
		values, err := scalars(value, offset)
		if err == nil {
			err = e.set(key.Value, values)
		}
		if err != nil {
			return Entry{}, fmt.Errorf("%s: %s: %w", e.Where(), text.Label(key.Value), err)
		}
	}
	return e, nil
}

// oneLine flattens a parser error that spans lines into one.
func oneLine(err error) error {
	msg := strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", "; ")), " ")
	return fmt.Errorf("%s", msg)
}

// scalars reads a scalar or a list of scalars; offset is added to the
// lines of its errors (see entryOf).
func scalars(n *yaml.Node, offset int) ([]string, error) {
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
				return nil, fmt.Errorf("line %d: expected text", c.Line+offset)
			}
			out = append(out, c.Value)
		}
		return out, nil
	}
	return nil, fmt.Errorf("line %d: expected text or a list of text", n.Line+offset)
}
