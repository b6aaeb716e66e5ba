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

func (s *Server) createVertra(w http.ResponseWriter, r *http.Request) {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if scheme != "Bearer" || !s.tokenOK(strings.TrimSpace(token)) {
		vertraError(w, http.StatusForbidden, "UNAUTHORIZED", "")
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
	raw, ok := s.insert("vertra", *req.Name, func() (string, []byte) {
		now, owner := s.now(), snowflake(token)
		org := vertraOrganization{
			ID: "org_" + randomHex(8), Name: *req.Name, Description: description, Tags: tags, OwnerID: owner,
			Members:   []vertraMember{{UserID: owner, Role: "owner", JoinedAt: now}},
			CreatedAt: now, UpdatedAt: now,
		}
		raw, _ := json.Marshal(map[string]any{"status": "success", "response": org})
		return org.ID, raw
	})
	if !ok {
		vertraError(w, http.StatusBadRequest, "ORGANIZATION_NAME_ALREADY_EXISTS", "")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(raw)
}

// vertraError writes VertraCloud's error envelope; message is left out when
// empty, as in the documented examples.
func vertraError(w http.ResponseWriter, status int, code, message string) {
	vertraErrorDetails(w, status, code, message, nil)
}

func vertraErrorDetails(w http.ResponseWriter, status int, code, message string, details map[string]any) {
	body := map[string]any{"status": "error", "code": code}
	if message != "" {
		body["message"] = message
	}
	if details != nil {
		body["details"] = details
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
