package update_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/cmd/root"
	"github.com/orgctl/orgctl/pkg/cmd/update"
	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/internal/testenv"
	"github.com/orgctl/orgctl/pkg/iostreams"
	"github.com/orgctl/orgctl/pkg/provider/providertest"
)

const (
	qoveryToken = "qov_s3cr3t_api_token"
	vertraToken = "vtk_s3cr3t_api_token"
	qoveryID    = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
	qoveryOrg   = `{"id":"` + qoveryID + `","created_at":"2023-11-07T05:31:56Z","name":"acme","plan":"TEAM_2025","description":"Acme","website_url":"https://acme.io","admin_emails":["ops@acme.io"]}`
	vertraOrg   = `{"status":"success","response":{"id":"org123","name":"acme","description":"Acme","tags":["ci"],"owner_id":"42","members":[{"user_id":"42","role":"owner","joined_at":"2025-08-14T19:58:00Z"}],"created_at":"2025-08-14T19:58:00Z","updated_at":"2025-08-14T19:58:00Z"}}`
)

type result struct {
	code        int
	out, errOut string
}

func run(t *testing.T, args ...string) result {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	code := root.Run(context.Background(), ios, args)
	r := result{code, out.String(), errOut.String()}
	if strings.Contains(r.out+r.errOut, qoveryToken) || strings.Contains(r.out+r.errOut, vertraToken) {
		t.Fatalf("a token leaked into the output:\nstdout: %s\nstderr: %s", r.out, r.errOut)
	}
	return r
}

// serve starts a scripted API and points both providers at it.
func serve(t *testing.T, answers map[string]providertest.Answer) *providertest.Script {
	testenv.Isolate(t)
	srv := providertest.NewScript(t, answers)
	t.Setenv("ORGCTL_QOVERY_URL", srv.URL)
	t.Setenv("ORGCTL_VERTRA_URL", srv.URL)
	t.Setenv("ORGCTL_QOVERY_TOKEN", qoveryToken)
	t.Setenv("ORGCTL_VERTRA_TOKEN", vertraToken)
	return srv
}

func TestFlagsParse(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	var got *update.UpdateOptions
	cmd := update.NewCmdUpdate(cmdutil.New(ios), func(o *update.UpdateOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"acme", "--description", "", "--tag", "", "--admin-email", "a@x.io,b@x.io", "--new-name", "acme2", "--dry-run"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	s := got.Spec
	if got.IDOrName != "acme" || !got.DryRun || *s.Description != "" || *s.NewName != "acme2" {
		t.Errorf("options = %+v", got)
	}
	if s.Tags == nil || len(*s.Tags) != 0 {
		t.Errorf("--tag '' must clear the tags, got %v", s.Tags)
	}
	if !reflect.DeepEqual(*s.AdminEmails, []string{"a@x.io", "b@x.io"}) {
		t.Errorf("emails = %v", *s.AdminEmails)
	}
	if s.Plan != nil || s.WebsiteURL != nil || s.Repository != nil || s.LogoURL != nil || s.IconURL != nil {
		t.Errorf("flags not given must stay nil (unchanged): %+v", s)
	}
}

func TestUpdateVertra(t *testing.T) {
	srv := serve(t, map[string]providertest.Answer{
		"GET /v1/organizations/org123": {Status: 200, Body: vertraOrg},
		"PUT /v1/organizations/org123": {Status: 200, Body: strings.Replace(vertraOrg, `"Acme"`, `"Acme Corp"`, 1)},
	})
	r := run(t, "update", "org123", "--provider", "vertra", "--vertra-api", "organizations", "--description", "Acme Corp", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.errOut)
	}
	if got, want := srv.Sent(), "GET /v1/organizations/org123\nPUT /v1/organizations/org123"; got != want {
		t.Fatalf("sent\n%s\nwant\n%s", got, want)
	}
	if b := srv.Requests()[1].Body; b != `{"description":"Acme Corp"}` {
		t.Errorf("body %s", b)
	}
	if !strings.Contains(r.out, `"description": "Acme Corp"`) || !strings.Contains(r.errOut, "Updated organization acme (id org123) on VertraCloud: description.") {
		t.Errorf("stdout %s\nstderr %s", r.out, r.errOut)
	}
}

func TestUpdateQoveryByNameDryRun(t *testing.T) {
	srv := serve(t, map[string]providertest.Answer{
		"GET /organization":             {Status: 200, Body: `{"results":[` + qoveryOrg + `]}`},
		"GET /organization/" + qoveryID: {Status: 200, Body: qoveryOrg},
	})
	r := run(t, "update", "ACME", "--provider", "qovery", "--plan", "enterprise_2025", "--website-url", "", "--dry-run")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.errOut)
	}
	// A name is not a uuid: straight to the list, then the current values.
	if got, want := srv.Sent(), "GET /organization\nGET /organization/"+qoveryID; got != want {
		t.Fatalf("sent\n%s\nwant\n%s", got, want)
	}
	if !strings.HasPrefix(r.out, "PUT "+srv.URL+"/organization/"+qoveryID+"\n") || !strings.Contains(r.out, "Authorization: Token ***") ||
		!strings.Contains(r.out, `"plan": "ENTERPRISE_2025"`) || !strings.Contains(r.out, `"website_url": null`) || !strings.Contains(r.out, `"description": "Acme"`) {
		t.Errorf("stdout:\n%s", r.out)
	}
	if !strings.Contains(r.errOut, "Dry run: nothing was changed on Qovery acme (id "+qoveryID+").") {
		t.Errorf("stderr %q", r.errOut)
	}
}

func TestUpdateFailures(t *testing.T) {
	conflict := map[string]providertest.Answer{
		"GET /v1/organizations/org123": {Status: 200, Body: vertraOrg},
		"PUT /v1/organizations/org123": {Status: 400, Body: `{"status":"error","code":"ORGANIZATION_NAME_ALREADY_EXISTS"}`},
	}
	tests := []struct {
		name    string
		answers map[string]providertest.Answer
		args    []string
		code    int
		errOut  string
		sent    string
	}{
		{"nothing to update", nil, []string{"org123", "--provider", "vertra"}, 2,
			"error: nothing to update: give at least one of --new-name, --description, --plan, --tag, --admin-email, --website-url, --repository, --logo-url, --icon-url\n", ""},
		{"flag the provider does not take", nil, []string{"org123", "--provider", "vertra", "--plan", "TEAM"}, 2,
			"error: --plan is not supported by provider vertra\n", ""},
		{"description over the limit", nil, []string{"org123", "--provider", "vertra", "--description", strings.Repeat("d", 300)}, 2,
			"error: --description is 300 characters long; the maximum is 200\n", ""},
		{"tags on qovery", nil, []string{qoveryID, "--provider", "qovery", "--tag", "x"}, 2,
			"error: --tag is not supported by provider qovery\n", ""},
		{"name taken", conflict, []string{"org123", "--provider", "vertra", "--vertra-api", "organizations", "--new-name", "taken"}, 4,
			"error: vertra: HTTP 400 ORGANIZATION_NAME_ALREADY_EXISTS: an organization named \"taken\" already exists\n", "GET /v1/organizations/org123\nPUT /v1/organizations/org123"},
		{"missing", map[string]providertest.Answer{"GET /organization": {Status: 200, Body: `{"results":[]}`}}, []string{"gone", "--provider", "qovery", "--description", "x"}, 7,
			"error: qovery: no organization named \"gone\" is visible to this token\n", "GET /organization"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.answers)
			r := run(t, append([]string{"update"}, tt.args...)...)
			if r.code != tt.code || r.errOut != tt.errOut {
				t.Errorf("exit %d, stderr %q; want %d, %q", r.code, r.errOut, tt.code, tt.errOut)
			}
			if got := srv.Sent(); got != tt.sent {
				t.Errorf("sent\n%s\nwant\n%s", got, tt.sent)
			}
		})
	}
}

func TestUpdateWithoutTokenSendsNothing(t *testing.T) {
	srv := serve(t, nil)
	t.Setenv("ORGCTL_VERTRA_TOKEN", "")
	r := run(t, "update", "org123", "--provider", "vertra", "--description", "x", "--dry-run")
	if r.code != 3 || !strings.Contains(r.errOut, "no VertraCloud token") {
		t.Errorf("exit %d stderr %q", r.code, r.errOut)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("sent %d requests", n)
	}
}

// TestUpdatedLineIsSanitised: the name the API answers reaches the
// "Updated …" line escaped, never raw.
func TestUpdatedLineIsSanitised(t *testing.T) {
	hostile := strings.Replace(vertraOrg, `"name":"acme"`, `"name":"acme\u001b[2J\u202eevil\u0007"`, 1)
	serve(t, map[string]providertest.Answer{
		"GET /v1/organizations/org123": {Status: 200, Body: hostile},
		"PUT /v1/organizations/org123": {Status: 200, Body: hostile},
	})
	r := run(t, "update", "org123", "--provider", "vertra", "--vertra-api", "organizations", "--description", "Acme Corp")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.errOut)
	}
	if strings.ContainsAny(r.errOut+r.out, "\x1b\x07\u202e") {
		t.Errorf("a server string reaches the terminal raw:\nstdout %q\nstderr %q", r.out, r.errOut)
	}
	if !strings.Contains(r.errOut, `Updated organization acme\x1b[2J\u202eevil\x07 (id org123)`) {
		t.Errorf("stderr %q", r.errOut)
	}
}
