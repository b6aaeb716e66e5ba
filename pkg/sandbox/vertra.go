package sandbox

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// VertraCloud's documented defaults for omitted fields.
var (
	vertraDefaultDescription = "I have a description :)"
	vertraDefaultTags        = []string{"discord", "programming", "software", "technology"}
)

const vertraMaxName = 50

type vertraRequest struct {
	Name        *string   `json:"name"`
	Description *string   `json:"description"`
	Tags        *[]string `json:"tags"`
}

type vertraOrganization struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Description string         `json:"description"`
	Tags        []string       `json:"tags"`
	OwnerID     string         `json:"owner_id"`
	Members     []vertraMember `json:"members"`
	CreatedAt   string         `json:"created_at"`
	UpdatedAt   string         `json:"updated_at"`
}

type vertraMember struct {
	UserID   string `json:"user_id"`
	Role     string `json:"role"`
	JoinedAt string `json:"joined_at"`
}

func (s *Server) registerVertraOrganizations() {
	s.mux.HandleFunc("POST /v1/organizations", s.createVertra)
	s.mux.HandleFunc("/v1/organizations", methodNotAllowed("POST"))
	s.mux.HandleFunc("GET /v1/organizations/{id}", s.getVertra)
	s.mux.HandleFunc("DELETE /v1/organizations/{id}", s.deleteVertra)
	s.mux.HandleFunc("/v1/organizations/{id}", methodNotAllowed("GET, DELETE"))
	s.mux.HandleFunc("GET /v1/users/{user}/organizations", s.listVertra)
}

// vertraAuth checks the bearer token and returns the caller's user id.
func (s *Server) vertraAuth(w http.ResponseWriter, r *http.Request) (owner string, ok bool) {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	if scheme != "Bearer" || !s.tokenOK(token) {
		vertraError(w, http.StatusForbidden, "UNAUTHORIZED", "")
		return "", false
	}
	return snowflake(token), true
}

func (s *Server) createVertra(w http.ResponseWriter, r *http.Request) {
	owner, ok := s.vertraAuth(w, r)
	if !ok {
		return
	}
	var req vertraRequest
	if err := decodeStrict(r, &req); err != nil {
		vertraError(w, http.StatusBadRequest, "INVALID_REQUEST_BODY", "invalid request body: "+err.Error())
		return
	}
	switch {
	case req.Name == nil || strings.TrimSpace(*req.Name) == "":
		vertraError(w, http.StatusBadRequest, "INVALID_REQUEST_BODY", "name is required")
		return
	case utf8.RuneCountInString(*req.Name) > vertraMaxName:
		vertraError(w, http.StatusBadRequest, "INVALID_REQUEST_BODY", fmt.Sprintf("name must be at most %d characters", vertraMaxName))
		return
	}
	description, tags := vertraDefaultDescription, vertraDefaultTags
	if req.Description != nil {
		description = *req.Description
	}
	if req.Tags != nil {
		tags = *req.Tags
	}
	now := s.now()
	org := vertraOrganization{
		ID: "org_" + randomHex(8), Name: *req.Name, Description: description, Tags: tags, OwnerID: owner,
		Members:   []vertraMember{{UserID: owner, Role: "owner", JoinedAt: now}},
		CreatedAt: now, UpdatedAt: now,
	}
	raw, _ := json.Marshal(org)
	s.mu.Lock()
	ok = s.store.insert(nameKey("vertra", org.Name), Organization{Provider: "vertra", ID: org.ID, Name: org.Name, Owner: owner, Raw: raw})
	s.mu.Unlock()
	if !ok {
		vertraError(w, http.StatusBadRequest, "ORGANIZATION_NAME_ALREADY_EXISTS", "")
		return
	}
	vertraSuccess(w, http.StatusOK, raw)
}

// listVertra answers GET /v1/users/{id}/organizations for "@me" or the
// caller's own id.
func (s *Server) listVertra(w http.ResponseWriter, r *http.Request) {
	owner, ok := s.vertraAuth(w, r)
	if !ok {
		return
	}
	if user := r.PathValue("user"); user != "@me" && user != owner {
		vertraError(w, http.StatusNotFound, "USER_NOT_FOUND", "")
		return
	}
	s.mu.Lock()
	orgs := s.store.ownedBy("vertra", owner)
	s.mu.Unlock()
	list, _ := json.Marshal(raws(orgs))
	vertraSuccess(w, http.StatusOK, list)
}

func (s *Server) getVertra(w http.ResponseWriter, r *http.Request) {
	owner, ok := s.vertraAuth(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	org, found := s.store.find("vertra", r.PathValue("id"))
	s.mu.Unlock()
	switch {
	case !found:
		vertraError(w, http.StatusNotFound, "ORGANIZATION_NOT_FOUND", "")
	case org.Owner != owner:
		vertraError(w, http.StatusForbidden, "NOT_ORGANIZATION_MEMBER", "")
	default:
		vertraSuccess(w, http.StatusOK, org.Raw)
	}
}

// deleteVertra answers ORGANIZATION_NOT_FOUND also to a non-owner, as
// documented.
func (s *Server) deleteVertra(w http.ResponseWriter, r *http.Request) {
	owner, ok := s.vertraAuth(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	org, found := s.store.find("vertra", r.PathValue("id"))
	if found && org.Owner == owner {
		s.store.remove("vertra", org.ID, nameKey("vertra", org.Name))
	}
	s.mu.Unlock()
	if !found || org.Owner != owner {
		vertraError(w, http.StatusNotFound, "ORGANIZATION_NOT_FOUND", "")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "success", "message": "ORGANIZATION_DELETED"})
}

// vertraSuccess wraps an API object in the organizations API's envelope.
func vertraSuccess(w http.ResponseWriter, status int, response json.RawMessage) {
	writeJSON(w, status, map[string]any{"status": "success", "response": response})
}

// vertraError writes VertraCloud's error envelope; message is left out when
// empty, as in the documented examples.
func vertraError(w http.ResponseWriter, status int, code, message string) {
	body := map[string]any{"status": "error", "code": code}
	if message != "" {
		body["message"] = message
	}
	writeJSON(w, status, body)
}

// vertraCodeStatus is the HTTP status VertraCloud sends with each code.
func vertraCodeStatus(code string) int {
	switch code {
	case "UNAUTHORIZED", "PLAN_RESTRICTED_FEATURE":
		return http.StatusForbidden
	}
	return http.StatusBadRequest
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// snowflake derives a stable, numeric user id from a token.
func snowflake(token string) string {
	b := sha256.Sum256([]byte("owner:" + token))
	return strconv.FormatUint(binary.BigEndian.Uint64(b[:8])>>1, 10)
}
