package apply

import (
	"errors"
	"os"

	"github.com/orgctl/orgctl/pkg/bulk"
	"github.com/orgctl/orgctl/pkg/cmd/internal/reports"
	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/config"
	"github.com/orgctl/orgctl/pkg/manifest"
	"github.com/orgctl/orgctl/pkg/output"
	"github.com/orgctl/orgctl/pkg/plan"
	"github.com/orgctl/orgctl/pkg/planfile"
	"github.com/orgctl/orgctl/pkg/report"
)

// command names the run in its reports: apply --dry-run is diff.
func command(opts *ApplyOptions) string {
	if opts.DryRun {
		return "diff"
	}
	return "apply"
}

// begin reads the config and the output format and opens the run's
// reports, which the caller must close (closeReports).
func begin(opts *ApplyOptions) (*config.Config, output.Format, error) {
	cfg, err := opts.ReadConfig()
	if err != nil {
		return nil, "", err
	}
	format, err := reports.Format(opts.Global, cfg)
	if err != nil {
		return nil, "", err
	}
	opts.reports, err = openReports(opts, format)
	return cfg, format, err
}

// openReports starts the run's reports (-o markdown, the job summary,
// --junit, GitHub annotations).
func openReports(opts *ApplyOptions, format output.Format) (report.Multi, error) {
	return reports.New(reports.Options{IO: opts.IO, Command: command(opts), Format: format, Flags: &opts.Reports, Getenv: os.Getenv, Manifest: opts.File})
}

// closeReports ends the reports with the run's outcome; see reports.Close.
func closeReports(opts *ApplyOptions, err error) error {
	file := opts.File
	if file == "" {
		file = opts.PlanFile
	}
	return reports.Close(opts.reports, report.Summary{Command: command(opts), Manifest: file}, err)
}

// reportStale adds each action of a saved plan that no longer holds:
// nothing ran (exit 9). Those of a provider read with
// another account are named by the run's error instead.
func reportStale(w report.Multi, stale []planfile.Stale, elsewhere map[string]bool) {
	if len(w) == 0 {
		return
	}
	for _, s := range stale {
		a := s.Action
		if elsewhere[a.Provider] {
			continue
		}
		_ = w.Add(report.Row{Provider: a.Provider, Name: a.Name, ID: a.ID, Action: string(a.Action), Status: report.Stale,
			Error: s.Why, ExitCode: cmdutil.ExitStale, Index: a.Index, Line: a.Line})
	}
}

// reportInvalid adds each entry refused before anything ran.
func reportInvalid(w report.Multi, problems []error) {
	if len(w) == 0 {
		return
	}
	for _, p := range problems {
		row := report.Row{Status: report.Invalid, Error: p.Error(), ExitCode: cmdutil.ExitUsage}
		var e *manifest.EntryError
		if errors.As(p, &e) {
			row.Provider, row.Name, row.Index, row.Line, row.Error = e.Provider, e.Name, e.Index, e.Line, e.Err.Error()
		}
		_ = w.Add(row)
	}
}

// reportUnchanged adds the actions apply has nothing to do for.
func reportUnchanged(w report.Multi, pl *plan.Plan) {
	if len(w) == 0 {
		return
	}
	for i := range pl.Actions {
		if a := &pl.Actions[i]; a.Kind == plan.Unchanged {
			_ = w.Add(reports.ActionRow(a, report.Unchanged))
		}
	}
}

// resultRow is a change's result, joined with its action (job's Ref).
func resultRow(pl *plan.Plan, r bulk.Result) report.Row {
	a := &pl.Actions[r.Ref-1]
	row := reports.ActionRow(a, r.Status)
	if row.ID == "" && r.Organization != nil {
		row.ID = r.Organization.ID // a create's new organization
	}
	if r.Err != nil {
		row.Error, row.ExitCode = r.Err.Error(), cmdutil.ExitCode(r.Err)
		row.Ambiguous = reports.MayHaveSucceeded(r.Err)
	}
	return row
}

// reportNotStarted adds the changes that got no result: held back,
// --fail-fast, interrupted.
func reportNotStarted(w report.Multi, pl *plan.Plan, done []bool) {
	if len(w) == 0 {
		return
	}
	for i := range pl.Actions {
		if a := &pl.Actions[i]; a.Kind != plan.Unchanged && !done[i] {
			_ = w.Add(reports.ActionRow(a, report.NotStarted))
		}
	}
}
