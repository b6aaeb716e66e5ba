package vertra

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/orgctl/orgctl/pkg/api"
	"github.com/orgctl/orgctl/pkg/internal/testhttp"
	"github.com/orgctl/orgctl/pkg/provider"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		spec    provider.CreateSpec
		wantErr string
	}{
		{name: "ok", spec: provider.CreateSpec{Name: "acme", Tags: []string{"ci"}}},
		{name: "50 multi-byte characters", spec: provider.CreateSpec{Name: strings.Repeat("é", 50)}},
		{name: "51 characters", spec: provider.CreateSpec{Name: strings.Repeat("a", 51)}, wantErr: "--name is 51 characters long; the maximum is 50"},
		{name: "blank", spec: provider.CreateSpec{Name: ""}, wantErr: "--name is required"},
		{name: "control character", spec: provider.CreateSpec{Name: "ac\x1bme"}, wantErr: "contains a control character"},
		{name: "surrounding spaces", spec: provider.CreateSpec{Name: " acme"}, wantErr: "leading or trailing spaces"},
		{name: "plan unsupported", spec: provider.CreateSpec{Name: "acme", Plan: "TEAM"}, wantErr: "--plan is not supported by provider vertra"},
		{name: "admin email unsupported", spec: provider.CreateSpec{Name: "acme", AdminEmails: []string{"a@b.io"}}, wantErr: "--admin-email is not supported by provider vertra"},
		{name: "website unsupported", spec: provider.CreateSpec{Name: "acme", WebsiteURL: "https://a.io"}, wantErr: "--website-url is not supported by provider vertra"},
		{name: "blank tag", spec: provider.CreateSpec{Name: "acme", Tags: []string{"ci", " "}}, wantErr: `--tag " " is not a valid tag`},
		{name: "200-character description", spec: provider.CreateSpec{Name: "acme", Description: strings.Repeat("é", 200)}},
		{name: "300-character description", spec: provider.CreateSpec{Name: "acme", Description: strings.Repeat("d", 300)}, wantErr: "--description is 300 characters long; the maximum is 200"},
		{name: "20-character tag", spec: provider.CreateSpec{Name: "acme", Tags: []string{strings.Repeat("t", 20)}}},
		{name: "21-character tag", spec: provider.CreateSpec{Name: "acme", Tags: []string{strings.Repeat("t", 21)}}, wantErr: "is 21 characters long; the maximum is 20"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := tt.spec
			_, err := Validate(&spec)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestValidateDropsRepeatedTags(t *testing.T) {
	spec := provider.CreateSpec{Name: "acme", Tags: []string{"ci", "prod", "ci"}}
	if _, err := Validate(&spec); err != nil {
		t.Fatal(err)
	}
	if want := []string{"ci", "prod"}; !reflect.DeepEqual(spec.Tags, want) {
		t.Errorf("tags = %q, want %q", spec.Tags, want)
	}
}

const created = `{"status":"success","response":{"id":"org123","name":"acme","description":"Acme","tags":["ci","prod"],
"owner_id":"993591427428790342","members":[{"user_id":"993591427428790342","role":"owner","joined_at":"2025-08-14T19:58:00Z"}],
"created_at":"2025-08-14T19:58:00Z","updated_at":"2025-08-14T19:58:01Z"}}`

func newProvider(srv *testhttp.Server) *Provider {
	return New(&api.Client{Provider: "vertra", HTTP: srv.Client(), BaseURL: srv.URL, Authorization: AuthHeader("vtk_secret"), UserAgent: "orgctl/test"}, APIOrganizations)
}

func TestCreateSendsDocumentedRequest(t *testing.T) {
	srv := testhttp.New(t, http.StatusOK, created)
	org, err := newProvider(srv).Create(context.Background(), provider.CreateSpec{Name: "acme", Description: "Acme", Tags: []string{"ci", "prod"}})
	if err != nil {
		t.Fatal(err)
	}
	req := srv.Only(t)
	if req.Method != "POST" || req.Path != "/v1/organizations" {
		t.Errorf("request = %s %s, want POST /v1/organizations", req.Method, req.Path)
	}
	for k, want := range map[string]string{
		"Authorization": "Bearer vtk_secret", "Content-Type": "application/json",
		"Accept": "application/json", "User-Agent": "orgctl/test",
	} {
		if got := req.Header.Get(k); got != want {
			t.Errorf("header %s = %q, want %q", k, got, want)
		}
	}
	if want := `{"name":"acme","description":"Acme","tags":["ci","prod"]}`; req.Body != want {
		t.Errorf("body = %s\nwant   %s", req.Body, want)
	}
	desc := "Acme"
	want := &provider.Organization{
		Provider: "vertra", ID: "org123", Name: "acme", Description: &desc, Tags: []string{"ci", "prod"},
		Owner:     "993591427428790342",
		Members:   []provider.Member{{UserID: "993591427428790342", Role: "owner", JoinedAt: "2025-08-14T19:58:00Z"}},
		CreatedAt: "2025-08-14T19:58:00Z", UpdatedAt: "2025-08-14T19:58:01Z",
	}
	if !reflect.DeepEqual(org, want) {
		got, _ := json.Marshal(org)
		exp, _ := json.Marshal(want)
		t.Errorf("org = %s\nwant  %s", got, exp)
	}
}

func TestCreateOmitsDefaults(t *testing.T) {
	srv := testhttp.New(t, http.StatusOK, created)
	if _, err := newProvider(srv).Create(context.Background(), provider.CreateSpec{Name: "acme"}); err != nil {
		t.Fatal(err)
	}
	if got := srv.Only(t).Body; got != `{"name":"acme"}` {
		t.Errorf("body = %s: optional fields must be left to the API's defaults", got)
	}
}

func TestCreateAcceptsEnvelopeWithoutStatus(t *testing.T) {
	srv := testhttp.New(t, http.StatusCreated, `{"response":{"id":"ws1","name":"acme","owner_id":"1"}}`)
	org, err := newProvider(srv).Create(context.Background(), provider.CreateSpec{Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	if org.ID != "ws1" || org.Owner != "1" || org.Tags == nil || org.Members == nil {
		t.Errorf("org = %+v", org)
	}
}

func TestCreateErrorsMapByCodeFirst(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		kind    provider.Kind
		code    string
		wantMsg string
		may     bool
	}{
		{"unauthorized is 403", 403, `{"status":"error","code":"UNAUTHORIZED"}`, provider.KindAuth, "UNAUTHORIZED",
			"vertra: HTTP 403 UNAUTHORIZED: the VertraCloud token was rejected", false},
		{"plan restricted is 403 too", 403, `{"status":"error","code":"PLAN_RESTRICTED_FEATURE"}`, provider.KindPlan, "PLAN_RESTRICTED_FEATURE",
			"vertra: HTTP 403 PLAN_RESTRICTED_FEATURE: your VertraCloud plan does not allow this", false},
		{"name taken is 400", 400, `{"status":"error","code":"ORGANIZATION_NAME_ALREADY_EXISTS"}`, provider.KindConflict, "ORGANIZATION_NAME_ALREADY_EXISTS",
			`vertra: HTTP 400 ORGANIZATION_NAME_ALREADY_EXISTS: an organization named "acme" already exists`, false},
		{"message is kept", 400, `{"code":"ORGANIZATION_NAME_ALREADY_EXISTS","message":"Name in use"}`, provider.KindConflict, "ORGANIZATION_NAME_ALREADY_EXISTS",
			`already exists (Name in use)`, false},
		{"unknown code falls back to status", 400, `{"status":"error","code":"SOMETHING_NEW","message":"bad"}`, provider.KindInvalid, "SOMETHING_NEW",
			"vertra: HTTP 400 SOMETHING_NEW: bad", false},
		{"unknown code on 5xx", 503, `{"status":"error","code":"MAINTENANCE"}`, provider.KindServer, "MAINTENANCE",
			"HTTP 503 MAINTENANCE; the request was sent, so the organization may have been created: check with `orgctl get acme --provider vertra` before retrying", true},
		{"a documented code says what happened", 500, `{"status":"error","code":"RATE_LIMIT_EXCEEDED"}`, provider.KindServer, "RATE_LIMIT_EXCEEDED",
			"vertra: HTTP 500 RATE_LIMIT_EXCEEDED: rate limited by VertraCloud", false},
		{"name taken on a 500 is still a conflict", 500, `{"status":"error","code":"ORGANIZATION_NAME_ALREADY_EXISTS"}`, provider.KindConflict, "ORGANIZATION_NAME_ALREADY_EXISTS",
			`vertra: HTTP 500 ORGANIZATION_NAME_ALREADY_EXISTS: an organization named "acme" already exists`, false},
		{"200 that says error", 200, `{"status":"error","code":"WHATEVER"}`, provider.KindServer, "WHATEVER", "HTTP 200 WHATEVER", false},
		{"200 with code UNAUTHORIZED", 200, `{"status":"error","code":"UNAUTHORIZED"}`, provider.KindAuth, "UNAUTHORIZED", "token was rejected", false},
		{"html 502", 502, `<html>Bad Gateway</html>`, provider.KindServer, "",
			"vertra: HTTP 502: non-JSON body: <html>Bad Gateway</html>; the request was sent, so the organization may have been created: check with `orgctl get acme --provider vertra` before retrying", true},
		{"504 empty", 504, ``, provider.KindServer, "", "; the request was sent, so the organization may have been created", true},
		{"html 404", 404, `<html>Not Found</html>`, provider.KindServer, "", "HTTP 404: the API has no such endpoint: check the base URL (non-JSON body: <html>Not Found</html>)", false},
		{"201 empty", 201, ``, provider.KindServer, "", "unreadable response (no organization in the response): empty body; the organization was probably created", true},
		{"success without response", 200, `{"status":"success"}`, provider.KindServer, "", "unreadable response (no organization in the response)", true},
		{"an id of the wrong type", 200, `{"status":"success","response":{"id":7}}`, provider.KindServer, "", "unreadable response (an organization's id or name is not a string)", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := testhttp.New(t, tt.status, tt.body)
			_, err := newProvider(srv).Create(context.Background(), provider.CreateSpec{Name: "acme"})
			var perr *provider.Error
			if !errors.As(err, &perr) {
				t.Fatalf("err = %v (%T), want *provider.Error", err, err)
			}
			if perr.Kind != tt.kind || perr.Code != tt.code || perr.MayHaveSucceeded != tt.may {
				t.Errorf("kind/code/may = %v/%q/%v, want %v/%q/%v", perr.Kind, perr.Code, perr.MayHaveSucceeded, tt.kind, tt.code, tt.may)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("message = %q\nwant it to contain %q", err.Error(), tt.wantMsg)
			}
		})
	}
}

func TestRetryHint(t *testing.T) {
	tests := []struct {
		body string
		want time.Duration
		ok   bool
	}{
		{`{"code":"RATE_LIMIT_EXCEEDED","details":{"retry_after":12}}`, 12 * time.Second, true},
		{`{"code":"DAILY_QUOTA_EXCEEDED","details":{"retry_after":0.5}}`, 500 * time.Millisecond, true},
		{`{"code":"RATE_LIMIT_EXCEEDED"}`, 0, false},
		{`{"details":{"retry_after":-3}}`, 0, false},
		{`{"details":{"retry_after":"12"}}`, 0, false},
		{`<html>`, 0, false},
	}
	for _, tt := range tests {
		if got, ok := RetryHint([]byte(tt.body)); got != tt.want || ok != tt.ok {
			t.Errorf("RetryHint(%s) = %s, %v; want %s, %v", tt.body, got, ok, tt.want, tt.ok)
		}
	}
}
