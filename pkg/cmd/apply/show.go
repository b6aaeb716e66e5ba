package apply

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/iostreams"
	"github.com/orgctl/orgctl/pkg/output"
	"github.com/orgctl/orgctl/pkg/plan"
	"github.com/orgctl/orgctl/pkg/text"
)

// planDocument is `diff -o json`: one document (docs/apply.md).
type planDocument struct {
	Summary planSummary   `json:"summary"`
	Actions []plan.Action `json:"actions"`
}

type planSummary struct {
	Create    int `json:"create"`
	Update    int `json:"update"`
	Delete    int `json:"delete"`
	Unchanged int `json:"unchanged"`
	// Orphans are owned organizations not in the manifest, which --prune
	// would delete (0 with --prune: they are deletes).
	Orphans int `json:"orphans"`
}

func summaryOf(pl *plan.Plan) planSummary {
	return planSummary{Create: pl.Count(plan.Create), Update: pl.Count(plan.Update), Delete: pl.Count(plan.Delete),
		Unchanged: pl.Count(plan.Unchanged), Orphans: pl.Orphans}
}

// marks are the signs of each kind, as in the plans of terraform and diff.
var marks = map[plan.Kind]string{plan.Create: "+", plan.Update: "~", plan.Delete: "-", plan.Unchanged: "="}

// printPlan writes the plan: one line per organization for people, with
// each change old → new; one document for scripts.
func printPlan(ios *iostreams.IOStreams, format output.Format, e *cmdutil.Exporter, pl *plan.Plan) error {
	if format == output.Markdown {
		return nil // the Markdown report is the plan
	}
	if !e.Active() && !format.IsTable() {
		// The document of a large plan is written as it is encoded, an
		// action at a time, not built whole first.
		return output.Document(ios.Out, format, struct {
			Summary planSummary `json:"summary"`
		}{summaryOf(pl)}, "actions", func(add func(any) error) error {
			for i := range pl.Actions {
				if err := add(&pl.Actions[i]); err != nil {
					return err
				}
			}
			return nil
		})
	}
	actions := pl.Actions
	if actions == nil {
		actions = []plan.Action{}
	}
	return cmdutil.Print(ios, format, e, planDocument{Summary: summaryOf(pl), Actions: actions}, func(output.View) error {
		return printPlanText(ios, pl)
	})
}

// printPlanText is the plan for people.
func printPlanText(ios *iostreams.IOStreams, pl *plan.Plan) error {
	c := ios.OutColors()
	paint := map[plan.Kind]func(string) string{plan.Create: c.Green, plan.Update: c.Yellow, plan.Delete: c.Red, plan.Unchanged: c.Faint}
	width := 0
	for _, a := range pl.Actions {
		width = max(width, len(a.Provider)+1+len(text.Safe(a.Name)))
	}
	out := bufio.NewWriterSize(ios.Out, 64<<10) // a line a write would be a write per organization
	for _, a := range pl.Actions {
		who := a.Provider + "/" + text.Safe(a.Name)
		line := fmt.Sprintf("%s %-9s %-*s", marks[a.Kind], a.Kind, width, who)
		if a.ID != "" {
			line += "  id " + text.Safe(a.ID)
		}
		fmt.Fprintln(out, strings.TrimRight(paint[a.Kind](line), " "))
		for _, ch := range a.Diff() {
			if a.Kind == plan.Create {
				fmt.Fprintf(out, "      %s: %s\n", ch.Field, plan.ShowValue(ch.New))
				continue
			}
			fmt.Fprintf(out, "      %s: %s → %s\n", ch.Field, plan.ShowValue(ch.Old), plan.ShowValue(ch.New))
		}
	}
	fmt.Fprintln(out, c.Bold(summaryLine(pl)))
	return out.Flush()
}

// summaryLine counts the plan, as terraform does.
func summaryLine(pl *plan.Plan) string {
	s := summaryOf(pl)
	if pl.Changes() == 0 {
		return fmt.Sprintf("No changes: 0 to change, %d unchanged.", s.Unchanged)
	}
	return fmt.Sprintf("Plan: %d to create, %d to update, %d to delete, %d unchanged.", s.Create, s.Update, s.Delete, s.Unchanged)
}
