package vertra

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/api"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/provider/providertest"
)

func scripted(t *testing.T, gen string, answers map[string]providertest.Answer) (*Provider, *providertest.Script) {
	srv := providertest.NewScript(t, answers)
	return New(&api.Client{Provider: "vertra", HTTP: srv.Client(), BaseURL: srv.URL, Authorization: AuthHeader("vtk_secret"), UserAgent: "orgctl/test"}, gen), srv
}

func ptr[T any](v T) *T { return &v }

func TestUpdateSendsOnlyWhatChanges(t *testing.T) {
	tests := []struct {
		name string
		spec provider.UpdateSpec
		body string
	}{
		{"description", provider.UpdateSpec{Description: ptr("Acme Corp")}, `{"description":"Acme Corp"}`},
		{"clear description", provider.UpdateSpec{Description: ptr("")}, `{"description":""}`},
		{"rename and tags", provider.UpdateSpec{NewName: ptr("acme-corp"), Tags: &[]string{"ci"}}, `{"name":"acme-corp","tags":["ci"]}`},
		{"clear tags", provider.UpdateSpec{Tags: &[]string{}}, `{"tags":[]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, srv := scripted(t, APIOrganizations, map[string]providertest.Answer{"PUT /v1/organizations/org123": {Status: 200, Body: created}})
			org, err := p.Update(context.Background(), "org123", tt.spec)
			if err != nil || org.ID != "org123" {
				t.Fatalf("org %+v err %v", org, err)
			}
			req := srv.Requests()
			if len(req) != 1 || req[0].Method != "PUT" || req[0].Path != "/v1/organizations/org123" || req[0].Body != tt.body {
				t.Fatalf("sent %+v, want PUT /v1/organizations/org123 %s", req, tt.body)
			}
			if req[0].Header.Get("Authorization") != "Bearer vtk_secret" || req[0].Header.Get("Content-Type") != "application/json" {
				t.Errorf("headers %v", req[0].Header)
			}
		})
	}
}

func TestUpdateFallsBackToPatchOn405(t *testing.T) {
	p, srv := scripted(t, APIAuto, map[string]providertest.Answer{
		"PUT /v1/organizations/org123":   {Status: 405, Body: `{"status":"error","code":"METHOD_NOT_ALLOWED"}`},
		"PATCH /v1/organizations/org123": {Status: 200, Body: created},
	})
	if _, err := p.Update(context.Background(), "org123", provider.UpdateSpec{Tags: &[]string{"x"}}); err != nil {
		t.Fatal(err)
	}
	want := "PUT /v1/organizations/org123\nPATCH /v1/organizations/org123"
	if got := srv.Sent(); got != want {
		t.Errorf("sent\n%s\nwant\n%s", got, want)
	}
	if b := srv.Requests()[1].Body; b != `{"tags":["x"]}` {
		t.Errorf("PATCH body %s", b)
	}
}

func TestUpdateWorkspace(t *testing.T) {
	ws := `{"response":{"id":"ws1","name":"acme","description":"new","owner_id":"42","owner":{"display_name":"Alice"},"members_count":1,"deleted_at":null,"frozen":false,"created_at":"2026-09-01T12:00:00Z","updated_at":"2026-09-01T12:00:01Z"}}`
	p, srv := scripted(t, APIWorkspaces, map[string]providertest.Answer{"PUT /v1/workspaces/ws1": {Status: 200, Body: ws}})
	org, err := p.Update(context.Background(), "ws1", provider.UpdateSpec{Description: ptr("new")})
	if err != nil || org.ID != "ws1" || *org.Description != "new" {
		t.Fatalf("org %+v err %v", org, err)
	}
	if r := srv.Requests(); len(r) != 1 || r[0].Method != "PUT" || r[0].Body != `{"description":"new"}` {
		t.Errorf("sent %+v", r)
	}
}

func TestUpdateWorkspaceRefusesTagsBeforeSending(t *testing.T) {
	for _, gen := range []string{APIWorkspaces, APIAuto} {
		t.Run(gen, func(t *testing.T) {
			// In auto mode the organizations route answers 404 without a code:
			// the API serves workspaces, and the tags must not be dropped.
			p, srv := scripted(t, gen, nil)
			_, err := p.Update(context.Background(), "ws1", provider.UpdateSpec{Tags: &[]string{"ci"}})
			var perr *provider.Error
			if !errors.As(err, &perr) || perr.Kind != provider.KindInvalid || !strings.Contains(perr.Message, "nothing was changed") {
				t.Fatalf("err = %v", err)
			}
			for _, r := range srv.Requests() {
				if strings.HasPrefix(r.Path, "/v1/workspaces") {
					t.Errorf("sent %s %s", r.Method, r.Path)
				}
			}
		})
	}
}

func TestUpdateErrorCodes(t *testing.T) {
	tests := []struct {
		code   string
		status int
		kind   provider.Kind
		text   string
	}{
		{"NAME_TOO_LONG", 400, provider.KindInvalid, "50 characters"},
		{"DESCRIPTION_TOO_LONG", 400, provider.KindInvalid, "200 characters"},
		{"TAG_TOO_LONG", 400, provider.KindInvalid, "20 characters"},
		{"ORGANIZATION_NAME_ALREADY_EXISTS", 400, provider.KindConflict, `an organization named "taken" already exists`},
		{"ORGANIZATION_NOT_FOUND", 404, provider.KindNotFound, "no such organization"},
		{"UNAUTHORIZED", 403, provider.KindAuth, "token was rejected"},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			p, _ := scripted(t, APIOrganizations, map[string]providertest.Answer{
				"PUT /v1/organizations/org123": {Status: tt.status, Body: `{"status":"error","code":"` + tt.code + `"}`},
			})
			_, err := p.Update(context.Background(), "org123", provider.UpdateSpec{NewName: ptr("taken")})
			var perr *provider.Error
			if !errors.As(err, &perr) || perr.Kind != tt.kind || perr.Code != tt.code || !strings.Contains(perr.Message, tt.text) {
				t.Fatalf("err = %#v", err)
			}
		})
	}
}

func TestValidateUpdate(t *testing.T) {
	tests := []struct {
		name    string
		spec    provider.UpdateSpec
		wantErr string
	}{
		{name: "limits", spec: provider.UpdateSpec{NewName: ptr(strings.Repeat("é", 50)), Description: ptr(strings.Repeat("d", 200)), Tags: &[]string{strings.Repeat("t", 20)}}},
		{name: "clear", spec: provider.UpdateSpec{Description: ptr(""), Tags: &[]string{}}},
		{name: "long name", spec: provider.UpdateSpec{NewName: ptr(strings.Repeat("a", 51))}, wantErr: "--new-name is 51 characters long; the maximum is 50"},
		{name: "long description", spec: provider.UpdateSpec{Description: ptr(strings.Repeat("é", 201))}, wantErr: "--description is 201 characters long; the maximum is 200"},
		{name: "long tag", spec: provider.UpdateSpec{Tags: &[]string{"ok", strings.Repeat("t", 21)}}, wantErr: `--tag "ttttttttttttttttttttt" is 21 characters long; the maximum is 20`},
		{name: "plan unsupported", spec: provider.UpdateSpec{Plan: ptr("TEAM")}, wantErr: "--plan is not supported by provider vertra"},
		{name: "clearing a url is still unsupported", spec: provider.UpdateSpec{WebsiteURL: ptr("")}, wantErr: "--website-url is not supported by provider vertra"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := tt.spec
			_, err := ValidateUpdate(&spec)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr && !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}
