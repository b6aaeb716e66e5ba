// Package reports builds, in one place, the report writers of the commands
// that make reports (diff, apply, create -f): the Markdown document of -o
// markdown, the GitHub job summary, the JUnit report (--junit) and the
// GitHub workflow-command annotations.
package reports

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/config"
	"github.com/orgctl/orgctl/pkg/iostreams"
	"github.com/orgctl/orgctl/pkg/output"
	"github.com/orgctl/orgctl/pkg/plan"
	"github.com/orgctl/orgctl/pkg/report"
	"github.com/orgctl/orgctl/pkg/report/ghactions"
	"github.com/orgctl/orgctl/pkg/report/junit"
	"github.com/orgctl/orgctl/pkg/text"
)

// Flags are the report flags of diff, apply and create -f.
type Flags struct {
	Summary     bool   // --summary
	JUnit       string // --junit FILE
	Annotations bool   // --annotations

	summary, annotations *pflag.Flag // to tell a flag given from its default
}

// AddFlags gives cmd the report flags.
func AddFlags(cmd *cobra.Command, f *Flags) {
	fl := cmd.Flags()
	fl.BoolVar(&f.Summary, "summary", true, "in GitHub Actions (GITHUB_ACTIONS=true), append a Markdown summary to the job summary (GITHUB_STEP_SUMMARY); --summary=false or ORGCTL_SUMMARY=0 turns it off")
	f.summary = fl.Lookup("summary")
	fl.StringVar(&f.JUnit, "junit", "", "also write a JUnit XML report to `FILE` (one test case per entry; failures with the error and the manifest's line), written even when the run fails part-way, for GitLab's artifacts:reports:junit, Jenkins or CircleCI")
	fl.BoolVar(&f.Annotations, "annotations", true, "in GitHub Actions (GITHUB_ACTIONS=true), write ::error and ::warning annotations for the manifest's lines on stderr; --annotations=false or ORGCTL_ANNOTATIONS=0 turns them off")
	f.annotations = fl.Lookup("annotations")
	cmdutil.MustRegister(cmd, "junit", cmdutil.CompleteFiles("xml"))
}

// Format reads -o for a command that makes reports: markdown is allowed
// (for every provider the command resolves later, too).
func Format(g *cmdutil.GlobalFlags, cfg *config.Config) (output.Format, error) {
	g.Reports = true
	f, err := output.ParseReportFormat(cfg.Get(config.KeyOutput))
	if err != nil {
		return "", cmdutil.Usage(err)
	}
	return f, nil
}

// Options say which reports a run makes.
type Options struct {
	IO       *iostreams.IOStreams
	Command  string // diff, apply or create
	Format   output.Format
	Flags    *Flags // nil: the defaults
	Getenv   func(string) string
	Manifest string // its path as given, for the JUnit report and the annotations
}

// New returns the run's report writers: Markdown on standard output for
// -o markdown, the GitHub job summary and annotations when running there,
// and the JUnit report for --junit. Every row
// reaches them with the secrets in play masked. With no report asked for,
// it is empty, and costs nothing.
func New(o Options) (report.Multi, error) {
	var ws report.Multi
	meaning := cmdutil.ExitMeaning
	if o.Format == output.Markdown {
		ws = append(ws, report.NewMarkdown(o.IO.Out, report.MarkdownOptions{Command: o.Command, ExitMeaning: meaning}))
	}
	path, err := summaryPath(o.Flags, o.Getenv)
	if err != nil {
		return nil, err
	}
	if path != "" {
		// Not behind the stream's redactor: Redact masks the document.
		md := report.NewMarkdown(&appendFile{path: path, io: o.IO}, report.MarkdownOptions{Command: o.Command, ExitMeaning: meaning})
		ws = append(ws, &warnOnly{w: md, errOut: o.IO.ErrOut, what: "the job summary (GITHUB_STEP_SUMMARY)"})
	}
	annotate, err := Annotating(o.Flags, o.Getenv)
	if err != nil {
		return nil, err
	}
	if annotate {
		ws = append(ws, ghactions.New(o.IO.ErrOut, ghactions.Options{Command: o.Command, Manifest: o.Manifest, Redact: o.IO.Redact}))
	}
	if o.Flags != nil && o.Flags.JUnit != "" {
		// Last: it opens a file beside FILE, which a later error would leave.
		// A FILE that cannot be written is a usage error now, before anything
		// is sent, not a lost report at the end.
		j, err := junit.Create(o.Flags.JUnit, junit.Options{Command: o.Command, Manifest: o.Manifest, Redact: o.IO.Redact})
		if err != nil {
			return nil, cmdutil.Usage(fmt.Errorf("--junit %s: %w", text.Quote(o.Flags.JUnit), text.WithoutPath(err)))
		}
		ws = append(ws, j)
	}
	if len(ws) == 0 {
		return nil, nil
	}
	return report.Multi{&redacting{w: ws, io: o.IO}}, nil
}

// summaryPath is the job summary file to append to, "" for none: only in
// GitHub Actions, and not when turned off.
func summaryPath(f *Flags, getenv func(string) string) (string, error) {
	if getenv("GITHUB_ACTIONS") != "true" {
		return "", nil
	}
	path := getenv("GITHUB_STEP_SUMMARY")
	if path == "" {
		return "", nil
	}
	if f != nil && f.summary != nil && f.summary.Changed {
		if !f.Summary {
			return "", nil
		}
		return path, nil
	}
	switch v := strings.ToLower(strings.TrimSpace(getenv("ORGCTL_SUMMARY"))); v {
	case "", "1", "true", "yes", "on":
		return path, nil
	case "0", "false", "no", "off":
		return "", nil
	default:
		return "", cmdutil.Usage(fmt.Errorf("ORGCTL_SUMMARY must be 1 or 0, got %s", text.Quote(v)))
	}
}

// Close ends the reports with the run's outcome: its exit code, and its
// error unless that is an answer (diff's "there are changes"). It returns
// runErr, or the reports' error when the run itself succeeded.
func Close(w report.Writer, s report.Summary, runErr error) error {
	if len(asMulti(w)) == 0 {
		return runErr
	}
	s.ExitCode = cmdutil.ExitCode(runErr)
	var status *cmdutil.Status
	if runErr != nil && !errors.As(runErr, &status) {
		s.Err = runErr.Error()
	}
	if err := w.Close(s); err != nil && runErr == nil {
		return err
	}
	return runErr
}

func asMulti(w report.Writer) report.Multi {
	if m, ok := w.(report.Multi); ok {
		return m
	}
	return report.Multi{w}
}

// Plan adds a plan's actions as rows, as diff shows them.
func Plan(w report.Writer, pl *plan.Plan) error {
	if len(asMulti(w)) == 0 {
		return nil
	}
	for i := range pl.Actions {
		if err := w.Add(ActionRow(&pl.Actions[i], report.Planned)); err != nil {
			return err
		}
	}
	return nil
}

// ActionRow is a plan's action as a row with the given status.
func ActionRow(a *plan.Action, status string) report.Row {
	r := report.Row{Provider: a.Provider, Name: a.Name, ID: a.ID, Action: string(a.Kind), Status: status, Index: a.Index}
	if a.Kind != plan.Unchanged {
		r.Changes = a.Diff()
	}
	if a.Entry != nil {
		r.Line = a.Entry.Line
	}
	return r
}

// appendFile appends each write to a file, opened for that write only:
// the job summary is added to, never truncated, and no descriptor is held
// while the run goes.
type appendFile struct {
	path string
	io   *iostreams.IOStreams
}

func (a *appendFile) Write(p []byte) (int, error) {
	f, err := os.OpenFile(a.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return 0, err
	}
	// A blank line first: what an earlier step wrote may not end its line,
	// and the heading must start one.
	if _, err := io.WriteString(f, "\n"+a.io.Redact(string(p))); err != nil {
		f.Close()
		return 0, err
	}
	return len(p), f.Close()
}

// warnOnly turns a writer's failure into a warning: a job summary that
// cannot be written does not fail the organizations' changes.
type warnOnly struct {
	w      report.Writer
	errOut io.Writer
	what   string
	warned bool
}

func (w *warnOnly) Add(r report.Row) error { w.warn(w.w.Add(r)); return nil }

func (w *warnOnly) Close(s report.Summary) error { w.warn(w.w.Close(s)); return nil }

func (w *warnOnly) warn(err error) {
	if err != nil && !w.warned {
		w.warned = true
		fmt.Fprintf(w.errOut, "warning: writing %s: %s\n", w.what, err)
	}
}

// redacting masks the secrets in play in every value before a writer
// escapes it (an escaped token would slip past the streams' redactor). It
// keeps the first error of Add for Close, so a command can feed rows
// without checking each.
type redacting struct {
	w      report.Writer
	io     *iostreams.IOStreams
	addErr error
}

func (r *redacting) Add(row report.Row) error {
	red := r.io.Redact
	row.Provider, row.Name, row.ID, row.Error = red(row.Provider), red(row.Name), red(row.ID), red(row.Error)
	if len(row.Changes) > 0 {
		changes := make([]plan.Change, len(row.Changes))
		for i, ch := range row.Changes {
			changes[i] = plan.Change{Field: ch.Field, Old: redactValue(red, ch.Old), New: redactValue(red, ch.New)}
		}
		row.Changes = changes
	}
	if err := r.w.Add(row); err != nil && r.addErr == nil {
		r.addErr = err
	}
	return r.addErr
}

func (r *redacting) Close(s report.Summary) error {
	s.Err, s.Manifest = r.io.Redact(s.Err), r.io.Redact(s.Manifest)
	if err := r.w.Close(s); err != nil {
		return err
	}
	return r.addErr
}

func redactValue(red func(string) string, v any) any {
	switch v := v.(type) {
	case string:
		return red(v)
	case []string:
		out := make([]string, len(v))
		for i, s := range v {
			out[i] = red(s)
		}
		return out
	}
	return v
}
