package manifest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/text"
)

// Document is a manifest as `orgctl apply` reads it: the organizations, and
// which organizations the manifest owns, so that --prune may delete those
// it no longer names. A plain list of entries is a document that owns
// nothing. In YAML or JSON the document form is
//
//	prune: {match: "^ci-"}
//	organizations:
//	  - {name: ci-acme, provider: qovery, plan: TEAM_2025}
type Document struct {
	Prune   *Prune // nil: the manifest owns nothing, --prune deletes nothing
	Entries []Entry
}

// Prune declares ownership: an organization is owned when it matches the
// rule of its provider (a provider's own rule replaces the global one).
type Prune struct {
	All       Owner            // match and tag at the top of prune:
	Providers map[string]Owner // by canonical provider name
}

// Owner is one ownership rule. When both are set, both must hold.
type Owner struct {
	Match *regexp.Regexp // over the organization's name, as written (unanchored unless ^…$)
	Tag   string         // a tag the organization carries (VertraCloud has tags)
}

// Owns reports whether the manifest owns org, by its provider's rule.
func (p *Prune) Owns(org *provider.Organization) bool {
	if p == nil {
		return false
	}
	rule, ok := p.Providers[org.Provider]
	if !ok {
		rule = p.All
	}
	if rule.Match == nil && rule.Tag == "" {
		return false
	}
	return (rule.Match == nil || rule.Match.MatchString(org.Name)) &&
		(rule.Tag == "" || slices.Contains(org.Tags, rule.Tag))
}

// ParseDocument reads a manifest in either form: a list of entries (YAML,
// JSON, CSV) or, in YAML and JSON, a mapping of prune and organizations.
//
// CSV, NDJSON and a JSON array are read as a stream, entry by entry, as
// create -f reads them: only the entries are held, never the file too. A
// YAML manifest, or a JSON mapping, is parsed whole.
func ParseDocument(r io.Reader, format string) (*Document, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(4096)
	if format == "" {
		format = sniff(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")))
	}
	if format == CSV || format == NDJSON || format == JSON && firstNonSpace(head) == '[' {
		entries, err := Parse(br, format)
		if err != nil {
			return nil, err
		}
		return &Document{Entries: entries}, nil
	}
	limit := int64(MaxYAMLSize)
	if format == JSON {
		limit = MaxSize
	}
	data, err := io.ReadAll(io.LimitReader(br, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("the manifest is larger than %s", size(limit))
	}
	if format == YAML {
		if doc, ok, err := cutDocument(data); ok {
			return doc, err
		}
	}
	if format == YAML || format == JSON {
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return nil, oneLine(err)
		}
		if len(doc.Content) > 0 && doc.Content[0].Kind == yaml.MappingNode {
			return documentOf(doc.Content[0])
		}
	}
	entries, err := Parse(bytes.NewReader(data), format)
	if err != nil {
		return nil, err
	}
	return &Document{Entries: entries}, nil
}

// firstNonSpace is the first byte of head past a byte order mark and white
// space; 0 when there is none.
func firstNonSpace(head []byte) byte {
	head = bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(head) == 0 {
		return 0
	}
	return head[0]
}

// cutDocument reads a YAML manifest cut into its items (see splitYAML):
// the rest of the document, prune: and such, is parsed as one small tree.
// ok is false when it must be parsed whole.
func cutDocument(data []byte) (doc *Document, ok bool, err error) {
	rest, items, ok := splitYAML(data)
	if !ok {
		return nil, false, nil
	}
	// Every item first: one that is not YAML makes it the whole parse's to
	// say what is wrong. An entry's own error comes after the rest's, as
	// in the whole parse.
	entries, ok, entriesErr := entriesOfItems(items)
	if !ok {
		return nil, false, nil
	}
	doc = &Document{}
	if rest != nil {
		var root yaml.Node
		if err := yaml.Unmarshal(rest, &root); err != nil || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
			return nil, false, nil
		}
		if doc, err = documentOf(root.Content[0]); err != nil {
			return nil, true, err
		}
	}
	if entriesErr != nil {
		return nil, true, entriesErr
	}
	doc.Entries = entries
	return doc, true, nil
}

func documentOf(root *yaml.Node) (*Document, error) {
	d := &Document{}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, value := root.Content[i], root.Content[i+1]
		switch key.Value {
		case "organizations":
			if value.Kind != yaml.SequenceNode {
				return nil, fmt.Errorf("line %d: organizations must be a list", value.Line)
			}
			list = value
		case "prune":
			p, err := pruneOf(value)
			if err != nil {
				return nil, err
			}
			d.Prune = p
		default:
			return nil, fmt.Errorf("line %d: unknown key %s (a manifest holds organizations and prune)", key.Line, text.Quote(key.Value))
		}
	}
	if list == nil {
		return nil, fmt.Errorf("line %d: the manifest has no organizations list", root.Line)
	}
	entries, err := entriesOf(list)
	if err != nil {
		return nil, err
	}
	d.Entries = entries
	return d, nil
}

// pruneOf reads prune: {match, tag, <provider>: {match, tag}}.
func pruneOf(n *yaml.Node) (*Prune, error) {
	if n.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: prune must be a mapping: {match: REGEX, tag: TAG, <provider>: {...}}", n.Line)
	}
	p := &Prune{Providers: map[string]Owner{}}
	rest := &yaml.Node{Kind: yaml.MappingNode, Line: n.Line}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, value := n.Content[i], n.Content[i+1]
		if key.Value == "match" || key.Value == "tag" {
			rest.Content = append(rest.Content, key, value)
			continue
		}
		name, err := provider.Canonical(key.Value)
		if err != nil {
			return nil, fmt.Errorf("line %d: prune: %s is neither match, tag nor a provider", key.Line, text.Quote(key.Value))
		}
		if p.Providers[name], err = ownerOf(value, "prune."+key.Value); err != nil {
			return nil, err
		}
	}
	if len(rest.Content) > 0 {
		var err error
		if p.All, err = ownerOf(rest, "prune"); err != nil {
			return nil, err
		}
	} else if len(p.Providers) == 0 {
		return nil, fmt.Errorf("line %d: prune owns nothing: give match (a regular expression over names) or tag", n.Line)
	}
	return p, nil
}

func ownerOf(n *yaml.Node, where string) (Owner, error) {
	var o Owner
	if n.Kind != yaml.MappingNode {
		return o, fmt.Errorf("line %d: %s must be a mapping: {match: REGEX, tag: TAG}", n.Line, where)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, value := n.Content[i], n.Content[i+1]
		if value.Kind != yaml.ScalarNode || strings.TrimSpace(value.Value) == "" {
			return o, fmt.Errorf("line %d: %s.%s must be non-blank text", value.Line, where, key.Value)
		}
		switch key.Value {
		case "match":
			re, err := regexp.Compile(value.Value)
			if err != nil {
				return o, fmt.Errorf("line %d: %s.match: %w", value.Line, where, err)
			}
			o.Match = re
		case "tag":
			o.Tag = value.Value
		default:
			return o, fmt.Errorf("line %d: %s: unknown key %s (keys: match, tag)", key.Line, where, text.Quote(key.Value))
		}
	}
	if o.Match == nil && o.Tag == "" {
		return o, fmt.Errorf("line %d: %s owns nothing: give match or tag", n.Line, where)
	}
	return o, nil
}
