// Package output renders results as a table for people or JSON/YAML for
// scripts. Data goes to stdout; nothing here writes to stderr.
package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/orgctl/orgctl/pkg/text"
)

// Format is an output format.
type Format string

// The output formats -o accepts.
const (
	Table Format = "table"
	Wide  Format = "wide" // a table with the columns that do not fit by default
	JSON  Format = "json"
	YAML  Format = "yaml"
	// Markdown is a report for people reading a pull request or a job
	// summary; only the commands that make reports take it (ParseReportFormat).
	Markdown Format = "markdown"
)

// ReportCommands are the commands that take -o markdown, for errors.
const ReportCommands = "orgctl diff, orgctl apply and orgctl create -f"

// Formats lists the accepted formats, for help and errors.
func Formats() []string { return []string{string(Table), string(Wide), string(JSON), string(YAML)} }

// IsTable reports whether f is drawn for people (table or wide), not
// written for scripts.
func (f Format) IsTable() bool { return f == Table || f == Wide }

// ParseFormat checks a user-typed format; "" means table.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case "":
		return Table, nil
	case Table, Wide, JSON, YAML:
		return f, nil
	case Markdown:
		return "", fmt.Errorf("-o markdown is only for %s", ReportCommands)
	}
	return "", fmt.Errorf("unknown output format %s: use one of %s", text.Quote(s), strings.Join(Formats(), ", "))
}

// ParseReportFormat is ParseFormat for the commands that make reports:
// they take markdown too.
func ParseReportFormat(s string) (Format, error) {
	if Format(strings.ToLower(strings.TrimSpace(s))) == Markdown {
		return Markdown, nil
	}
	f, err := ParseFormat(s)
	if err != nil {
		err = fmt.Errorf("unknown output format %q: use one of %s, %s", s, strings.Join(Formats(), ", "), Markdown)
	}
	return f, err
}

// WriteJSON writes v as indented JSON followed by a newline.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// WriteNDJSON writes v as one compact JSON line, for streams.
func WriteNDJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// WriteYAML writes v as YAML. It goes through v's JSON form so both formats
// share one schema (the json tags) and one key order.
func WriteYAML(w io.Writer, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	node, err := yamlNode(dec)
	if err != nil {
		return err
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(node); err != nil {
		return err
	}
	return enc.Close()
}

// yamlNode reads the next JSON value of dec as the YAML node tree parsing
// it would give, in block style. Building it from JSON's tokens rather
// than with YAML's parser takes a fraction of the time (a long list is
// written an element at a time: see ListWriter).
func yamlNode(dec *json.Decoder) (*yaml.Node, error) {
	t, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := t.(type) {
	case json.Delim: // '{' or '['
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		if t == '{' {
			n.Kind, n.Tag = yaml.MappingNode, "!!map"
		}
		for dec.More() {
			if n.Kind == yaml.MappingNode {
				key, err := dec.Token()
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key.(string)})
			}
			item, err := yamlNode(dec)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, item)
		}
		_, err := dec.Token() // '}' or ']'
		return n, err
	case string: // tagged, so that one YAML would read as another type is quoted
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: t}, nil
	case json.Number:
		tag := "!!int"
		if strings.ContainsAny(t.String(), ".eE") {
			tag = "!!float"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: t.String()}, nil
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(t)}, nil
	default: // nil
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}, nil
	}
}

// Write renders v in a machine format (JSON or YAML).
func Write(w io.Writer, f Format, v any) error {
	if f == YAML {
		return WriteYAML(w, v)
	}
	return WriteJSON(w, v)
}
