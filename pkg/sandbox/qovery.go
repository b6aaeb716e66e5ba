package sandbox

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// qoveryPlans are the plan values POST /organization accepts.
var qoveryPlans = []string{"FREE", "TEAM", "TEAM_YEARLY", "ENTERPRISE", "ENTERPRISE_YEARLY",
	"PROFESSIONAL", "BUSINESS", "USER_2025", "TEAM_2025", "BUSINESS_2025", "ENTERPRISE_2025"}

// qoveryRequest is OrganizationRequest. Pointers tell a missing field from
// an empty one.
type qoveryRequest struct {
	Name        *string  `json:"name"`
	Plan        *string  `json:"plan"`
	Description *string  `json:"description"`
	WebsiteURL  *string  `json:"website_url"`
	Repository  *string  `json:"repository"`
	LogoURL     *string  `json:"logo_url"`
	IconURL     *string  `json:"icon_url"`
	AdminEmails []string `json:"admin_emails"`
}

type qoveryOrganization struct {
	ID                           string     `json:"id"`
	CreatedAt                    string     `json:"created_at"`
	UpdatedAt                    string     `json:"updated_at"`
	Name                         string     `json:"name"`
	Plan                         string     `json:"plan"`
	Description                  *string    `json:"description"`
	WebsiteURL                   *string    `json:"website_url"`
	Repository                   *string    `json:"repository"`
	LogoURL                      *string    `json:"logo_url"`
	IconURL                      *string    `json:"icon_url"`
	AdminEmails                  []string   `json:"admin_emails"`
	Owner                        string     `json:"owner"`
	BillingDeploymentRestriction *string    `json:"billing_deployment_restriction"`
	OrganizationPlan             qoveryPlan `json:"organization_plan"`
}

type qoveryPlan struct {
	Plan                     string `json:"plan"`
	AuditLogsRetentionInDays int    `json:"audit_logs_retention_in_days"`
}

func (s *Server) registerQovery() {
	s.handle("POST /organization", s.createQovery)
	s.handle("GET /organization", s.listQovery)
	s.mux.HandleFunc("/organization", methodNotAllowed("GET, POST"))
	s.handle("GET /organization/{id}", s.getQovery)
	s.handle("PUT /organization/{id}", s.editQovery)
	s.handle("DELETE /organization/{id}", s.deleteQovery)
	s.mux.HandleFunc("/organization/{id}", methodNotAllowed("GET, PUT, DELETE"))
}

// qoveryAuth checks the credential and returns the caller's user id.
func (s *Server) qoveryAuth(w http.ResponseWriter, r *http.Request) (owner string, ok bool) {
	token, ok := qoveryToken(r.Header.Get("Authorization"))
	if !ok || !s.tokenOK(token) {
		qoveryProblem(w, http.StatusUnauthorized, "missing or invalid credentials: send 'Authorization: Token <api token>' or 'Bearer <jwt>'")
		return "", false
	}
	return ownerUUID(token), true
}

func (s *Server) createQovery(w http.ResponseWriter, r *http.Request) {
	owner, ok := s.qoveryAuth(w, r)
	if !ok {
		return
	}
	req, ok := decodeQovery(w, r)
	if !ok {
		return
	}
	org := s.newQovery(owner, req, s.now())
	raw := marshal(org)
	s.mu.Lock()
	ok, err := s.store.insert(Organization{Provider: providerQovery, ID: org.ID, Name: org.Name, Owner: owner, Raw: raw})
	s.mu.Unlock()
	if err != nil {
		s.stateError(w, r, err)
		return
	}
	if !ok {
		qoveryProblem(w, http.StatusConflict, fmt.Sprintf("an organization named %q already exists", *req.Name))
		return
	}
	writeRaw(w, http.StatusCreated, raw)
}

// newQovery is the organization a create makes (req checked already).
func (s *Server) newQovery(owner string, req qoveryRequest, now string) qoveryOrganization {
	org := qoveryOrganization{
		ID: uuid(), CreatedAt: now, UpdatedAt: now, Name: *req.Name, Plan: *req.Plan,
		Description: req.Description, WebsiteURL: req.WebsiteURL, Repository: req.Repository,
		LogoURL: req.LogoURL, IconURL: req.IconURL, AdminEmails: req.AdminEmails, Owner: owner,
		OrganizationPlan: qoveryPlan{Plan: *req.Plan, AuditLogsRetentionInDays: auditRetention(*req.Plan)},
	}
	if org.AdminEmails == nil {
		org.AdminEmails = []string{}
	}
	if s.opts.BillingRestriction != "" {
		org.BillingDeploymentRestriction = &s.opts.BillingRestriction
	}
	return org
}

// decodeQovery reads an OrganizationRequest (POST) or OrganizationEditRequest
// (PUT): both require name and plan (openapi.yaml); the plan must be one of
// PlanEnum. Otherwise it answers 400 and reports false.
func decodeQovery(w http.ResponseWriter, r *http.Request) (qoveryRequest, bool) {
	var req qoveryRequest
	detail := ""
	if err := decodeStrict(r, &req); err != nil {
		detail = err.Error()
	} else if req.Name == nil || strings.TrimSpace(*req.Name) == "" {
		detail = "name is required"
	} else if req.Plan == nil {
		detail = "plan is required"
	} else if !slices.Contains(qoveryPlans, *req.Plan) {
		detail = fmt.Sprintf("plan %q is invalid: must be one of %s", *req.Plan, strings.Join(qoveryPlans, ", "))
	}
	if detail != "" {
		qoveryProblem(w, http.StatusBadRequest, detail)
		return req, false
	}
	return req, true
}

// editQovery answers PUT /organization/{id} (editOrganization) with the
// edited Organization. PUT replaces: an optional field left out of the body
// becomes null (admin_emails []), so a client must send the current values
// of the fields it does not change, as the spec's required name and plan
// already make it do. The spec has no plan property in
// OrganizationEditRequest, only "required: [name, plan]"; the sandbox
// checks it against PlanEnum as on create and applies it.
func (s *Server) editQovery(w http.ResponseWriter, r *http.Request) {
	owner, ok := s.qoveryAuth(w, r)
	if !ok {
		return
	}
	req, ok := decodeQovery(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	stored, status, detail, err := s.qoveryFind(r, owner)
	if status == 0 && err == nil {
		var org qoveryOrganization
		_ = json.Unmarshal(stored.Raw, &org) // the sandbox wrote it
		org.Name, org.Plan, org.UpdatedAt = *req.Name, *req.Plan, s.now()
		org.Description, org.WebsiteURL, org.Repository = req.Description, req.WebsiteURL, req.Repository
		org.LogoURL, org.IconURL, org.AdminEmails = req.LogoURL, req.IconURL, req.AdminEmails
		if org.AdminEmails == nil {
			org.AdminEmails = []string{}
		}
		org.OrganizationPlan = qoveryPlan{Plan: org.Plan, AuditLogsRetentionInDays: auditRetention(org.Plan)}
		stored.Name, stored.Raw = org.Name, marshal(org)
		var replaced bool
		if replaced, err = s.store.replace(stored); err == nil && !replaced {
			status, detail = http.StatusConflict, fmt.Sprintf("an organization named %q already exists", org.Name)
		}
	}
	s.mu.Unlock()
	if err != nil {
		s.stateError(w, r, err)
		return
	}
	if status != 0 {
		qoveryProblem(w, status, detail)
		return
	}
	writeRaw(w, http.StatusOK, stored.Raw)
}

// listQovery answers GET /organization: the caller's organizations, as
// {"results": [...]}.
func (s *Server) listQovery(w http.ResponseWriter, r *http.Request) {
	owner, ok := s.qoveryAuth(w, r)
	if !ok {
		return
	}
	s.streamList(w, r, `{"results":[`, `]}`, ownedBy(providerQovery, owner), rawItem)
}

func (s *Server) getQovery(w http.ResponseWriter, r *http.Request) {
	if org, ok := s.qoveryOwned(w, r); ok {
		writeRaw(w, http.StatusOK, org.Raw)
	}
}

func (s *Server) deleteQovery(w http.ResponseWriter, r *http.Request) {
	org, ok := s.qoveryOwned(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	err := s.store.remove(providerQovery, org.ID)
	s.mu.Unlock()
	if err != nil {
		s.stateError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// qoveryOwned finds the organization in the path: 404 when there is none,
// 403 when it belongs to someone else.
func (s *Server) qoveryOwned(w http.ResponseWriter, r *http.Request) (Organization, bool) {
	owner, ok := s.qoveryAuth(w, r)
	if !ok {
		return Organization{}, false
	}
	s.mu.Lock()
	org, status, detail, err := s.qoveryFind(r, owner)
	s.mu.Unlock()
	if err != nil {
		s.stateError(w, r, err)
		return Organization{}, false
	}
	if status != 0 {
		qoveryProblem(w, status, detail)
		return Organization{}, false
	}
	return org, true
}

// qoveryFind is qoveryOwned once authenticated, with s.mu held: it reports
// an API error as a status and its detail.
func (s *Server) qoveryFind(r *http.Request, owner string) (org Organization, status int, detail string, err error) {
	org, found, err := s.store.find(providerQovery, r.PathValue("id"))
	switch {
	case err != nil:
	case !found:
		return org, http.StatusNotFound, fmt.Sprintf("organization %q not found", r.PathValue("id")), nil
	case org.Owner != owner:
		return org, http.StatusForbidden, "you are not a member of this organization", nil
	}
	return org, 0, "", err
}

// qoveryToken accepts the two schemes Qovery documents.
func qoveryToken(header string) (string, bool) {
	scheme, token, _ := strings.Cut(header, " ")
	if scheme != "Token" && scheme != "Bearer" {
		return "", false
	}
	return strings.TrimSpace(token), true
}

// qoveryProblem writes the problem body the sandbox uses for Qovery's
// errors. The OpenAPI spec (components.responses 400/401/403/404/409)
// describes these answers but gives them no body, so this is RFC 7807's
// shape plus the "message" field clients commonly read; detail and message
// say the same thing.
func qoveryProblem(w http.ResponseWriter, status int, detail string) {
	writeJSON(w, status, struct {
		Type    string `json:"type"`
		Title   string `json:"title"`
		Status  int    `json:"status"`
		Detail  string `json:"detail"`
		Message string `json:"message"`
	}{"about:blank", http.StatusText(status), status, detail, detail})
}

// auditRetention is invented by the sandbox (the API reference gives no
// table): a plausible retention per plan family.
func auditRetention(plan string) int {
	switch {
	case strings.HasPrefix(plan, "ENTERPRISE"):
		return 365
	case strings.HasPrefix(plan, "BUSINESS"), strings.HasPrefix(plan, "PROFESSIONAL"):
		return 30
	}
	return 7
}

// uuid returns a random version 4 UUID.
func uuid() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// ownerUUID derives a stable, uuid-shaped user id from a token, so one
// token always owns what it creates, without ever echoing the token.
func ownerUUID(token string) string {
	b := sha256.Sum256([]byte("owner:" + token))
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
