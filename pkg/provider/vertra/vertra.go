// Package vertra creates organizations through VertraCloud's API
// (POST /v1/organizations; see vertracloud/docs api-reference/).
package vertra

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/orgctl/orgctl/pkg/api"
	"github.com/orgctl/orgctl/pkg/provider"
)

// DefaultURL is VertraCloud's public API.
const DefaultURL = "https://api.vertracloud.app"

// MaxNameLength is the API's limit on organization names, in characters.
const MaxNameLength = 50

// Error codes VertraCloud documents for POST /v1/organizations.
const (
	CodeUnauthorized = "UNAUTHORIZED"
	CodePlanRestrict = "PLAN_RESTRICTED_FEATURE"
	CodeNameConflict = "ORGANIZATION_NAME_ALREADY_EXISTS"
)

// Provider talks to VertraCloud.
type Provider struct{ client *api.Client }

// New returns a VertraCloud provider sending through c.
func New(c *api.Client) *Provider { return &Provider{client: c} }

// AuthHeader is the Authorization value for a VertraCloud token.
func AuthHeader(token string) string { return "Bearer " + token }

// Name implements provider.Provider.
func (p *Provider) Name() string { return provider.Vertra }

// Validate checks a spec against what VertraCloud accepts, before anything is
// sent. It normalizes the spec (e.g. upper-cases the plan, drops repeated
// values) and returns warnings for the user (e.g. a deprecated plan).
func Validate(spec *provider.CreateSpec) (warnings []string, err error) {
	if err := provider.RejectUnsupported(provider.Vertra, spec, "--tag"); err != nil {
		return nil, err
	}
	if err := provider.ValidateName(spec.Name, MaxNameLength); err != nil {
		return nil, err
	}
	tags, err := provider.ValidateTags("--tag", spec.Tags)
	if err != nil {
		return nil, err
	}
	spec.Tags = tags
	return nil, nil
}

// createRequest is the body of POST /v1/organizations. Omitted fields take
// the API's defaults.
type createRequest struct {
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Tags        []string `json:"tags,omitempty"`
}

// envelope covers both generations of VertraCloud answers: the documented
// {"status":"success"|"error", ...} and the newer one without "status".
type envelope struct {
	Status   string          `json:"status"`
	Code     string          `json:"code"`
	Message  string          `json:"message"`
	Response json.RawMessage `json:"response"`
}

type organization struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Description *string  `json:"description"`
	Tags        []string `json:"tags"`
	OwnerID     string   `json:"owner_id"`
	Members     []member `json:"members"`
	CreatedAt   string   `json:"created_at"`
	UpdatedAt   string   `json:"updated_at"`
}

type member struct {
	UserID   string `json:"user_id"`
	Role     string `json:"role"`
	JoinedAt string `json:"joined_at"`
}

// Create implements provider.Provider.
func (p *Provider) Create(ctx context.Context, spec provider.CreateSpec) (*provider.Organization, error) {
	resp, err := p.client.Do(ctx, http.MethodPost, "/v1/organizations",
		createRequest{Name: spec.Name, Description: spec.Description, Tags: spec.Tags})
	if err != nil {
		return nil, err
	}
	return decodeCreate(resp, spec.Name)
}

// decodeCreate turns any answer to POST /v1/organizations into an
// organization or a *provider.Error; it never panics, whatever the body
// (see the fuzz test).
func decodeCreate(resp *api.Response, name string) (*provider.Organization, error) {
	var env envelope
	if err := json.Unmarshal(resp.Body, &env); err != nil {
		if resp.OK() {
			return nil, resp.Unreadable(provider.Vertra, "invalid JSON")
		}
		return nil, &provider.Error{Provider: provider.Vertra, Kind: kindForStatus(resp.Status), Status: resp.Status,
			Message: "non-JSON body: " + api.Excerpt(resp.Body, 120)}
	}
	// The error code decides, whatever the HTTP status: VertraCloud sends
	// UNAUTHORIZED and PLAN_RESTRICTED_FEATURE with 403, a name conflict with 400.
	if env.Code != "" || env.Status == "error" || !resp.OK() {
		return nil, codeError(resp, env, name)
	}
	var o organization
	if len(env.Response) == 0 || json.Unmarshal(env.Response, &o) != nil || o.ID == "" {
		return nil, resp.Unreadable(provider.Vertra, "no organization in the response")
	}
	return o.normalize(), nil
}

func (o *organization) normalize() *provider.Organization {
	out := &provider.Organization{
		Provider:    provider.Vertra,
		ID:          o.ID,
		Name:        o.Name,
		Description: o.Description,
		Tags:        o.Tags,
		Owner:       o.OwnerID,
		Members:     make([]provider.Member, 0, len(o.Members)),
		AdminEmails: nil,
		CreatedAt:   o.CreatedAt,
		UpdatedAt:   o.UpdatedAt,
	}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	for _, m := range o.Members {
		out.Members = append(out.Members, provider.Member(m))
	}
	return out
}

// codeError maps an error envelope by its code first and the HTTP status
// second.
func codeError(resp *api.Response, env envelope, name string) error {
	e := &provider.Error{Provider: provider.Vertra, Status: resp.Status, Code: env.Code}
	var ours string
	switch env.Code {
	case CodeUnauthorized:
		e.Kind, ours = provider.KindAuth, "the VertraCloud token was rejected"
	case CodePlanRestrict:
		e.Kind, ours = provider.KindPlan, "your VertraCloud plan does not allow creating organizations"
	case CodeNameConflict:
		e.Kind, ours = provider.KindConflict, fmt.Sprintf("an organization named %q already exists", name)
	default:
		e.Kind = kindForStatus(resp.Status)
		if resp.OK() {
			// A 2xx that says "error" is a broken answer, not a success.
			e.Kind = provider.KindServer
		}
	}
	e.Message = api.Excerpt([]byte(provider.JoinMessage(ours, env.Message)), 300)
	return e
}

// kindForStatus is provider.KindForStatus, except that a status that
// classifies as nothing counts as a provider-side failure.
func kindForStatus(status int) provider.Kind {
	if k := provider.KindForStatus(status); k != provider.KindUnknown {
		return k
	}
	return provider.KindServer
}

// RetryHint reads details.retry_after (seconds), which VertraCloud sends
// with 429 RATE_LIMIT_EXCEEDED and DAILY_QUOTA_EXCEEDED.
func RetryHint(body []byte) (time.Duration, bool) {
	var e struct {
		Details struct {
			RetryAfter *float64 `json:"retry_after"`
		} `json:"details"`
	}
	if json.Unmarshal(body, &e) != nil || e.Details.RetryAfter == nil || *e.Details.RetryAfter < 0 {
		return 0, false
	}
	return time.Duration(*e.Details.RetryAfter * float64(time.Second)), true
}
