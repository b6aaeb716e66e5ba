// Package provider defines what orgctl asks of a cloud provider and the
// normalized organization it gets back. Each provider lives in a sub-package.
package provider

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/orgctl/orgctl/pkg/text"
)

// Names of the supported providers, as typed after --provider.
const (
	Qovery = "qovery"
	Vertra = "vertra"
)

// aliases maps every accepted spelling to its canonical name.
var aliases = map[string]string{
	"qovery":      Qovery,
	"vertra":      Vertra,
	"vertracloud": Vertra,
}

// Names lists the canonical provider names, for help and error messages.
func Names() []string { return []string{Qovery, Vertra} }

// Canonical returns the canonical name for a user-typed provider name.
func Canonical(name string) (string, error) {
	if c, ok := aliases[strings.ToLower(strings.TrimSpace(name))]; ok {
		return c, nil
	}
	if name == "" {
		return "", fmt.Errorf("no provider given: use --provider %s (or set ORGCTL_PROVIDER)", strings.Join(Names(), "|"))
	}
	known := make([]string, 0, len(aliases))
	for k := range aliases {
		known = append(known, k)
	}
	sort.Strings(known)
	return "", fmt.Errorf("unknown provider %s: valid values are %s", text.Quote(name), strings.Join(known, ", "))
}

// Provider creates organizations on one cloud platform.
type Provider interface {
	// Name is the canonical provider name.
	Name() string
	// Create sends the creation request and decodes the answer.
	Create(ctx context.Context, spec CreateSpec) (*Organization, error)
	// List hands visit each organization the token can see, as the answer
	// arrives: neither API paginates, so an account's whole list is one
	// answer, which a large account makes hundreds of megabytes long. visit
	// may keep the organization; returning Stop ends the read early and
	// List returns nil, any other error ends it and List returns that.
	List(ctx context.Context, visit func(*Organization) error) error
	// Get returns one organization by id.
	Get(ctx context.Context, id string) (*Organization, error)
	// Delete deletes one organization by id.
	Delete(ctx context.Context, id string) error
	// Update changes the fields spec sets on the organization with this id
	// and returns it as the provider answers afterwards.
	Update(ctx context.Context, id string, spec UpdateSpec) (*Organization, error)
}

// IDShaper is implemented by providers whose ids have a documented shape
// (Qovery's are uuids): Resolve then sends only id-shaped arguments to Get
// and looks anything else up by name, without a request a real server may
// refuse (400) for a malformed id.
type IDShaper interface {
	IsID(s string) bool
}

// Stop, returned by a List visitor, ends the list early without an error.
var Stop = errors.New("stop listing")

// VisitError is what List returns for its visitor's error: nil for Stop.
func VisitError(err error) error {
	if errors.Is(err, Stop) {
		return nil
	}
	return err
}

// Collect reads the whole list into memory: for what needs every
// organization at once (--jq and --template take one JSON document).
func Collect(ctx context.Context, p Provider) ([]Organization, error) {
	orgs := []Organization{}
	err := p.List(ctx, func(o *Organization) error {
		orgs = append(orgs, *o)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return orgs, nil
}

// FindByName looks an organization up by name, case-insensitively as both
// APIs compare names. It reads the list only up to the match, keeping
// nothing else, and returns a KindNotFound error when none matches.
func FindByName(ctx context.Context, p Provider, name string) (*Organization, error) {
	var found *Organization
	err := p.List(ctx, func(o *Organization) error {
		if strings.EqualFold(o.Name, name) {
			found = o
			return Stop
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if found == nil {
		return nil, &Error{Provider: p.Name(), Kind: KindNotFound, Message: fmt.Sprintf("no organization named %s is visible to this token", text.Quote(name))}
	}
	return found, nil
}

// PartialLister is implemented by providers whose list answers less than
// a get does (VertraCloud's workspaces: no members, no roles): Resolve then
// reads the organization it found by name in full.
type PartialLister interface {
	ListIsPartial() bool
}

// Resolve finds an organization by id, or else by name: what `get`,
// `update` and `delete` accept. An argument that cannot be an id of this
// provider goes straight to the list.
func Resolve(ctx context.Context, p Provider, idOrName string) (*Organization, error) {
	if s, ok := p.(IDShaper); ok && !s.IsID(idOrName) {
		return findInFull(ctx, p, idOrName)
	}
	org, err := p.Get(ctx, idOrName)
	var perr *Error
	if err == nil || !errors.As(err, &perr) || perr.Kind != KindNotFound {
		return org, err
	}
	return findInFull(ctx, p, idOrName)
}

func findInFull(ctx context.Context, p Provider, name string) (*Organization, error) {
	org, err := FindByName(ctx, p, name)
	if pl, ok := p.(PartialLister); err == nil && ok && pl.ListIsPartial() {
		return p.Get(ctx, org.ID)
	}
	return org, err
}

// CreateSpec is what the user asked for. Each provider package has a
// Validate function that checks it before anything is sent.
type CreateSpec struct {
	Name        string
	Description string
	Plan        string
	WebsiteURL  string
	Repository  string
	LogoURL     string
	IconURL     string
	AdminEmails []string
	Tags        []string
}

// UpdateSpec is a change to an organization: a nil field is left as it is;
// a field set to its empty value ("" or an empty list) is cleared. NewName
// renames.
type UpdateSpec struct {
	NewName     *string
	Description *string
	Plan        *string
	WebsiteURL  *string
	Repository  *string
	LogoURL     *string
	IconURL     *string
	AdminEmails *[]string
	Tags        *[]string
}

// IsEmpty reports whether the spec changes nothing.
func (u *UpdateSpec) IsEmpty() bool {
	return u.NewName == nil && u.Description == nil && u.Plan == nil && u.WebsiteURL == nil && u.Repository == nil &&
		u.LogoURL == nil && u.IconURL == nil && u.AdminEmails == nil && u.Tags == nil
}

// Organization is the normalized result printed for both providers. Every
// key is always present so scripts can rely on the schema (docs/output.md);
// a field a provider does not have, or did not send in this answer, is null.
type Organization struct {
	Provider                     string     `json:"provider"`
	ID                           string     `json:"id"`
	Name                         string     `json:"name"`
	Description                  *string    `json:"description"`
	Plan                         *string    `json:"plan"`
	Tags                         []string   `json:"tags"`
	Owner                        string     `json:"owner"`
	OwnerPlanID                  *int       `json:"owner_plan_id"`
	Members                      []Member   `json:"members"`
	Roles                        []Role     `json:"roles"`
	IsOwner                      *bool      `json:"is_owner"`
	Frozen                       *bool      `json:"frozen"`
	Applications                 []Resource `json:"applications"`
	Databases                    []Resource `json:"databases"`
	WebsiteURL                   *string    `json:"website_url"`
	Repository                   *string    `json:"repository"`
	LogoURL                      *string    `json:"logo_url"`
	IconURL                      *string    `json:"icon_url"`
	AdminEmails                  []string   `json:"admin_emails"`
	BillingDeploymentRestriction *string    `json:"billing_deployment_restriction"`
	AuditLogsRetentionInDays     *int       `json:"audit_logs_retention_in_days"`
	CreatedAt                    string     `json:"created_at"`
	UpdatedAt                    string     `json:"updated_at"`
	// Created and CreatedBy are set by `create` only (see CreateOnce):
	// Created is false when --if-not-exists found the organization already
	// there, and CreatedBy tells this run's work from an earlier one's.
	Created   *bool  `json:"created,omitempty"`
	CreatedBy string `json:"created_by,omitempty"`
}

// Member is one member of a VertraCloud organization or workspace. Role is
// the organization member's role, or the workspace member's role name; the
// workspaces generation also gives who the member is and when their access
// ends (null: never, or not given).
type Member struct {
	UserID      string  `json:"user_id"`
	Role        string  `json:"role"`
	DisplayName *string `json:"display_name"`
	Email       *string `json:"email"`
	JoinedAt    string  `json:"joined_at"`
	ExpiresAt   *string `json:"expires_at"`
}

// Role is a role of a VertraCloud workspace and what it permits.
type Role struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Permissions  []string `json:"permissions"`
	Preset       *string  `json:"preset"`
	MembersCount int      `json:"members_count"`
}

// Resource is an application or database linked to a VertraCloud
// organization or workspace.
type Resource struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Status string `json:"status"`
}
