package qovery

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/api"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/provider/providertest"
)

const orgID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"

func scripted(t *testing.T, answers map[string]providertest.Answer) (*Provider, *providertest.Script) {
	srv := providertest.NewScript(t, answers)
	return New(&api.Client{Provider: "qovery", HTTP: srv.Client(), BaseURL: srv.URL, Authorization: "Token x", UserAgent: "orgctl/test"}), srv
}

func ptr[T any](v T) *T { return &v }

func TestUpdateSendsCurrentValuesForWhatDoesNotChange(t *testing.T) {
	edited := strings.Replace(created, `"description":"Acme"`, `"description":"Acme Corp"`, 1)
	p, srv := scripted(t, map[string]providertest.Answer{
		"GET /organization/" + orgID: {Status: 200, Body: created},
		"PUT /organization/" + orgID: {Status: 200, Body: edited},
	})
	org, err := p.Update(context.Background(), orgID, provider.UpdateSpec{Description: ptr("Acme Corp")})
	if err != nil {
		t.Fatal(err)
	}
	if *org.Description != "Acme Corp" || org.ID != orgID {
		t.Errorf("org = %+v", org)
	}
	if got, want := srv.Sent(), "GET /organization/"+orgID+"\nPUT /organization/"+orgID; got != want {
		t.Fatalf("requests:\n%s\nwant\n%s", got, want)
	}
	put := srv.Requests()[1]
	// name and plan are required by OrganizationEditRequest; a PUT replaces,
	// so every unchanged field carries its current value.
	want := `{"name":"acme","plan":"TEAM_2025","description":"Acme Corp","website_url":"https://acme.io","repository":null,"logo_url":null,"icon_url":null,"admin_emails":["ops@acme.io"]}`
	if put.Body != want {
		t.Errorf("body\n%s\nwant\n%s", put.Body, want)
	}
	if put.Header.Get("Content-Type") != "application/json" || put.Header.Get("Authorization") != "Token x" {
		t.Errorf("headers %v", put.Header)
	}
}

func TestUpdateRenamesClearsAndChangesPlan(t *testing.T) {
	p, srv := scripted(t, map[string]providertest.Answer{
		"GET /organization/" + orgID: {Status: 200, Body: created},
		"PUT /organization/" + orgID: {Status: 200, Body: created},
	})
	_, err := p.Update(context.Background(), orgID, provider.UpdateSpec{
		NewName: ptr("acme-corp"), Plan: ptr("ENTERPRISE_2025"), WebsiteURL: ptr(""), LogoURL: ptr("https://acme.io/logo.png"),
		AdminEmails: &[]string{}, Description: ptr(""),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"name":"acme-corp","plan":"ENTERPRISE_2025","description":"","website_url":null,"repository":null,"logo_url":"https://acme.io/logo.png","icon_url":null,"admin_emails":[]}`
	if got := srv.Requests()[1].Body; got != want {
		t.Errorf("body\n%s\nwant\n%s", got, want)
	}
}

func TestUpdateLeavesANullDescriptionOut(t *testing.T) {
	bare := `{"id":"` + orgID + `","name":"acme","plan":"TEAM","description":null,"admin_emails":null,"created_at":"2023-11-07T05:31:56Z"}`
	p, srv := scripted(t, map[string]providertest.Answer{
		"GET /organization/" + orgID: {Status: 200, Body: bare},
		"PUT /organization/" + orgID: {Status: 200, Body: bare},
	})
	if _, err := p.Update(context.Background(), orgID, provider.UpdateSpec{NewName: ptr("b")}); err != nil {
		t.Fatal(err)
	}
	want := `{"name":"b","plan":"TEAM","website_url":null,"repository":null,"logo_url":null,"icon_url":null,"admin_emails":[]}`
	if got := srv.Requests()[1].Body; got != want {
		t.Errorf("body\n%s\nwant\n%s", got, want)
	}
}

func TestUpdateErrors(t *testing.T) {
	tests := []struct {
		name   string
		get    providertest.Answer
		put    providertest.Answer
		kind   provider.Kind
		sent   int
		inText string
	}{
		{"missing", providertest.Answer{Status: 404, Body: `{"status":404,"title":"Not Found"}`}, providertest.Answer{}, provider.KindNotFound, 1, "no such organization"},
		{"name taken", providertest.Answer{Status: 200, Body: created}, providertest.Answer{Status: 409, Body: `{"status":409,"detail":"name is already taken"}`}, provider.KindConflict, 2, `an organization named "taken" already exists`},
		{"invalid", providertest.Answer{Status: 200, Body: created}, providertest.Answer{Status: 400, Body: `{"status":400,"detail":"bad plan"}`}, provider.KindInvalid, 2, "bad plan"},
		{"not admin", providertest.Answer{Status: 200, Body: created}, providertest.Answer{Status: 403, Body: `{"status":403,"title":"Forbidden"}`}, provider.KindAuth, 2, "token was rejected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			answers := map[string]providertest.Answer{"GET /organization/" + orgID: tt.get}
			if tt.put.Status != 0 {
				answers["PUT /organization/"+orgID] = tt.put
			}
			p, srv := scripted(t, answers)
			_, err := p.Update(context.Background(), orgID, provider.UpdateSpec{NewName: ptr("taken")})
			var perr *provider.Error
			if !errors.As(err, &perr) || perr.Kind != tt.kind || !strings.Contains(perr.Message, tt.inText) {
				t.Fatalf("err = %#v", err)
			}
			if n := len(srv.Requests()); n != tt.sent {
				t.Errorf("%d requests, want %d", n, tt.sent)
			}
		})
	}
}

func TestUpdateDryRunReadsButSendsNoChange(t *testing.T) {
	srv := providertest.NewScript(t, map[string]providertest.Answer{"GET /organization/" + orgID: {Status: 200, Body: created}})
	p := New(&api.Client{Provider: "qovery", HTTP: srv.Client(), BaseURL: srv.URL, Authorization: "Token x", UserAgent: "orgctl/test", DryRun: true})
	_, err := p.Update(context.Background(), orgID, provider.UpdateSpec{Plan: ptr("TEAM")})
	var dry *api.DryRun
	if !errors.As(err, &dry) {
		t.Fatalf("err = %v", err)
	}
	if got := srv.Sent(); got != "GET /organization/"+orgID {
		t.Errorf("sent %q", got)
	}
	if dry.Request.Method != "PUT" || !strings.Contains(string(dry.Request.Body), `"plan":"TEAM"`) || dry.Request.Headers["Authorization"] != "Token ***" {
		t.Errorf("request = %+v", dry.Request)
	}
}

func TestResolveSendsOnlyUUIDsToGet(t *testing.T) {
	list := `{"results":[` + created + `]}`
	for _, tt := range []struct{ arg, sent string }{
		{"acme", "GET /organization"},         // a name goes straight to the list
		{"ACME", "GET /organization"},         // case-insensitively
		{orgID, "GET /organization/" + orgID}, // a uuid is an id
		{strings.ToUpper(orgID), "GET /organization/" + strings.ToUpper(orgID) + "\nGET /organization"}, // 404, then the list
	} {
		t.Run(tt.arg, func(t *testing.T) {
			p, srv := scripted(t, map[string]providertest.Answer{
				"GET /organization":          {Status: 200, Body: list},
				"GET /organization/" + orgID: {Status: 200, Body: created},
			})
			org, err := provider.Resolve(context.Background(), p, tt.arg)
			if tt.arg == strings.ToUpper(orgID) {
				var perr *provider.Error
				if !errors.As(err, &perr) || perr.Kind != provider.KindNotFound {
					t.Fatalf("err = %v", err)
				}
			} else if err != nil || org.ID != orgID {
				t.Fatalf("org %+v err %v", org, err)
			}
			if got := srv.Sent(); got != tt.sent {
				t.Errorf("sent\n%s\nwant\n%s", got, tt.sent)
			}
		})
	}
}

func TestIsUUID(t *testing.T) {
	for s, want := range map[string]bool{
		orgID: true, strings.ToUpper(orgID): true, "acme": false, "": false,
		"3c90c3cc0d444b5088888dd25736052a": false, "3c90c3cc-0d44-4b50-8888-8dd25736052g": false,
		"3c90c3cc-0d44-4b50-8888_8dd25736052a": false, "3c90c3cc-0d44-4b50-8888-8dd25736052a0": false,
	} {
		if got := IsUUID(s); got != want {
			t.Errorf("IsUUID(%q) = %v", s, got)
		}
	}
}

func TestValidateUpdate(t *testing.T) {
	tests := []struct {
		name    string
		spec    provider.UpdateSpec
		wantErr string
		warn    string
	}{
		{name: "plan upper-cased", spec: provider.UpdateSpec{Plan: ptr("team_2025")}},
		{name: "deprecated plan", spec: provider.UpdateSpec{Plan: ptr("free")}, warn: "plan FREE is deprecated"},
		{name: "bad plan", spec: provider.UpdateSpec{Plan: ptr("GOLD")}, wantErr: `--plan "GOLD" is not a Qovery plan`},
		{name: "empty plan", spec: provider.UpdateSpec{Plan: ptr("")}, wantErr: `--plan "" is not a Qovery plan`},
		{name: "blank new name", spec: provider.UpdateSpec{NewName: ptr(" ")}, wantErr: "--new-name is required and must not be blank"},
		{name: "clear url", spec: provider.UpdateSpec{WebsiteURL: ptr("")}},
		{name: "relative url", spec: provider.UpdateSpec{IconURL: ptr("acme.io")}, wantErr: `--icon-url "acme.io" must be an absolute`},
		{name: "bad email", spec: provider.UpdateSpec{AdminEmails: &[]string{"ops"}}, wantErr: `--admin-email "ops" is not a valid e-mail address`},
		{name: "tags unsupported, even to clear", spec: provider.UpdateSpec{Tags: &[]string{}}, wantErr: "--tag is not supported by provider qovery"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := tt.spec
			warnings, err := ValidateUpdate(&spec)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.warn != "" && (len(warnings) != 1 || !strings.Contains(warnings[0], tt.warn)) {
				t.Errorf("warnings = %q", warnings)
			}
			if spec.Plan != nil && *spec.Plan != strings.ToUpper(*spec.Plan) {
				t.Errorf("plan not normalized: %q", *spec.Plan)
			}
		})
	}
}
