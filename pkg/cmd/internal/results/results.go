// Package results prints the results of a bulk run as they finish, for
// `create -f` and `apply`: NDJSON (through --jq/--template when given), a
// YAML stream, or table rows; nothing is buffered. With -o markdown it
// prints nothing: the Markdown report comes at the end.
package results

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/orgctl/orgctl/pkg/api"
	"github.com/orgctl/orgctl/pkg/bulk"
	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/iostreams"
	"github.com/orgctl/orgctl/pkg/output"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/tableprinter"
	"github.com/orgctl/orgctl/pkg/text"
)

// Printer writes one result at a time.
type Printer struct {
	ios        *iostreams.IOStreams
	format     output.Format
	export     *cmdutil.Exporter
	withAction bool // apply: each line says what was done
	table      *tableprinter.Table
	err        error // the first --jq/--template failure
	worst      int   // the most severe exit code of a failed result
}

// New returns a printer. reserve holds jobs whose index, name and provider
// are as wide as any to come, so streamed rows line up; withAction adds the
// action (create, update, delete) to every line.
func New(ios *iostreams.IOStreams, format output.Format, export *cmdutil.Exporter, reserve []bulk.Job, withAction bool) *Printer {
	p := &Printer{ios: ios, format: format, export: export, withAction: withAction}
	if format.IsTable() {
		headers := []string{"INDEX", "NAME", "PROVIDER", "STATUS", "ID / ERROR"}
		if withAction {
			headers = []string{"INDEX", "ACTION", "NAME", "PROVIDER", "STATUS", "ID / ERROR"}
		}
		p.table = output.NewView(ios, format, export.NoHeaders).Table(headers...)
		p.table.ShrinkLast(1)
		for _, j := range reserve {
			cells := []string{strconv.Itoa(j.Index), j.Name, j.Provider, bulk.Skipped}
			if withAction {
				cells = []string{strconv.Itoa(j.Index), bulk.Update, j.Name, j.Provider, bulk.Skipped}
			}
			p.table.Reserve(cells...)
		}
	}
	return p
}

// Line is one result as -o json prints it (docs/output.md, docs/apply.md).
type Line struct {
	Index        int                    `json:"index"`
	Action       string                 `json:"action,omitempty"` // apply only
	Name         string                 `json:"name"`
	Provider     string                 `json:"provider"`
	Status       string                 `json:"status"`
	Organization *provider.Organization `json:"organization,omitempty"`
	Error        *Error                 `json:"error,omitempty"`
}

// Error is a failed result's error.
type Error struct {
	Code       string `json:"code,omitempty"`
	HTTPStatus int    `json:"http_status,omitempty"`
	ExitCode   int    `json:"exit_code"`
	Message    string `json:"message"`
	// MayHaveSucceeded: the request reached the provider and its outcome
	// is unknown; the message says how to check.
	MayHaveSucceeded bool `json:"may_have_succeeded"`
}

// Err is the first --jq/--template failure, once the run is over.
func (p *Printer) Err() error { return p.err }

// Worst is the most severe exit code among the failed results printed
// (cmdutil.ExitOK when none failed): the run's exit code.
func (p *Printer) Worst() int { return p.worst }

// Print writes one result.
func (p *Printer) Print(r bulk.Result) {
	line := Line{Index: r.Index, Name: r.Name, Provider: r.Provider, Status: r.Status, Organization: r.Organization}
	if p.withAction {
		line.Action = r.Kind
	}
	if r.Status == bulk.Failed {
		p.worst = cmdutil.MostSevere(p.worst, cmdutil.ExitCode(r.Err))
	}
	if r.Err != nil {
		line.Error = &Error{ExitCode: cmdutil.ExitCode(r.Err), Message: r.Err.Error()}
		var perr *provider.Error
		if errors.As(r.Err, &perr) {
			line.Error.Code, line.Error.HTTPStatus = perr.Code, perr.Status
			line.Error.MayHaveSucceeded = perr.MayHaveSucceeded
		}
	}
	w := p.ios.Out
	switch {
	case p.export.Active():
		if err := p.export.Write(p.ios, line); err != nil && p.err == nil {
			p.err = err
		}
	case p.format == output.JSON:
		_ = output.WriteNDJSON(w, line)
	case p.format == output.YAML:
		fmt.Fprintln(w, "---")
		_ = output.WriteYAML(w, line)
	case p.format == output.Markdown:
		// The reports write the whole document when the run ends.
	default:
		detail := ""
		switch {
		case line.Error != nil:
			detail = text.Safe(api.Excerpt([]byte(line.Error.Message), 200))
		case line.Organization != nil:
			detail = text.Safe(line.Organization.ID)
		}
		cells := []tableprinter.Cell{{Text: index(line.Index)}, {Text: line.Name},
			{Text: line.Provider}, {Text: line.Status}, {Text: detail}}
		if p.withAction {
			cells = append([]tableprinter.Cell{cells[0], {Text: line.Action}}, cells[1:]...)
		}
		_ = p.table.Stream(cells...)
	}
}

// index is an entry's number, "-" for an apply's delete (no entry).
func index(i int) string {
	if i > 0 {
		return strconv.Itoa(i)
	}
	return "-"
}
