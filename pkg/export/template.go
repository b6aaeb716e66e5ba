package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	// Go's text/template without method calls: the standard one keeps
	// every exported method of every type in the binary (see the doc).
	template "github.com/DataDog/datadog-agent/pkg/template/text"
	"github.com/fatih/color"

	"github.com/orgctl/orgctl/pkg/tableprinter"
	"github.com/orgctl/orgctl/pkg/text"
)

// Env is where the text goes: whether it is a terminal (then the
// document's strings are made safe for it first, as tables' cells are), its
// width for tablerow (0 when piped), whether color may colour, and the time
// timeago counts from.
type Env struct {
	Terminal bool
	Width    int
	Color    bool
	Now      time.Time
}

// Template is a parsed Go text/template with the helpers gh's templates
// have: tablerow, tablerender, json, join, pluck, truncate, timeago,
// timefmt, color and autocolor.
type Template struct {
	tmpl *template.Template
	run  *execution // the execution under way, for the helpers
}

// execution is the state of one Execute: the table tablerow fills.
type execution struct {
	w     io.Writer
	env   Env
	table *tableprinter.Table
}

// ParseTemplate parses a template; a mistake in it is reported before
// anything runs.
func ParseTemplate(src string) (*Template, error) {
	t := &Template{}
	funcs := template.FuncMap{
		"tablerow": func(fields ...any) (string, error) {
			cells := make([]string, len(fields))
			for i, f := range fields {
				cells[i] = scalar(f)
			}
			t.run.table.AddRow(cells...)
			return "", nil
		},
		"tablerender": func() (string, error) { return "", t.run.flush() },
		"json":        jsonFunc,
		"join":        joinFunc,
		"pluck":       pluckFunc,
		"truncate":    truncateFunc,
		"timeago":     func(s string) (string, error) { return timeAgo(t.run.env.Now, s) },
		"timefmt":     timeFormat,
		"color":       func(style string, v any) string { return colorize(t.run.env.Color, style, v) },
		"autocolor":   func(style string, v any) string { return colorize(t.run.env.Color, style, v) },
	}
	tmpl, err := template.New("--template").Funcs(funcs).Option("missingkey=zero").Parse(src)
	if err != nil {
		return nil, fmt.Errorf("invalid template: %w", err)
	}
	t.tmpl = tmpl
	return t, nil
}

// Execute applies the template to doc (a value decoded from JSON), then
// draws any rows tablerow added and tablerender did not draw.
func (t *Template) Execute(w io.Writer, doc any, env Env) error {
	if env.Now.IsZero() {
		env.Now = time.Now()
	}
	// Tables and text go to one buffer, so they interleave in order.
	var buf bytes.Buffer
	t.run = &execution{w: &buf, env: env}
	t.run.table = t.run.newTable()
	if err := t.tmpl.Execute(&buf, doc); err != nil {
		return fmt.Errorf("--template: %w", err)
	}
	if err := t.run.flush(); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func (e *execution) newTable() *tableprinter.Table {
	return tableprinter.New(e.w, tableprinter.Options{Width: e.env.Width})
}

// flush draws the rows added so far and starts a new table.
func (e *execution) flush() error {
	err := e.table.Render()
	e.table = e.newTable()
	return err
}

// scalar renders a JSON value as text: strings as they are, whole numbers
// without a decimal point, null as nothing, arrays and objects as JSON.
func scalar(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1e15 {
			return strconv.FormatInt(int64(v), 10)
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(data)
}

func jsonFunc(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

func joinFunc(sep string, list any) (string, error) {
	if list == nil {
		return "", nil
	}
	items, ok := list.([]any)
	if !ok {
		return "", fmt.Errorf("join: expected an array, got %s", scalar(list))
	}
	texts := make([]string, len(items))
	for i, item := range items {
		texts[i] = scalar(item)
	}
	return strings.Join(texts, sep), nil
}

func pluckFunc(field string, list any) ([]any, error) {
	items, ok := list.([]any)
	if !ok && list != nil {
		return nil, fmt.Errorf("pluck: expected an array, got %s", scalar(list))
	}
	out := make([]any, 0, len(items))
	for _, item := range items {
		if obj, ok := item.(map[string]any); ok {
			out = append(out, obj[field])
		}
	}
	return out, nil
}

func truncateFunc(width int, v any) string {
	return tableprinter.Truncate(scalar(v), width)
}

func timeFormat(layout, s string) (string, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return "", fmt.Errorf("timefmt: %s is not an RFC 3339 time", text.Quote(s))
	}
	return t.Format(layout), nil
}

// timeAgo says how long ago an RFC 3339 time was, as gh does.
func timeAgo(now time.Time, s string) (string, error) {
	if s == "" {
		return "", nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return "", fmt.Errorf("timeago: %s is not an RFC 3339 time", text.Quote(s))
	}
	ago := now.Sub(t)
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit + " ago"
		}
		return strconv.Itoa(n) + " " + unit + "s ago"
	}
	switch {
	case ago < time.Minute:
		return "just now", nil
	case ago < time.Hour:
		return plural(int(ago.Minutes()), "minute"), nil
	case ago < 24*time.Hour:
		return plural(int(ago.Hours()), "hour"), nil
	case ago < 30*24*time.Hour:
		return plural(int(ago.Hours())/24, "day"), nil
	case ago < 365*24*time.Hour:
		return plural(int(ago.Hours())/24/30, "month"), nil
	}
	return plural(int(ago.Hours())/24/365, "year"), nil
}

var colorNames = map[string]color.Attribute{
	"black": color.FgBlack, "red": color.FgRed, "green": color.FgGreen, "yellow": color.FgYellow,
	"blue": color.FgBlue, "magenta": color.FgMagenta, "cyan": color.FgCyan, "white": color.FgWhite,
	"gray": color.FgHiBlack, "grey": color.FgHiBlack,
}

var colorModifiers = map[byte]color.Attribute{'b': color.Bold, 'd': color.Faint, 'i': color.Italic, 'u': color.Underline}

// colorize styles a value with a style such as "red", "green+b" (bold) or
// "+u" (underlined), as gh's color does; plain when colour is off.
func colorize(enabled bool, style string, v any) string {
	text := scalar(v)
	if !enabled {
		return text
	}
	name, mods, _ := strings.Cut(style, "+")
	var attrs []color.Attribute
	if a, ok := colorNames[strings.ToLower(name)]; ok {
		attrs = append(attrs, a)
	}
	for i := 0; i < len(mods); i++ {
		if a, ok := colorModifiers[mods[i]]; ok {
			attrs = append(attrs, a)
		}
	}
	c := color.New(attrs...)
	c.EnableColor()
	return c.Sprint(text)
}
