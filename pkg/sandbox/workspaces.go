package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// The workspaces generation of VertraCloud's API (vertracloud/docs
// api-reference/endpoint/workspaces/): envelopes without "status", errors as
// {"code","message","details"}.

const workspaceMaxDescription = 200

type workspace struct {
	ID           string         `json:"id"`
	Name         string         `json:"name"`
	Description  *string        `json:"description"`
	OwnerID      string         `json:"owner_id"`
	Owner        map[string]any `json:"owner"`
	MembersCount int            `json:"members_count"`
	DeletedAt    *string        `json:"deleted_at"`
	CreatedAt    string         `json:"created_at"`
	UpdatedAt    string         `json:"updated_at"`
}

func (s *Server) registerVertraWorkspaces() {
	s.mux.HandleFunc("POST /v1/workspaces", s.createWorkspace)
	s.mux.HandleFunc("GET /v1/workspaces", s.listWorkspaces)
	s.mux.HandleFunc("/v1/workspaces", methodNotAllowed("GET, POST"))
	s.mux.HandleFunc("GET /v1/workspaces/{id}", s.getWorkspace)
	s.mux.HandleFunc("DELETE /v1/workspaces/{id}", s.deleteWorkspace)
	s.mux.HandleFunc("/v1/workspaces/{id}", methodNotAllowed("GET, DELETE"))
}

// workspaceError writes the workspaces API's error body.
func workspaceError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, vertraErr{Code: code, Message: message})
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
	switch {
	case req.Name == nil || strings.TrimSpace(*req.Name) == "" || utf8.RuneCountInString(*req.Name) > vertraMaxName:
		vertraInvalid(w, r, &bodyError{Field: "name", Message: fmt.Sprintf("name must be 1-%d characters", vertraMaxName)})
		return
	case req.Description != nil && utf8.RuneCountInString(*req.Description) > workspaceMaxDescription:
		vertraInvalid(w, r, &bodyError{Field: "description", Message: fmt.Sprintf("description must be at most %d characters", workspaceMaxDescription)})
		return
	}
	now := s.now()
	ws := workspace{ID: uuid(), Name: *req.Name, Description: req.Description, OwnerID: owner,
		Owner: map[string]any{"display_name": "sandbox user " + owner[:6]}, MembersCount: 1, CreatedAt: now, UpdatedAt: now}
	raw := marshal(ws)
	s.mu.Lock()
	// Unique per owner among active workspaces (docs: workspaces/create).
	ok = s.store.insert(nameKey("vertra-workspace\x00"+owner, ws.Name), Organization{Provider: "vertra-workspace", ID: ws.ID, Name: ws.Name, Owner: owner, Raw: raw})
	s.mu.Unlock()
	if !ok {
		workspaceError(w, http.StatusConflict, "WORKSPACE_NAME_ALREADY_EXISTS", "you already own an active workspace with this name")
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"response": json.RawMessage(raw)})
}

func (s *Server) listWorkspaces(w http.ResponseWriter, r *http.Request) {
	owner, ok := s.workspaceAuth(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	list := s.store.ownedBy("vertra-workspace", owner)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"response": raws(list)})
}

func (s *Server) getWorkspace(w http.ResponseWriter, r *http.Request) {
	if ws, ok := s.ownWorkspace(w, r); ok {
		writeJSON(w, http.StatusOK, map[string]any{"response": ws.Raw})
	}
}

func (s *Server) deleteWorkspace(w http.ResponseWriter, r *http.Request) {
	ws, ok := s.ownWorkspace(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	s.store.remove("vertra-workspace", ws.ID, nameKey("vertra-workspace\x00"+ws.Owner, ws.Name))
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent) // "Empty response on success."
}

// ownWorkspace finds the caller's workspace in the path; another owner's
// answers 404 too, as it is not listed to them.
func (s *Server) ownWorkspace(w http.ResponseWriter, r *http.Request) (Organization, bool) {
	owner, ok := s.workspaceAuth(w, r)
	if !ok {
		return Organization{}, false
	}
	s.mu.Lock()
	ws, found := s.store.find("vertra-workspace", r.PathValue("id"))
	s.mu.Unlock()
	if !found || ws.Owner != owner {
		workspaceError(w, http.StatusNotFound, "WORKSPACE_NOT_FOUND", "workspace doesn't exist or is already deleted")
		return Organization{}, false
	}
	return ws, true
}
