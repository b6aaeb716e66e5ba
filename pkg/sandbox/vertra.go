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

// VertraCloud's documented defaults for omitted fields
// (organizations/create.mdx).
var (
	vertraDefaultDescription = "I have a description :)"
	vertraDefaultTags        = []string{"discord", "programming", "software", "technology"}
)

// The limits organizations/update.mdx documents (name also in create.mdx);
// the workspaces generation documents the same name and description limits.
const (
	vertraMaxName        = 50
	vertraMaxDescription = 200
	vertraMaxTag         = 20
)

// vertraPlanID is the plan_id (the owner's plan) the sandbox answers: 1,
// the Free plan (UserPlan in api-types common/v1.ts), as in get.mdx's example.
const vertraPlanID = 1

type vertraRequest struct {
	Name        *string   `json:"name"`
	Description *string   `json:"description"`
	Tags        *[]string `json:"tags"`
}

// vertraOrganization is the organization as get.mdx and getall.mdx show it;
// create.mdx and update.mdx show it without plan_id, applications and
// databases (see brief).
type vertraOrganization struct {
	ID           string             `json:"id"`
	Name         string             `json:"name"`
	Description  string             `json:"description"`
	Tags         []string           `json:"tags"`
	OwnerID      string             `json:"owner_id"`
	PlanID       *int               `json:"plan_id,omitempty"`
	Members      []vertraMember     `json:"members"`
	Applications *[]json.RawMessage `json:"applications,omitempty"`
	Databases    *[]json.RawMessage `json:"databases,omitempty"`
	CreatedAt    string             `json:"created_at"`
	UpdatedAt    string             `json:"updated_at"`
}

type vertraMember struct {
	UserID   string `json:"user_id"`
	Role     string `json:"role"`
	JoinedAt string `json:"joined_at"`
}

// brief is the organization as create and update answer it.
func (o vertraOrganization) brief() vertraOrganization {
	o.PlanID, o.Applications, o.Databases = nil, nil, nil
	return o
}

func (s *Server) registerVertraOrganizations() {
	s.handle("POST /v1/organizations", s.createVertra)
	s.mux.HandleFunc("/v1/organizations", methodNotAllowed("POST"))
	s.handle("GET /v1/organizations/{id}", s.getVertra)
	// update.mdx said PATCH when the page was written (57957c2) and PUT
	// since f991f03: both are served, alike.
	s.handle("PATCH /v1/organizations/{id}", s.updateVertra)
	s.handle("PUT /v1/organizations/{id}", s.updateVertra)
	s.handle("DELETE /v1/organizations/{id}", s.deleteVertra)
	s.mux.HandleFunc("/v1/organizations/{id}", methodNotAllowed("GET, PATCH, PUT, DELETE"))
	s.handle("GET /v1/organizations/all/{user}", s.listVertra)
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

// vertraBodyError is a body the organizations generation refuses: a code
// and, for the envelope's details.path, the field at fault.
type vertraBodyError struct {
	code, field, message string
}

// decodeVertra reads a create or update body. A field of the wrong type
// answers the code update.mdx names for it (NAME_MUST_BE_A_STRING, …; a
// create turns it into VALIDATION_ERROR); anything else that is not a JSON
// object answers VALIDATION_ERROR.
func decodeVertra(r *http.Request) (vertraRequest, *vertraBodyError) {
	var req vertraRequest
	if err := decodeStrict(r, &req); err != nil {
		code := "VALIDATION_ERROR"
		switch f, _, _ := strings.Cut(err.Field, "."); f {
		case "name":
			code = "NAME_MUST_BE_A_STRING"
		case "description":
			code = "DESCRIPTION_MUST_BE_A_STRING"
		case "tags":
			code = "TAGS_MUST_BE_AN_ARRAY"
		}
		return req, &vertraBodyError{code, err.Field, err.Message}
	}
	return req, nil
}

// vertraLimits checks the documented limits of the fields given: name 1-50
// characters, description at most 200, each tag at most 20
// (organizations/update.mdx, applied on create as well, where the code
// becomes VALIDATION_ERROR). Characters are Unicode code points.
func vertraLimits(req vertraRequest) *vertraBodyError {
	if req.Name != nil {
		if strings.TrimSpace(*req.Name) == "" {
			return &vertraBodyError{"VALIDATION_ERROR", "name", "name must not be blank"}
		}
		if n := utf8.RuneCountInString(*req.Name); n > vertraMaxName {
			return &vertraBodyError{"NAME_TOO_LONG", "name", fmt.Sprintf("name is %d characters long: at most %d", n, vertraMaxName)}
		}
	}
	if req.Description != nil {
		if n := utf8.RuneCountInString(*req.Description); n > vertraMaxDescription {
			return &vertraBodyError{"DESCRIPTION_TOO_LONG", "description", fmt.Sprintf("description is %d characters long: at most %d", n, vertraMaxDescription)}
		}
	}
	if req.Tags != nil {
		for i, tag := range *req.Tags {
			if n := utf8.RuneCountInString(tag); n > vertraMaxTag {
				return &vertraBodyError{"TAG_TOO_LONG", fmt.Sprintf("tags.%d", i), fmt.Sprintf("tag %q is %d characters long: at most %d", tag, n, vertraMaxTag)}
			}
		}
	}
	return nil
}

// vertraRefuse answers a refused body in the envelope of the generation
// serving r.
func vertraRefuse(w http.ResponseWriter, r *http.Request, e *vertraBodyError) {
	body := vertraEnvelope(r.URL.Path, e.code, e.message)
	if e.field != "" {
		body.Details = map[string]any{"path": e.field}
	}
	writeJSON(w, http.StatusBadRequest, body)
}

func (s *Server) createVertra(w http.ResponseWriter, r *http.Request) {
	owner, ok := s.vertraAuth(w, r)
	if !ok {
		return
	}
	req, berr := decodeVertra(r)
	if berr == nil && req.Name == nil {
		berr = &vertraBodyError{"VALIDATION_ERROR", "name", "name is required"}
	}
	if berr == nil {
		berr = vertraLimits(req)
	}
	if berr != nil {
		// organizations/create.mdx documents only UNAUTHORIZED,
		// PLAN_RESTRICTED_FEATURE and ORGANIZATION_NAME_ALREADY_EXISTS; a
		// field past a limit or of the wrong type gets what
		// api-reference/introduction.mdx (vertracloud/docs at 0801bc9)
		// documents for the whole API: VALIDATION_ERROR with details.path.
		// update.mdx's own codes (NAME_TOO_LONG, …) stay on update.
		berr.code = "VALIDATION_ERROR"
		vertraRefuse(w, r, berr)
		return
	}
	org := newVertra(owner, req, s.now())
	s.mu.Lock()
	ok, err := s.store.insert(Organization{Provider: providerVertra, ID: org.ID, Name: org.Name, Owner: owner, Raw: marshal(org)})
	s.mu.Unlock()
	if err != nil {
		s.stateError(w, r, err)
		return
	}
	if !ok {
		vertraError(w, http.StatusBadRequest, "ORGANIZATION_NAME_ALREADY_EXISTS", "")
		return
	}
	// api-reference/endpoint/organizations/create.mdx labels its error
	// examples 403 and 400 but gives no status for the success example; the
	// sandbox answers 201 Created, as the workspaces generation documents for
	// the same resource (orgctl accepts any 2xx).
	vertraSuccess(w, http.StatusCreated, marshal(org.brief()))
}

// newVertra is the organization a create makes (req checked already), with
// the documented defaults for the fields left out.
func newVertra(owner string, req vertraRequest, now string) vertraOrganization {
	description, tags := vertraDefaultDescription, vertraDefaultTags
	if req.Description != nil {
		description = *req.Description
	}
	if req.Tags != nil {
		tags = *req.Tags
	}
	planID, none := vertraPlanID, []json.RawMessage{}
	org := vertraOrganization{
		ID: "org_" + randomHex(8), Name: *req.Name, Description: description, Tags: tags, OwnerID: owner, PlanID: &planID,
		Members:      []vertraMember{{UserID: owner, Role: "owner", JoinedAt: now}},
		Applications: &none, Databases: &none, CreatedAt: now, UpdatedAt: now,
	}
	return org
}

// updateVertra answers PATCH and PUT /v1/organizations/{id}
// (organizations/update.mdx): the fields given change, the others stay.
// A body with none of name, description and tags is a VALIDATION_ERROR, as
// the workspaces generation documents for its update (the organizations
// page says nothing). Only the owner may update: another user gets 403
// NOT_ORGANIZATION_MEMBER, as on get.
func (s *Server) updateVertra(w http.ResponseWriter, r *http.Request) {
	owner, ok := s.vertraAuth(w, r)
	if !ok {
		return
	}
	req, berr := decodeVertra(r)
	if berr == nil && req.Name == nil && req.Description == nil && req.Tags == nil {
		berr = &vertraBodyError{"VALIDATION_ERROR", "", "give at least one of name, description and tags"}
	}
	if berr == nil {
		berr = vertraLimits(req)
	}
	if berr != nil {
		vertraRefuse(w, r, berr)
		return
	}
	var org vertraOrganization
	status, code := 0, ""
	s.mu.Lock()
	stored, found, err := s.store.find(providerVertra, r.PathValue("id"))
	switch {
	case err != nil:
	case !found:
		status, code = http.StatusNotFound, "ORGANIZATION_NOT_FOUND"
	case stored.Owner != owner:
		status, code = http.StatusForbidden, "NOT_ORGANIZATION_MEMBER"
	default:
		_ = json.Unmarshal(stored.Raw, &org) // the sandbox wrote it
		if req.Name != nil {
			org.Name = *req.Name
		}
		if req.Description != nil {
			org.Description = *req.Description
		}
		if req.Tags != nil {
			org.Tags = *req.Tags
		}
		org.UpdatedAt = s.now()
		stored.Name, stored.Raw = org.Name, marshal(org)
		var replaced bool
		if replaced, err = s.store.replace(stored); err == nil && !replaced {
			status, code = http.StatusBadRequest, "ORGANIZATION_NAME_ALREADY_EXISTS"
		}
	}
	s.mu.Unlock()
	if err != nil {
		s.stateError(w, r, err)
		return
	}
	if status != 0 {
		vertraError(w, status, code, "")
		return
	}
	vertraSuccess(w, http.StatusOK, marshal(org.brief()))
}

// listVertra answers GET /v1/organizations/all/{id} (getall.mdx since
// 9b9caf7), for "@me" or the caller's own id. The path it replaced,
// GET /v1/users/{id}/organizations (57957c2), is documented nowhere now and
// answers 404.
func (s *Server) listVertra(w http.ResponseWriter, r *http.Request) {
	owner, ok := s.vertraAuth(w, r)
	if !ok {
		return
	}
	if user := r.PathValue("user"); user != "@me" && user != owner {
		vertraError(w, http.StatusNotFound, "USER_NOT_FOUND", "")
		return
	}
	s.streamList(w, r, `{"status":"success","response":[`, `]}`, ownedBy(providerVertra, owner), rawItem)
}

func (s *Server) getVertra(w http.ResponseWriter, r *http.Request) {
	owner, ok := s.vertraAuth(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	org, found, err := s.store.find(providerVertra, r.PathValue("id"))
	s.mu.Unlock()
	switch {
	case err != nil:
		s.stateError(w, r, err)
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
	org, found, err := s.store.find(providerVertra, r.PathValue("id"))
	if err == nil && found && org.Owner == owner {
		err = s.store.remove(providerVertra, org.ID)
	}
	s.mu.Unlock()
	if err != nil {
		s.stateError(w, r, err)
		return
	}
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
	Status  string `json:"status,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message,omitempty"`
	Details any    `json:"details,omitempty"`
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
	if d := e.details(); d != nil {
		body.Details = d
	}
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
