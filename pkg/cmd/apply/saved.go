package apply

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/orgctl/orgctl/pkg/build"
	"github.com/orgctl/orgctl/pkg/cmd/internal/reports"
	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/plan"
	"github.com/orgctl/orgctl/pkg/planfile"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/providers"
	"github.com/orgctl/orgctl/pkg/shard"
	"github.com/orgctl/orgctl/pkg/text"
)

// planArgs reads apply's optional argument, a saved plan, and refuses the
// flags that do not go with one.
func planArgs(opts *ApplyOptions, args []string) error {
	if len(args) == 1 {
		if opts.PlanFile != "" {
			return cmdutil.Usage(errors.New("give the plan once: as the argument or with --plan"))
		}
		opts.PlanFile = args[0]
	}
	switch {
	case opts.PlanFile == "" && opts.File == "":
		return cmdutil.Usage(errors.New("nothing to apply: give a manifest with -f FILE, or a plan saved by diff --out"))
	case opts.PlanFile != "" && opts.File != "":
		return cmdutil.Usage(errors.New("give either a manifest (-f) or a saved plan, not both"))
	case opts.PlanFile != "" && (opts.Prune || opts.Shard != "" || opts.Out != ""):
		return cmdutil.Usage(errors.New("--prune, --shard and --out do not go with a saved plan: it was made with them or without"))
	}
	return nil
}

// savePlan writes the plan for `apply PLAN` (diff --out).
func savePlan(opts *ApplyOptions, pl *plan.Plan, manifestSHA string, sh shard.Shard, conns map[string]*connection) error {
	d := planfile.New(pl, opts.Prune)
	d.Orgctl = build.Current().Version
	d.CreatedAt = time.Now().UTC().Format(time.RFC3339)
	d.Manifest = planfile.Manifest{Path: opts.File, SHA256: manifestSHA}
	if !sh.Whole() {
		d.Shard = sh.String()
	}
	for name, c := range conns {
		d.Providers[name] = c.target
	}
	if err := planfile.Write(opts.Out, d); err != nil {
		return fmt.Errorf("saving the plan to %s: %w", text.Quote(opts.Out), text.WithoutPath(err))
	}
	fmt.Fprintf(opts.IO.ErrOut, "Saved the plan to %s: apply it with orgctl apply %s\n", opts.Out, opts.Out)
	return nil
}

// applySaved carries out a saved plan: exactly its actions, and only when
// every one still holds against the providers' lists as they are now.
func applySaved(ctx context.Context, opts *ApplyOptions) (err error) {
	if opts.Concurrency < 1 {
		return cmdutil.Usage(fmt.Errorf("--concurrency must be at least 1, got %d", opts.Concurrency))
	}
	_, format, err := begin(opts)
	if err != nil {
		return err
	}
	defer func() { err = closeReports(opts, err) }() // also when the run fails part-way
	d, closePlan, err := readPlan(opts)
	if err != nil {
		return err
	}
	defer closePlan()
	reports.SetManifest(opts.reports, d.Manifest.Path) // annotations and JUnit point at its lines
	if d.Summary.Delete > 0 && !opts.DryRun && !opts.Yes && !opts.IO.IsStdinTTY() {
		return cmdutil.Usage(fmt.Errorf("refusing to delete without confirmation: the plan deletes %s and standard input is not a terminal; pass --yes", count(d.Summary.Delete, "organization")))
	}
	current, err := prepare(opts, d)
	if err != nil {
		return err
	}

	names := make([]string, 0, len(d.Providers))
	for name := range d.Providers {
		if _, err := provider.Canonical(name); err != nil {
			return cmdutil.Usage(fmt.Errorf("plan %s: %w", opts.PlanFile, err))
		}
		names = append(names, name)
	}
	sort.Strings(names)
	conns, err := connect(opts, names, 1)
	if err != nil {
		return err
	}
	if err := listAll(ctx, names, conns, func(name string) func(*provider.Organization) { return current[name].Add }); err != nil {
		return err
	}

	stale, elsewhere := otherAccounts(d, names, conns)
	checked, err := d.Check(current)
	if err != nil {
		return cmdutil.Usage(fmt.Errorf("plan %s: %w", opts.PlanFile, err))
	}
	for _, s := range checked.Stale {
		a := s.Action
		if elsewhere[a.Provider] {
			continue // another account's list says nothing of the plan's organizations
		}
		who := a.Provider + "/" + text.Safe(a.Name)
		if a.ID != "" {
			who += " (id " + text.Safe(a.ID) + ")"
		}
		stale = append(stale, fmt.Sprintf("%s %s: %s", a.Action, who, text.Safe(s.Why)))
	}
	reportStale(opts.reports, checked.Stale, elsewhere)
	if len(stale) > 0 {
		for _, s := range stale {
			fmt.Fprintln(opts.IO.ErrOut, opts.IO.ErrColors().Red("stale:")+" "+s)
		}
		return &cmdutil.CodeError{Code: cmdutil.ExitStale,
			Err: fmt.Errorf("the plan %s is stale (%s): nothing was changed; make a new plan with orgctl diff --out", opts.PlanFile, count(len(stale), "problem"))}
	}

	pl := checked.Pending
	if opts.DryRun {
		_ = reports.Plan(opts.reports, pl)
		if err := printPlan(opts.IO, format, &opts.Exporter, pl); err != nil {
			return err
		}
		if pl.Changes() > 0 {
			return &cmdutil.Status{Code: cmdutil.ExitChanges}
		}
		return nil
	}
	reportUnchanged(opts.reports, pl)
	switch {
	case pl.Changes() == 0 && checked.Done > 0:
		fmt.Fprintf(opts.IO.ErrOut, "The plan was already applied: its %s are in place. Nothing was sent.\n", count(checked.Done, "change"))
		return nil
	case pl.Changes() == 0:
		fmt.Fprintln(opts.IO.ErrOut, "No changes: the plan has nothing to do.")
		return nil
	case checked.Done > 0:
		fmt.Fprintf(opts.IO.ErrOut, "%s of the plan already made; making the other %d.\n", count(checked.Done, "change"), pl.Changes())
	}
	fmt.Fprintln(opts.IO.ErrOut, summaryLine(pl))
	if pl.Count(plan.Delete) > 0 && !opts.Yes {
		if err := confirm(opts, pl); err != nil {
			return err
		}
	}
	return execute(ctx, opts, format, pl, conns)
}

// readPlan reads and checks the saved plan (- for standard input). The
// file stays open until done is called: the actions are read from it
// again as they are needed, never held whole.
func readPlan(opts *ApplyOptions) (d *planfile.Document, done func(), err error) {
	var in io.ReadSeeker
	done = func() {}
	if opts.PlanFile == "-" {
		b, err := io.ReadAll(opts.IO.In) // a pipe reads once: keep it
		if err != nil {
			return nil, nil, cmdutil.Usage(fmt.Errorf("plan -: %w", err))
		}
		in = bytes.NewReader(b)
	} else {
		f, err := os.Open(opts.PlanFile)
		if err != nil {
			return nil, nil, cmdutil.Usage(fmt.Errorf("plan %s: %w", text.Quote(opts.PlanFile), text.WithoutPath(err)))
		}
		in, done = f, func() { f.Close() }
	}
	d, err = planfile.Read(in)
	switch {
	case errors.Is(err, planfile.ErrNotAPlan):
		err = cmdutil.Usage(fmt.Errorf("%s is not a plan saved by orgctl diff --out; to apply a manifest, use -f %s", opts.PlanFile, opts.PlanFile))
	case err != nil:
		err = cmdutil.Usage(fmt.Errorf("plan %s: %w", opts.PlanFile, err))
	}
	if err != nil {
		done()
		return nil, nil, err
	}
	return d, done, nil
}

// prepare reads the plan's actions once before anything is read or sent:
// it checks each create as create would (a plan is a file, and files are
// edited), and notes the organizations to keep from each provider's list.
func prepare(opts *ApplyOptions, d *planfile.Document) (planfile.Currents, error) {
	current := d.NewCurrents()
	var problems []error
	n := 0
	err := d.Each(func(a *planfile.Action) error {
		n++
		current.Expect(a)
		if a.Action != plan.Create {
			return nil
		}
		spec := provider.CreateSpec{Name: a.Name}
		if f := a.Set; f != nil {
			spec.Plan, spec.Description = deref(f.Plan), deref(f.Description)
			spec.WebsiteURL, spec.Repository, spec.LogoURL, spec.IconURL = deref(f.WebsiteURL), deref(f.Repository), deref(f.LogoURL), deref(f.IconURL)
		}
		if _, err := providers.Validate(a.Provider, &spec); err != nil {
			problems = append(problems, fmt.Errorf("the plan's create of %s: %s", text.Quote(a.Name), strings.TrimPrefix(err.Error(), "--")))
		}
		return nil
	})
	if err != nil {
		return nil, cmdutil.Usage(fmt.Errorf("plan %s: %w", opts.PlanFile, err))
	}
	return current, reportProblems(opts, problems, n)
}

// otherAccounts names each provider this run reads at another URL, API
// generation or account than the plan was made against.
func otherAccounts(d *planfile.Document, names []string, conns map[string]*connection) (stale []string, elsewhere map[string]bool) {
	elsewhere = map[string]bool{}
	for _, name := range names {
		was, now := d.Providers[name], conns[name].target
		n := len(stale)
		switch {
		case was.APIURL != now.APIURL:
			stale = append(stale, fmt.Sprintf("%s: the plan was made against %s, this run talks to %s", name, text.Safe(was.APIURL), text.Safe(now.APIURL)))
		case was.Account != now.Account:
			stale = append(stale, fmt.Sprintf("%s: the plan was made for another account (or with another API token) than this run's token", name))
		case was.Generation != "" && now.Generation != "" && was.Generation != now.Generation:
			stale = append(stale, fmt.Sprintf("%s: the plan was made against the %s API, this run reads the %s API", name, was.Generation, now.Generation))
		}
		elsewhere[name] = len(stale) > n
	}
	return stale, elsewhere
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
