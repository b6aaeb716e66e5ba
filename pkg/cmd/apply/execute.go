package apply

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"strconv"
	"time"

	"github.com/orgctl/orgctl/pkg/api"
	"github.com/orgctl/orgctl/pkg/bulk"
	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/iostreams"
	"github.com/orgctl/orgctl/pkg/output"
	"github.com/orgctl/orgctl/pkg/plan"
	"github.com/orgctl/orgctl/pkg/progress"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/tableprinter"
)

// phases are run one after the other: every create, then every update,
// then every delete, and the deletes only when nothing before failed.
var phases = []plan.Kind{plan.Create, plan.Update, plan.Delete}

// execute carries out the plan's changes through the bulk engine.
func execute(ctx context.Context, opts *ApplyOptions, format output.Format, pl *plan.Plan, conns map[string]*connection) error {
	printer := newResultPrinter(opts.IO, format, &opts.Exporter, pl)
	var bar *progress.Line // nil draws nothing
	if show, _ := progress.Enabled("", opts.IO.IsStderrTTY(), os.Getenv); show {
		bar = progress.New(opts.IO.ErrOut, "applying", pl.Changes())
	}
	worst := cmdutil.ExitOK // the most severe failure's exit code
	var total bulk.Summary
	heldBack := 0 // deletes not started because something failed first
	for _, kind := range phases {
		if ctx.Err() != nil {
			break
		}
		n := pl.Count(kind)
		if n == 0 {
			continue
		}
		if kind == plan.Delete && total.Failed > 0 {
			heldBack = n
			break
		}
		sum := bulk.Run(ctx, jobs(pl, kind, conns), bulk.Options{Concurrency: opts.Concurrency, FailFast: opts.FailFast},
			func(r bulk.Result) {
				bar.Clear()
				if r.Status == bulk.Failed {
					worst = cmdutil.MostSevere(worst, cmdutil.ExitCode(r.Err))
				}
				printer.print(r)
				bar.Add(1)
			})
		total.Created += sum.Created
		total.Updated += sum.Updated
		total.Deleted += sum.Deleted
		total.Failed += sum.Failed
		total.NotStarted += sum.NotStarted
		total.Elapsed += sum.Elapsed
		if opts.FailFast && sum.Failed > 0 {
			break
		}
	}
	bar.Finish()
	done := total.Created + total.Updated + total.Deleted + total.Failed
	notStarted := pl.Changes() - done
	fmt.Fprintf(opts.IO.ErrOut, "created %d, updated %d, deleted %d, failed %d", total.Created, total.Updated, total.Deleted, total.Failed)
	if notStarted > 0 {
		fmt.Fprintf(opts.IO.ErrOut, ", not started %d", notStarted)
	}
	fmt.Fprintf(opts.IO.ErrOut, " in %s\n", total.Elapsed.Round(time.Millisecond))
	if heldBack > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "The %d deletions were not started because a change failed: fix it and apply again.\n", heldBack)
	}

	switch {
	case ctx.Err() != nil:
		fmt.Fprintf(opts.IO.ErrOut, "Interrupted: %d changes not started; apply again to finish.\n", notStarted)
		return fmt.Errorf("interrupted: %w", context.Canceled)
	case total.Failed > 0:
		return &cmdutil.CodeError{Code: worst, Err: fmt.Errorf("%d of %d changes failed", total.Failed, pl.Changes())}
	}
	return printer.err // the changes were made; printing one failed
}

// jobs streams the plan's actions of one kind as bulk jobs.
func jobs(pl *plan.Plan, kind plan.Kind, conns map[string]*connection) iter.Seq[bulk.Job] {
	return func(yield func(bulk.Job) bool) {
		for i := range pl.Actions {
			a := &pl.Actions[i]
			if a.Kind != kind {
				continue
			}
			c := conns[a.Provider]
			j := bulk.Job{Index: a.Index, Name: a.Name, Provider: a.Provider, Kind: string(kind), Do: do(a, c.provider)}
			j.Wait = c.pacer.Wait
			if !yield(j) {
				return
			}
		}
	}
}

// do is the request an action makes.
func do(a *plan.Action, p provider.Provider) func(context.Context) (*provider.Organization, error) {
	switch a.Kind {
	case plan.Create:
		return func(ctx context.Context) (*provider.Organization, error) {
			org, err := p.Create(ctx, a.Entry.CreateSpec)
			if err != nil {
				return nil, err
			}
			// A field set empty may have been given the API's default.
			if rest := plan.Compare(a.Entry, org); len(rest) > 0 {
				updated, err := p.Update(ctx, org.ID, UpdateSpec(rest))
				if err != nil {
					return nil, fmt.Errorf("created (id %s), but clearing what the API filled in failed; apply again: %w", org.ID, err)
				}
				return updated, nil
			}
			return org, nil
		}
	case plan.Update:
		spec := UpdateSpec(a.Changes)
		return func(ctx context.Context) (*provider.Organization, error) { return p.Update(ctx, a.ID, spec) }
	}
	return func(ctx context.Context) (*provider.Organization, error) {
		return a.Current, p.Delete(ctx, a.ID)
	}
}

// UpdateSpec turns an update's changes into the request that makes them:
// only the changed fields are set.
func UpdateSpec(changes []plan.Change) provider.UpdateSpec {
	var u provider.UpdateSpec
	for _, ch := range changes {
		switch ch.Field {
		case "name":
			u.NewName = textPtr(ch.New)
		case "plan":
			u.Plan = textPtr(ch.New)
		case "description":
			u.Description = textPtr(ch.New)
		case "website_url":
			u.WebsiteURL = textPtr(ch.New)
		case "repository":
			u.Repository = textPtr(ch.New)
		case "logo_url":
			u.LogoURL = textPtr(ch.New)
		case "icon_url":
			u.IconURL = textPtr(ch.New)
		case "admin_emails":
			u.AdminEmails = listPtr(ch.New)
		case "tags":
			u.Tags = listPtr(ch.New)
		}
	}
	return u
}

func textPtr(v any) *string {
	s, _ := v.(string)
	return &s
}

func listPtr(v any) *[]string {
	l, _ := v.([]string)
	if l == nil {
		l = []string{}
	}
	return &l
}

// resultPrinter streams results: NDJSON (through --jq/--template when
// given), a YAML stream, or table rows, one per finished change, nothing
// buffered.
type resultPrinter struct {
	ios    *iostreams.IOStreams
	format output.Format
	export *cmdutil.Exporter
	table  *tableprinter.Table
	err    error // the first --jq/--template failure
}

func newResultPrinter(ios *iostreams.IOStreams, format output.Format, export *cmdutil.Exporter, pl *plan.Plan) *resultPrinter {
	p := &resultPrinter{ios: ios, format: format, export: export}
	if format.IsTable() {
		// Every change is known: reserve its cells' widths so the
		// streamed rows line up.
		p.table = output.NewView(ios, format, export.NoHeaders).Table("INDEX", "ACTION", "NAME", "PROVIDER", "STATUS", "ID / ERROR")
		p.table.ShrinkLast(2)
		for _, a := range pl.Actions {
			if a.Kind != plan.Unchanged {
				p.table.Reserve(index(a.Index), string(a.Kind), a.Name, a.Provider, bulk.Skipped)
			}
		}
	}
	return p
}

// index is an entry's number, "-" for a delete (no entry).
func index(i int) string {
	if i > 0 {
		return strconv.Itoa(i)
	}
	return "-"
}

// resultLine is one line of `apply -o json` (docs/apply.md): the keys of
// create -f's lines, plus the action.
type resultLine struct {
	Index        int                    `json:"index,omitempty"`
	Action       string                 `json:"action"`
	Name         string                 `json:"name"`
	Provider     string                 `json:"provider"`
	Status       string                 `json:"status"`
	Organization *provider.Organization `json:"organization,omitempty"`
	Error        *resultError           `json:"error,omitempty"`
}

type resultError struct {
	Code       string `json:"code,omitempty"`
	HTTPStatus int    `json:"http_status,omitempty"`
	ExitCode   int    `json:"exit_code"`
	Message    string `json:"message"`
}

func (p *resultPrinter) print(r bulk.Result) {
	line := resultLine{Index: r.Index, Action: r.Kind, Name: r.Name, Provider: r.Provider, Status: r.Status, Organization: r.Organization}
	if r.Err != nil {
		line.Error = &resultError{ExitCode: cmdutil.ExitCode(r.Err), Message: r.Err.Error()}
		var perr *provider.Error
		if errors.As(r.Err, &perr) {
			line.Error.Code, line.Error.HTTPStatus = perr.Code, perr.Status
		}
	}
	switch {
	case p.export.Active():
		if err := p.export.Write(p.ios, line); err != nil && p.err == nil {
			p.err = err
		}
	case p.format == output.JSON:
		_ = output.WriteNDJSON(p.ios.Out, line)
	case p.format == output.YAML:
		fmt.Fprintln(p.ios.Out, "---")
		_ = output.WriteYAML(p.ios.Out, line)
	default:
		detail := ""
		switch {
		case line.Error != nil:
			detail = api.Excerpt([]byte(line.Error.Message), 200)
		case line.Organization != nil:
			detail = line.Organization.ID
		}
		_ = p.table.Stream(tableprinter.Cell{Text: index(line.Index)}, tableprinter.Cell{Text: line.Action}, tableprinter.Cell{Text: line.Name},
			tableprinter.Cell{Text: line.Provider}, tableprinter.Cell{Text: line.Status}, tableprinter.Cell{Text: detail})
	}
}
