package cmdutil

import (
	"fmt"

	"context"
	"errors"
	"github.com/spf13/cobra"
	"slices"
	"strings"

	"github.com/orgctl/orgctl/pkg/provider"
)

// Exit codes, documented in docs/exit-codes.md and README.md.
const (
	ExitOK          = 0   // success
	ExitError       = 1   // unexpected error
	ExitUsage       = 2   // usage, validation or configuration error
	ExitAuth        = 3   // missing or rejected token
	ExitExists      = 4   // the organization already exists
	ExitPlan        = 5   // the account's plan does not allow it
	ExitUnavailable = 6   // network, timeout or provider-side failure
	ExitNotFound    = 7   // no such organization
	ExitChanges     = 8   // diff: the plan has changes (not a failure)
	ExitStale       = 9   // apply PLAN: the saved plan is stale, nothing was changed
	ExitHangup      = 129 // SIGHUP (128 + 1)
	ExitInterrupted = 130 // SIGINT (128 + 2)
	ExitBrokenPipe  = 141 // standard output closed (128 + SIGPIPE's 13, as a shell reports it)
	ExitTerminated  = 143 // SIGTERM (128 + 15)
)

// UsageError is a mistake in the command line or the config: nothing was sent.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usage wraps err as a UsageError.
func Usage(err error) error { return &UsageError{Err: err} }

// AuthError is a missing credential, found before anything was sent.
type AuthError struct{ Err error }

func (e *AuthError) Error() string { return e.Err.Error() }
func (e *AuthError) Unwrap() error { return e.Err }

// CodeError carries an exit code decided by the command (a bulk run's most
// severe failure).
type CodeError struct {
	Code int
	Err  error
}

func (e *CodeError) Error() string { return e.Err.Error() }
func (e *CodeError) Unwrap() error { return e.Err }

// Status ends a run with a code that is an answer, not a failure (diff's
// "there are changes"): no error line is printed.
type Status struct{ Code int }

func (s *Status) Error() string { return fmt.Sprintf("exit status %d", s.Code) }

// SignalError is the cause of a run's cancellation by a signal: the exit
// code is 128 + the signal's number, as a shell reports it.
type SignalError struct {
	Name string // SIGINT, SIGTERM, SIGHUP
	Code int
}

func (e *SignalError) Error() string { return "interrupted by " + e.Name }

// ExitCodes documents every exit code, for `orgctl help exit-codes`; a
// test checks it has every code of the severity order.
var ExitCodes = []struct {
	Code    int
	Meaning string
}{
	{ExitOK, "success (also a --dry-run)"},
	{ExitError, "unexpected error, none of the classes below"},
	{ExitUsage, "usage, validation or configuration error: nothing was sent (or the\nprovider refused the request, 400, 422 or any other unclassified 4xx\nsuch as 405 or 413: nothing was created)"},
	{ExitAuth, "authentication: no token, or the provider rejected it (401, 403,\nUNAUTHORIZED)"},
	{ExitExists, "the organization already exists (409, ORGANIZATION_NAME_ALREADY_EXISTS)"},
	{ExitPlan, "the account's plan does not allow it (402, PLAN_RESTRICTED_FEATURE)"},
	{ExitUnavailable, "network, timeout or provider-side failure (5xx, 429, a redirect,\nan unreadable answer); a create may have happened: the error says so"},
	{ExitNotFound, "no such organization (404, ORGANIZATION_NOT_FOUND)"},
	{ExitChanges, "diff (and apply --dry-run): the plan has changes; 0 means none"},
	{ExitStale, "apply PLAN: the saved plan is stale (an organization changed, or was\ncreated or deleted, since it was made): nothing was changed"},
	{ExitHangup, "hung up (SIGHUP): work stopped as for Ctrl-C"},
	{ExitInterrupted, "interrupted (Ctrl-C, SIGINT); a second Ctrl-C exits at once"},
	{ExitBrokenPipe, "standard output was closed (| head): no new work started"},
	{ExitTerminated, "terminated (SIGTERM): work stopped as for Ctrl-C"},
}

// ExitMeaning is what code means, on one line ("" for a code not
// documented).
func ExitMeaning(code int) string {
	for _, c := range ExitCodes {
		if c.Code == code {
			return strings.ReplaceAll(c.Meaning, "\n", " ")
		}
	}
	return ""
}

// Severity returns the order in which a bulk run picks its exit code.
func Severity() []int { return slices.Clone(severity) }

// severity orders exit codes for a run with several failures: an
// interruption first, then what blocks every later request (auth, an
// unavailable API), then the plan, then per-organization outcomes.
var severity = []int{ExitInterrupted, ExitTerminated, ExitHangup, ExitBrokenPipe, ExitAuth, ExitUnavailable, ExitPlan, ExitExists, ExitNotFound, ExitUsage, ExitError}

// MostSevere returns the most severe of some exit codes (ExitOK for none).
func MostSevere(codes ...int) int {
	for _, c := range severity {
		if slices.Contains(codes, c) {
			return c
		}
	}
	return ExitOK
}

// ExitCode maps an error to orgctl's documented exit code.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var coded *CodeError
	if errors.As(err, &coded) {
		return coded.Code
	}
	var status *Status
	if errors.As(err, &status) {
		return status.Code
	}
	var usage *UsageError
	var auth *AuthError
	var perr *provider.Error
	switch {
	case errors.As(err, &usage):
		return ExitUsage
	case errors.As(err, &auth):
		return ExitAuth
	case errors.Is(err, context.Canceled):
		return ExitInterrupted
	case errors.As(err, &perr):
		return exitForKind(perr)
	case isCobraUsage(err):
		return ExitUsage
	}
	return ExitError
}

func exitForKind(e *provider.Error) int {
	if errors.Is(e.Err, context.Canceled) {
		return ExitInterrupted
	}
	switch e.Kind {
	case provider.KindInvalid:
		return ExitUsage
	case provider.KindAuth:
		return ExitAuth
	case provider.KindConflict:
		return ExitExists
	case provider.KindPlan:
		return ExitPlan
	case provider.KindServer, provider.KindNetwork:
		return ExitUnavailable
	case provider.KindNotFound:
		return ExitNotFound
	}
	return ExitError
}

// isCobraUsage recognises the errors cobra returns before any RunE runs
// and that it has no error type for.
func isCobraUsage(err error) bool {
	msg := err.Error()
	return strings.HasPrefix(msg, "unknown command ") || strings.HasPrefix(msg, "unknown shorthand flag") ||
		strings.HasPrefix(msg, "unknown flag") || strings.HasPrefix(msg, "accepts ")
}

// ExactArgs is cobra.ExactArgs with a usage error that says what is missing.
func ExactArgs(n int, what string) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return Usage(fmt.Errorf("%s (got %d arguments)", what, len(args)))
		}
		return nil
	}
}

// MinimumArgs is cobra.MinimumNArgs as a usage error (exit 2) in our words.
func MinimumArgs(n int, what string) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return Usage(errors.New(what))
		}
		return nil
	}
}
