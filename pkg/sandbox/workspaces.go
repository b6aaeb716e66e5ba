package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// The workspaces generation of VertraCloud's API (vertracloud/docs
// api-reference/endpoint/workspaces/, vertracloud/api-types
// payloads/v1/workspace.ts and rest/v1/workspace.ts at 1e0867d):
// envelopes without "status", errors as {"code","message","details"}.

// workspace is APIWorkspace: what the list answers for each workspace.
type workspace struct {
	ID           string         `json:"id"`
	Name         string         `json:"name"`
	Description  *string        `json:"description"`
	OwnerID      string         `json:"owner_id"`
	Owner        workspaceOwner `json:"owner"`
	MembersCount int            `json:"members_count"`
	DeletedAt    *string        `json:"deleted_at"`
	Frozen       bool           `json:"frozen"`
	CreatedAt    string         `json:"created_at"`
	UpdatedAt    string         `json:"updated_at"`
}

type workspaceOwner struct {
	DisplayName string `json:"display_name"`
}

// workspaceInfo is APIWorkspaceInfoResponse: what create, get and update
// answer, and what the sandbox stores. The caller-dependent fields
// (permissions, is_owner, resource_organization) are the owner's: in the
// sandbox the owner is the only member.
type workspaceInfo struct {
	workspace
	Members              []workspaceMember    `json:"members"`
	Roles                []workspaceRole      `json:"roles"`
	Applications         []json.RawMessage    `json:"applications"`
	Databases            []json.RawMessage    `json:"databases"`
	Permissions          []string             `json:"permissions"`
	IsOwner              bool                 `json:"is_owner"`
	OwnerPlanID          int                  `json:"owner_plan_id"`
	ResourceOrganization resourceOrganization `json:"resource_organization"`
}

type workspaceMember struct {
	UserID    string              `json:"user_id"`
	RoleID    string              `json:"role_id"`
	RoleName  string              `json:"role_name"`
	JoinedAt  string              `json:"joined_at"`
	ExpiresAt *string             `json:"expires_at"`
	User      workspaceMemberUser `json:"user"`
}

type workspaceMemberUser struct {
	DisplayName string `json:"display_name"`
	Email       string `json:"email"`
}

type workspaceRole struct {
	ID           string   `json:"id"`
	WorkspaceID  string   `json:"workspace_id"`
	Name         string   `json:"name"`
	Permissions  []string `json:"permissions"`
	Preset       *string  `json:"preset"`
	Position     int      `json:"position"`
	MembersCount int      `json:"members_count"`
	CreatedAt    string   `json:"created_at"`
	UpdatedAt    string   `json:"updated_at"`
}

type resourceOrganization struct {
	Scope       string            `json:"scope"`
	UserID      string            `json:"user_id"`
	WorkspaceID *string           `json:"workspace_id"`
	Folders     []json.RawMessage `json:"folders"`
	Favorites   []json.RawMessage `json:"favorites"`
}

// workspacePermissions is the WorkspacePermission catalog of api-types
// (18 entries; the docs' pages say 19 or 21, see docs/sandbox.md). The owner
// gets all of them.
var workspacePermissions = []string{
	"apps:read", "apps:manage", "apps:lifecycle", "apps:envs", "apps:files", "apps:delete",
	"databases:read", "databases:manage", "databases:lifecycle", "databases:credentials", "databases:data", "databases:delete",
	"snapshots:read", "snapshots:manage", "members:read", "members:manage", "roles:manage", "activities:read",
}

// workspaceSeedRoles are the four roles a new workspace gets
// (workspaces/create.mdx), with workspacePresetPermissions of api-types.
var workspaceSeedRoles = []struct {
	name, preset string
	permissions  []string
}{
	{"Admin", "admin", without(workspacePermissions, "snapshots:manage")},
	{"Developer", "developer", []string{"apps:read", "apps:manage", "apps:lifecycle", "apps:envs", "apps:files", "databases:read", "databases:manage", "databases:lifecycle", "databases:credentials", "databases:data", "snapshots:read", "members:read", "activities:read"}},
	{"Operator", "operator", []string{"apps:read", "apps:lifecycle", "databases:read", "databases:lifecycle", "snapshots:read", "members:read", "activities:read"}},
	{"Viewer", "viewer", []string{"apps:read", "databases:read", "snapshots:read", "members:read", "activities:read"}},
}

// workspaceOwnerPlanID is the owner_plan_id the sandbox answers: 5,
// Enterprise-4 (UserPlan in api-types common/v1.ts), the first plan that
// includes workspaces (workspaces/create.mdx: "Requires the Enterprise plan").
const workspaceOwnerPlanID = 5

func without(list []string, drop string) []string {
	out := make([]string, 0, len(list))
	for _, v := range list {
		if v != drop {
			out = append(out, v)
		}
	}
	return out
}

func (s *Server) registerVertraWorkspaces() {
	s.handle("POST /v1/workspaces", s.createWorkspace)
	s.handle("GET /v1/workspaces", s.listWorkspaces)
	s.mux.HandleFunc("/v1/workspaces", methodNotAllowed("GET, POST"))
	s.handle("GET /v1/workspaces/{id}", s.getWorkspace)
	s.handle("PUT /v1/workspaces/{id}", s.updateWorkspace)
	s.handle("DELETE /v1/workspaces/{id}", s.deleteWorkspace)
	s.mux.HandleFunc("/v1/workspaces/{id}", methodNotAllowed("GET, PUT, DELETE"))
}

// workspaceError writes the workspaces API's error body.
func workspaceError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, vertraErr{Code: code, Message: message})
}

// workspaceSuccess writes the workspaces API's envelope.
func workspaceSuccess(w http.ResponseWriter, status int, response json.RawMessage) {
	writeJSON(w, status, struct {
		Response json.RawMessage `json:"response"`
	}{response})
}

func (s *Server) workspaceAuth(w http.ResponseWriter, r *http.Request) (owner string, ok bool) {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	switch {
	case scheme != "Bearer" || token == "":
		workspaceError(w, http.StatusUnauthorized, "AUTH_TOKEN_MISSING", "send 'Authorization: Bearer <api key>'")
		return "", false
	case !s.tokenOK(token):
		workspaceError(w, http.StatusUnauthorized, "API_KEY_INVALID", "the API key is invalid or revoked")
		return "", false
	}
	return snowflake(token), true
}

// workspaceLimits checks a create or update body: name 1-50 characters,
// description at most 200 (workspaces/create.mdx, update.mdx).
func workspaceLimits(w http.ResponseWriter, r *http.Request, req vertraRequest) bool {
	switch {
	case req.Name != nil && (strings.TrimSpace(*req.Name) == "" || utf8.RuneCountInString(*req.Name) > vertraMaxName):
		vertraInvalid(w, r, &bodyError{Field: "name", Message: fmt.Sprintf("name must be 1-%d characters", vertraMaxName)})
		return false
	case req.Description != nil && utf8.RuneCountInString(*req.Description) > vertraMaxDescription:
		vertraInvalid(w, r, &bodyError{Field: "description", Message: fmt.Sprintf("description must be at most %d characters", vertraMaxDescription)})
		return false
	}
	return true
}

// newWorkspace builds a workspace as its owner sees it: the owner is its
// one member, holding the Admin seed role (the references give the owner no
// role of its own; APIWorkspaceMember needs one).
func newWorkspace(id, name string, description *string, owner, now string) workspaceInfo {
	ws := workspaceInfo{
		workspace: workspace{ID: id, Name: name, Description: description, OwnerID: owner,
			Owner: workspaceOwner{DisplayName: displayName(owner)}, MembersCount: 1, CreatedAt: now, UpdatedAt: now},
		Applications: []json.RawMessage{}, Databases: []json.RawMessage{},
		Permissions: workspacePermissions, IsOwner: true, OwnerPlanID: workspaceOwnerPlanID,
		ResourceOrganization: resourceOrganization{Scope: "workspace", UserID: owner, WorkspaceID: &id,
			Folders: []json.RawMessage{}, Favorites: []json.RawMessage{}},
	}
	for i, seed := range workspaceSeedRoles {
		preset := seed.preset
		role := workspaceRole{ID: uuid(), WorkspaceID: id, Name: seed.name, Permissions: seed.permissions,
			Preset: &preset, Position: i, CreatedAt: now, UpdatedAt: now}
		if i == 0 {
			role.MembersCount = 1
			ws.Members = []workspaceMember{{UserID: owner, RoleID: role.ID, RoleName: role.Name, JoinedAt: now,
				User: workspaceMemberUser{DisplayName: displayName(owner), Email: "user-" + owner + "@sandbox.invalid"}}}
		}
		ws.Roles = append(ws.Roles, role)
	}
	return ws
}

// displayName is the sandbox user's name, derived from their id.
func displayName(owner string) string { return "sandbox user " + owner[:min(6, len(owner))] }

func (s *Server) createWorkspace(w http.ResponseWriter, r *http.Request) {
	owner, ok := s.workspaceAuth(w, r)
	if !ok {
		return
	}
	var req vertraRequest
	if err := decodeStrict(r, &req); err != nil {
		vertraInvalid(w, r, err)
		return
	}
	if req.Name == nil {
		vertraInvalid(w, r, &bodyError{Field: "name", Message: "name is required"})
		return
	}
	if !workspaceLimits(w, r, req) {
		return
	}
	ws := newWorkspace(uuid(), *req.Name, req.Description, owner, s.now())
	raw := marshal(ws)
	s.mu.Lock()
	ok, err := s.store.insert(Organization{Provider: providerWorkspace, ID: ws.ID, Name: ws.Name, Owner: owner, Raw: raw})
	s.mu.Unlock()
	if err != nil {
		s.stateError(w, r, err)
		return
	}
	if !ok {
		workspaceError(w, http.StatusConflict, "WORKSPACE_NAME_ALREADY_EXISTS", "you already own an active workspace with this name")
		return
	}
	// RESTPostAPIWorkspaceCreateResponse is the full view (api-types
	// 1e0867d); create.mdx still says "minus members/roles/…": the newer
	// types are followed.
	workspaceSuccess(w, http.StatusCreated, raw)
}

// listWorkspaces answers APIWorkspace items: the stored view without what
// only get adds.
func (s *Server) listWorkspaces(w http.ResponseWriter, r *http.Request) {
	owner, ok := s.workspaceAuth(w, r)
	if !ok {
		return
	}
	s.streamList(w, r, `{"response":[`, `]}`, ownedBy(providerWorkspace, owner), workspaceItem)
}

// workspaceItem is the APIWorkspace part of a stored workspace.
func workspaceItem(o Organization) []byte {
	var ws workspaceInfo
	_ = json.Unmarshal(o.Raw, &ws) // the sandbox wrote it
	return marshal(ws.workspace)
}

func (s *Server) getWorkspace(w http.ResponseWriter, r *http.Request) {
	owner, ok := s.workspaceAuth(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	ws, found, err := s.ownWorkspace(r, owner)
	s.mu.Unlock()
	if err != nil {
		s.stateError(w, r, err)
		return
	}
	if !found {
		workspaceNotFound(w)
		return
	}
	workspaceSuccess(w, http.StatusOK, ws.Raw)
}

// updateWorkspace answers PUT /v1/workspaces/{id} (workspaces/update.mdx):
// name and description are optional, at least one is required; the answer
// is the full view ("Same shape as Get Workspace"; api-types types it
// APIWorkspace, of which it is a superset).
func (s *Server) updateWorkspace(w http.ResponseWriter, r *http.Request) {
	owner, ok := s.workspaceAuth(w, r)
	if !ok {
		return
	}
	var req vertraRequest
	if err := decodeStrict(r, &req); err != nil {
		vertraInvalid(w, r, err)
		return
	}
	if req.Name == nil && req.Description == nil {
		vertraInvalid(w, r, &bodyError{Message: "give at least one of name and description"})
		return
	}
	if !workspaceLimits(w, r, req) {
		return
	}
	s.mu.Lock()
	stored, found, err := s.ownWorkspace(r, owner)
	conflict := false
	if err == nil && found {
		var ws workspaceInfo
		_ = json.Unmarshal(stored.Raw, &ws) // the sandbox wrote it
		if req.Name != nil {
			ws.Name = *req.Name
		}
		if req.Description != nil {
			ws.Description = req.Description
		}
		ws.UpdatedAt = s.now()
		stored.Name, stored.Raw = ws.Name, marshal(ws)
		var replaced bool
		replaced, err = s.store.replace(stored)
		conflict = err == nil && !replaced
	}
	s.mu.Unlock()
	switch {
	case err != nil:
		s.stateError(w, r, err)
	case !found:
		workspaceNotFound(w)
	case conflict:
		workspaceError(w, http.StatusConflict, "WORKSPACE_NAME_ALREADY_EXISTS", "another active workspace of yours already has this name")
	default:
		workspaceSuccess(w, http.StatusOK, stored.Raw)
	}
}

// deleteWorkspace answers {"response":null}: RESTDeleteAPIWorkspaceResponse
// is APIPayload<null> (api-types) and introduction.mdx says a delete
// answers that; delete.mdx's "Empty response on success" reads the same.
func (s *Server) deleteWorkspace(w http.ResponseWriter, r *http.Request) {
	owner, ok := s.workspaceAuth(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	ws, found, err := s.ownWorkspace(r, owner)
	if err == nil && found {
		err = s.store.remove(providerWorkspace, ws.ID)
	}
	s.mu.Unlock()
	if err != nil {
		s.stateError(w, r, err)
		return
	}
	if !found {
		workspaceNotFound(w)
		return
	}
	workspaceSuccess(w, http.StatusOK, json.RawMessage("null"))
}

// ownWorkspace finds the caller's workspace in the path, with s.mu held;
// another owner's is not found either, as it is not listed to them
// (get.mdx: "you either belong to it or you get 404").
func (s *Server) ownWorkspace(r *http.Request, owner string) (Organization, bool, error) {
	ws, found, err := s.store.find(providerWorkspace, r.PathValue("id"))
	return ws, found && ws.Owner == owner, err
}

func workspaceNotFound(w http.ResponseWriter) {
	workspaceError(w, http.StatusNotFound, "WORKSPACE_NOT_FOUND", "workspace doesn't exist or is already deleted")
}
