package qovery

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/api"
	"github.com/orgctl/orgctl/pkg/internal/testhttp"
	"github.com/orgctl/orgctl/pkg/provider"
)

const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl"

func TestAuthHeader(t *testing.T) {
	tests := []struct{ token, want string }{
		{jwt, "Bearer " + jwt},
		{"qov_abc123", "Token qov_abc123"},
		{"a.b", "Token a.b"},            // two parts: not a JWT
		{"a..c", "Token a..c"},          // empty part
		{"a.b!.c", "Token a.b!.c"},      // not base64url
		{"a.b.c.d", "Token a.b.c.d"},    // four parts
		{"YQ.Yg.Yw", "Bearer YQ.Yg.Yw"}, // minimal JWT shape
	}
	for _, tt := range tests {
		if got := AuthHeader(tt.token); got != tt.want {
			t.Errorf("AuthHeader(%q) = %q, want %q", tt.token, got, tt.want)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name     string
		spec     provider.CreateSpec
		wantErr  string
		wantPlan string
		warn     string
	}{
		{name: "ok", spec: provider.CreateSpec{Name: "acme", Plan: "TEAM_2025"}, wantPlan: "TEAM_2025"},
		{name: "plan upper-cased", spec: provider.CreateSpec{Name: "acme", Plan: "team_2025"}, wantPlan: "TEAM_2025"},
		{name: "deprecated plan warns", spec: provider.CreateSpec{Name: "acme", Plan: "free"}, wantPlan: "FREE", warn: "plan FREE is deprecated"},
		{name: "business deprecated", spec: provider.CreateSpec{Name: "acme", Plan: "BUSINESS"}, wantPlan: "BUSINESS", warn: "deprecated"},
		{name: "no plan", spec: provider.CreateSpec{Name: "acme"}, wantErr: "--plan is required for qovery (or set qovery.plan in the config file): one of FREE, TEAM,"},
		{name: "bad plan", spec: provider.CreateSpec{Name: "acme", Plan: "GOLD"}, wantErr: `--plan "GOLD" is not a Qovery plan: use one of FREE, TEAM, TEAM_YEARLY, ENTERPRISE, ENTERPRISE_YEARLY, PROFESSIONAL, BUSINESS, USER_2025, TEAM_2025, BUSINESS_2025, ENTERPRISE_2025`},
		{name: "blank name", spec: provider.CreateSpec{Name: "  ", Plan: "TEAM"}, wantErr: "--name is required and must not be blank"},
		{name: "tags unsupported", spec: provider.CreateSpec{Name: "acme", Plan: "TEAM", Tags: []string{"x"}}, wantErr: "--tag is not supported by provider qovery"},
		{name: "bad email", spec: provider.CreateSpec{Name: "acme", Plan: "TEAM", AdminEmails: []string{"ops"}}, wantErr: `--admin-email "ops" is not a valid e-mail address`},
		{name: "named email", spec: provider.CreateSpec{Name: "acme", Plan: "TEAM", AdminEmails: []string{"Ops <ops@acme.io>"}}, wantErr: "not a valid e-mail address"},
		{name: "relative url", spec: provider.CreateSpec{Name: "acme", Plan: "TEAM", WebsiteURL: "acme.io"}, wantErr: `--website-url "acme.io" must be an absolute http:// or https:// URL`},
		{name: "ftp url", spec: provider.CreateSpec{Name: "acme", Plan: "TEAM", LogoURL: "ftp://acme.io/x.png"}, wantErr: "--logo-url"},
		{name: "long name is fine on qovery", spec: provider.CreateSpec{Name: strings.Repeat("a", 80), Plan: "TEAM"}, wantPlan: "TEAM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := tt.spec
			warnings, err := Validate(&spec)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if spec.Plan != tt.wantPlan {
				t.Errorf("plan = %q, want %q", spec.Plan, tt.wantPlan)
			}
			if got := strings.Join(warnings, "\n"); (tt.warn == "") != (got == "") || !strings.Contains(got, tt.warn) {
				t.Errorf("warnings = %q, want %q", got, tt.warn)
			}
		})
	}
}

func TestValidateDropsRepeatedEmails(t *testing.T) {
	spec := provider.CreateSpec{Name: "acme", Plan: "TEAM", AdminEmails: []string{"a@x.io", "b@x.io", "A@x.io"}}
	if _, err := Validate(&spec); err != nil {
		t.Fatal(err)
	}
	if want := []string{"a@x.io", "b@x.io"}; !reflect.DeepEqual(spec.AdminEmails, want) {
		t.Errorf("emails = %q, want %q", spec.AdminEmails, want)
	}
}

func newProvider(srv *testhttp.Server, auth string) *Provider {
	return New(&api.Client{Provider: "qovery", HTTP: srv.Client(), BaseURL: srv.URL, Authorization: auth, UserAgent: "orgctl/test"})
}

const created = `{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","created_at":"2023-11-07T05:31:56Z","updated_at":"2023-11-07T05:31:57Z",
"name":"acme","plan":"TEAM_2025","description":"Acme","website_url":"https://acme.io","repository":null,"logo_url":null,"icon_url":null,
"admin_emails":["ops@acme.io"],"owner":"a1b2c3d4-0000-4000-8000-000000000001","billing_deployment_restriction":"NO_CREDIT_CARD",
"organization_plan":{"plan":"TEAM_2025","audit_logs_retention_in_days":30}}`

func TestCreateSendsDocumentedRequest(t *testing.T) {
	srv := testhttp.New(t, http.StatusCreated, created)
	p := newProvider(srv, AuthHeader("qov_secret"))
	org, err := p.Create(context.Background(), provider.CreateSpec{
		Name: "acme", Plan: "TEAM_2025", Description: "Acme", WebsiteURL: "https://acme.io", AdminEmails: []string{"ops@acme.io"},
	})
	if err != nil {
		t.Fatal(err)
	}
	req := srv.Only(t)
	if req.Method != "POST" || req.Path != "/organization" {
		t.Errorf("request = %s %s, want POST /organization", req.Method, req.Path)
	}
	for k, want := range map[string]string{
		"Authorization": "Token qov_secret", "Content-Type": "application/json",
		"Accept": "application/json", "User-Agent": "orgctl/test",
	} {
		if got := req.Header.Get(k); got != want {
			t.Errorf("header %s = %q, want %q", k, got, want)
		}
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(req.Body), &body); err != nil {
		t.Fatal(err)
	}
	wantBody := map[string]any{"name": "acme", "plan": "TEAM_2025", "description": "Acme",
		"website_url": "https://acme.io", "admin_emails": []any{"ops@acme.io"}}
	if !reflect.DeepEqual(body, wantBody) {
		t.Errorf("body = %v\nwant   %v", body, wantBody)
	}

	restriction, days, plan, site := "NO_CREDIT_CARD", 30, "TEAM_2025", "https://acme.io"
	desc := "Acme"
	want := &provider.Organization{
		Provider: "qovery", ID: "3c90c3cc-0d44-4b50-8888-8dd25736052a", Name: "acme", Description: &desc, Plan: &plan,
		Owner: "a1b2c3d4-0000-4000-8000-000000000001", WebsiteURL: &site, AdminEmails: []string{"ops@acme.io"},
		BillingDeploymentRestriction: &restriction, AuditLogsRetentionInDays: &days,
		CreatedAt: "2023-11-07T05:31:56Z", UpdatedAt: "2023-11-07T05:31:57Z",
	}
	if !reflect.DeepEqual(org, want) {
		got, _ := json.Marshal(org)
		exp, _ := json.Marshal(want)
		t.Errorf("org = %s\nwant  %s", got, exp)
	}
}

func TestCreateOmitsEmptyOptionalFields(t *testing.T) {
	srv := testhttp.New(t, http.StatusCreated, created)
	if _, err := newProvider(srv, "Bearer "+jwt).Create(context.Background(), provider.CreateSpec{Name: "acme", Plan: "TEAM"}); err != nil {
		t.Fatal(err)
	}
	req := srv.Only(t)
	if req.Body != `{"name":"acme","plan":"TEAM"}` {
		t.Errorf("body = %s", req.Body)
	}
	if got := req.Header.Get("Authorization"); got != "Bearer "+jwt {
		t.Errorf("Authorization = %q", got)
	}
}

func TestCreateErrors(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		body        string
		kind        provider.Kind
		wantMsg     string
		mayHaveMade bool
	}{
		{"name taken", 409, `{"type":"about:blank","title":"Conflict","status":409,"detail":"organization name already used"}`,
			provider.KindConflict, `qovery: HTTP 409: an organization named "acme" already exists (organization name already used)`, false},
		{"bad request detail", 400, `{"type":"x","title":"Bad Request","status":400,"detail":"plan is invalid","message":"ignored"}`,
			provider.KindInvalid, "qovery: HTTP 400: plan is invalid", false},
		{"bad request message only", 400, `{"status":400,"message":"name too long"}`, provider.KindInvalid, "qovery: HTTP 400: name too long", false},
		{"unauthorized", 401, ``, provider.KindAuth, "qovery: HTTP 401: the Qovery token was rejected", false},
		{"forbidden", 403, `{"title":"Forbidden"}`, provider.KindAuth, "qovery: HTTP 403: the Qovery token was rejected (Forbidden)", false},
		{"payment required", 402, `{"detail":"upgrade"}`, provider.KindPlan, "qovery: HTTP 402: upgrade", false},
		{"html 502", 502, "<html><body>\n<h1>Bad Gateway</h1></body></html>", provider.KindServer,
			"qovery: HTTP 502: non-JSON body: <html><body> <h1>Bad Gateway</h1></body></html>; the request was sent, so the organization may have been created: check with `orgctl get acme --provider qovery` before retrying", true},
		{"500", 500, `{"status":500,"title":"Internal Server Error"}`, provider.KindServer,
			"qovery: HTTP 500: Internal Server Error; the request was sent, so the organization may have been created: check with `orgctl get acme --provider qovery` before retrying", true},
		{"504 empty", 504, ``, provider.KindServer, "qovery: HTTP 504; the request was sent, so the organization may have been created", true},
		{"503 after the retries", 503, ``, provider.KindServer, "qovery: HTTP 503; the request was sent, so the organization may have been created", true},
		{"status beyond 5xx", 600, ``, provider.KindServer, "qovery: HTTP 600; the request was sent, so the organization may have been created", true},
		{"413 is a refusal", 413, `{"title":"Payload Too Large"}`, provider.KindInvalid, "qovery: HTTP 413: Payload Too Large", false},
		{"201 empty", 201, ``, provider.KindServer, "qovery: HTTP 201: unreadable response (invalid JSON): empty body; the organization was probably created: check with `orgctl get acme --provider qovery` before retrying", true},
		{"201 truncated", 201, `{"id":"3c90`, provider.KindServer, `unreadable response (invalid JSON): {"id":"3c90`, true},
		{"200 no id", 200, `{"name":"acme"}`, provider.KindServer, "unreadable response (no organization id)", true},
		{"an id of the wrong type", 201, `{"id":42}`, provider.KindServer, "unreadable response (an organization's id or name is not a string)", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := testhttp.New(t, tt.status, tt.body)
			_, err := newProvider(srv, "Token x").Create(context.Background(), provider.CreateSpec{Name: "acme", Plan: "TEAM"})
			var perr *provider.Error
			if !errors.As(err, &perr) {
				t.Fatalf("err = %v (%T), want *provider.Error", err, err)
			}
			if perr.Kind != tt.kind || perr.Status != tt.status || perr.MayHaveSucceeded != tt.mayHaveMade {
				t.Errorf("kind/status/may = %v/%d/%v, want %v/%d/%v", perr.Kind, perr.Status, perr.MayHaveSucceeded, tt.kind, tt.status, tt.mayHaveMade)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("message = %q\nwant it to contain %q", err.Error(), tt.wantMsg)
			}
		})
	}
}

func TestListGetDelete(t *testing.T) {
	ctx := context.Background()
	srv := testhttp.New(t, 200, `{"results":[`+created+`]}`)
	orgs, err := provider.Collect(ctx, newProvider(srv, "Token x"))
	if err != nil || len(orgs) != 1 || orgs[0].ID != "3c90c3cc-0d44-4b50-8888-8dd25736052a" {
		t.Fatalf("list = %+v, %v", orgs, err)
	}
	if r := srv.Only(t); r.Method != "GET" || r.Path != "/organization" || r.Body != "" {
		t.Errorf("list request %s %s %q", r.Method, r.Path, r.Body)
	}

	srv = testhttp.New(t, 200, `{"results":[]}`)
	if orgs, err := provider.Collect(ctx, newProvider(srv, "Token x")); err != nil || len(orgs) != 0 || orgs == nil {
		t.Errorf("empty list = %#v, %v", orgs, err)
	}

	srv = testhttp.New(t, 200, created)
	if org, err := newProvider(srv, "Token x").Get(ctx, "a/b"); err != nil || org.Name != "acme" {
		t.Fatalf("get = %+v, %v", org, err)
	}
	if r := srv.Only(t); r.Method != "GET" || r.Path != "/organization/a/b" {
		t.Errorf("get request %s %s", r.Method, r.Path) // the id is path-escaped on the wire
	}

	srv = testhttp.New(t, 404, `{"status":404,"detail":"not found"}`)
	_, err = newProvider(srv, "Token x").Get(ctx, "x")
	var perr *provider.Error
	if !errors.As(err, &perr) || perr.Kind != provider.KindNotFound || err.Error() != "qovery: HTTP 404: no such organization (not found)" {
		t.Errorf("get 404 = %v", err)
	}

	srv = testhttp.New(t, 204, ``)
	if err := newProvider(srv, "Token x").Delete(ctx, "id-1"); err != nil {
		t.Fatal(err)
	}
	if r := srv.Only(t); r.Method != "DELETE" || r.Path != "/organization/id-1" {
		t.Errorf("delete request %s %s", r.Method, r.Path)
	}
	srv = testhttp.New(t, 403, `{"title":"Forbidden"}`)
	if err := newProvider(srv, "Token x").Delete(ctx, "id-1"); !errors.As(err, &perr) || perr.Kind != provider.KindAuth {
		t.Errorf("delete 403 = %v", err)
	}
}

func TestCreate404IsAWrongEndpoint(t *testing.T) {
	srv := testhttp.New(t, 404, `<html>nope</html>`)
	_, err := newProvider(srv, "Token x").Create(context.Background(), provider.CreateSpec{Name: "a", Plan: "TEAM"})
	var perr *provider.Error
	if !errors.As(err, &perr) || perr.Kind != provider.KindServer || !strings.Contains(err.Error(), "the API has no such endpoint: check the base URL") {
		t.Errorf("err = %v", err)
	}
}
