package vertra

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/orgctl/orgctl/pkg/api"
	"github.com/orgctl/orgctl/pkg/provider"
)

// envelope covers both generations of answers: the organizations API's
// {"status":"success"|"error", ...} and the workspaces API's, without
// "status". Errors carry a code, and may carry a message and details.
type envelope struct {
	Status   string          `json:"status"`
	Code     string          `json:"code"`
	Message  string          `json:"message"`
	Details  details         `json:"details"`
	Response json.RawMessage `json:"response"`
}

type details struct {
	// Required names the missing API key scope(s) of API_KEY_SCOPE_DENIED:
	// a string or a list of strings.
	Required   json.RawMessage `json:"required"`
	RetryAfter *float64        `json:"retry_after"`
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
	"ORGANIZATION_NAME_ALREADY_EXISTS": {provider.KindConflict, "an organization named %q already exists"},
	"WORKSPACE_NAME_ALREADY_EXISTS":    {provider.KindConflict, "a workspace named %q already exists"},
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
	"RATE_LIMIT_EXCEEDED":          {provider.KindServer, "rate limited by VertraCloud"},
	"DAILY_QUOTA_EXCEEDED":         {provider.KindServer, "the API key's daily quota is used up"},
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

// parse decodes an envelope; any non-success becomes a *provider.Error.
// name is the organization name the request was about, for messages.
func parse(resp *api.Response, name string) (envelope, error) {
	var env envelope
	if err := json.Unmarshal(resp.Body, &env); err != nil {
		if resp.OK() {
			if len(strings.TrimSpace(string(resp.Body))) == 0 {
				return env, nil // the workspaces API answers some calls with no body
			}
			return env, resp.Unreadable(provider.Vertra, "invalid JSON")
		}
		return env, resp.Annotate(&provider.Error{Provider: provider.Vertra, Kind: kindForStatus(resp.Status), Status: resp.Status,
			Message: "non-JSON body: " + api.Excerpt(resp.Body, 120)})
	}
	// The error code decides, whatever the HTTP status: VertraCloud sends
	// UNAUTHORIZED and PLAN_RESTRICTED_FEATURE with 403, a name conflict with 400.
	if env.Code != "" || env.Status == "error" || !resp.OK() {
		return env, codeError(resp, env, name)
	}
	return env, nil
}

func codeError(resp *api.Response, env envelope, name string) error {
	e := &provider.Error{Provider: provider.Vertra, Status: resp.Status, Code: env.Code}
	var ours string
	if c, ok := codes[env.Code]; ok {
		e.Kind, ours = c.kind, c.says
		if strings.Contains(ours, "%q") {
			ours = fmt.Sprintf(ours, name)
		}
		if scopes := required(env.Details.Required); scopes != "" {
			ours = "the VertraCloud API key lacks the " + scopes + " scope"
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

// record is an organization (organizations API) or a workspace (workspaces
// API): the workspace has no tags nor members in its create and list answers.
type record struct {
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

func (r *record) normalize(gen string) provider.Organization {
	out := provider.Organization{
		Provider: provider.Vertra, ID: r.ID, Name: r.Name, Description: r.Description,
		Owner: r.OwnerID, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
	if gen == APIWorkspaces {
		return out // workspaces have neither tags nor members: null
	}
	out.Tags = r.Tags
	if out.Tags == nil {
		out.Tags = []string{}
	}
	out.Members = make([]provider.Member, 0, len(r.Members))
	for _, m := range r.Members {
		out.Members = append(out.Members, provider.Member(m))
	}
	return out
}

// decodeOne turns any answer about one organization into it or a
// *provider.Error; it never panics, whatever the body (see the fuzz test).
func decodeOne(resp *api.Response, gen, name string) (*provider.Organization, error) {
	env, err := parse(resp, name)
	if err != nil {
		return nil, err
	}
	var r record
	if len(env.Response) == 0 || json.Unmarshal(env.Response, &r) != nil || r.ID == "" {
		return nil, resp.Unreadable(provider.Vertra, "no organization in the response")
	}
	org := r.normalize(gen)
	return &org, nil
}

func decodeList(resp *api.Response, gen string) ([]provider.Organization, error) {
	env, err := parse(resp, "")
	if err != nil {
		return nil, err
	}
	var rs []record
	if len(env.Response) == 0 || json.Unmarshal(env.Response, &rs) != nil {
		return nil, resp.Unreadable(provider.Vertra, "no list in the response")
	}
	orgs := make([]provider.Organization, 0, len(rs))
	for _, r := range rs {
		orgs = append(orgs, r.normalize(gen))
	}
	return orgs, nil
}

// decodeDeleted accepts the organizations API's
// {"status":"success","message":"ORGANIZATION_DELETED"} and the workspaces
// API's empty answer.
func decodeDeleted(resp *api.Response) error {
	_, err := parse(resp, "")
	return err
}
