package vertra

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/api"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/sandbox"
)

// against runs a provider in API mode gen against a sandbox serving served.
func against(t *testing.T, served, gen string) (*Provider, *sandbox.Server, *strings.Builder) {
	t.Helper()
	sb := sandbox.New(sandbox.Options{VertraAPI: served})
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	var trace strings.Builder
	c := &api.Client{Provider: "vertra", HTTP: srv.Client(), BaseURL: srv.URL, Authorization: AuthHeader("tok"), UserAgent: "orgctl/test", Trace: &trace}
	return New(c, gen), sb, &trace
}

func paths(sb *sandbox.Server) string {
	var out []string
	for _, r := range sb.Requests() {
		out = append(out, r.Method+" "+r.Path)
	}
	return strings.Join(out, ", ")
}

func TestAutoFallsBackToWorkspacesOnce(t *testing.T) {
	p, sb, trace := against(t, "workspaces", APIAuto)
	ctx := context.Background()
	org, err := p.Create(ctx, provider.CreateSpec{Name: "acme", Description: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	if org.Name != "acme" || org.Tags != nil || *org.Description != "Acme" {
		t.Errorf("workspace = %+v", org)
	}
	// The full APIWorkspaceInfoResponse: the caller as owner and member, the
	// four seed roles.
	if len(org.Members) != 1 || org.Members[0].UserID != org.Owner || org.Members[0].Role != "Admin" || len(org.Roles) != 4 ||
		org.IsOwner == nil || !*org.IsOwner || org.Frozen == nil || *org.Frozen || org.OwnerPlanID == nil {
		t.Errorf("workspace view = %+v", org)
	}
	if _, err := provider.Collect(ctx, p); err != nil {
		t.Fatal(err)
	}
	got, err := p.Get(ctx, org.ID)
	if err != nil || got.ID != org.ID {
		t.Fatalf("get: %+v %v", got, err)
	}
	if err := p.Delete(ctx, org.ID); err != nil {
		t.Fatal(err)
	}
	want := "POST /v1/organizations, POST /v1/workspaces, GET /v1/workspaces, GET /v1/workspaces/" + org.ID + ", DELETE /v1/workspaces/" + org.ID
	if got := paths(sb); got != want {
		t.Errorf("requests:\n%s\nwant\n%s", got, want)
	}
	if !strings.Contains(trace.String(), "* POST /v1/organizations answered 404: this VertraCloud API serves workspaces; using /v1/workspaces") {
		t.Errorf("the fallback is not in the --verbose trace:\n%s", trace.String())
	}
	if n := len(sb.Organizations()); n != 0 {
		t.Errorf("%d left after delete", n)
	}
}

func TestAutoStaysOnOrganizationsWhenTheyAnswer(t *testing.T) {
	p, sb, _ := against(t, "both", APIAuto)
	ctx := context.Background()
	if _, err := p.Create(ctx, provider.CreateSpec{Name: "acme"}); err != nil {
		t.Fatal(err)
	}
	// A 404 that names the missing organization must not switch APIs.
	_, err := p.Get(ctx, "nope")
	var perr *provider.Error
	if !errors.As(err, &perr) || perr.Kind != provider.KindNotFound || perr.Code != "ORGANIZATION_NOT_FOUND" {
		t.Fatalf("err = %v", err)
	}
	if got, want := paths(sb), "POST /v1/organizations, GET /v1/organizations/nope"; got != want {
		t.Errorf("requests %s, want %s", got, want)
	}
}

func TestWorkspacesRefuseTagsBeforeCreating(t *testing.T) {
	for _, gen := range []string{APIAuto, APIWorkspaces} {
		p, sb, _ := against(t, "workspaces", gen)
		_, err := p.Create(context.Background(), provider.CreateSpec{Name: "acme", Tags: []string{"ci"}})
		var perr *provider.Error
		if !errors.As(err, &perr) || perr.Kind != provider.KindInvalid || !strings.Contains(err.Error(), "workspaces, which have no tags") {
			t.Errorf("%s: err = %v", gen, err)
		}
		if n := len(sb.Organizations()); n != 0 {
			t.Errorf("%s: %d created", gen, n)
		}
		for _, r := range sb.Requests() {
			if r.Path == "/v1/workspaces" {
				t.Errorf("%s: a workspace create was sent", gen)
			}
		}
	}
}

func TestWorkspaceErrorCodes(t *testing.T) {
	tests := []struct {
		status int
		body   string
		kind   provider.Kind
		msg    string
	}{
		{409, `{"code":"WORKSPACE_NAME_ALREADY_EXISTS","message":"You already own an active workspace with this name"}`, provider.KindConflict,
			`vertra: HTTP 409 WORKSPACE_NAME_ALREADY_EXISTS: a workspace named "acme" already exists (You already own an active workspace with this name)`},
		{401, `{"code":"AUTH_TOKEN_MISSING"}`, provider.KindAuth, "no VertraCloud token reached the API"},
		{401, `{"code":"API_KEY_INVALID","message":"revoked"}`, provider.KindAuth, "the VertraCloud API key is invalid (revoked)"},
		{403, `{"code":"API_KEY_SCOPE_DENIED","message":"Missing scope","details":{"required":"workspaces:write"}}`, provider.KindAuth,
			"vertra: HTTP 403 API_KEY_SCOPE_DENIED: the VertraCloud API key lacks the workspaces:write scope (Missing scope)"},
		{403, `{"code":"API_KEY_SCOPE_DENIED","details":{"required":["workspaces:write","workspaces:read"]}}`, provider.KindAuth, "lacks the workspaces:write, workspaces:read scope"},
		{403, `{"code":"API_KEY_IP_DENIED"}`, provider.KindAuth, "may not be used from this IP address"},
		{403, `{"code":"PLAN_RESTRICTED_FEATURE","message":"Enterprise plan required"}`, provider.KindPlan, "your VertraCloud plan does not allow this (Enterprise plan required)"},
		{429, `{"code":"RATE_LIMIT_EXCEEDED","details":{"retry_after":3}}`, provider.KindServer, "rate limited by VertraCloud"},
		{429, `{"code":"DAILY_QUOTA_EXCEEDED","details":{"retry_after":3600}}`, provider.KindServer, "daily quota is used up"},
		{404, `{"code":"WORKSPACE_NOT_FOUND"}`, provider.KindNotFound, "no such workspace"},
	}
	for _, tt := range tests {
		_, err := decodeOne(&api.Response{Status: tt.status, Body: []byte(tt.body)}, APIWorkspaces, "acme")
		var perr *provider.Error
		if !errors.As(err, &perr) || perr.Kind != tt.kind || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: err = %v (kind %v), want kind %v and %q", tt.body, err, perr.Kind, tt.kind, tt.msg)
		}
	}
}

func TestDeleteAnswers(t *testing.T) {
	ok := []struct {
		gen, body string
		status    int
	}{
		{APIOrganizations, `{"status":"success","message":"ORGANIZATION_DELETED"}`, 200},
		{APIWorkspaces, ``, 204},
	}
	for _, tt := range ok {
		if err := decodeDeleted(&api.Response{Status: tt.status, Body: []byte(tt.body)}); err != nil {
			t.Errorf("%s: %v", tt.gen, err)
		}
	}
	err := decodeDeleted(&api.Response{Status: 404, Body: []byte(`{"status":"error","code":"ORGANIZATION_NOT_FOUND"}`)})
	var perr *provider.Error
	if !errors.As(err, &perr) || perr.Kind != provider.KindNotFound {
		t.Errorf("err = %v", err)
	}
}

// TestFieldLimitsAgainstTheSandbox: a create past a field limit is answered
// VALIDATION_ERROR with details.path (api-reference/introduction.mdx; the
// create page documents no code of its own), an update past one keeps
// update.mdx's NAME_TOO_LONG; the client reads both as a refused request
// (exit 2) and names the field VALIDATION_ERROR points at.
func TestFieldLimitsAgainstTheSandbox(t *testing.T) {
	ctx := context.Background()
	long := func(n int) string { return strings.Repeat("é", n) }
	for _, tt := range []struct {
		name string
		spec provider.CreateSpec
		want string
	}{
		{"name", provider.CreateSpec{Name: long(51)},
			`vertra: HTTP 400 VALIDATION_ERROR: VertraCloud refused the field "name" (name is 51 characters long: at most 50)`},
		{"description", provider.CreateSpec{Name: "acme", Description: long(201)},
			`vertra: HTTP 400 VALIDATION_ERROR: VertraCloud refused the field "description" (description is 201 characters long: at most 200)`},
		{"tag", provider.CreateSpec{Name: "acme", Tags: []string{"ci", long(21)}},
			`vertra: HTTP 400 VALIDATION_ERROR: VertraCloud refused the field "tags.1" (tag "` + long(21) + `" is 21 characters long: at most 20)`},
	} {
		t.Run("create "+tt.name, func(t *testing.T) {
			p, sb, _ := against(t, "organizations", APIOrganizations)
			_, err := p.Create(ctx, tt.spec)
			var perr *provider.Error
			if !errors.As(err, &perr) || perr.Kind != provider.KindInvalid || perr.MayHaveSucceeded || err.Error() != tt.want {
				t.Fatalf("err = %v\nwant  %s", err, tt.want)
			}
			if got := paths(sb); got != "POST /v1/organizations" {
				t.Errorf("requests %s", got)
			}
		})
	}
	t.Run("update", func(t *testing.T) {
		p, sb, _ := against(t, "organizations", APIOrganizations)
		org, err := p.Create(ctx, provider.CreateSpec{Name: "acme"})
		if err != nil {
			t.Fatal(err)
		}
		name := long(51)
		_, err = p.Update(ctx, org.ID, provider.UpdateSpec{NewName: &name})
		want := "vertra: HTTP 400 NAME_TOO_LONG: the name is longer than VertraCloud allows (50 characters) (name is 51 characters long: at most 50)"
		var perr *provider.Error
		if !errors.As(err, &perr) || perr.Kind != provider.KindInvalid || err.Error() != want {
			t.Fatalf("err = %v\nwant  %s", err, want)
		}
		if got := paths(sb); got != "POST /v1/organizations, PUT /v1/organizations/"+org.ID {
			t.Errorf("requests %s", got)
		}
	})
}

// TestValidationErrorPathShapes: details.path as a string or a list of
// keys and indexes, or absent.
func TestValidationErrorPathShapes(t *testing.T) {
	for raw, want := range map[string]string{
		`"user.name"`:   `VertraCloud refused the field "user.name"`,
		`["tags", 3]`:   `VertraCloud refused the field "tags.3"`,
		`{"odd": true}`: `VertraCloud refused the request`,
	} {
		resp := &api.Response{Status: 400, Body: []byte(`{"code":"VALIDATION_ERROR","details":{"path":` + raw + `}}`)}
		_, _, err := decode[record](resp, "acme")
		var perr *provider.Error
		if !errors.As(err, &perr) || perr.Kind != provider.KindInvalid || perr.Message != want {
			t.Errorf("path %s: err = %v, want message %q", raw, err, want)
		}
	}
}
