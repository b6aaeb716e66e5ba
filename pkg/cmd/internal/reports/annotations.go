package reports

import (
	"errors"
	"fmt"
	"strings"

	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/iostreams"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/report"
	"github.com/orgctl/orgctl/pkg/report/ghactions"
)

// Annotating says whether a run writes GitHub workflow-command annotations:
// only in GitHub Actions, on by default there, off with --annotations=false
// or ORGCTL_ANNOTATIONS=0 (the same switches as the job summary's).
func Annotating(f *Flags, getenv func(string) string) (bool, error) {
	if !ghactions.Enabled(getenv) {
		return false, nil
	}
	if f != nil && f.annotations != nil && f.annotations.Changed {
		return f.Annotations, nil
	}
	switch v := strings.ToLower(strings.TrimSpace(getenv("ORGCTL_ANNOTATIONS"))); v {
	case "", "1", "true", "yes", "on":
		return true, nil
	case "0", "false", "no", "off":
		return false, nil
	default:
		return false, cmdutil.Usage(fmt.Errorf("ORGCTL_ANNOTATIONS must be 1 or 0, got %q", v))
	}
}

// Warn prints a warning on stderr: as a ::warning annotation at the
// manifest's line when annotating (line 0 or manifest "" or "-": no
// place), else as "warning: msg". Deprecated plans go through it.
func Warn(ios *iostreams.IOStreams, f *Flags, getenv func(string) string, command, manifest string, line int, msg string) {
	if on, _ := Annotating(f, getenv); on {
		a := ghactions.Annotation{Level: ghactions.Warning, Title: "orgctl " + command, Message: ios.Redact(msg)}
		if manifest != "" && manifest != "-" {
			a.File, a.Line = ios.Redact(manifest), line
		}
		fmt.Fprintln(ios.ErrOut, a.String())
		return
	}
	fmt.Fprintln(ios.ErrOut, ios.ErrColors().Yellow("warning:")+" "+msg)
}

// MayHaveSucceeded says whether err is a provider's answer that never came:
// the request may have done its work (a report's Ambiguous row).
func MayHaveSucceeded(err error) bool {
	var perr *provider.Error
	return errors.As(err, &perr) && perr.MayHaveSucceeded
}

// SetManifest tells the writers that point at manifest lines (JUnit,
// annotations) which manifest the rows come from, for a command that learns
// it after New: apply PLAN reads it in the plan.
func SetManifest(w report.Writer, path string) {
	switch w := w.(type) {
	case report.Multi:
		for _, x := range w {
			SetManifest(x, path)
		}
	case *redacting:
		SetManifest(w.w, path)
	case interface{ SetManifest(string) }:
		w.SetManifest(path)
	}
}
