package planfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/orgctl/orgctl/pkg/plan"
)

// ErrNotAPlan says a file is not a saved plan (a manifest, perhaps).
var ErrNotAPlan = errors.New("not a saved plan")

// source is the file a Document was read from, and the SHA-256 of the
// bytes Read checked: every later read must find the same.
type source struct {
	r   io.ReadSeeker
	sum []byte
}

// Read reads a saved plan and checks that it is one this orgctl can apply
// and that nobody changed it since it was written: its digest must match.
// It keeps the head only; Each reads the actions again from r, an action
// at a time, so a plan of any size is read in little memory, and refuses
// those that break the rules no orgctl breaks (see rules) before its
// caller acts on any. r must stay open while the document is used.
func Read(r io.ReadSeeker) (*Document, error) {
	head := map[string]json.RawMessage{}
	actions := newActionsSum()
	file, err := walk(r, head, actions.add)
	if errors.Is(err, ErrNotAPlan) {
		return nil, err
	}
	var probe struct {
		Kind          string `json:"kind"`
		FormatVersion int    `json:"format_version"`
	}
	_ = json.Unmarshal(head["kind"], &probe.Kind)
	_ = json.Unmarshal(head["format_version"], &probe.FormatVersion)
	_, hasActions := head["actions"]
	switch {
	case probe.Kind != "" && probe.Kind != Kind:
		return nil, ErrNotAPlan
	case probe.Kind == Kind && probe.FormatVersion != FormatVersion:
		return nil, fmt.Errorf("plan format version %d: this orgctl reads version %d; make the plan again with this orgctl", probe.FormatVersion, FormatVersion)
	case err != nil && (probe.Kind == Kind || hasActions): // a plan, its keys sorted: actions come first
		return nil, fmt.Errorf("the plan cannot be read: %w", err)
	case err != nil || probe.Kind != Kind:
		return nil, ErrNotAPlan
	}
	d, err := decodeHead(head)
	if err != nil {
		return nil, fmt.Errorf("the plan cannot be read: %w", err)
	}
	if d.Digest != d.digest(actions.sum()) {
		return nil, errors.New("the plan was changed after orgctl wrote it (its digest does not match its content): make the plan again with orgctl diff --out")
	}
	d.src = &source{r: r, sum: file}
	return d, nil
}

// decodeHead decodes the document's members other than its actions, and
// refuses a key orgctl does not know: a key it would ignore is an edit too.
func decodeHead(head map[string]json.RawMessage) (*Document, error) {
	delete(head, "actions")
	b, err := json.Marshal(head)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	d := &Document{}
	return d, dec.Decode(d)
}

// walk reads the document in r from its start: each member of its head,
// undecoded, into head (when not nil), and each action, decoded, to f. It
// returns the SHA-256 of the bytes it read. A document that is not a JSON
// object is ErrNotAPlan.
func walk(r io.ReadSeeker, head map[string]json.RawMessage, f func(*Action) error) ([]byte, error) {
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	file := sha256.New()
	dec := json.NewDecoder(io.TeeReader(r, file))
	dec.DisallowUnknownFields() // in an action too: a key orgctl would ignore is an edit
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, ErrNotAPlan
	}
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := t.(string) // an object's keys are strings
		if seen[key] {
			return nil, fmt.Errorf("%q is given twice", key)
		}
		seen[key] = true
		if key != "actions" {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return nil, err
			}
			if head != nil {
				head[key] = raw
			}
			continue
		}
		if head != nil {
			head[key] = nil // Read tells a plan from a manifest by it
		}
		if t, err := dec.Token(); err != nil || t != json.Delim('[') {
			return nil, errors.New("its actions are not a list")
		}
		for dec.More() {
			a := new(Action)
			if err := dec.Decode(a); err != nil {
				return nil, err
			}
			if err := f(a); err != nil {
				return nil, err
			}
		}
		if _, err := dec.Token(); err != nil { // the list's end
			return nil, err
		}
	}
	if _, err := dec.Token(); err != nil { // the document's end
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF { // the decoder has read, and file hashed, all of r
		return nil, errors.New("more than one document")
	}
	return file.Sum(nil), nil
}

// stream reads the actions from the plan's file again to f, each checked
// by rules, and their count by the summary. When the file is not what
// Read checked (it changed since), it says so after the last action: f
// must gather, not act, and its caller act only on a nil error.
func (d *Document) stream(f func(*Action) error) error {
	var counted Summary
	n := 0
	sum, err := walk(d.src.r, nil, func(a *Action) error {
		n++
		counted.add(a.Action)
		if err := d.rules(n, a); err != nil {
			return err
		}
		return f(a)
	})
	switch {
	case err != nil:
		return err
	case !bytes.Equal(sum, d.src.sum):
		return errors.New("the plan changed while orgctl read it: make it again, or apply a copy nothing writes to")
	case counted != d.Summary:
		return fmt.Errorf("the plan's summary (%+v) does not count its actions (%+v)", d.Summary, counted)
	}
	return nil
}

// rules refuses, in the plan's nth action, what no orgctl writes, digest
// or not, and gives its changes the types apply sends.
func (d *Document) rules(n int, a *Action) error {
	bad := func(why string) error {
		return fmt.Errorf("the plan's action %d (%s %q) %s", n, a.Action, a.Name, why)
	}
	if _, ok := d.Providers[a.Provider]; !ok {
		return bad(fmt.Sprintf("is for provider %q, which the plan has no account for", a.Provider))
	}
	switch a.Action {
	case plan.Create:
		if a.Set == nil || a.ID != "" {
			return bad("is a create without its fields, or with an id")
		}
	case plan.Update:
		if a.From == nil || a.ID == "" || len(a.Changes) == 0 {
			return bad("is an update without an id, its old state or its changes")
		}
		for j := range a.Changes {
			if err := typed(&a.Changes[j]); err != nil {
				return bad(err.Error())
			}
		}
	case plan.Delete:
		if !d.Prune {
			return bad("deletes, but the plan was not made with --prune")
		}
		if a.From == nil || a.ID == "" {
			return bad("is a delete without an id or its old state")
		}
	case plan.Unchanged:
		if a.From == nil || a.ID == "" {
			return bad("is unchanged without an id or its state")
		}
	default:
		return bad("is of no known kind")
	}
	return nil
}

// Load reads every action of a plan Read into Actions, so that it can be
// changed and written again: for tools and tests, and small plans.
func (d *Document) Load() error {
	var all []Action
	if err := d.Each(func(a *Action) error { all = append(all, *a); return nil }); err != nil {
		return err
	}
	d.Actions, d.src = all, nil
	return nil
}
