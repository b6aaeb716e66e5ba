// Package manifest reads the list of organizations `orgctl create -f`
// creates, from YAML, JSON or CSV, keeping each entry's position so errors
// can point at it.
package manifest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/orgctl/orgctl/pkg/provider"
)

// Entry is one organization of a manifest. Its fields are the flags of
// `orgctl create`, by their snake_case names, plus the id `apply` may pin.
type Entry struct {
	Index int // 1-based position in the manifest
	Line  int // line of the file where the entry starts

	Provider string
	// ID pins an existing organization for `apply`: with a different name,
	// the organization is renamed rather than replaced.
	ID string
	provider.CreateSpec
	// Set records which fields the entry names, so `apply` can tell a field
	// left out (left alone) from one set empty (cleared).
	Set Field
}

// Where names the entry for error messages: "entry 3 (line 12)".
func (e Entry) Where() string {
	if e.Line > 0 {
		return fmt.Sprintf("entry %d (line %d)", e.Index, e.Line)
	}
	return fmt.Sprintf("entry %d", e.Index)
}

// Fields lists the keys an entry may have.
func Fields() []string {
	return []string{"name", "provider", "id", "plan", "description", "website_url", "repository", "logo_url", "icon_url", "admin_emails", "tags"}
}

// set assigns one field; lists accept a comma-separated string, as the
// flags do.
func (e *Entry) set(key string, values []string) error {
	one := func() (string, error) {
		if len(values) != 1 {
			return "", fmt.Errorf("%s takes one value", key)
		}
		return values[0], nil
	}
	var err error
	e.Set |= fieldBits[key]
	switch key {
	case "id":
		e.ID, err = one()
	case "name":
		e.Name, err = one()
	case "provider":
		e.Provider, err = one()
	case "plan":
		e.Plan, err = one()
	case "description":
		e.Description, err = one()
	case "website_url":
		e.WebsiteURL, err = one()
	case "repository":
		e.Repository, err = one()
	case "logo_url":
		e.LogoURL, err = one()
	case "icon_url":
		e.IconURL, err = one()
	case "admin_emails":
		e.AdminEmails = splitList(values)
	case "tags":
		e.Tags = splitList(values)
	default:
		return fmt.Errorf("unknown field %q (fields: %s)", key, strings.Join(Fields(), ", "))
	}
	return err
}

// splitList splits comma-separated values and trims them: `a, b` is two.
// A blank value (an empty CSV cell) adds nothing.
func splitList(values []string) []string {
	var out []string
	for _, v := range values {
		if strings.TrimSpace(v) == "" {
			continue
		}
		for _, part := range strings.Split(v, ",") {
			out = append(out, strings.TrimSpace(part))
		}
	}
	return out
}

// Formats of a manifest.
const (
	YAML = "yaml"
	JSON = "json"
	CSV  = "csv"
)

// Parse reads a whole manifest. format is YAML, JSON or CSV; "" guesses
// from the content (for standard input).
func Parse(r io.Reader, format string) ([]Entry, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if format == "" {
		format = sniff(data)
	}
	switch format {
	case CSV:
		return parseCSV(data)
	case YAML, JSON:
		return parseYAML(data) // JSON is YAML: one parser, the same line numbers
	}
	return nil, fmt.Errorf("unknown manifest format %q: use .yaml, .yml, .json or .csv", format)
}

// FormatOf picks the format from a file name; "" when it cannot tell.
func FormatOf(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		return YAML
	case ".json":
		return JSON
	case ".csv":
		return CSV
	}
	return ""
}

// sniff guesses a format: JSON starts with [ or {, CSV with a header line
// naming the name column, anything else is YAML.
func sniff(data []byte) string {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && (trimmed[0] == '[' || trimmed[0] == '{') {
		return JSON
	}
	first, _ := bufio.NewReader(bytes.NewReader(trimmed)).ReadString('\n')
	if strings.Contains(first, ",") && !strings.Contains(first, ":") {
		for _, col := range strings.Split(first, ",") {
			if strings.TrimSpace(col) == "name" {
				return CSV
			}
		}
	}
	return YAML
}
