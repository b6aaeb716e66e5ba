// Package export turns the JSON document a command prints into what a
// script asked for: a jq expression's results (--jq) or a Go template's text
// (--template), both evaluated in-process.
package export

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/itchyny/gojq"

	"github.com/orgctl/orgctl/pkg/text"
)

// Filter is a compiled jq expression.
type Filter struct{ code *gojq.Code }

// ParseFilter compiles a jq expression. $ENV and env are empty: the
// environment holds tokens, and a filter must not print them.
func ParseFilter(expr string) (*Filter, error) {
	q, err := gojq.Parse(expr)
	if err != nil {
		return nil, fmt.Errorf("invalid jq expression %s: %w", text.Quote(expr), err)
	}
	code, err := gojq.Compile(q, gojq.WithEnvironLoader(func() []string { return nil }))
	if err != nil {
		return nil, fmt.Errorf("invalid jq expression %s: %w", text.Quote(expr), err)
	}
	return &Filter{code: code}, nil
}

// Run evaluates the filter on doc (a value decoded from JSON) and writes
// each result on its own line: strings raw, everything else as compact JSON,
// like `jq -r`.
func (f *Filter) Run(w io.Writer, doc any) error {
	return f.each(doc, func(v any) error {
		var line []byte
		if s, ok := v.(string); ok {
			line = []byte(s)
		} else {
			var err error
			if line, err = gojq.Marshal(v); err != nil {
				return err
			}
		}
		_, err := w.Write(append(line, '\n'))
		return err
	})
}

// each calls fn with every result of the filter; `halt` stops quietly.
func (f *Filter) each(doc any, fn func(any) error) error {
	iter := f.code.Run(doc)
	for {
		v, ok := iter.Next()
		if !ok {
			return nil
		}
		if err, isErr := v.(error); isErr {
			var halt *gojq.HaltError
			if errors.As(err, &halt) && halt.Value() == nil {
				return nil
			}
			return fmt.Errorf("--jq: %w", err)
		}
		if err := fn(v); err != nil {
			return err
		}
	}
}

// Document is v as the generic value its JSON encoding decodes to, the
// input of both jq and templates: the same keys -o json prints.
func Document(v any) (any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var doc any
	err = json.Unmarshal(data, &doc)
	return doc, err
}

// Exporter applies --jq, --template or both (the template then runs on each
// of the filter's results) to a command's JSON document.
type Exporter struct {
	filter *Filter
	tmpl   *Template
}

// New compiles the expression and the template ("" for none), so a mistake
// in either is reported before a command sends anything.
func New(jq, tmpl string) (*Exporter, error) {
	e := &Exporter{}
	var err error
	if jq != "" {
		if e.filter, err = ParseFilter(jq); err != nil {
			return nil, err
		}
	}
	if tmpl != "" {
		if e.tmpl, err = ParseTemplate(tmpl); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// Write renders v's JSON document.
func (e *Exporter) Write(w io.Writer, v any, env Env) error {
	doc, err := Document(v)
	if err != nil {
		return err
	}
	if env.Terminal {
		// A name from a server must not drive the terminal; piped, a
		// script gets the bytes as they are.
		doc = safeStrings(doc)
	}
	switch {
	case e.filter != nil && e.tmpl != nil:
		return e.filter.each(doc, func(v any) error { return e.tmpl.Execute(w, v, env) })
	case e.filter != nil:
		return e.filter.Run(w, doc)
	case e.tmpl != nil:
		return e.tmpl.Execute(w, doc, env)
	}
	return nil
}

// safeStrings escapes, with text.Safe, every string of a decoded document,
// keys included.
func safeStrings(v any) any {
	switch v := v.(type) {
	case string:
		return text.Safe(v)
	case []any:
		for i := range v {
			v[i] = safeStrings(v[i])
		}
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[text.Safe(k)] = safeStrings(x)
		}
		return out
	}
	return v
}
