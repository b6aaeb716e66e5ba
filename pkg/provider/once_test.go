package provider

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// scripted answers each Create with the next error (nil: success) and List
// with orgs; it counts calls.
type scripted struct {
	answers        []error
	orgs           []Organization
	listErrs       []error // List fails with these first
	creates, lists int
}

func (s *scripted) Name() string { return "qovery" }
func (s *scripted) Create(_ context.Context, spec CreateSpec) (*Organization, error) {
	err := s.answers[s.creates]
	s.creates++
	if err != nil {
		return nil, WithOp(err, OpCreate, spec.Name)
	}
	return &Organization{Provider: "qovery", ID: "new", Name: spec.Name}, nil
}
func (s *scripted) List(_ context.Context, visit func(*Organization) error) error {
	s.lists++
	if s.lists <= len(s.listErrs) {
		return WithOp(s.listErrs[s.lists-1], OpRead, "")
	}
	for i := range s.orgs {
		o := s.orgs[i]
		if err := visit(&o); err != nil {
			return VisitError(err)
		}
	}
	return nil
}

func (s *scripted) Get(context.Context, string) (*Organization, error) {
	return nil, errors.New("unused")
}
func (s *scripted) Delete(context.Context, string) error { return errors.New("unused") }

var (
	start      = time.Date(2026, 11, 25, 18, 0, 0, 0, time.UTC)
	clock      = func() time.Time { return start }
	e502       = &Error{Provider: "qovery", Kind: KindServer, Status: 502, MayHaveSucceeded: true}
	eTimeout   = &Error{Provider: "qovery", Kind: KindNetwork, Message: "timed out waiting for the API", MayHaveSucceeded: true}
	eRefused   = &Error{Provider: "qovery", Kind: KindNetwork, Message: "connection refused"}
	eConflict  = &Error{Provider: "qovery", Kind: KindConflict, Status: 409, Message: `an organization named "acme" already exists`}
	eRepeated  = &Error{Provider: "qovery", Kind: KindConflict, Status: 409, Message: `an organization named "acme" already exists`, Repeated: true}
	eInterrupt = &Error{Provider: "qovery", Kind: KindNetwork, Message: "interrupted", MayHaveSucceeded: true, Err: context.Canceled}
)

func existing(createdAt string) []Organization {
	return []Organization{{Provider: "qovery", ID: "other", Name: "zeta"}, {Provider: "qovery", ID: "found", Name: "ACME", CreatedAt: createdAt}}
}

func TestCreateOnce(t *testing.T) {
	justAfter := start.Add(time.Second).Format(time.RFC3339)
	withinSkew := start.Add(-ClockSkew + time.Second).Format(time.RFC3339Nano)
	longBefore := start.Add(-ClockSkew - time.Second).Format(time.RFC3339)
	tests := []struct {
		name           string
		opts           OnceOptions
		answers        []error
		orgs           []Organization
		listErrs       []error
		wantID, wantBy string
		wantCreated    bool
		wantErr        string
		wantExact      bool // wantErr is the whole message
		creates, lists int
		noticesContain string
	}{
		{name: "created", answers: []error{nil}, wantID: "new", wantBy: ByThisRun, wantCreated: true, creates: 1},
		{name: "without the flags a 502 is final", answers: []error{e502},
			wantErr: "qovery: HTTP 502; the request was sent, so the organization may have been created: check with `orgctl get acme --provider qovery` before retrying", creates: 1},
		{name: "without the flags a conflict is final", answers: []error{eConflict},
			wantErr: `qovery: HTTP 409: an organization named "acme" already exists`, creates: 1},
		{name: "without the flags a conflict after a 503 retry is looked up: made by this run", answers: []error{eRepeated}, orgs: existing(justAfter),
			wantID: "found", wantBy: ByEarlierAttempt, wantCreated: true, creates: 1, lists: 1},
		{name: "without the flags a conflict after a 503 retry, created_at within the skew", answers: []error{eRepeated}, orgs: existing(withinSkew),
			wantID: "found", wantBy: ByEarlierAttempt, wantCreated: true, creates: 1, lists: 1},
		{name: "without the flags a conflict after a 503 retry, created before the run", answers: []error{eRepeated}, orgs: existing(longBefore),
			wantErr: `qovery: HTTP 409: an organization named "acme" already exists; it was created before this run (by its created_at)`, wantExact: true, creates: 1, lists: 1},
		{name: "without the flags a conflict after a 503 retry, no created_at, says so", answers: []error{eRepeated}, orgs: existing(""),
			wantErr: `qovery: HTTP 409: an organization named "acme" already exists; an earlier attempt of this run may have created it: check with ` + "`orgctl get acme --provider qovery`", wantExact: true, creates: 1, lists: 1},
		{name: "without the flags a conflict after a 503 retry whose lookup fails says so", opts: OnceOptions{Retries: 1}, answers: []error{eRepeated}, orgs: existing(justAfter),
			listErrs: []error{eTimeout, eTimeout}, wantErr: `qovery: HTTP 409: an organization named "acme" already exists; an earlier attempt of this run may have created it: check with ` + "`orgctl get acme --provider qovery`", wantExact: true, creates: 1, lists: 2},
		{name: "without the flags a conflict after a 503 retry, invisible", answers: []error{eRepeated}, orgs: existing("")[:1],
			wantErr: `already exists, but no organization of that name is visible to this token; an earlier attempt of this run may have created it`, creates: 1, lists: 1},
		{name: "if-not-exists: taken before", opts: OnceOptions{FindExisting: true}, answers: []error{eConflict}, orgs: existing(justAfter),
			wantID: "found", wantBy: BeforeThisRun, creates: 1, lists: 1},
		{name: "skip-existing: a first-attempt conflict is not looked up", opts: OnceOptions{Repeat: true}, answers: []error{eConflict},
			wantErr: `already exists`, creates: 1},
		{name: "502 then conflict: made by the earlier attempt", opts: OnceOptions{Repeat: true, Retries: 3}, answers: []error{e502, eConflict}, orgs: existing(justAfter),
			wantID: "found", wantBy: ByEarlierAttempt, wantCreated: true, creates: 2, lists: 1,
			noticesContain: "qovery: acme: HTTP 502; its name is unique, so repeating the create cannot make a second one: retrying in 0s (retry 1 of 3)"},
		{name: "timeout then conflict, created_at within the skew", opts: OnceOptions{FindExisting: true, Retries: 1}, answers: []error{eTimeout, eConflict}, orgs: existing(withinSkew),
			wantID: "found", wantBy: ByEarlierAttempt, wantCreated: true, creates: 2, lists: 1, noticesContain: "timed out waiting for the API; its name"},
		{name: "502 then conflict, created long before", opts: OnceOptions{Repeat: true, Retries: 1}, answers: []error{e502, eConflict}, orgs: existing(longBefore),
			wantID: "found", wantBy: BeforeThisRun, creates: 2, lists: 1},
		{name: "502 then conflict, no created_at", opts: OnceOptions{Repeat: true, Retries: 1}, answers: []error{e502, eConflict}, orgs: existing(""),
			wantID: "found", wantBy: ByUnknown, creates: 2, lists: 1},
		{name: "503-retried conflict with the flags is looked up", opts: OnceOptions{Repeat: true}, answers: []error{eRepeated}, orgs: existing(justAfter),
			wantID: "found", wantBy: ByEarlierAttempt, wantCreated: true, creates: 1, lists: 1},
		{name: "502 then created: this run", opts: OnceOptions{Repeat: true, Retries: 2}, answers: []error{e502, e502, nil},
			wantID: "new", wantBy: ByThisRun, wantCreated: true, creates: 3},
		{name: "retries run out", opts: OnceOptions{Repeat: true, Retries: 2}, answers: []error{e502, eTimeout, e502},
			wantErr: "HTTP 502; the request was sent, so the organization may have been created", creates: 3},
		{name: "--retries 0 repeats nothing", opts: OnceOptions{Repeat: true}, answers: []error{e502},
			wantErr: "HTTP 502", creates: 1},
		{name: "a failure before sending is not repeated here", opts: OnceOptions{Repeat: true, Retries: 3}, answers: []error{eRefused},
			wantErr: "connection refused", creates: 1},
		{name: "an interrupt is not repeated", opts: OnceOptions{Repeat: true, Retries: 3}, answers: []error{eInterrupt},
			wantErr: "interrupted", creates: 1},
		{name: "a lookup that times out is tried again", opts: OnceOptions{Repeat: true, Retries: 2}, answers: []error{e502, eConflict}, orgs: existing(justAfter),
			listErrs: []error{eTimeout, e502}, wantID: "found", wantBy: ByEarlierAttempt, wantCreated: true, creates: 2, lists: 3,
			noticesContain: "qovery: acme: the name is taken, but looking it up failed (qovery: HTTP 502): retrying in 0s (retry 2 of 2)"},
		{name: "a lookup that keeps failing fails", opts: OnceOptions{Repeat: true, Retries: 1}, answers: []error{e502, eConflict}, orgs: existing(justAfter),
			listErrs: []error{eTimeout, eTimeout}, wantErr: "qovery: timed out waiting for the API", creates: 2, lists: 2},
		{name: "a refused lookup is not tried again", opts: OnceOptions{Repeat: true, Retries: 1}, answers: []error{e502, eConflict}, orgs: existing(justAfter),
			listErrs: []error{&Error{Provider: "qovery", Kind: KindAuth, Status: 403}}, wantErr: "qovery: HTTP 403", creates: 2, lists: 1},
		{name: "taken but invisible", opts: OnceOptions{Repeat: true, Retries: 1}, answers: []error{e502, eConflict}, orgs: existing("")[:1],
			wantErr: `already exists, but no organization of that name is visible to this token; an earlier attempt of this run may have created it`, creates: 2, lists: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &scripted{answers: tt.answers, orgs: tt.orgs, listErrs: tt.listErrs}
			var notices bytes.Buffer
			tt.opts.Notice, tt.opts.Now = &notices, clock
			org, err := CreateOnce(context.Background(), p, CreateSpec{Name: "acme"}, tt.opts)
			if p.creates != tt.creates || p.lists != tt.lists {
				t.Errorf("creates/lists = %d/%d, want %d/%d", p.creates, p.lists, tt.creates, tt.lists)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || tt.wantExact && err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if org.ID != tt.wantID || org.CreatedBy != tt.wantBy || org.Created == nil || *org.Created != tt.wantCreated {
				t.Errorf("org id/by/created = %s/%s/%v, want %s/%s/%v", org.ID, org.CreatedBy, org.Created, tt.wantID, tt.wantBy, tt.wantCreated)
			}
			if !strings.Contains(notices.String(), tt.noticesContain) {
				t.Errorf("notices = %q, want %q", notices.String(), tt.noticesContain)
			}
		})
	}
}

func TestCreateOnceWaitsTheBackoffAndStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var waited []int
	p := &scripted{answers: []error{e502, e502}}
	_, err := CreateOnce(ctx, p, CreateSpec{Name: "acme"}, OnceOptions{Repeat: true, Retries: 3, Backoff: func(n int) time.Duration {
		waited = append(waited, n)
		cancel()
		return time.Hour
	}})
	if !errors.Is(err, context.Canceled) || p.creates != 1 || len(waited) != 1 || waited[0] != 0 {
		t.Errorf("err %v, creates %d, waited %v", err, p.creates, waited)
	}
	// The interruption does not hide that the first attempt may have worked.
	want := "qovery: HTTP 502; the request was sent, so the organization may have been created: check with `orgctl get acme --provider qovery` before retrying; interrupted before repeating the create: context canceled"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant  %s", err, want)
	}
}

func (s *scripted) Update(context.Context, string, UpdateSpec) (*Organization, error) {
	return nil, errors.New("unused")
}
