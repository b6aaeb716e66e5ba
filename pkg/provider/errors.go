package provider

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
	KindInvalid              // the provider rejected the request body (400/422)
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
	// MayHaveCreated is set when the request reached the server but its
	// outcome is unknown, so the user must check before retrying.
	MayHaveCreated bool
	Err            error
}

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
	return b.String()
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
	case status == 429 || status >= 500:
		// Rate limits count as provider-side: retrying later may work.
		return KindServer
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
