package vertra

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/api"
	"github.com/orgctl/orgctl/pkg/internal/testhttp"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/provider/providertest"
)

// testdata/organizations-get.json is the response example of
// vertracloud/docs api-reference/endpoint/organizations/get.mdx at f991f03.
func TestGetDecodesPlanApplicationsAndDatabases(t *testing.T) {
	body, err := os.ReadFile("testdata/organizations-get.json")
	if err != nil {
		t.Fatal(err)
	}
	p, srv := scripted(t, APIOrganizations, map[string]providertest.Answer{"GET /v1/organizations/org123": {Status: 200, Body: string(body)}})
	org, err := p.Get(context.Background(), "org123")
	if err != nil {
		t.Fatal(err)
	}
	if srv.Sent() != "GET /v1/organizations/org123" {
		t.Errorf("sent %s", srv.Sent())
	}
	if org.OwnerPlanID == nil || *org.OwnerPlanID != 1 {
		t.Errorf("owner_plan_id = %v", org.OwnerPlanID)
	}
	wantApps := []provider.Resource{{ID: "v111d4af8cd74272a284831fbae14a8v", Name: "Simple API", Status: "up"}}
	wantDBs := []provider.Resource{{ID: "639d9aa35d8b4e559bcd066db4ddcc8c", Name: "MyDatabase", Status: "up"}}
	if !reflect.DeepEqual(org.Applications, wantApps) || !reflect.DeepEqual(org.Databases, wantDBs) {
		t.Errorf("applications %+v databases %+v", org.Applications, org.Databases)
	}
	if len(org.Members) != 1 || org.Members[0].Role != "owner" || org.Members[0].DisplayName != nil {
		t.Errorf("members %+v", org.Members)
	}
	if org.Roles != nil || org.IsOwner != nil || org.Frozen != nil {
		t.Errorf("the organizations API has no roles, is_owner, frozen: %+v", org)
	}
}

func TestListUsesTheGetallPath(t *testing.T) {
	body, _ := os.ReadFile("testdata/organizations-get.json")
	var one struct{ Response json.RawMessage }
	if err := json.Unmarshal(body, &one); err != nil {
		t.Fatal(err)
	}
	list := `{"status":"success","response":[` + string(one.Response) + `]}`
	p, srv := scripted(t, APIAuto, map[string]providertest.Answer{"GET /v1/organizations/all/@me": {Status: 200, Body: list}})
	orgs, err := provider.Collect(context.Background(), p)
	if err != nil || len(orgs) != 1 || orgs[0].ID != "org123" || orgs[0].OwnerPlanID == nil {
		t.Fatalf("orgs %+v err %v", orgs, err)
	}
	if srv.Sent() != "GET /v1/organizations/all/@me" {
		t.Errorf("sent %s", srv.Sent())
	}
}

func TestWorkspaceInfoIsDecodedWhole(t *testing.T) {
	org, err := decodeOne(&api.Response{Status: 201, Body: []byte(workspaceInfo)}, APIWorkspaces, "acme")
	if err != nil {
		t.Fatal(err)
	}
	alice, email := "Alice", "alice@acme.io"
	wantMembers := []provider.Member{{UserID: "42", Role: "Admin", DisplayName: &alice, Email: &email, JoinedAt: "2026-09-01T12:00:00Z"}}
	if !reflect.DeepEqual(org.Members, wantMembers) {
		t.Errorf("members %+v", org.Members)
	}
	if len(org.Roles) != 4 || org.Roles[0].Name != "Admin" || *org.Roles[0].Preset != "admin" || org.Roles[0].MembersCount != 1 ||
		!reflect.DeepEqual(org.Roles[3].Permissions, []string{"apps:read"}) {
		t.Errorf("roles %+v", org.Roles)
	}
	if *org.OwnerPlanID != 5 || !*org.IsOwner || *org.Frozen || org.Tags != nil || org.Applications == nil || len(org.Applications) != 0 {
		t.Errorf("org %+v", org)
	}
	// A list item (APIWorkspace) has no members: null, not [].
	list := `{"response":[{"id":"ws1","name":"acme","description":null,"owner_id":"42","owner":{"display_name":"Alice"},"members_count":1,"deleted_at":null,"frozen":true,"created_at":"x","updated_at":"x"}]}`
	srv := testhttp.New(t, 200, list)
	orgs, err := provider.Collect(context.Background(), New(&api.Client{Provider: "vertra", HTTP: srv.Client(), BaseURL: srv.URL}, APIWorkspaces))
	if err != nil || len(orgs) != 1 || orgs[0].Members != nil || orgs[0].Frozen == nil || !*orgs[0].Frozen {
		t.Errorf("list %+v err %v", orgs, err)
	}
}

func TestAResponseOfTheWrongShapeIsUnreadableButItsCodeStillDecides(t *testing.T) {
	_, err := decodeOne(&api.Response{Status: 200, Body: []byte(`{"status":"success","response":{"id":"x","tags":[1]}}`)}, APIOrganizations, "acme")
	var perr *provider.Error
	if !errors.As(err, &perr) || perr.Kind != provider.KindServer || !strings.Contains(perr.Message, "no organization in the response") {
		t.Errorf("err = %v", err)
	}
	_, err = decodeOne(&api.Response{Status: 400, Body: []byte(`{"status":"error","code":"ORGANIZATION_NAME_ALREADY_EXISTS","response":"x"}`)}, APIOrganizations, "acme")
	if !errors.As(err, &perr) || perr.Kind != provider.KindConflict {
		t.Errorf("err = %v", err)
	}
}

func TestResolveReadsAWorkspaceFoundByNameInFull(t *testing.T) {
	item := `{"id":"ws1","name":"acme","description":null,"owner_id":"42","owner":{"display_name":"Alice"},"members_count":1,"deleted_at":null,"frozen":false,"created_at":"x","updated_at":"x"}`
	p, srv := scripted(t, APIAuto, map[string]providertest.Answer{
		"GET /v1/workspaces/ACME": {Status: 404, Body: `{"code":"WORKSPACE_NOT_FOUND"}`},
		"GET /v1/workspaces":      {Status: 200, Body: `{"response":[` + item + `]}`},
		"GET /v1/workspaces/ws1":  {Status: 200, Body: workspaceInfo},
	})
	org, err := provider.Resolve(context.Background(), p, "ACME")
	if err != nil {
		t.Fatal(err)
	}
	if len(org.Members) != 1 || len(org.Roles) != 4 {
		t.Errorf("not the full workspace: %+v", org)
	}
	want := "GET /v1/organizations/ACME\nGET /v1/workspaces/ACME\nGET /v1/workspaces\nGET /v1/workspaces/ws1"
	if got := srv.Sent(); got != want {
		t.Errorf("sent\n%s\nwant\n%s", got, want)
	}
}
