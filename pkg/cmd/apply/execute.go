package apply

import (
	"context"
	"fmt"
	"iter"
	"os"
	"time"

	"github.com/orgctl/orgctl/pkg/bulk"
	"github.com/orgctl/orgctl/pkg/cmd/internal/results"
	"github.com/orgctl/orgctl/pkg/cmdutil"
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
	// The widest name, the last index and an action stand for every row.
	var widest []bulk.Job
	for _, a := range pl.Actions {
		if len(widest) == 0 || tableprinter.Width(a.Name) > tableprinter.Width(widest[0].Name) {
			widest = []bulk.Job{{Name: a.Name, Provider: a.Provider}}
		}
	}
	for i := range widest {
		widest[i].Index = len(pl.Actions)
	}
	printer := results.New(opts.IO, format, &opts.Exporter, widest, true)
	var bar *progress.Line // nil draws nothing
	if show, _ := progress.Enabled("", opts.IO.IsStderrTTY(), os.Getenv); show {
		bar = progress.New(opts.IO.ErrOut, "applying", pl.Changes())
	}
	var done []bool // which changes have a result, for the reports
	if len(opts.reports) > 0 {
		done = make([]bool, len(pl.Actions))
	}
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
				printer.Print(r)
				if done != nil {
					done[r.Ref-1] = true
					_ = opts.reports.Add(resultRow(pl, r))
				}
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
	reportNotStarted(opts.reports, pl, done)
	finished := total.Created + total.Updated + total.Deleted + total.Failed
	notStarted := pl.Changes() - finished
	fmt.Fprintf(opts.IO.ErrOut, "created %d, updated %d, deleted %d, failed %d", total.Created, total.Updated, total.Deleted, total.Failed)
	if notStarted > 0 {
		fmt.Fprintf(opts.IO.ErrOut, ", not started %d", notStarted)
	}
	fmt.Fprintf(opts.IO.ErrOut, " in %s\n", total.Elapsed.Round(time.Millisecond))
	if heldBack > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "%s not started because a change failed: fix it and apply again.\n", count(heldBack, "deletion"))
	}

	switch {
	case ctx.Err() != nil:
		fmt.Fprintf(opts.IO.ErrOut, "Interrupted: %s not started; apply again to finish.\n", count(notStarted, "change"))
		return fmt.Errorf("interrupted: %w", context.Canceled)
	case total.Failed > 0:
		return &cmdutil.CodeError{Code: printer.Worst(), Err: fmt.Errorf("%d of %d changes failed", total.Failed, pl.Changes())}
	}
	return printer.Err() // the changes were made; printing one failed
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
			j := bulk.Job{Index: a.Index, Name: a.Name, Provider: a.Provider, Kind: string(kind), Do: do(a, c.provider), Ref: i + 1}
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
			if rest := plan.Compare(a.Entry, plan.ExistingOf(org, false)); len(rest) > 0 {
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
