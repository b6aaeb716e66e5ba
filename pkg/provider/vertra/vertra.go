// Package vertra talks to VertraCloud's API: the documented organizations
// endpoints (/v1/organizations) and their newer name, workspaces
// (/v1/workspaces); see vertracloud/docs api-reference/endpoint/.
package vertra

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"sync"

	"github.com/orgctl/orgctl/pkg/api"
	"github.com/orgctl/orgctl/pkg/provider"
)

// DefaultURL is VertraCloud's public API.
const DefaultURL = "https://api.vertracloud.app"

// The API's limits, in characters: organizations/update.mdx and
// create.mdx (vertracloud/docs at f991f03) and workspaces/update.mdx (at
// 83178b2) give the same for both generations.
const (
	MaxNameLength        = 50
	MaxDescriptionLength = 200
	MaxTagLength         = 20
)

// API generations, the values of vertra.api.
const (
	APIAuto          = "auto"          // organizations, falling back to workspaces on 404
	APIOrganizations = "organizations" // /v1/organizations
	APIWorkspaces    = "workspaces"    // /v1/workspaces
)

// APIs lists the values of vertra.api.
func APIs() []string { return []string{APIAuto, APIOrganizations, APIWorkspaces} }

// Provider talks to VertraCloud.
type Provider struct {
	client *api.Client

	mu  sync.Mutex
	api string // APIAuto until a request settles which generation answers
}

// New returns a VertraCloud provider sending through c; apiGen is one of
// APIs() ("" means auto).
func New(c *api.Client, apiGen string) *Provider {
	if apiGen == "" {
		apiGen = APIAuto
	}
	return &Provider{client: c, api: apiGen}
}

// AuthHeader is the Authorization value for a VertraCloud token.
func AuthHeader(token string) string { return "Bearer " + token }

// Name implements provider.Provider.
func (p *Provider) Name() string { return provider.Vertra }

// Validate checks a spec against what VertraCloud accepts, before anything is
// sent, and drops repeated tags.
func Validate(spec *provider.CreateSpec) (warnings []string, err error) {
	if err := provider.RejectUnsupported(provider.Vertra, spec, "--tag"); err != nil {
		return nil, err
	}
	if err := provider.ValidateName(spec.Name, MaxNameLength); err != nil {
		return nil, err
	}
	if err := provider.ValidateMaxLength("--description", spec.Description, MaxDescriptionLength); err != nil {
		return nil, err
	}
	tags, err := provider.ValidateTags("--tag", spec.Tags)
	if err != nil {
		return nil, err
	}
	if err := provider.ValidateEachMaxLength("--tag", tags, MaxTagLength); err != nil {
		return nil, err
	}
	spec.Tags = tags
	return nil, nil
}

// ValidateUpdate checks an update against the same limits as Validate.
func ValidateUpdate(spec *provider.UpdateSpec) (warnings []string, err error) {
	if err := provider.RejectUnsupportedUpdate(provider.Vertra, spec, "--tag"); err != nil {
		return nil, err
	}
	if spec.NewName != nil {
		if err := provider.ValidateNameFlag("--new-name", *spec.NewName, MaxNameLength); err != nil {
			return nil, err
		}
	}
	if spec.Description != nil {
		if err := provider.ValidateMaxLength("--description", *spec.Description, MaxDescriptionLength); err != nil {
			return nil, err
		}
	}
	if spec.Tags != nil {
		tags, err := provider.ValidateTags("--tag", *spec.Tags)
		if err != nil {
			return nil, err
		}
		if err := provider.ValidateEachMaxLength("--tag", tags, MaxTagLength); err != nil {
			return nil, err
		}
		spec.Tags = &tags
	}
	return nil, nil
}

// createRequest is the body of POST /v1/organizations and /v1/workspaces.
// Omitted fields take the API's defaults.
type createRequest struct {
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Tags        []string `json:"tags,omitempty"`
}

// updateRequest is the body of an update: only the fields that change.
// PUT /v1/organizations/{id} takes name, description and tags
// (organizations/update.mdx at f991f03), PUT /v1/workspaces/{id} name and
// description (workspaces/update.mdx at 83178b2; RESTPutAPIWorkspaceUpdateBody
// in vertracloud/api-types rest/v1/workspace.ts at 1e0867d).
type updateRequest struct {
	Name        *string   `json:"name,omitempty"`
	Description *string   `json:"description,omitempty"`
	Tags        *[]string `json:"tags,omitempty"`
}

// route is one operation in both API generations.
type route struct {
	method        string
	organizations string // path in the organizations API
	workspaces    string // path in the workspaces API
}

// Create implements provider.Provider.
func (p *Provider) Create(ctx context.Context, spec provider.CreateSpec) (*provider.Organization, error) {
	body := createRequest{Name: spec.Name, Description: spec.Description, Tags: spec.Tags}
	gen := p.generation()
	if gen == APIWorkspaces && len(spec.Tags) > 0 {
		return nil, p.client.WithOp(errNoTags, provider.OpCreate, spec.Name)
	}
	// Falling back is safe for a create: a 404 means nothing was created.
	resp, gen, err := p.send(ctx, route{http.MethodPost, "/v1/organizations", "/v1/workspaces"}, body,
		func() error {
			if len(spec.Tags) > 0 {
				return errNoTags
			}
			return nil
		})
	if err != nil {
		return nil, p.client.WithOp(err, provider.OpCreate, spec.Name)
	}
	org, err := decodeOne(resp, gen, spec.Name)
	return org, p.client.WithOp(provider.NotFoundOnCreate(err), provider.OpCreate, spec.Name)
}

// errNoTags stops a create that would silently lose its tags.
var errNoTags = &provider.Error{Provider: provider.Vertra, Kind: provider.KindInvalid,
	Message: "this VertraCloud API serves workspaces, which have no tags: drop --tag (nothing was created)"}

// List implements provider.Provider: GET /v1/organizations/all/@me, the
// path getall.mdx gives since vertracloud/docs 9b9caf7 ("change
// organization routes", kept at f991f03; it replaced
// /v1/users/{id}/organizations), or GET /v1/workspaces (workspaces/get-all.mdx
// at 83178b2).
func (p *Provider) List(ctx context.Context, visit func(*provider.Organization) error) error {
	r := route{http.MethodGet, "/v1/organizations/all/@me", "/v1/workspaces"}
	var env envelope   // the members around the list: status, or an error code
	var visitErr error // visit's own error, told from the answer's
	resp, _, err := p.sendWith(r, nil, func(path, gen string) (*api.Response, error) {
		return p.client.Stream(ctx, path, func(body io.Reader) error {
			return api.ReadList(body, "response", env.member, func(rec *record) error {
				if rec.ID == "" || rec.Name == "" {
					return errNoID
				}
				org := rec.normalize(gen)
				visitErr = visit(&org)
				return visitErr
			})
		})
	})
	switch {
	case visitErr != nil:
		return provider.VisitError(visitErr)
	case resp != nil && resp.OK() && (env.Code != "" || env.Status == "error"):
		err = codeError(resp, env, "") // a 2xx that says "error"
	case err != nil && resp != nil && resp.OK():
		err = resp.UnreadableList(provider.Vertra, err)
	case err == nil && !resp.OK():
		_, _, err = decode[json.RawMessage](resp, "")
	}
	return p.client.WithOp(err, provider.OpRead, "")
}

var errNoID = errors.New("an organization without an id or a name")

// ListIsPartial implements provider.PartialLister: a workspace list item
// (APIWorkspace) has no members nor roles, which get answers.
func (p *Provider) ListIsPartial() bool { return p.generation() == APIWorkspaces }

// Get implements provider.Provider.
func (p *Provider) Get(ctx context.Context, id string) (*provider.Organization, error) {
	esc := url.PathEscape(id)
	resp, gen, err := p.send(ctx, route{http.MethodGet, "/v1/organizations/" + esc, "/v1/workspaces/" + esc}, nil, nil)
	if err != nil {
		return nil, p.client.WithOp(err, provider.OpRead, id)
	}
	org, err := decodeOne(resp, gen, "")
	return org, p.client.WithOp(err, provider.OpRead, id)
}

// Update implements provider.Provider. The organizations docs first gave
// PATCH /v1/organizations/{id} (update.mdx at 57957c2), then PUT
// (9b9caf7, "change organization routes", kept at f991f03): orgctl sends
// PUT, and PATCH once if the API answers 405, which means nothing was done.
func (p *Provider) Update(ctx context.Context, id string, spec provider.UpdateSpec) (*provider.Organization, error) {
	body := updateRequest{Name: spec.NewName, Description: spec.Description, Tags: spec.Tags}
	if p.generation() == APIWorkspaces && spec.Tags != nil {
		return nil, errNoTagsUpdate
	}
	esc := url.PathEscape(id)
	resp, gen, err := p.send(ctx, route{http.MethodPut, "/v1/organizations/" + esc, "/v1/workspaces/" + esc}, body,
		func() error {
			if spec.Tags != nil {
				return errNoTagsUpdate
			}
			return nil
		})
	if err == nil && gen == APIOrganizations && resp.Status == http.StatusMethodNotAllowed {
		p.client.Tracef("* PUT /v1/organizations/%s answered 405: trying PATCH, which the first organizations docs gave", esc)
		resp, err = p.client.Do(ctx, http.MethodPatch, "/v1/organizations/"+esc, body)
	}
	if err != nil {
		return nil, p.client.WithOp(err, provider.OpUpdate, id)
	}
	name := ""
	if spec.NewName != nil {
		name = *spec.NewName
	}
	org, err := decodeOne(resp, gen, name)
	return org, p.client.WithOp(err, provider.OpUpdate, id)
}

// errNoTagsUpdate stops an update that would silently lose its tags.
var errNoTagsUpdate = &provider.Error{Provider: provider.Vertra, Kind: provider.KindInvalid,
	Message: "this VertraCloud API serves workspaces, which have no tags: drop --tag (nothing was changed)"}

// Delete implements provider.Provider.
func (p *Provider) Delete(ctx context.Context, id string) error {
	esc := url.PathEscape(id)
	resp, _, err := p.send(ctx, route{http.MethodDelete, "/v1/organizations/" + esc, "/v1/workspaces/" + esc}, nil, nil)
	if err != nil {
		return p.client.WithOp(err, provider.OpDelete, id)
	}
	return p.client.WithOp(decodeDeleted(resp), provider.OpDelete, id)
}

// Generation is the API generation requests go to: APIAuto until one has
// settled it. A saved plan records it.
func (p *Provider) Generation() string { return p.generation() }

func (p *Provider) generation() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.api
}

func (p *Provider) settle(gen string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.api == APIAuto {
		p.api = gen
	}
}

// send makes the request in the settled API generation. In auto mode it
// tries organizations first and, when that path answers 404 without one of
// its own error codes (the route is gone, so nothing happened), switches to
// workspaces for this and every later request of the run. before, if set,
// may veto the switch.
func (p *Provider) send(ctx context.Context, r route, body any, before func() error) (*api.Response, string, error) {
	return p.sendWith(r, before, func(path, _ string) (*api.Response, error) {
		return p.client.Do(ctx, r.method, path, body)
	})
}

// sendWith is send with the request made by call, given the path and the
// generation it is in: List streams its answer.
func (p *Provider) sendWith(r route, before func() error, call func(path, gen string) (*api.Response, error)) (*api.Response, string, error) {
	gen := p.generation()
	path := r.organizations
	if gen == APIWorkspaces {
		path = r.workspaces
	}
	first := gen
	if first == APIAuto {
		first = APIOrganizations
	}
	resp, err := call(path, first)
	if err != nil || gen != APIAuto {
		return resp, gen, err
	}
	if resp.Status != http.StatusNotFound || hasOrganizationsCode(resp.Body) {
		if resp.OK() {
			p.settle(APIOrganizations)
		}
		return resp, APIOrganizations, nil
	}
	p.client.Tracef("* %s %s answered 404: this VertraCloud API serves workspaces; using %s", r.method, path, r.workspaces)
	p.settle(APIWorkspaces)
	if before != nil {
		if err := before(); err != nil {
			return nil, APIWorkspaces, err
		}
	}
	resp, err = call(r.workspaces, APIWorkspaces)
	return resp, APIWorkspaces, err
}
