// Package apierr classifies what goes wrong talking to a provider's API:
// the kind of failure (which decides the exit code), whether the request
// may have been acted on, and how to check. It sits below both the HTTP
// layer (pkg/api) and the providers (pkg/provider), which re-exports it.
package apierr

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies a provider failure; the CLI maps each kind to an exit code.
type Kind int

// Failure kinds, from the provider's error code first and HTTP status second.
const (
	KindUnknown  Kind = iota // anything not classified below
	KindInvalid              // the provider refused the request (400, 422, any 4xx not classified below)
	KindAuth                 // missing, invalid or insufficient token (401/403, UNAUTHORIZED)
	KindConflict             // the name is taken (409, ORGANIZATION_NAME_ALREADY_EXISTS)
	KindPlan                 // the account's plan forbids it (402, PLAN_RESTRICTED_FEATURE)
	KindServer               // the provider failed, is rate limiting, or answered something unreadable (5xx, 429, bad body)
	KindNetwork              // no answer: connection, DNS, TLS or timeout
	KindNotFound             // no such organization (404, ORGANIZATION_NOT_FOUND)
)

// Error is a failure reported by, or while talking to, a provider. Its
// message never contains a token.
type Error struct {
	Provider string
	Kind     Kind
	Status   int    // HTTP status; 0 when no response arrived
	Code     string // the provider's error code, when it sent one
	Message  string // the provider's human message, or ours
	// MayHaveSucceeded is set when the request reached the server but its
	// outcome is unknown (a timeout or reset after sending, a 5xx, an
	// unreadable answer), so the user must check before retrying.
	MayHaveSucceeded bool
	// Repeated is set when this answer came to a repeat of a request that
	// had already reached the server (after a 429/503, or an unknown
	// outcome): a conflict may then be the earlier attempt's own work.
	Repeated bool
	// Op and Subject say what the request was for (see WithOp); they decide
	// how an unknown outcome is worded and which `orgctl get` checks it.
	Op      Op
	Subject string // the organization's name (create) or id (delete)
	// Sandbox is set when the request went to orgctl's embedded sandbox
	// (--sandbox): the check command must say so, or it would ask the
	// real provider about an organization that only the sandbox holds.
	Sandbox bool
	Err     error
}

// Op is the operation a request performed.
type Op int

// Operations, as the provider methods tag their errors.
const (
	OpUnknown Op = iota // untagged: the wording stays generic
	OpRead
	OpCreate
	OpUpdate
	OpDelete
)

// done is the past participle an unknown outcome is worded with.
func (o Op) done() string {
	switch o {
	case OpCreate:
		return "created"
	case OpUpdate:
		return "updated"
	case OpDelete:
		return "deleted"
	}
	return ""
}

// WithOp records on err which operation failed, and on which organization.
// A read changes nothing, so its failure never says "may have been ...".
// Only a bare *Error is tagged (a wrapping error's text is already fixed),
// and it is copied rather than changed, as it may be shared.
func WithOp(err error, op Op, subject string) error {
	e, ok := err.(*Error)
	if !ok {
		return err
	}
	c := *e
	c.Op, c.Subject = op, subject
	if op == OpRead {
		c.MayHaveSucceeded = false
	}
	return &c
}

// OutcomeUnknown reports whether an HTTP answer leaves it open whether the
// request was acted on: any 5xx (a gateway may answer 502 or 504 after the
// API acted; a 503 may come from a proxy whose backend already had it) and
// any status outside 1xx-5xx. A 4xx is the API refusing; a 2xx or 3xx is
// judged by its caller.
func OutcomeUnknown(status int) bool { return status >= 500 || status < 100 }

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Provider)
	if e.Status != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.Status)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, " %s", e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if o := e.outcome(); o != "" {
		b.WriteString("; ")
		b.WriteString(o)
	}
	return b.String()
}

// outcome says what may have happened despite the failure, and how to
// check, in the words of the operation: "may have been created" only for a
// create, "may have been deleted" for a delete, nothing for a read.
func (e *Error) outcome() string {
	switch {
	case e.Kind == KindConflict && e.Repeated && e.Op == OpCreate:
		return "an earlier attempt of this run may have created it: " + e.check()
	case !e.MayHaveSucceeded || e.Op == OpRead:
		return ""
	case e.Op == OpUnknown:
		return "the request was sent, so it may have taken effect: " + e.check() + " before retrying"
	case e.Status >= 200 && e.Status < 300:
		return "the organization was probably " + e.Op.done() + ": " + e.check() + " before retrying"
	}
	return "the request was sent, so the organization may have been " + e.Op.done() + ": " + e.check() + " before retrying"
}

// check names the command that shows whether the organization exists.
func (e *Error) check() string {
	flags := "--provider " + e.Provider
	if e.Sandbox {
		flags += " --sandbox"
	}
	switch {
	case e.Subject == "" || e.Provider == "":
		return "check"
	case strings.HasPrefix(e.Subject, "-"):
		return fmt.Sprintf("check with `orgctl get %s -- %s`", flags, shellQuote(e.Subject))
	}
	return fmt.Sprintf("check with `orgctl get %s %s`", shellQuote(e.Subject), flags)
}

// shellQuote quotes s for a POSIX shell when it needs it, so the suggested
// command can be pasted as it is.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.:/@+=,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func (e *Error) Unwrap() error { return e.Err }

// KindForStatus is the fallback classification when a provider sent no
// error code it documents.
func KindForStatus(status int) Kind {
	switch {
	case status == 400 || status == 422:
		return KindInvalid
	case status == 401 || status == 403:
		return KindAuth
	case status == 402:
		return KindPlan
	case status == 404:
		return KindNotFound
	case status == 409:
		return KindConflict
	case status == 408 || status == 425 || status == 429 || status >= 500:
		// Rate limits and "too early / request timeout" count as
		// provider-side: retrying later may work.
		return KindServer
	case status >= 400 && status < 500:
		// Any other 4xx (405, 413, 415…): the API refused the request, so
		// nothing was created. Both providers give it exit 2.
		return KindInvalid
	}
	return KindUnknown
}

// FirstNonEmpty returns the first value that is not blank.
func FirstNonEmpty(values ...string) string {
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// JoinMessage puts orgctl's explanation first and the provider's words after.
func JoinMessage(ours, theirs string) string {
	switch {
	case ours == "":
		return theirs
	case theirs == "" || strings.EqualFold(ours, theirs):
		return ours
	}
	return ours + " (" + theirs + ")"
}

// NotFoundOnCreate reclassifies a 404 answer to a create: no organization
// can be missing there, so the endpoint itself is (a wrong base URL, an API
// that moved). It is a provider-side failure, not "not found".
func NotFoundOnCreate(err error) error {
	var e *Error
	if errors.As(err, &e) && e.Kind == KindNotFound {
		e.Kind = KindServer
		e.Message = JoinMessage("the API has no such endpoint: check the base URL", e.Message)
	}
	return err
}
