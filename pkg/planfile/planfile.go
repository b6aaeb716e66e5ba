// Package planfile is the saved plan of `orgctl diff --out`: the actions a
// reviewed plan carries out, what each was computed from, and a digest that
// makes an edit visible. `orgctl apply PLAN` reads it back, checks it
// against the providers' current lists (see Check) and carries out exactly
// those actions. The format is documented in docs/apply.md.
package planfile

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/orgctl/orgctl/pkg/manifest"
	"github.com/orgctl/orgctl/pkg/plan"
)

// Kind names the document, so `apply FILE` can tell a plan from a manifest.
const Kind = "orgctl-plan"

// FormatVersion is the version this orgctl writes and reads. It changes
// only when a reader of an older version would misread the document.
const FormatVersion = 1

// Document is a saved plan.
type Document struct {
	Kind          string `json:"kind"`
	FormatVersion int    `json:"format_version"`
	Orgctl        string `json:"orgctl_version"`
	CreatedAt     string `json:"created_at"` // RFC 3339, UTC
	// Manifest is the file the plan was made from.
	Manifest Manifest `json:"manifest"`
	Prune    bool     `json:"prune"`           // made with --prune: only then may it delete
	Shard    string   `json:"shard,omitempty"` // made with --shard K/N
	// Providers are the accounts the plan was made against, by canonical
	// provider name.
	Providers map[string]Target `json:"providers"`
	Summary   Summary           `json:"summary"`
	// Digest is "sha256:" and the hex SHA-256 of the document's canonical
	// form (see digest): any change to what the plan does changes it.
	Digest string `json:"digest"`
	// Actions are the actions of a document held in memory (Load). Read
	// leaves it empty: read them with Each, which knows where they are.
	Actions []Action `json:"actions"`

	// plan, when set, gives the actions instead of Actions: a plan of a
	// hundred thousand entries is written without a second copy of it.
	plan *plan.Plan
	// src, when set, gives them instead: the file Read read, read again
	// an action at a time, so a plan is never held whole (see Each).
	src *source
}

// Manifest identifies the manifest a plan was made from.
type Manifest struct {
	Path   string `json:"path"`   // as given; "-" for standard input
	SHA256 string `json:"sha256"` // of its bytes, in hex
}

// Target is one provider's account as the plan saw it.
type Target struct {
	APIURL string `json:"api_url"` // "sandbox" for --sandbox
	// Generation is VertraCloud's API generation (organizations or
	// workspaces); empty for Qovery.
	Generation string `json:"generation,omitempty"`
	// Account fingerprints the token's account without being the token:
	// see Fingerprint.
	Account string `json:"account"`
}

// Summary counts the actions.
type Summary struct {
	Create    int `json:"create"`
	Update    int `json:"update"`
	Delete    int `json:"delete"`
	Unchanged int `json:"unchanged"`
}

// Action is one organization's part of the plan.
type Action struct {
	Action   plan.Kind `json:"action"`
	Provider string    `json:"provider"`
	Name     string    `json:"name"`            // the name it will have (its name, for a delete)
	ID       string    `json:"id,omitempty"`    // of the existing organization; none for a create
	Index    int       `json:"index,omitempty"` // the manifest entry; none for a delete
	Line     int       `json:"line,omitempty"`  // where the entry starts in the manifest
	// From is the organization as the plan read it: none for a create.
	From *State `json:"from,omitempty"`
	// Set is what a create sends: every field its entry set, empty ones
	// too (apply clears what the API fills in).
	Set *Fields `json:"set,omitempty"`
	// Changes are what an update sets, each field old → new.
	Changes []plan.Change `json:"changes,omitempty"`
}

// State is an organization as a plan read it: its name, when it last
// changed, and the fields its entry sets.
type State struct {
	Name      string `json:"name"`
	UpdatedAt string `json:"updated_at"`
	Fields    Fields `json:"fields"`
}

// Fields are values of the fields a manifest entry sets; nil is a field
// the entry leaves out.
type Fields struct {
	Plan        *string   `json:"plan,omitempty"`
	Description *string   `json:"description,omitempty"`
	WebsiteURL  *string   `json:"website_url,omitempty"`
	Repository  *string   `json:"repository,omitempty"`
	LogoURL     *string   `json:"logo_url,omitempty"`
	IconURL     *string   `json:"icon_url,omitempty"`
	AdminEmails *[]string `json:"admin_emails,omitempty"`
	Tags        *[]string `json:"tags,omitempty"`
}

// texts pairs each text field's bit with its place in f.
func (f *Fields) texts() []struct {
	field manifest.Field
	value **string
} {
	return []struct {
		field manifest.Field
		value **string
	}{{manifest.FieldPlan, &f.Plan}, {manifest.FieldDescription, &f.Description}, {manifest.FieldWebsiteURL, &f.WebsiteURL},
		{manifest.FieldRepository, &f.Repository}, {manifest.FieldLogoURL, &f.LogoURL}, {manifest.FieldIconURL, &f.IconURL}}
}

// set is which fields f holds.
func (f *Fields) set() manifest.Field {
	var set manifest.Field
	for _, t := range f.texts() {
		if *t.value != nil {
			set |= t.field
		}
	}
	if f.AdminEmails != nil {
		set |= manifest.FieldAdminEmails
	}
	if f.Tags != nil {
		set |= manifest.FieldTags
	}
	return set
}

// wanted is what an entry sets, as Fields.
func wanted(e *manifest.Entry) Fields {
	var f Fields
	values := []string{e.Plan, e.Description, e.WebsiteURL, e.Repository, e.LogoURL, e.IconURL}
	for i, t := range f.texts() {
		if e.Set.Has(t.field) {
			*t.value = &values[i]
		}
	}
	if e.Set.Has(manifest.FieldAdminEmails) {
		f.AdminEmails = list(e.AdminEmails)
	}
	if e.Set.Has(manifest.FieldTags) {
		f.Tags = list(e.Tags)
	}
	return f
}

// as is what x has of the fields set names.
func as(set manifest.Field, x *plan.Existing) Fields {
	var f Fields
	values := []string{x.Plan, x.Description, x.WebsiteURL, x.Repository, x.LogoURL, x.IconURL}
	for i, t := range f.texts() {
		if set.Has(t.field) {
			*t.value = &values[i]
		}
	}
	if set.Has(manifest.FieldAdminEmails) {
		f.AdminEmails = list(x.AdminEmails)
	}
	if set.Has(manifest.FieldTags) {
		f.Tags = list(x.Tags)
	}
	return f
}

// entry is the manifest entry that sets name and f: what a plan compares
// and a create sends.
func (f Fields) entry(providerName, name string) *manifest.Entry {
	e := &manifest.Entry{Provider: providerName, Set: manifest.FieldName | manifest.FieldProvider}
	e.Name = name
	values := []*string{&e.Plan, &e.Description, &e.WebsiteURL, &e.Repository, &e.LogoURL, &e.IconURL}
	for i, t := range f.texts() {
		if *t.value != nil {
			e.Set |= t.field
			*values[i] = **t.value
		}
	}
	if f.AdminEmails != nil {
		e.Set |= manifest.FieldAdminEmails
		e.AdminEmails = *f.AdminEmails
	}
	if f.Tags != nil {
		e.Set |= manifest.FieldTags
		e.Tags = *f.Tags
	}
	return e
}

func list(l []string) *[]string {
	if l == nil {
		l = []string{}
	}
	return &l
}

// New makes the document of pl, whose actions Write converts one at a
// time. The caller fills in the rest (Orgctl, CreatedAt, Manifest,
// Providers) before Write.
func New(pl *plan.Plan, prune bool) *Document {
	d := &Document{Kind: Kind, FormatVersion: FormatVersion, Prune: prune, Providers: map[string]Target{}, plan: pl}
	for i := range pl.Actions {
		d.Summary.add(pl.Actions[i].Kind)
	}
	return d
}

// add counts an action of kind k.
func (s *Summary) add(k plan.Kind) {
	switch k {
	case plan.Create:
		s.Create++
	case plan.Update:
		s.Update++
	case plan.Delete:
		s.Delete++
	default:
		s.Unchanged++
	}
}

// Each hands f the document's actions in order, until f returns an error.
// Those of a plan Read are read from its file again (see stream): each
// call reads them all, so a caller does what it can in one call.
func (d *Document) Each(f func(*Action) error) error {
	if d.src != nil {
		return d.stream(f)
	}
	if d.plan == nil {
		for i := range d.Actions {
			if err := f(&d.Actions[i]); err != nil {
				return err
			}
		}
		return nil
	}
	for i := range d.plan.Actions {
		a := saved(&d.plan.Actions[i])
		if err := f(&a); err != nil {
			return err
		}
	}
	return nil
}

// saved is one action of a plan as the document records it.
func saved(a *plan.Action) Action {
	s := Action{Action: a.Kind, Provider: a.Provider, Name: a.Name, ID: a.ID, Index: a.Index}
	if a.Entry != nil {
		s.Line = a.Entry.Line
	}
	if a.From != nil {
		s.From = &State{Name: a.From.Name, UpdatedAt: a.From.UpdatedAt}
		if a.Entry != nil {
			s.From.Fields = as(a.Entry.Set, a.From)
		}
	}
	switch a.Kind {
	case plan.Create:
		f := wanted(a.Entry)
		if f.Plan == nil && a.Entry.Plan != "" {
			f.Plan = &a.Entry.Plan // qovery.plan from the config: a create sends it
		}
		s.Set = &f
	case plan.Update:
		s.Changes = a.Changes
	}
	return s
}

// digest is the SHA-256 of the document's canonical form: its head (the
// JSON encoding with no digest and no actions) on a line, then the hex
// SHA-256 of its actions, each action's JSON encoding on a line (see
// actionsSum). Read recomputes both from what it decoded, so a reformatted
// file still matches and a changed value does not. The actions have their
// own sum so that a reader can stream them, whatever the order of the
// document's keys.
func (d *Document) digest(actions []byte) string {
	h := sha256.New()
	head := *d
	head.Digest, head.Actions = "", nil
	_ = json.NewEncoder(h).Encode(head) // a Document always encodes
	fmt.Fprintf(h, "%x\n", actions)
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// actionsSum hashes actions as digest says, a JSON line each.
type actionsSum struct {
	h   hash.Hash
	enc *json.Encoder
}

func newActionsSum() *actionsSum {
	h := sha256.New()
	return &actionsSum{h: h, enc: json.NewEncoder(h)}
}

func (s *actionsSum) add(a *Action) error { return s.enc.Encode(a) }
func (s *actionsSum) sum() []byte         { return s.h.Sum(nil) }

// Write seals the document with its digest and writes it to path, whole or
// not at all (a temporary file renamed over it).
func Write(path string, d *Document) error {
	sum := newActionsSum()
	if err := d.Each(sum.add); err != nil {
		return err
	}
	d.Digest = d.digest(sum.sum())
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename, there is nothing to remove
	if err := encode(tmp, d); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil { // a plan holds no secret: CI uploads it
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// encode writes the document readably: its head indented, an action a line,
// so a review diff of two plans shows one line per changed action.
func encode(w io.Writer, d *Document) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	head := *d
	head.Actions = nil
	b, err := json.MarshalIndent(head, "", "  ")
	if err != nil {
		return err
	}
	// The head ends `"actions": null\n}`: the actions replace the null.
	b = bytes.TrimSuffix(b, []byte("null\n}"))
	if !bytes.HasSuffix(b, []byte(`"actions": `)) {
		return errors.New("planfile: the actions must be the document's last member")
	}
	bw.Write(b)
	bw.WriteString("[")
	n := 0
	err = d.Each(func(a *Action) error {
		line, err := json.Marshal(a)
		if err != nil {
			return err
		}
		if n++; n > 1 {
			bw.WriteString(",")
		}
		bw.WriteString("\n    ")
		_, err = bw.Write(line)
		return err
	})
	if err != nil {
		return err
	}
	if n > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("]\n}\n")
	return bw.Flush()
}

// typed gives a change decoded from JSON the types apply sends: text, or a
// list of text for admin_emails and tags.
func typed(ch *plan.Change) error {
	list := ch.Field == "admin_emails" || ch.Field == "tags"
	for _, v := range []*any{&ch.Old, &ch.New} {
		switch x := (*v).(type) {
		case nil:
		case string:
			if list {
				return fmt.Errorf("sets %s to text, not a list", ch.Field)
			}
		case []any:
			if !list {
				return fmt.Errorf("sets %s to a list", ch.Field)
			}
			l := make([]string, len(x))
			for i, item := range x {
				s, ok := item.(string)
				if !ok {
					return fmt.Errorf("sets %s to a list of something other than text", ch.Field)
				}
				l[i] = s
			}
			*v = l
		default:
			return fmt.Errorf("sets %s to a %T", ch.Field, x)
		}
	}
	if _, ok := setters[ch.Field]; !ok {
		return fmt.Errorf("changes %q, which apply does not manage", ch.Field)
	}
	return nil
}

// Fingerprint identifies the account a token reads without being the token
// or a way back to it: for a login (a JWT) its issuer and subject, so that
// a refreshed login still matches; for an API token, the token itself.
// Both are hashed with the provider and API URL, and the hash cut to 16
// bytes. A plan applied with another account's token, or another API
// token of the same account, does not match (docs/apply.md).
func Fingerprint(providerName, apiURL, token string) string {
	who := "token\x00" + token
	if iss, sub, ok := jwtSubject(token); ok {
		who = "jwt\x00" + iss + "\x00" + sub
	}
	sum := sha256.Sum256([]byte("orgctl plan account v1\x00" + providerName + "\x00" + apiURL + "\x00" + who))
	return "sha256:" + hex.EncodeToString(sum[:16])
}

// jwtSubject reads a JWT's issuer and subject, unverified: they only name
// the account, the provider checks the token.
func jwtSubject(token string) (iss, sub string, ok bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", "", false
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return "", "", false
	}
	var claims struct {
		Iss string `json:"iss"`
		Sub string `json:"sub"`
	}
	if json.Unmarshal(payload, &claims) != nil || claims.Sub == "" {
		return "", "", false
	}
	return claims.Iss, claims.Sub, true
}
