package apierr

import (
	"errors"
	"fmt"
	"testing"
)

func TestUnknownOutcomeIsWordedByOperation(t *testing.T) {
	const check = "check with `orgctl get acme --provider qovery` before retrying"
	tests := []struct {
		name string
		err  *Error
		op   Op
		want string
	}{
		{"create after a 502", &Error{Provider: "qovery", Kind: KindServer, Status: 502, Message: "Bad Gateway", MayHaveSucceeded: true}, OpCreate,
			"qovery: HTTP 502: Bad Gateway; the request was sent, so the organization may have been created: " + check},
		{"create after a timeout", &Error{Provider: "qovery", Kind: KindNetwork, Message: "timed out waiting for the API", MayHaveSucceeded: true}, OpCreate,
			"qovery: timed out waiting for the API; the request was sent, so the organization may have been created: " + check},
		{"create answered 201 unreadably", &Error{Provider: "qovery", Kind: KindServer, Status: 201, Message: "unreadable response", MayHaveSucceeded: true}, OpCreate,
			"qovery: HTTP 201: unreadable response; the organization was probably created: " + check},
		{"delete after a 500", &Error{Provider: "qovery", Kind: KindServer, Status: 500, MayHaveSucceeded: true}, OpDelete,
			"qovery: HTTP 500; the request was sent, so the organization may have been deleted: " + check},
		{"update after a reset", &Error{Provider: "qovery", Kind: KindNetwork, Message: "reset", MayHaveSucceeded: true}, OpUpdate,
			"qovery: reset; the request was sent, so the organization may have been updated: " + check},
		{"a read changes nothing", &Error{Provider: "qovery", Kind: KindServer, Status: 500, MayHaveSucceeded: true}, OpRead,
			"qovery: HTTP 500"},
		{"an untagged error stays generic", &Error{Provider: "qovery", Kind: KindNetwork, Message: "timed out", MayHaveSucceeded: true}, OpUnknown,
			"qovery: timed out; the request was sent, so it may have taken effect: check before retrying"},
		{"a refusal says nothing more", &Error{Provider: "qovery", Kind: KindInvalid, Status: 400, Message: "bad plan"}, OpCreate,
			"qovery: HTTP 400: bad plan"},
		{"a conflict on a repeat may be our own", &Error{Provider: "qovery", Kind: KindConflict, Status: 409, Message: `an organization named "acme" already exists`, Repeated: true}, OpCreate,
			`qovery: HTTP 409: an organization named "acme" already exists; an earlier attempt of this run may have created it: check with ` + "`orgctl get acme --provider qovery`"},
		{"a conflict on a first attempt is plain", &Error{Provider: "qovery", Kind: KindConflict, Status: 409, Message: "taken"}, OpCreate,
			"qovery: HTTP 409: taken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			subject := "acme"
			if tt.op == OpUnknown {
				subject = ""
			}
			if got := WithOp(tt.err, tt.op, subject).Error(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestWithOp(t *testing.T) {
	shared := &Error{Provider: "vertra", Kind: KindServer, Status: 500, MayHaveSucceeded: true}
	got := WithOp(shared, OpRead, "x")
	var e *Error
	if !errors.As(got, &e) || e == shared || e.MayHaveSucceeded || e.Op != OpRead || e.Subject != "x" {
		t.Fatalf("WithOp = %#v", got)
	}
	if shared.Op != OpUnknown || !shared.MayHaveSucceeded {
		t.Errorf("the shared error was changed: %#v", shared)
	}
	wrapped := fmt.Errorf("ctx: %w", shared)
	if WithOp(wrapped, OpDelete, "org_1") != wrapped {
		t.Error("a wrapping error was replaced: its text cannot change")
	}
	if WithOp(nil, OpCreate, "x") != nil {
		t.Error("WithOp(nil) is not nil")
	}
	plain := errors.New("plain")
	if WithOp(plain, OpCreate, "x") != plain {
		t.Error("a foreign error was replaced")
	}
}

func TestCheckCommandIsPasteable(t *testing.T) {
	tests := map[string]string{
		"acme":       "check with `orgctl get acme --provider vertra`",
		"Acme Corp":  "check with `orgctl get 'Acme Corp' --provider vertra`",
		"it's":       "check with `orgctl get 'it'\\''s' --provider vertra`",
		"$(rm -rf)":  "check with `orgctl get '$(rm -rf)' --provider vertra`",
		"-dash":      "check with `orgctl get --provider vertra -- -dash`",
		"org_1.a-b:": "check with `orgctl get org_1.a-b: --provider vertra`",
	}
	for subject, want := range tests {
		if got := (&Error{Provider: "vertra", Subject: subject}).check(); got != want {
			t.Errorf("%q: got %s, want %s", subject, got, want)
		}
	}
	// The embedded sandbox's organizations are only seen with --sandbox.
	for subject, want := range map[string]string{
		"acme":  "check with `orgctl get acme --provider vertra --sandbox`",
		"-dash": "check with `orgctl get --provider vertra --sandbox -- -dash`",
	} {
		if got := (&Error{Provider: "vertra", Subject: subject, Sandbox: true}).check(); got != want {
			t.Errorf("sandbox %q: got %s, want %s", subject, got, want)
		}
	}
}

func TestOutcomeUnknown(t *testing.T) {
	for status, want := range map[int]bool{500: true, 502: true, 503: true, 504: true, 599: true, 600: true, 99: true,
		200: false, 201: false, 302: false, 400: false, 409: false, 413: false, 429: false} {
		if got := OutcomeUnknown(status); got != want {
			t.Errorf("OutcomeUnknown(%d) = %v", status, got)
		}
	}
}
