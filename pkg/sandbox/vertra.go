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
		vertraInvalid(w, r, err)
		return
	}
	switch {
	case req.Name == nil || strings.TrimSpace(*req.Name) == "":
		vertraInvalid(w, r, &bodyError{Field: "name", Message: "name is required"})
		return
	case utf8.RuneCountInString(*req.Name) > vertraMaxName:
		vertraInvalid(w, r, &bodyError{Field: "name", Message: fmt.Sprintf("name must be at most %d characters", vertraMaxName)})
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
	raw := marshal(org)
	s.mu.Lock()
	ok = s.store.insert(nameKey("vertra", org.Name), Organization{Provider: "vertra", ID: org.ID, Name: org.Name, Owner: owner, Raw: raw})
	s.mu.Unlock()
	if !ok {
		vertraError(w, http.StatusBadRequest, "ORGANIZATION_NAME_ALREADY_EXISTS", "")
		return
	}
	// api-reference/endpoint/organizations/create.mdx labels its error
	// examples 403 and 400 but gives no status for the success example; the
	// sandbox answers 201 Created, as the workspaces generation documents for
	// the same resource (orgctl accepts any 2xx).
	vertraSuccess(w, http.StatusCreated, raw)
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
	list := marshal(raws(orgs))
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
	writeJSON(w, http.StatusOK, struct {
		Status  string `json:"status"`
		Message string `json:"message"`
	}{"success", "ORGANIZATION_DELETED"})
}

// vertraSuccess wraps an API object in the organizations API's envelope.
func vertraSuccess(w http.ResponseWriter, status int, response json.RawMessage) {
	writeJSON(w, status, struct {
		Status   string          `json:"status"`
		Response json.RawMessage `json:"response"`
	}{"success", response})
}

// vertraErr is VertraCloud's error envelope, its fields in the documented
// order. The organizations generation sends "status":"error" and the
// workspaces generation leaves it out; message and details are optional.
type vertraErr struct {
	Status  string         `json:"status,omitempty"`
	Code    string         `json:"code"`
	Message string         `json:"message,omitempty"`
	Details map[string]any `json:"details,omitempty"`
}

// vertraEnvelope builds the error envelope of the generation serving path.
func vertraEnvelope(path, code, message string) vertraErr {
	if isWorkspaces(path) {
		return vertraErr{Code: code, Message: message}
	}
	return vertraErr{Status: "error", Code: code, Message: message}
}

func isWorkspaces(path string) bool { return strings.HasPrefix(path, "/v1/workspaces") }

// vertraError writes the organizations generation's error envelope; message
// is left out when empty, as in the documented examples.
func vertraError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, vertraErr{Status: "error", Code: code, Message: message})
}

// vertraInvalid answers an invalid body, in the envelope of the generation
// serving r. The endpoint pages document no code for it;
// api-reference/introduction.mdx documents VALIDATION_ERROR (HTTP 400,
// details.path naming the field) for the whole API, so the sandbox sends that.
func vertraInvalid(w http.ResponseWriter, r *http.Request, e *bodyError) {
	body := vertraEnvelope(r.URL.Path, "VALIDATION_ERROR", e.Message)
	body.Details = e.details()
	writeJSON(w, http.StatusBadRequest, body)
}

// vertraCodeStatuses are the HTTP statuses VertraCloud documents for its
// error codes: organizations/create.mdx for the first three, and
// api-reference/introduction.mdx (the error code and API key tables) for
// the rest. A code it does not know answers 400.
var vertraCodeStatuses = map[string]int{
	"UNAUTHORIZED":                     http.StatusForbidden,
	"PLAN_RESTRICTED_FEATURE":          http.StatusForbidden,
	"ORGANIZATION_NAME_ALREADY_EXISTS": http.StatusBadRequest,
	"AUTH_TOKEN_MISSING":               http.StatusUnauthorized,
	"API_KEY_INVALID":                  http.StatusUnauthorized,
	"ACCESS_DENIED":                    http.StatusForbidden,
	"API_KEY_SCOPE_DENIED":             http.StatusForbidden,
	"API_KEY_IP_DENIED":                http.StatusForbidden,
	"VALIDATION_ERROR":                 http.StatusBadRequest,
	"OPERATION_IN_PROGRESS":            http.StatusConflict,
	"RATE_LIMIT_EXCEEDED":              http.StatusTooManyRequests,
	"DAILY_QUOTA_EXCEEDED":             http.StatusTooManyRequests,
}

// vertraCodeStatus is the HTTP status VertraCloud sends with code.
func vertraCodeStatus(code string) int {
	if status, ok := vertraCodeStatuses[code]; ok {
		return status
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
