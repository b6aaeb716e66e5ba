package cmdutil

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/orgctl/orgctl/pkg/export"
	"github.com/orgctl/orgctl/pkg/iostreams"
	"github.com/orgctl/orgctl/pkg/output"
)

// Exporter holds the output flags of a command that prints data: --jq and
// --template (AddFormatFlags) and --no-headers (AddNoHeadersFlag).
type Exporter struct {
	JQ        string
	Template  string
	NoHeaders bool

	compiled *export.Exporter // nil unless --jq or --template was given
}

// AddFormatFlags gives cmd --jq and --template. Both are checked before the
// command runs: a bad expression or template is a usage error (exit 2) and
// nothing is sent.
func AddFormatFlags(cmd *cobra.Command, e *Exporter) {
	fl := cmd.Flags()
	fl.StringVarP(&e.JQ, "jq", "q", "", "filter the JSON output with a jq `expression` (strings print raw, one result a line)")
	fl.StringVarP(&e.Template, "template", "t", "", "format the JSON output with a Go `template` (helpers: tablerow, json, join, truncate, timeago, color)")
	_ = cmd.RegisterFlagCompletionFunc("jq", cobra.NoFileCompletions)
	_ = cmd.RegisterFlagCompletionFunc("template", cobra.NoFileCompletions)
	previous := cmd.PreRunE
	cmd.PreRunE = func(c *cobra.Command, args []string) error {
		if previous != nil {
			if err := previous(c, args); err != nil {
				return err
			}
		}
		return e.compile(c)
	}
}

// AddNoHeadersFlag gives a command that draws a table with a header row
// --no-headers.
func AddNoHeadersFlag(cmd *cobra.Command, e *Exporter) {
	cmd.Flags().BoolVar(&e.NoHeaders, "no-headers", false, "leave the header row out of tables")
}

func (e *Exporter) compile(cmd *cobra.Command) error {
	if e.JQ == "" && e.Template == "" {
		return nil
	}
	// Both read the JSON document: an -o that asks for something else on
	// the same command line is a contradiction. (-o from the environment
	// or the config file is simply overridden.)
	if o := cmd.Flags().Lookup("output"); o != nil && o.Changed {
		if f, err := output.ParseFormat(o.Value.String()); err == nil && f != output.JSON {
			which := "--jq"
			if e.JQ == "" {
				which = "--template"
			}
			return Usage(fmt.Errorf("%s cannot be used with -o %s: it reads the JSON document (-o json)", which, f))
		}
	}
	compiled, err := export.New(e.JQ, e.Template)
	if err != nil {
		return Usage(err)
	}
	e.compiled = compiled
	return nil
}

// Active reports whether --jq or --template replaces the format.
func (e *Exporter) Active() bool { return e != nil && e.compiled != nil }

// Write applies --jq and --template to v's JSON document. A bulk run calls
// it once per result line.
func (e *Exporter) Write(ios *iostreams.IOStreams, v any) error {
	return e.compiled.Write(ios.Out, v, export.Env{Terminal: ios.IsStdoutTTY(), Width: width(ios), Color: ios.ColorOut()})
}

// Print is how every command prints its data: through --jq or --template
// when given, else as JSON or YAML, else as the table that table draws.
func Print(ios *iostreams.IOStreams, format output.Format, e *Exporter, v any, table func(output.View) error) error {
	switch {
	case e.Active():
		return e.Write(ios, v)
	case format.IsTable():
		noHeaders := e != nil && e.NoHeaders
		return table(output.NewView(ios, format, noHeaders))
	}
	return output.Write(ios.Out, format, v)
}

func width(ios *iostreams.IOStreams) int {
	if ios.IsStdoutTTY() {
		return ios.TerminalWidth()
	}
	return 0
}
