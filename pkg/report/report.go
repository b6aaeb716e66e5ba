// Package report is what diff, apply and create -f tell the places CI users
// look: a Markdown summary (-o markdown, the GitHub job summary), JUnit XML
// (--junit) and GitHub workflow-command annotations. A command hands every
// writer the same rows as its run goes, then a summary; each writer keeps
// only what it needs (a run may have a hundred thousand rows).
package report

import "github.com/orgctl/orgctl/pkg/plan"

// Statuses of a row beyond bulk's (created, updated, deleted, skipped,
// failed).
const (
	Planned    = ""            // diff: nothing ran
	Unchanged  = "unchanged"   // apply: nothing to do
	NotStarted = "not_started" // apply, create -f: the run stopped before it
	Invalid    = "invalid"     // the entry was refused before anything ran
	Stale      = "stale"       // apply PLAN: the saved plan's action no longer holds; nothing ran
)

// Row is one organization's line: an action planned (diff), what a run did
// (apply, create -f), or an entry refused before anything was sent.
type Row struct {
	Provider string
	Name     string
	ID       string        // of the organization, when known
	Action   string        // create, update, delete or unchanged (plan.Kind)
	Status   string        // Planned, or what happened: see the constants
	Changes  []plan.Change // each field old → new (Old nil for a create)
	Error    string        // why a failed or invalid row failed
	ExitCode int           // of Error
	Index    int           // the manifest entry, 1-based; 0 for none (a deletion)
	Line     int           // the entry's line in the manifest; 0 when unknown
	// Ambiguous: a failed row whose request reached the provider and whose
	// outcome is unknown (it may have succeeded; Error says how to check).
	// GitHub annotations show it as a warning, not an error.
	Ambiguous bool
}

// Summary ends a report.
type Summary struct {
	Command  string // diff, apply or create
	Manifest string // the manifest's path as given; "-" for standard input
	ExitCode int    // the run's
	Err      string // the error that ended the run early, if any
	// NotStarted counts entries never started that had no row of their
	// own (create -f knows how many, not which).
	NotStarted int
}

// Writer takes a run's rows as they come, then its summary.
type Writer interface {
	Add(Row) error
	Close(Summary) error
}

// Multi is several writers as one: every writer gets every row, and the
// first error is returned.
type Multi []Writer

// Add gives r to every writer.
func (m Multi) Add(r Row) error {
	var first error
	for _, w := range m {
		if err := w.Add(r); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Close closes every writer.
func (m Multi) Close(s Summary) error {
	var first error
	for _, w := range m {
		if err := w.Close(s); err != nil && first == nil {
			first = err
		}
	}
	return first
}
