package vertra

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/orgctl/orgctl/pkg/api"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/text"
)

// envelope covers both generations of answers: the organizations API's
// {"status":"success"|"error", ...} and the workspaces API's, without
// "status". Errors carry a code, and may carry a message and details.
type envelope struct {
	Status  string  `json:"status"`
	Code    string  `json:"code"`
	Message string  `json:"message"`
	Details details `json:"details"`
}

type details struct {
	// Required names the missing API key scope(s) of API_KEY_SCOPE_DENIED:
	// a string or a list of strings.
	Required   json.RawMessage `json:"required"`
	RetryAfter *float64        `json:"retry_after"`
	// Path names the field a VALIDATION_ERROR refused ("name", "user.name";
	// api-reference/introduction.mdx at 0801bc9): a string, or a list of
	// keys and indexes as some validators write it.
	Path json.RawMessage `json:"path"`
}

// answer is an envelope with its response typed, so that an answer is
// decoded in one pass (not the envelope, then the response again).
type answer[T any] struct {
	envelope
	Response T `json:"response"`
}

// codes maps every documented error code to its kind and to what orgctl
// tells the user; the HTTP status only decides for codes not listed here.
var codes = map[string]struct {
	kind provider.Kind
	says string
}{
	"UNAUTHORIZED":                     {provider.KindAuth, "the VertraCloud token was rejected"},
	"AUTH_TOKEN_MISSING":               {provider.KindAuth, "no VertraCloud token reached the API"},
	"API_KEY_INVALID":                  {provider.KindAuth, "the VertraCloud API key is invalid"},
	"API_KEY_SCOPE_DENIED":             {provider.KindAuth, "the VertraCloud API key lacks a scope"},
	"API_KEY_IP_DENIED":                {provider.KindAuth, "the VertraCloud API key may not be used from this IP address"},
	"NOT_ORGANIZATION_MEMBER":          {provider.KindAuth, "you are not a member of this organization"},
	"WORKSPACE_OWNER_ONLY":             {provider.KindAuth, "only the workspace's owner may do this"},
	"PLAN_RESTRICTED_FEATURE":          {provider.KindPlan, "your VertraCloud plan does not allow this"},
	"ORGANIZATION_NAME_ALREADY_EXISTS": {provider.KindConflict, "an organization named %s already exists"},
	"WORKSPACE_NAME_ALREADY_EXISTS":    {provider.KindConflict, "a workspace named %s already exists"},
	"ORGANIZATION_NOT_FOUND":           {provider.KindNotFound, "no such organization"},
	"WORKSPACE_NOT_FOUND":              {provider.KindNotFound, "no such workspace"},
	// organizations/update.mdx (vertracloud/docs at f991f03): orgctl checks
	// these limits before sending, so meeting one means the API changed.
	"NAME_TOO_LONG":                {provider.KindInvalid, "the name is longer than VertraCloud allows (50 characters)"},
	"DESCRIPTION_TOO_LONG":         {provider.KindInvalid, "the description is longer than VertraCloud allows (200 characters)"},
	"TAG_TOO_LONG":                 {provider.KindInvalid, "a tag is longer than VertraCloud allows (20 characters)"},
	"NAME_MUST_BE_A_STRING":        {provider.KindInvalid, "VertraCloud refused the name"},
	"DESCRIPTION_MUST_BE_A_STRING": {provider.KindInvalid, "VertraCloud refused the description"},
	"TAGS_MUST_BE_AN_ARRAY":        {provider.KindInvalid, "VertraCloud refused the tags"},
	// api-reference/introduction.mdx (vertracloud/docs at 0801bc9): the code
	// of any field that failed validation, details.path naming it; what a
	// create past a limit answers, the update page's codes above aside.
	"VALIDATION_ERROR":     {provider.KindInvalid, "VertraCloud refused the request"},
	"RATE_LIMIT_EXCEEDED":  {provider.KindServer, "rate limited by VertraCloud"},
	"DAILY_QUOTA_EXCEEDED": {provider.KindServer, "the API key's daily quota is used up"},
}

// Codes VertraCloud documents by name elsewhere in this package.
const (
	CodeUnauthorized = "UNAUTHORIZED"
	CodePlanRestrict = "PLAN_RESTRICTED_FEATURE"
	CodeNameConflict = "ORGANIZATION_NAME_ALREADY_EXISTS"
)

// hasOrganizationsCode tells a 404 of the organizations API (which names
// what was not found) from a route that does not exist any more.
func hasOrganizationsCode(body []byte) bool {
	var env envelope
	_ = json.Unmarshal(body, &env)
	return env.Code == "ORGANIZATION_NOT_FOUND" || env.Code == "USER_NOT_FOUND" || env.Code == "NOT_ORGANIZATION_MEMBER"
}

// decode reads an answer in one pass; any non-success becomes a
// *provider.Error. name is the organization name the request was about, for
// messages. The response is T's zero value when the answer had none (the
// workspaces API answers some calls with no body) or it was unreadable
// (unreadable is then true).
func decode[T any](resp *api.Response, name string) (response T, unreadable bool, err error) {
	var a answer[T]
	if err := json.Unmarshal(resp.Body, &a); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && strings.HasPrefix(typeErr.Field, "response.") {
			// A member of the response has drifted: decode the response
			// again, dropping what does not fit (api.Lenient).
			var raw struct {
				Response json.RawMessage `json:"response"`
			}
			_ = json.Unmarshal(resp.Body, &raw)
			a.Response = *new(T)
			if err := api.Lenient(raw.Response, &a.Response); err != nil {
				return a.Response, false, resp.Unreadable(provider.Vertra, err.Error())
			}
		} else if errors.As(err, &typeErr) && typeErr.Field == "response" {
			// The envelope is fine, the response is not what it should be:
			// its code still decides, below.
			unreadable = true
		} else if errors.Is(err, api.ErrNotText) {
			return a.Response, false, resp.Unreadable(provider.Vertra, err.Error())
		} else if resp.OK() {
			if len(bytes.TrimSpace(resp.Body)) == 0 {
				return a.Response, false, nil
			}
			return a.Response, true, resp.Unreadable(provider.Vertra, "invalid JSON")
		} else {
			return a.Response, false, resp.Annotate(&provider.Error{Provider: provider.Vertra, Kind: kindForStatus(resp.Status), Status: resp.Status,
				Message: "non-JSON body: " + api.Excerpt(resp.Body, 120)})
		}
	}
	// The error code decides, whatever the HTTP status: VertraCloud sends
	// UNAUTHORIZED and PLAN_RESTRICTED_FEATURE with 403, a name conflict with 400.
	if a.Code != "" || a.Status == "error" || !resp.OK() {
		return a.Response, false, codeError(resp, a.envelope, name)
	}
	return a.Response, unreadable, nil
}

func codeError(resp *api.Response, env envelope, name string) error {
	e := &provider.Error{Provider: provider.Vertra, Status: resp.Status, Code: env.Code}
	var ours string
	if c, ok := codes[env.Code]; ok {
		e.Kind, ours = c.kind, c.says
		if strings.Contains(ours, "%s") {
			ours = fmt.Sprintf(ours, text.Quote(name))
		}
		if scopes := required(env.Details.Required); scopes != "" {
			ours = "the VertraCloud API key lacks the " + scopes + " scope"
		}
		if path := fieldPath(env.Details.Path); path != "" && env.Code == "VALIDATION_ERROR" {
			ours = "VertraCloud refused the field " + text.Quote(path)
		}
	} else {
		e.Kind = kindForStatus(resp.Status)
		if resp.OK() {
			e.Kind = provider.KindServer // a 2xx that says "error" is a broken answer
		}
	}
	e.Message = api.Excerpt([]byte(provider.JoinMessage(ours, env.Message)), 300)
	resp.Annotate(e)
	if _, known := codes[env.Code]; known {
		e.MayHaveSucceeded = false // a documented code says what happened, whatever the status
	}
	return e
}

// required renders details.required, a string or a list of strings.
func required(raw json.RawMessage) string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return one
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil {
		return strings.Join(many, ", ")
	}
	return ""
}

// fieldPath renders details.path: "name" as it is, ["tags", 0] as tags.0.
func fieldPath(raw json.RawMessage) string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return one
	}
	var parts []json.RawMessage
	if json.Unmarshal(raw, &parts) != nil {
		return ""
	}
	keys := make([]string, 0, len(parts))
	for _, p := range parts {
		var s string
		if json.Unmarshal(p, &s) != nil {
			s = string(p) // an index
		}
		keys = append(keys, s)
	}
	return strings.Join(keys, ".")
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
	var env envelope
	if json.Unmarshal(body, &env) != nil || env.Details.RetryAfter == nil || *env.Details.RetryAfter < 0 {
		return 0, false
	}
	return time.Duration(*env.Details.RetryAfter * float64(time.Second)), true
}

// record is an organization (organizations API) or a workspace
// (workspaces API), as any of their answers gives it: the organizations
// API's create answer has no plan_id, applications nor databases (get.mdx
// and getall.mdx at f991f03 have them); a workspace list item is an
// APIWorkspace, and create, get and update answer the full
// APIWorkspaceInfoResponse (vertracloud/api-types payloads/v1/workspace.ts
// at 1e0867d) with members, roles and the caller's view.
//
// Only id and name must have their type (api.StrictString): any other
// member of another type is dropped (api.Lenient), as orgctl only shows it.
type record struct {
	ID           api.StrictString    `json:"id"`
	Name         api.StrictString    `json:"name"`
	Description  *string             `json:"description"`
	Tags         []string            `json:"tags"`
	OwnerID      string              `json:"owner_id"`
	PlanID       *int                `json:"plan_id"`       // organizations: the owner's plan
	OwnerPlanID  *int                `json:"owner_plan_id"` // workspaces: the owner's plan
	Members      []member            `json:"members"`
	Roles        []provider.Role     `json:"roles"`
	Applications []provider.Resource `json:"applications"`
	Databases    []provider.Resource `json:"databases"`
	IsOwner      *bool               `json:"is_owner"`
	Frozen       *bool               `json:"frozen"`
	CreatedAt    string              `json:"created_at"`
	UpdatedAt    string              `json:"updated_at"`
}

// member is an organization member ({user_id, role, joined_at}) or an
// APIWorkspaceMember ({user_id, role_id, role_name, joined_at, expires_at,
// user{display_name, email}}).
type member struct {
	UserID    string  `json:"user_id"`
	Role      string  `json:"role"`
	RoleName  string  `json:"role_name"`
	JoinedAt  string  `json:"joined_at"`
	ExpiresAt *string `json:"expires_at"`
	User      *struct {
		DisplayName *string `json:"display_name"`
		Email       *string `json:"email"`
	} `json:"user"`
}

func (r *record) normalize(gen string) provider.Organization {
	out := provider.Organization{
		Provider: provider.Vertra, ID: string(r.ID), Name: string(r.Name), Description: r.Description,
		Owner: r.OwnerID, OwnerPlanID: r.PlanID, IsOwner: r.IsOwner, Frozen: r.Frozen,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
	if gen == APIWorkspaces {
		out.OwnerPlanID = r.OwnerPlanID
	} else {
		out.Tags = r.Tags // workspaces have no tags: null
		if out.Tags == nil {
			out.Tags = []string{}
		}
	}
	// A workspace list item has no members: null, not an empty list.
	if r.Members != nil || gen != APIWorkspaces {
		out.Members = make([]provider.Member, 0, len(r.Members))
		for _, m := range r.Members {
			pm := provider.Member{UserID: m.UserID, Role: provider.FirstNonEmpty(m.RoleName, m.Role), JoinedAt: m.JoinedAt, ExpiresAt: m.ExpiresAt}
			if m.User != nil {
				pm.DisplayName, pm.Email = m.User.DisplayName, m.User.Email
			}
			out.Members = append(out.Members, pm)
		}
	}
	// Roles, applications and databases are decoded straight into the
	// normalized types: their JSON is the API's, less the fields dropped.
	out.Roles, out.Applications, out.Databases = r.Roles, r.Applications, r.Databases
	return out
}

// decodeOne turns any answer about one organization into it or a
// *provider.Error; it never panics, whatever the body (see the fuzz test).
func decodeOne(resp *api.Response, gen, name string) (*provider.Organization, error) {
	r, unreadable, err := decode[record](resp, name)
	if err != nil {
		return nil, err
	}
	if unreadable || r.ID == "" || r.Name == "" {
		return nil, resp.Unreadable(provider.Vertra, "no organization in the response")
	}
	org := r.normalize(gen)
	return &org, nil
}

// member takes one member of a streamed list's envelope (ReadList's field).
func (e *envelope) member(name string, value json.RawMessage) error {
	switch name {
	case "status":
		_ = json.Unmarshal(value, &e.Status)
	case "code":
		_ = json.Unmarshal(value, &e.Code)
	case "message":
		_ = json.Unmarshal(value, &e.Message)
	case "details":
		_ = json.Unmarshal(value, &e.Details)
	}
	return nil
}

// decodeDeleted accepts the organizations API's
// {"status":"success","message":"ORGANIZATION_DELETED"} and the workspaces
// API's empty answer.
func decodeDeleted(resp *api.Response) error {
	_, _, err := decode[json.RawMessage](resp, "")
	return err
}
