// Package qovery creates organizations through Qovery's API
// (POST /organization; see Qovery/qovery-openapi-spec openapi.yaml).
package qovery

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/orgctl/orgctl/pkg/api"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/text"
)

// DefaultURL is Qovery's public API.
const DefaultURL = "https://api.qovery.com"

// MaxNameLength bounds a name, in characters. Qovery's OpenAPI spec
// (Qovery/qovery-openapi-spec openapi.yaml at 651aed5) gives
// OrganizationRequest.name and OrganizationEditRequest.name no maxLength;
// 255 is the maxLength the spec gives its other free-text fields
// (descriptions), chosen so that no name of any length is sent unchecked.
const MaxNameLength = 255

// Plans are the plan values the API accepts, in its documented order.
var Plans = []string{"FREE", "TEAM", "TEAM_YEARLY", "ENTERPRISE", "ENTERPRISE_YEARLY",
	"PROFESSIONAL", "BUSINESS", "USER_2025", "TEAM_2025", "BUSINESS_2025", "ENTERPRISE_2025"}

// Deprecated plans are still accepted; the 2025 plans replace them.
var Deprecated = []string{"FREE", "BUSINESS", "PROFESSIONAL"}

// CurrentPlan is a valid plan that is not deprecated: what lets Validate
// check the rest of a spec whose plan is not known yet.
func CurrentPlan() string {
	for _, p := range Plans {
		if !slices.Contains(Deprecated, p) {
			return p
		}
	}
	return Plans[0]
}

// Provider talks to Qovery.
type Provider struct{ client *api.Client }

// New returns a Qovery provider sending through c.
func New(c *api.Client) *Provider { return &Provider{client: c} }

// Name implements provider.Provider.
func (p *Provider) Name() string { return provider.Qovery }

// AuthHeader picks the Authorization scheme Qovery expects for a token:
// human (OIDC) tokens are JWTs sent as Bearer; API tokens use "Token".
func AuthHeader(token string) string {
	if IsJWT(token) {
		return "Bearer " + token
	}
	return "Token " + token
}

// IsJWT reports whether token has the shape of a JWT: three non-empty,
// dot-separated base64url parts.
func IsJWT(token string) bool {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return false
	}
	for _, part := range parts {
		if part == "" {
			return false
		}
		if _, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(part, "=")); err != nil {
			return false
		}
	}
	return true
}

// Validate checks a spec against what Qovery accepts, before anything is
// sent. It normalizes the spec (e.g. upper-cases the plan, drops repeated
// values) and returns warnings for the user (e.g. a deprecated plan).
func Validate(spec *provider.CreateSpec) (warnings []string, err error) {
	if err := provider.RejectUnsupported(provider.Qovery, spec,
		"--plan", "--website-url", "--repository", "--logo-url", "--icon-url", "--admin-email"); err != nil {
		return nil, err
	}
	if err := provider.ValidateName(spec.Name, MaxNameLength); err != nil {
		return nil, err
	}
	plan := strings.ToUpper(strings.TrimSpace(spec.Plan))
	if plan == "" {
		return nil, fmt.Errorf("--plan is required for qovery (or set qovery.plan in the config file): one of %s", strings.Join(Plans, ", "))
	}
	if !slices.Contains(Plans, plan) {
		return nil, fmt.Errorf("--plan %s is not a Qovery plan: use one of %s", text.Quote(spec.Plan), strings.Join(Plans, ", "))
	}
	spec.Plan = plan
	for flag, u := range map[string]string{"--website-url": spec.WebsiteURL, "--repository": spec.Repository, "--logo-url": spec.LogoURL, "--icon-url": spec.IconURL} {
		if err := provider.ValidateURL(flag, u); err != nil {
			return nil, err
		}
	}
	emails, err := provider.ValidateEmails("--admin-email", spec.AdminEmails)
	if err != nil {
		return nil, err
	}
	spec.AdminEmails = emails

	if slices.Contains(Deprecated, plan) {
		warnings = append(warnings, fmt.Sprintf("plan %s is deprecated by Qovery; the 2025 plans (USER_2025, TEAM_2025, BUSINESS_2025, ENTERPRISE_2025) replace it", plan))
	}
	return warnings, nil
}

// ValidateUpdate checks an update against what Qovery accepts, like
// Validate: an empty URL clears the field, an empty --admin-email list
// clears the admins.
func ValidateUpdate(spec *provider.UpdateSpec) (warnings []string, err error) {
	if err := provider.RejectUnsupportedUpdate(provider.Qovery, spec,
		"--plan", "--website-url", "--repository", "--logo-url", "--icon-url", "--admin-email"); err != nil {
		return nil, err
	}
	if spec.NewName != nil {
		if err := provider.ValidateNameFlag("--new-name", *spec.NewName, MaxNameLength); err != nil {
			return nil, err
		}
	}
	if spec.Plan != nil {
		plan := strings.ToUpper(strings.TrimSpace(*spec.Plan))
		if !slices.Contains(Plans, plan) {
			return nil, fmt.Errorf("--plan %s is not a Qovery plan: use one of %s", text.Quote(*spec.Plan), strings.Join(Plans, ", "))
		}
		spec.Plan = &plan
		if slices.Contains(Deprecated, plan) {
			warnings = append(warnings, fmt.Sprintf("plan %s is deprecated by Qovery; the 2025 plans (USER_2025, TEAM_2025, BUSINESS_2025, ENTERPRISE_2025) replace it", plan))
		}
	}
	for _, u := range []struct {
		flag  string
		value *string
	}{{"--website-url", spec.WebsiteURL}, {"--repository", spec.Repository}, {"--logo-url", spec.LogoURL}, {"--icon-url", spec.IconURL}} {
		if u.value != nil {
			if err := provider.ValidateURL(u.flag, *u.value); err != nil {
				return nil, err
			}
		}
	}
	if spec.AdminEmails != nil {
		emails, err := provider.ValidateEmails("--admin-email", *spec.AdminEmails)
		if err != nil {
			return nil, err
		}
		spec.AdminEmails = &emails
	}
	return warnings, nil
}

// IsID implements provider.IDShaper: the spec declares organizationId as
// `format: uuid` (Qovery/qovery-openapi-spec openapi.yaml at 651aed5,
// components.parameters.organizationId), so anything else is a name.
func (p *Provider) IsID(s string) bool { return IsUUID(s) }

// IsUUID reports whether s has the 8-4-4-4-12 hexadecimal shape of a uuid.
func IsUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// createRequest is the body of POST /organization (OrganizationRequest).
type createRequest struct {
	Name        string   `json:"name"`
	Plan        string   `json:"plan"`
	Description string   `json:"description,omitempty"`
	WebsiteURL  string   `json:"website_url,omitempty"`
	Repository  string   `json:"repository,omitempty"`
	LogoURL     string   `json:"logo_url,omitempty"`
	IconURL     string   `json:"icon_url,omitempty"`
	AdminEmails []string `json:"admin_emails,omitempty"`
}

// editRequest is the body of PUT /organization/{organizationId}
// (OrganizationEditRequest, Qovery/qovery-openapi-spec openapi.yaml at
// 651aed5). A PUT replaces the organization: name and plan are required,
// and a field left out would be cleared, so every field is sent, carrying
// the current value when the user did not change it. The URLs and
// admin_emails are nullable: null clears them. description is not
// nullable: it is left out while unset, and "" clears it.
type editRequest struct {
	Name        string   `json:"name"`
	Plan        string   `json:"plan"`
	Description *string  `json:"description,omitempty"`
	WebsiteURL  *string  `json:"website_url"`
	Repository  *string  `json:"repository"`
	LogoURL     *string  `json:"logo_url"`
	IconURL     *string  `json:"icon_url"`
	AdminEmails []string `json:"admin_emails"`
}

// edit merges an update into the organization as it is now.
func edit(cur *provider.Organization, spec provider.UpdateSpec) editRequest {
	r := editRequest{
		Name: cur.Name, Description: cur.Description, WebsiteURL: cur.WebsiteURL, Repository: cur.Repository,
		LogoURL: cur.LogoURL, IconURL: cur.IconURL, AdminEmails: cur.AdminEmails,
	}
	if cur.Plan != nil {
		r.Plan = *cur.Plan
	}
	if spec.NewName != nil {
		r.Name = *spec.NewName
	}
	if spec.Plan != nil {
		r.Plan = *spec.Plan
	}
	if spec.Description != nil {
		r.Description = spec.Description
	}
	for _, f := range []struct{ to, from **string }{
		{&r.WebsiteURL, &spec.WebsiteURL}, {&r.Repository, &spec.Repository}, {&r.LogoURL, &spec.LogoURL}, {&r.IconURL, &spec.IconURL},
	} {
		if *f.from != nil {
			*f.to = *f.from
			if **f.from == "" {
				*f.to = nil // clear
			}
		}
	}
	if spec.AdminEmails != nil {
		r.AdminEmails = *spec.AdminEmails
	}
	if r.AdminEmails == nil {
		r.AdminEmails = []string{}
	}
	return r
}

// organization is the API's Organization response. Only id and name must
// have their type (api.StrictString): any other member of another type is
// dropped (api.Lenient), as orgctl only shows it.
type organization struct {
	ID                           api.StrictString `json:"id"`
	CreatedAt                    string           `json:"created_at"`
	UpdatedAt                    *string          `json:"updated_at"`
	Name                         api.StrictString `json:"name"`
	Plan                         string           `json:"plan"`
	Description                  *string          `json:"description"`
	WebsiteURL                   *string          `json:"website_url"`
	Repository                   *string          `json:"repository"`
	LogoURL                      *string          `json:"logo_url"`
	IconURL                      *string          `json:"icon_url"`
	AdminEmails                  []string         `json:"admin_emails"`
	Owner                        *string          `json:"owner"`
	BillingDeploymentRestriction *string          `json:"billing_deployment_restriction"`
	OrganizationPlan             *struct {
		Plan                     string `json:"plan"`
		AuditLogsRetentionInDays *int   `json:"audit_logs_retention_in_days"`
	} `json:"organization_plan"`
}

// Create implements provider.Provider.
func (p *Provider) Create(ctx context.Context, spec provider.CreateSpec) (*provider.Organization, error) {
	resp, err := p.client.Do(ctx, http.MethodPost, "/organization", createRequest{
		Name: spec.Name, Plan: spec.Plan, Description: spec.Description,
		WebsiteURL: spec.WebsiteURL, Repository: spec.Repository, LogoURL: spec.LogoURL,
		IconURL: spec.IconURL, AdminEmails: spec.AdminEmails,
	})
	if err != nil {
		return nil, p.client.WithOp(err, provider.OpCreate, spec.Name)
	}
	org, err := decodeCreate(resp, spec.Name)
	return org, p.client.WithOp(err, provider.OpCreate, spec.Name)
}

// decodeCreate turns any answer to POST /organization into an organization
// or a *provider.Error; it never panics, whatever the body (see the fuzz test).
func decodeCreate(resp *api.Response, name string) (*provider.Organization, error) {
	org, err := decodeOne(resp, name)
	return org, provider.NotFoundOnCreate(err)
}

func decodeOne(resp *api.Response, name string) (*provider.Organization, error) {
	if !resp.OK() {
		return nil, decodeError(resp, name)
	}
	var o organization
	switch err := api.Lenient(resp.Body, &o); {
	case errors.Is(err, api.ErrNotText):
		return nil, resp.Unreadable(provider.Qovery, err.Error())
	case err != nil:
		return nil, resp.Unreadable(provider.Qovery, "invalid JSON")
	case o.ID == "":
		return nil, resp.Unreadable(provider.Qovery, "no organization id")
	case o.Name == "":
		return nil, resp.Unreadable(provider.Qovery, "no organization name")
	}
	return o.normalize(), nil
}

// List implements provider.Provider: GET /organization answers
// {"results": [...]}, read one organization at a time.
func (p *Provider) List(ctx context.Context, visit func(*provider.Organization) error) error {
	var visitErr error // visit's own error, told from the answer's
	resp, err := p.client.Stream(ctx, "/organization", func(body io.Reader) error {
		return api.ReadList(body, "results", nil, func(o *organization) error {
			if o.ID == "" || o.Name == "" {
				return errNoID
			}
			visitErr = visit(o.normalize())
			return visitErr
		})
	})
	switch {
	case visitErr != nil:
		return provider.VisitError(visitErr)
	case err != nil && resp != nil && resp.OK():
		return p.client.WithOp(resp.UnreadableList(provider.Qovery, err), provider.OpRead, "")
	case err != nil:
		return p.client.WithOp(err, provider.OpRead, "")
	case !resp.OK():
		return p.client.WithOp(decodeError(resp, ""), provider.OpRead, "")
	}
	return nil
}

var errNoID = errors.New("an organization without an id or a name")

// Get implements provider.Provider.
func (p *Provider) Get(ctx context.Context, id string) (*provider.Organization, error) {
	resp, err := p.client.Do(ctx, http.MethodGet, "/organization/"+url.PathEscape(id), nil)
	if err != nil {
		return nil, p.client.WithOp(err, provider.OpRead, id)
	}
	org, err := decodeOne(resp, "")
	return org, p.client.WithOp(err, provider.OpRead, id)
}

// Update implements provider.Provider: it reads the organization, then
// sends PUT /organization/{id} (editOrganization) with the merged fields.
func (p *Provider) Update(ctx context.Context, id string, spec provider.UpdateSpec) (*provider.Organization, error) {
	cur, err := p.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	body := edit(cur, spec)
	resp, err := p.client.Do(ctx, http.MethodPut, "/organization/"+url.PathEscape(cur.ID), body)
	if err != nil {
		return nil, p.client.WithOp(err, provider.OpUpdate, cur.ID)
	}
	org, err := decodeOne(resp, body.Name)
	return org, p.client.WithOp(err, provider.OpUpdate, cur.ID)
}

// Delete implements provider.Provider: DELETE /organization/{id} answers 204.
func (p *Provider) Delete(ctx context.Context, id string) error {
	resp, err := p.client.Do(ctx, http.MethodDelete, "/organization/"+url.PathEscape(id), nil)
	if err != nil {
		return p.client.WithOp(err, provider.OpDelete, id)
	}
	if !resp.OK() {
		return p.client.WithOp(decodeError(resp, ""), provider.OpDelete, id)
	}
	return nil
}

func (o *organization) normalize() *provider.Organization {
	out := &provider.Organization{
		Provider:                     provider.Qovery,
		ID:                           string(o.ID),
		Name:                         string(o.Name),
		Description:                  o.Description,
		Plan:                         &o.Plan,
		WebsiteURL:                   o.WebsiteURL,
		Repository:                   o.Repository,
		LogoURL:                      o.LogoURL,
		IconURL:                      o.IconURL,
		AdminEmails:                  o.AdminEmails,
		BillingDeploymentRestriction: o.BillingDeploymentRestriction,
		CreatedAt:                    o.CreatedAt,
	}
	if out.AdminEmails == nil {
		out.AdminEmails = []string{}
	}
	if o.Owner != nil {
		out.Owner = *o.Owner
	}
	if o.UpdatedAt != nil {
		out.UpdatedAt = *o.UpdatedAt
	}
	if o.OrganizationPlan != nil {
		out.AuditLogsRetentionInDays = o.OrganizationPlan.AuditLogsRetentionInDays
	}
	return out
}

// problem is the error body Qovery sends with 4xx/5xx answers.
type problem struct {
	Type    string `json:"type"`
	Title   string `json:"title"`
	Status  int    `json:"status"`
	Detail  string `json:"detail"`
	Message string `json:"message"`
	Error   string `json:"error"`
}

// decodeError classifies a non-2xx answer by its status (Qovery sends no
// error codes) and keeps the most specific message the body offers.
func decodeError(resp *api.Response, name string) error {
	e := &provider.Error{Provider: provider.Qovery, Kind: provider.KindForStatus(resp.Status), Status: resp.Status}
	var pb problem
	if err := json.Unmarshal(resp.Body, &pb); err == nil {
		e.Message = provider.FirstNonEmpty(pb.Detail, pb.Message, pb.Title, pb.Error)
	} else if len(resp.Body) > 0 {
		e.Message = "non-JSON body: " + api.Excerpt(resp.Body, 120)
	}
	switch e.Kind {
	case provider.KindConflict:
		e.Message = provider.JoinMessage(fmt.Sprintf("an organization named %s already exists", text.Quote(name)), e.Message)
	case provider.KindNotFound:
		e.Message = provider.JoinMessage("no such organization", e.Message)
	case provider.KindAuth:
		e.Message = provider.JoinMessage("the Qovery token was rejected", e.Message)
	case provider.KindUnknown:
		if resp.Status >= 300 && resp.Status < 400 {
			e.Kind = provider.KindServer
			e.Message = provider.JoinMessage("unexpected redirect to "+resp.Header.Get("Location"), e.Message)
		}
	}
	e.Message = api.Excerpt([]byte(e.Message), 300)
	return resp.Annotate(e)
}
