package create_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/cmd/create"
	"github.com/orgctl/orgctl/pkg/cmd/root"
	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/internal/testenv"
	"github.com/orgctl/orgctl/pkg/internal/testhttp"
	"github.com/orgctl/orgctl/pkg/iostreams"
)

const (
	qoveryToken = "qov_s3cr3t_api_token"
	vertraToken = "vtk_s3cr3t_api_token"
	qoveryOK    = `{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","created_at":"2023-11-07T05:31:56Z","updated_at":"2023-11-07T05:31:56Z","name":"acme","plan":"TEAM_2025","description":null,"owner":"owner-uuid","billing_deployment_restriction":null,"organization_plan":{"plan":"TEAM_2025","audit_logs_retention_in_days":30}}`
	vertraOK    = `{"status":"success","response":{"id":"org123","name":"acme","description":"Acme","tags":["ci","prod"],"owner_id":"42","members":[{"user_id":"42","role":"owner","joined_at":"2025-08-14T19:58:00Z"}],"created_at":"2025-08-14T19:58:00Z","updated_at":"2025-08-14T19:58:00Z"}}`
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
	for _, secret := range []string{qoveryToken, vertraToken} {
		if strings.Contains(r.out+r.errOut, secret) {
			t.Fatalf("a token leaked into the output:\nstdout: %s\nstderr: %s", r.out, r.errOut)
		}
	}
	return r
}

func TestFlagsParse(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	f := cmdutil.New(ios)
	var got *create.CreateOptions
	cmd := create.NewCmdCreate(f, func(o *create.CreateOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--name", "acme", "--tag", "ci,prod", "--tag", "x", "--admin-email", "a@x.io,b@x.io",
		"--admin-email", "c@x.io", "--plan", "team", "--dry-run", "--token", "t0k"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Spec.Tags, []string{"ci", "prod", "x"}) || !reflect.DeepEqual(got.Spec.AdminEmails, []string{"a@x.io", "b@x.io", "c@x.io"}) {
		t.Errorf("tags=%q emails=%q", got.Spec.Tags, got.Spec.AdminEmails)
	}
	if got.Spec.Name != "acme" || got.Spec.Plan != "team" || !got.DryRun || got.Token != "t0k" {
		t.Errorf("options = %+v", got)
	}
	if !strings.Contains(errOut.String(), "warning: a token given with --token is visible in the process list") {
		t.Errorf("stderr = %q", errOut.String())
	}
}

func TestCreateQoveryFromEnvironment(t *testing.T) {
	testenv.Isolate(t)
	srv := testhttp.New(t, 201, qoveryOK)
	t.Setenv("ORGCTL_QOVERY_URL", srv.URL)
	t.Setenv("QOVERY_CLI_ACCESS_TOKEN", qoveryToken)
	r := run(t, "create", "--provider", "qovery", "--name", "acme", "--plan", "team_2025", "--admin-email", "ops@acme.io", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %s", r.code, r.errOut)
	}
	req := srv.Only(t)
	if req.Method != "POST" || req.Path != "/organization" || req.Header.Get("Authorization") != "Token "+qoveryToken {
		t.Errorf("request %s %s auth %q", req.Method, req.Path, req.Header.Get("Authorization"))
	}
	if want := `{"name":"acme","plan":"TEAM_2025","admin_emails":["ops@acme.io"]}`; req.Body != want {
		t.Errorf("body = %s, want %s", req.Body, want)
	}
	var org map[string]any
	if err := json.Unmarshal([]byte(r.out), &org); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r.out)
	}
	if org["id"] != "3c90c3cc-0d44-4b50-8888-8dd25736052a" || org["provider"] != "qovery" || org["plan"] != "TEAM_2025" {
		t.Errorf("org = %v", org)
	}
	if r.errOut != "" {
		t.Errorf("stderr = %q, want nothing", r.errOut)
	}
}

func TestCreateVertraWithConfigFile(t *testing.T) {
	testenv.Isolate(t)
	srv := testhttp.New(t, 200, vertraOK)
	cfg := filepath.Join(t.TempDir(), "orgctl.yaml")
	content := "provider: vertracloud\noutput: yaml\nvertra:\n  token: " + vertraToken + "\n  url: " + srv.URL + "\n"
	if err := os.WriteFile(cfg, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, "create", "--config", cfg, "--name", "acme", "--description", "Acme", "--tag", "ci,prod")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %s", r.code, r.errOut)
	}
	req := srv.Only(t)
	if req.Path != "/v1/organizations" || req.Header.Get("Authorization") != "Bearer "+vertraToken {
		t.Errorf("request %s auth %q", req.Path, req.Header.Get("Authorization"))
	}
	if want := `{"name":"acme","description":"Acme","tags":["ci","prod"]}`; req.Body != want {
		t.Errorf("body = %s", req.Body)
	}
	if !strings.HasPrefix(r.out, "provider: vertra\nid: org123\nname: acme\n") {
		t.Errorf("stdout = %s", r.out)
	}
}

func TestPlanFromConfigAndFlagPrecedence(t *testing.T) {
	testenv.Isolate(t)
	srv := testhttp.New(t, 201, qoveryOK)
	cfg := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(cfg, []byte("provider: vertra\nqovery:\n  plan: enterprise_2025\n  token: from-file\n  url: "+srv.URL+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ORGCTL_CONFIG", cfg)
	t.Setenv("ORGCTL_PROVIDER", "qovery") // env beats the file's vertra
	t.Setenv("ORGCTL_QOVERY_TOKEN", qoveryToken)
	r := run(t, "create", "--name", "acme")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %s", r.code, r.errOut)
	}
	req := srv.Only(t)
	if req.Body != `{"name":"acme","plan":"ENTERPRISE_2025"}` || req.Header.Get("Authorization") != "Token "+qoveryToken {
		t.Errorf("body %s auth %q", req.Body, req.Header.Get("Authorization"))
	}
}

func TestUsageErrorsSendNothing(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no name", []string{"--provider", "qovery", "--plan", "TEAM"}, "error: --name is required and must not be blank\n"},
		{"no provider", []string{"--name", "acme"}, "error: no provider given: use --provider qovery|vertra (or set ORGCTL_PROVIDER)\n"},
		{"unknown provider", []string{"--provider", "aws", "--name", "acme"}, `error: unknown provider "aws": valid values are qovery, vertra, vertracloud` + "\n"},
		{"no plan", []string{"--provider", "qovery", "--name", "acme"}, "error: --plan is required for qovery (or set qovery.plan in the config file): one of FREE, TEAM, TEAM_YEARLY, ENTERPRISE, ENTERPRISE_YEARLY, PROFESSIONAL, BUSINESS, USER_2025, TEAM_2025, BUSINESS_2025, ENTERPRISE_2025\n"},
		{"bad plan", []string{"--provider", "qovery", "--name", "acme", "--plan", "gold"}, `error: --plan "gold" is not a Qovery plan`},
		{"plan on vertra", []string{"--provider", "vertra", "--name", "acme", "--plan", "TEAM"}, "error: --plan is not supported by provider vertra\n"},
		{"tag on qovery", []string{"--provider", "qovery", "--name", "acme", "--plan", "TEAM", "--tag", "x"}, "error: --tag is not supported by provider qovery\n"},
		{"long vertra name", []string{"--provider", "vertra", "--name", strings.Repeat("n", 51)}, "error: --name is 51 characters long; the maximum is 50\n"},
		{"bad email", []string{"--provider", "qovery", "--name", "a", "--plan", "TEAM", "--admin-email", "nope"}, `error: --admin-email "nope" is not a valid e-mail address` + "\n"},
		{"bad url", []string{"--provider", "qovery", "--name", "a", "--plan", "TEAM", "--icon-url", "/x.png"}, `error: --icon-url "/x.png" must be an absolute http:// or https:// URL` + "\n"},
		{"bad output", []string{"--provider", "vertra", "--name", "a", "-o", "xml"}, `error: unknown output format "xml": use one of table, wide, json, yaml` + "\n"},
		{"unknown flag", []string{"--provider", "vertra", "--name", "a", "--colour"}, "error: unknown flag: --colour\n"},
		{"positional argument", []string{"acme", "--provider", "vertra"}, `error: unknown command "acme" for "orgctl create"` + "\n"},
		{"bad timeout", []string{"--provider", "vertra", "--name", "a", "--timeout", "0s"}, "error: --timeout must be positive, got 0s\n"},
		{"bad jq", []string{"--provider", "vertra", "--name", "a", "--jq", ".id |"}, `error: invalid jq expression ".id |": unexpected EOF` + "\n"},
		{"bad template", []string{"--provider", "vertra", "--name", "a", "-t", "{{.id"}, `error: invalid template: template: --template:1: unclosed action` + "\n"},
		{"jq with yaml", []string{"--provider", "vertra", "--name", "a", "-q", ".id", "-o", "yaml"}, "error: --jq cannot be used with -o yaml: it reads the JSON document (-o json)\n"},
		{"template with wide", []string{"--provider", "vertra", "--name", "a", "-t", "{{.id}}", "-o", "wide"}, "error: --template cannot be used with -o wide: it reads the JSON document (-o json)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testenv.Isolate(t)
			srv := testhttp.New(t, 201, qoveryOK)
			t.Setenv("ORGCTL_QOVERY_URL", srv.URL)
			t.Setenv("ORGCTL_VERTRA_URL", srv.URL)
			t.Setenv("ORGCTL_QOVERY_TOKEN", qoveryToken)
			t.Setenv("ORGCTL_VERTRA_TOKEN", vertraToken)
			r := run(t, append([]string{"create"}, tt.args...)...)
			if r.code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", r.code, r.errOut)
			}
			if !strings.HasPrefix(r.errOut, tt.want) || strings.Count(r.errOut, "\n") != 1 {
				t.Errorf("stderr = %q, want one line starting %q", r.errOut, tt.want)
			}
			if r.out != "" {
				t.Errorf("stdout = %q, want nothing", r.out)
			}
			if n := len(srv.Requests()); n != 0 {
				t.Errorf("%d requests were sent", n)
			}
		})
	}
}

func TestMissingTokenIsExit3(t *testing.T) {
	testenv.Isolate(t)
	srv := testhttp.New(t, 201, qoveryOK)
	t.Setenv("ORGCTL_VERTRA_URL", srv.URL)
	r := run(t, "create", "--provider", "vertra", "--name", "acme")
	if r.code != 3 {
		t.Errorf("exit %d, want 3", r.code)
	}
	if !strings.HasPrefix(r.errOut, "error: no VertraCloud token: run orgctl auth login --provider vertra, or set ORGCTL_VERTRA_TOKEN or VERTRA_API_KEY, or vertra.token in the config file, or try --sandbox") {
		t.Errorf("stderr = %q", r.errOut)
	}
	if len(srv.Requests()) != 0 {
		t.Error("a request was sent without a token")
	}
}

func TestDryRunShowsRequestAndSendsNothing(t *testing.T) {
	testenv.Isolate(t)
	srv := testhttp.New(t, 201, qoveryOK)
	t.Setenv("ORGCTL_QOVERY_URL", srv.URL)
	t.Setenv("ORGCTL_QOVERY_TOKEN", qoveryToken)
	r := run(t, "create", "--provider", "qovery", "--name", "acme", "--plan", "TEAM_2025", "--dry-run")
	if r.code != 0 || len(srv.Requests()) != 0 {
		t.Fatalf("exit %d, %d requests; stderr %s", r.code, len(srv.Requests()), r.errOut)
	}
	want := "POST " + srv.URL + "/organization\nAccept: application/json\nAuthorization: Token ***\nContent-Type: application/json\nUser-Agent: orgctl/dev\n\n{\n  \"name\": \"acme\",\n  \"plan\": \"TEAM_2025\"\n}\n"
	if r.out != want {
		t.Errorf("stdout =\n%s\nwant\n%s", r.out, want)
	}
	if r.errOut != "Dry run: nothing was sent.\n" {
		t.Errorf("stderr = %q", r.errOut)
	}

	r = run(t, "create", "--provider", "qovery", "--name", "acme", "--plan", "TEAM_2025", "--dry-run", "-o", "json")
	var req map[string]any
	if err := json.Unmarshal([]byte(r.out), &req); err != nil || req["method"] != "POST" || req["headers"].(map[string]any)["Authorization"] != "Token ***" {
		t.Errorf("json dry run = %s (%v)", r.out, err)
	}
}

func TestProviderErrorsMapToExitCodes(t *testing.T) {
	tests := []struct {
		name, provider string
		status         int
		body           string
		code           int
		stderr         string
	}{
		{"qovery conflict", "qovery", 409, `{"status":409,"detail":"already used"}`, 4, `error: qovery: HTTP 409: an organization named "acme" already exists (already used)`},
		{"qovery 401", "qovery", 401, ``, 3, "error: qovery: HTTP 401: the Qovery token was rejected"},
		{"qovery 400 detail", "qovery", 400, `{"type":"t","title":"Bad Request","status":400,"detail":"description too long","message":"x"}`, 2, "error: qovery: HTTP 400: description too long"},
		{"qovery 402", "qovery", 402, `{}`, 5, "error: qovery: HTTP 402"},
		{"qovery 500 html", "qovery", 500, `<h1>oops</h1>`, 6, "error: qovery: HTTP 500: non-JSON body: <h1>oops</h1>"},
		{"vertra unauthorized", "vertra", 403, `{"status":"error","code":"UNAUTHORIZED"}`, 3, "error: vertra: HTTP 403 UNAUTHORIZED: the VertraCloud token was rejected"},
		{"vertra plan", "vertra", 403, `{"status":"error","code":"PLAN_RESTRICTED_FEATURE"}`, 5, "error: vertra: HTTP 403 PLAN_RESTRICTED_FEATURE"},
		{"vertra exists", "vertra", 400, `{"status":"error","code":"ORGANIZATION_NAME_ALREADY_EXISTS"}`, 4, `error: vertra: HTTP 400 ORGANIZATION_NAME_ALREADY_EXISTS: an organization named "acme" already exists`},
		{"vertra truncated success", "vertra", 200, `{"status":"success","respo`, 6, "error: vertra: HTTP 200: unreadable response (invalid JSON)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testenv.Isolate(t)
			srv := testhttp.New(t, tt.status, tt.body)
			t.Setenv("ORGCTL_QOVERY_URL", srv.URL)
			t.Setenv("ORGCTL_VERTRA_URL", srv.URL)
			t.Setenv("ORGCTL_QOVERY_TOKEN", qoveryToken)
			t.Setenv("ORGCTL_VERTRA_TOKEN", vertraToken)
			args := []string{"create", "--provider", tt.provider, "--name", "acme"}
			if tt.provider == "qovery" {
				args = append(args, "--plan", "TEAM")
			}
			r := run(t, args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", r.code, tt.code, r.errOut)
			}
			if !strings.HasPrefix(r.errOut, tt.stderr) || strings.Count(r.errOut, "\n") != 1 {
				t.Errorf("stderr = %q, want one line starting %q", r.errOut, tt.stderr)
			}
			if r.out != "" {
				t.Errorf("stdout = %q", r.out)
			}
			if n := len(srv.Requests()); n != 1 {
				t.Errorf("%d requests, want exactly 1 (no retries of a create)", n)
			}
		})
	}
}

func TestWarningsGoToStderr(t *testing.T) {
	testenv.Isolate(t)
	body := strings.Replace(qoveryOK, `"billing_deployment_restriction":null`, `"billing_deployment_restriction":"NO_CREDIT_CARD"`, 1)
	srv := testhttp.New(t, 201, body)
	t.Setenv("ORGCTL_QOVERY_URL", srv.URL)
	t.Setenv("ORGCTL_QOVERY_TOKEN", qoveryToken)
	r := run(t, "create", "--provider", "qovery", "--name", "acme", "--plan", "free", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.errOut)
	}
	wantErr := "warning: plan FREE is deprecated by Qovery; the 2025 plans (USER_2025, TEAM_2025, BUSINESS_2025, ENTERPRISE_2025) replace it\n" +
		"warning: billing restriction NO_CREDIT_CARD: until a credit card is added, managed cluster creation and deployments on managed clusters are blocked (demo clusters work)\n"
	if r.errOut != wantErr {
		t.Errorf("stderr =\n%s\nwant\n%s", r.errOut, wantErr)
	}
	if !strings.Contains(r.out, `"billing_deployment_restriction": "NO_CREDIT_CARD"`) {
		t.Errorf("stdout = %s", r.out)
	}
}

func TestVerboseTraceRedactsToken(t *testing.T) {
	testenv.Isolate(t)
	srv := testhttp.New(t, 200, vertraOK)
	t.Setenv("ORGCTL_VERTRA_URL", srv.URL)
	t.Setenv("VERTRA_API_KEY", vertraToken)
	r := run(t, "create", "--provider", "vertra", "--name", "acme", "--verbose") // run() fails on a leak
	if r.code != 0 || !strings.Contains(r.errOut, "> Authorization: Bearer ***") || !strings.Contains(r.errOut, "< HTTP/1.1 200 OK") {
		t.Errorf("exit %d stderr %s", r.code, r.errOut)
	}
}

func TestPlainHTTPIsRefusedOffLoopback(t *testing.T) {
	testenv.Isolate(t)
	t.Setenv("ORGCTL_VERTRA_URL", "http://api.example.com")
	t.Setenv("ORGCTL_VERTRA_TOKEN", vertraToken)
	r := run(t, "create", "--provider", "vertra", "--name", "acme")
	if r.code != 2 || r.errOut != `error: API URL "http://api.example.com" uses plain http: only https is allowed, except on loopback`+"\n" {
		t.Errorf("exit %d stderr %q", r.code, r.errOut)
	}
}

func TestEmbeddedSandbox(t *testing.T) {
	testenv.Isolate(t)
	t.Setenv("ORGCTL_QOVERY_TOKEN", qoveryToken) // must not be sent anywhere
	r := run(t, "create", "--sandbox", "--provider", "qovery", "--name", "acme", "--plan", "TEAM_2025", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.errOut)
	}
	var org map[string]any
	if err := json.Unmarshal([]byte(r.out), &org); err != nil || org["name"] != "acme" || org["id"] == "" || org["plan"] != "TEAM_2025" {
		t.Errorf("stdout %s (%v)", r.out, err)
	}
	if !strings.Contains(r.errOut, "Using the embedded sandbox at http://127.0.0.1:") {
		t.Errorf("stderr = %q", r.errOut)
	}
}

func TestTokenFromStdin(t *testing.T) {
	testenv.Isolate(t)
	srv := testhttp.New(t, 200, vertraOK)
	t.Setenv("ORGCTL_VERTRA_URL", srv.URL)
	t.Setenv("ORGCTL_VERTRA_TOKEN", "from-env-loses")
	ios, in, out, errOut := iostreams.Test()
	in.WriteString(vertraToken + "\n")
	code := root.Run(context.Background(), ios, []string{"create", "--provider", "vertra", "--name", "acme", "--token-stdin"})
	if code != 0 || strings.Contains(out.String()+errOut.String(), vertraToken) {
		t.Fatalf("exit %d stdout %s stderr %s", code, out, errOut)
	}
	if got := srv.Only(t).Header.Get("Authorization"); got != "Bearer "+vertraToken {
		t.Errorf("Authorization = %q", got)
	}

	for input, want := range map[string]string{
		"":                 "error: --token-stdin: standard input is empty\n",
		"two words\n":      "error: --token-stdin: the token on standard input contains white space (at byte 3); pipe only the token\n",
		"vtk_abc\ndef\n":   "error: --token-stdin: the token on standard input contains a line feed (at byte 7); pipe only the token\n",
		"vtk_abc\x1bdef\n": "error: --token-stdin: the token on standard input contains an escape character (at byte 7); pipe only the token\n",
	} {
		ios, in, _, errOut := iostreams.Test()
		in.WriteString(input)
		if code := root.Run(context.Background(), ios, []string{"create", "--provider", "vertra", "--name", "acme", "--token-stdin"}); code != 2 || errOut.String() != want {
			t.Errorf("input %q: exit %d stderr %q", input, code, errOut.String())
		}
	}
	r := run(t, "create", "--provider", "vertra", "--name", "acme", "--token-stdin", "--token", "x")
	if r.code != 2 || r.errOut != "error: --token and --token-stdin cannot be used together\n" {
		t.Errorf("exit %d stderr %q", r.code, r.errOut)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests, want only the first run's", n)
	}
}

// A token that would split the Authorization header or drive a terminal
// is a usage error wherever it comes from, and nothing is sent; so is an
// explicit empty --token (an unset variable in a script).
func TestMalformedTokenIsUsageError(t *testing.T) {
	testenv.Isolate(t)
	srv := testhttp.New(t, 201, vertraOK)
	t.Setenv("ORGCTL_VERTRA_URL", srv.URL)
	t.Setenv("ORGCTL_VERTRA_TOKEN", vertraToken)
	r := run(t, "create", "--provider", "vertra", "--name", "acme", "--token", "")
	if r.code != 2 || r.errOut != "error: --token is empty\n" {
		t.Errorf("--token '': exit %d stderr %q", r.code, r.errOut)
	}
	r = run(t, "create", "--provider", "vertra", "--name", "acme", "--token", "vtk_a b")
	if r.code != 2 || r.errOut != "error: --token contains white space (at byte 5)\n" {
		t.Errorf("--token with a space: exit %d stderr %q", r.code, r.errOut)
	}
	for _, bad := range []string{"vtk_abc\r\nX-Injected: 1", "vtk_abc\x1b[2Jdef", "vtk_abc def"} {
		t.Setenv("ORGCTL_VERTRA_TOKEN", bad)
		r := run(t, "create", "--provider", "vertra", "--name", "acme")
		if r.code != 2 || !strings.HasPrefix(r.errOut, "error: the VertraCloud token (env ORGCTL_VERTRA_TOKEN) contains ") {
			t.Errorf("env token %q: exit %d stderr %q", bad, r.code, r.errOut)
		}
		if strings.Contains(r.errOut, "vtk_abc") {
			t.Errorf("the message quotes the token: %q", r.errOut)
		}
	}
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte("vertra:\n  token: \"vtk_abc\\ndef\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ORGCTL_VERTRA_TOKEN", "")
	r = run(t, "create", "--provider", "vertra", "--name", "acme", "--config", cfg)
	if r.code != 2 || !strings.HasPrefix(r.errOut, "error: the VertraCloud token (config file "+cfg+") contains a line feed (at byte 7)") {
		t.Errorf("config token: exit %d stderr %q", r.code, r.errOut)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}

// Any 4xx orgctl has no special meaning for is a refusal (nothing was
// created): the same exit code, 2, whichever provider answers it.
func TestUnknown4xxSameExitForBothProviders(t *testing.T) {
	testenv.Isolate(t)
	for _, status := range []int{405, 413, 415, 418, 422, 451} {
		for _, prov := range []string{"qovery", "vertra"} {
			body := `{"status":"error","code":"SOMETHING_NEW","message":"refused"}`
			if prov == "qovery" {
				body = `{"status":` + strconv.Itoa(status) + `,"message":"refused"}`
			}
			srv := testhttp.New(t, status, body)
			t.Setenv("ORGCTL_QOVERY_URL", srv.URL)
			t.Setenv("ORGCTL_VERTRA_URL", srv.URL)
			t.Setenv("ORGCTL_QOVERY_TOKEN", qoveryToken)
			t.Setenv("ORGCTL_VERTRA_TOKEN", vertraToken)
			r := run(t, "create", "--provider", prov, "--name", "acme", "--plan", "TEAM")
			if prov == "vertra" {
				r = run(t, "create", "--provider", prov, "--name", "acme")
			}
			if r.code != 2 || !strings.HasPrefix(r.errOut, "error: "+prov+": HTTP "+strconv.Itoa(status)) || strings.Count(r.errOut, "\n") != 1 {
				t.Errorf("%s %d: exit %d stderr %q", prov, status, r.code, r.errOut)
			}
		}
	}
}

// loseCreateAnswers passes every request to the real transport but, for a
// POST, drops the answer and fails as a connection reset after the server
// acted: the outcome a create then has is unknown.
type loseCreateAnswers struct{ next http.RoundTripper }

func (l loseCreateAnswers) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := l.next.RoundTrip(req)
	if err != nil || req.Method != http.MethodPost {
		return resp, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return nil, errors.New("read: connection reset by peer")
}

// TestSandboxCheckCommandSaysSandbox: after `create --sandbox` whose answer
// was lost, the suggested check carries --sandbox (without it, it would ask
// the real provider), and running it finds what the sandbox created.
func TestSandboxCheckCommandSaysSandbox(t *testing.T) {
	testenv.Isolate(t)
	ios, _, _, _ := iostreams.Test()
	f := cmdutil.New(ios)
	f.HTTPClient = func() *http.Client { return &http.Client{Transport: loseCreateAnswers{http.DefaultTransport}} }
	cmd := root.NewCmdRoot(f)
	cmd.SetArgs([]string{"create", "--sandbox", "--provider", "qovery", "--name", "acme", "--plan", "TEAM_2025"})
	err := cmd.ExecuteContext(context.Background())
	if cerr := f.Close(); cerr != nil {
		t.Fatal(cerr)
	}
	want := "; the request was sent, so the organization may have been created: check with `orgctl get acme --provider qovery --sandbox` before retrying"
	if err == nil || !strings.HasSuffix(err.Error(), want) || cmdutil.ExitCode(err) != cmdutil.ExitUnavailable {
		t.Fatalf("err = %v (exit %d), want it to end with %s", err, cmdutil.ExitCode(err), want)
	}
	check := strings.Fields(strings.TrimSuffix(strings.TrimPrefix(want[strings.Index(want, "`"):], "`"), "` before retrying"))
	if r := run(t, append(check[1:], "-o", "json")...); r.code != 0 || !strings.Contains(r.out, `"name": "acme"`) {
		t.Errorf("the suggested %q: exit %d\nstdout %s\nstderr %s", check, r.code, r.out, r.errOut)
	}
}
