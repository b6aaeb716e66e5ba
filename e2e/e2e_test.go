// Package e2e builds the real orgctl binary and runs it against the sandbox
// over loopback, asserting exit codes, stdout, stderr and what reached the
// server.
package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/orgctl/orgctl/pkg/sandbox"
)

// Tokens the tests use; every run asserts neither appears in any output.
const (
	qoveryToken = "qov_e2e_S3CRET_api_token_value"
	qoveryJWT   = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJlMmUifQ.ZTJlLXNpZ25hdHVyZQ"
	vertraToken = "vtk_e2e_S3CRET_token_value"
)

var binary string

// What the test binary is stamped with.
const (
	stampVersion = "1.2.3"
	stampCommit  = "0123456789abcdef0123456789abcdef01234567"
	stampDate    = "2026-11-25T08:00:00Z"
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "orgctl-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "orgctl")
	// Stamped as GoReleaser stamps a release (.goreleaser.yaml's ldflags).
	// With the release's build tags too (.goreleaser.yaml).
	build := exec.Command("go", "build", "-tags", "nethttpomithttp2", "-ldflags", "-X github.com/orgctl/orgctl/pkg/build.Version="+stampVersion+
		" -X github.com/orgctl/orgctl/pkg/build.Commit="+stampCommit+" -X github.com/orgctl/orgctl/pkg/build.Date="+stampDate,
		"-o", binary, "../cmd/orgctl")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building orgctl:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	code        int
	out, errOut string
}

// env is a clean environment: no variable of the developer's leaks in.
// Tokens go to the config file: the developer's keyring (reachable through
// /run/user/UID/bus) stays out of reach; keyring_test.go asks for one.
func env(t *testing.T, extra ...string) []string {
	return append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + t.TempDir(),
		"XDG_CONFIG_HOME=" + t.TempDir(),
		"ORGCTL_AUTH_STORAGE=file",
	}, extra...)
}

// orgctl runs the binary and fails the test if a token shows up anywhere.
func orgctl(t *testing.T, environ []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = environ
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	r := result{out: out.String(), errOut: errOut.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("running orgctl: %v", err)
	}
	assertNoSecret(t, r.out+r.errOut)
	return r
}

func assertNoSecret(t *testing.T, s string) {
	t.Helper()
	for _, secret := range []string{qoveryToken, qoveryJWT, vertraToken} {
		if strings.Contains(s, secret) {
			t.Fatalf("a token leaked into orgctl's output:\n%s", s)
		}
	}
}

// startSandbox runs a sandbox on a loopback port for one test and returns
// it with an environment pointing both providers at it.
func startSandbox(t *testing.T, opts sandbox.Options) (*sandbox.Running, []string) {
	t.Helper()
	sb, err := sandbox.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb, env(t,
		"ORGCTL_QOVERY_URL="+sb.URL, "ORGCTL_VERTRA_URL="+sb.URL,
		"ORGCTL_QOVERY_TOKEN="+qoveryToken, "ORGCTL_VERTRA_TOKEN="+vertraToken)
}

func TestQoveryCreate(t *testing.T) {
	sb, environ := startSandbox(t, sandbox.Options{})
	r := orgctl(t, environ, "create", "--provider", "qovery", "--name", "Acme", "--plan", "team_2025",
		"--admin-email", "ops@acme.io,dev@acme.io", "--website-url", "https://acme.io", "-o", "json")
	if r.code != 0 || r.errOut != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.errOut)
	}
	var org map[string]any
	if err := json.Unmarshal([]byte(r.out), &org); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r.out)
	}
	reqs := sb.Server.Requests()
	if len(reqs) != 1 {
		t.Fatalf("sandbox saw %d requests", len(reqs))
	}
	req := reqs[0]
	if req.Method != "POST" || req.Path != "/organization" {
		t.Errorf("request %s %s", req.Method, req.Path)
	}
	for k, want := range map[string]string{"Authorization": "Token " + qoveryToken, "Content-Type": "application/json", "Accept": "application/json"} {
		if got := req.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if ua := req.Header.Get("User-Agent"); ua != "orgctl/"+stampVersion {
		t.Errorf("User-Agent = %q", ua)
	}
	wantBody := `{"name":"Acme","plan":"TEAM_2025","website_url":"https://acme.io","admin_emails":["ops@acme.io","dev@acme.io"]}`
	if string(req.Body) != wantBody {
		t.Errorf("body = %s\nwant   %s", req.Body, wantBody)
	}
	orgs := sb.Server.Organizations()
	if len(orgs) != 1 || orgs[0].ID != org["id"] || org["name"] != "Acme" || org["plan"] != "TEAM_2025" || org["provider"] != "qovery" {
		t.Errorf("printed %v; sandbox holds %+v", org, orgs)
	}
	if emails, _ := org["admin_emails"].([]any); len(emails) != 2 {
		t.Errorf("admin_emails = %v", org["admin_emails"])
	}
}

func TestQoveryJWTIsSentAsBearer(t *testing.T) {
	sb, environ := startSandbox(t, sandbox.Options{})
	environ = append(environ, "ORGCTL_QOVERY_TOKEN="+qoveryJWT) // later entries win
	if r := orgctl(t, environ, "create", "--provider", "qovery", "--name", "acme", "--plan", "TEAM"); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.errOut)
	}
	if got := sb.Server.Requests()[0].Header.Get("Authorization"); got != "Bearer "+qoveryJWT {
		t.Errorf("Authorization = %q", got)
	}
}

func TestVertraCreateTableAndYAML(t *testing.T) {
	sb, environ := startSandbox(t, sandbox.Options{})
	r := orgctl(t, environ, "create", "--provider", "vertracloud", "--name", "acme", "--description", "Acme", "--tag", "ci", "--tag", "prod")
	if r.code != 0 || r.errOut != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.errOut)
	}
	for _, want := range []string{"Name:", "acme", "Provider:", "vertra", "Tags:", "ci, prod", "Members:", "(owner)"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("table lacks %q:\n%s", want, r.out)
		}
	}
	if strings.Contains(r.out, "\x1b[") {
		t.Errorf("colour escape codes when stdout is not a terminal:\n%q", r.out)
	}
	req := sb.Server.Requests()[0]
	if req.Path != "/v1/organizations" || req.Header.Get("Authorization") != "Bearer "+vertraToken ||
		string(req.Body) != `{"name":"acme","description":"Acme","tags":["ci","prod"]}` {
		t.Errorf("request %s %q %s", req.Path, req.Header.Get("Authorization"), req.Body)
	}

	r = orgctl(t, environ, "create", "--provider", "vertra", "--name", "other", "-o", "yaml")
	if r.code != 0 || !strings.HasPrefix(r.out, "provider: vertra\nid: ") || !strings.Contains(r.out, "\ntags:\n  - discord\n") {
		t.Errorf("exit %d, yaml:\n%s (the API's default tags should come back)", r.code, r.out)
	}
}

func TestNameConflictsAreCaseInsensitive(t *testing.T) {
	sb, environ := startSandbox(t, sandbox.Options{})
	if r := orgctl(t, environ, "create", "--provider", "vertra", "--name", "acme"); r.code != 0 {
		t.Fatalf("first create: exit %d %s", r.code, r.errOut)
	}
	r := orgctl(t, environ, "create", "--provider", "vertra", "--name", "ACME")
	if r.code != 4 || r.out != "" || !strings.HasPrefix(r.errOut, `error: vertra: HTTP 400 ORGANIZATION_NAME_ALREADY_EXISTS: an organization named "ACME" already exists`) {
		t.Errorf("exit %d stdout %q stderr %q", r.code, r.out, r.errOut)
	}
	if r := orgctl(t, environ, "create", "--provider", "qovery", "--name", "acme", "--plan", "TEAM"); r.code != 0 {
		t.Errorf("the same name on the other provider must work: exit %d %s", r.code, r.errOut)
	}
	r = orgctl(t, environ, "create", "--provider", "qovery", "--name", "Acme", "--plan", "TEAM")
	if r.code != 4 || !strings.HasPrefix(r.errOut, `error: qovery: HTTP 409: an organization named "Acme" already exists`) {
		t.Errorf("exit %d stderr %q", r.code, r.errOut)
	}
	if n := len(sb.Server.Organizations()); n != 2 {
		t.Errorf("sandbox holds %d organizations, want 2", n)
	}
}

func TestFailuresAndExitCodes(t *testing.T) {
	tests := []struct {
		name     string
		opts     sandbox.Options
		fault    *sandbox.Fault
		args     []string
		code     int
		stderr   string // the first line must start with it
		requests int
	}{
		{name: "vertra unauthorized (403)", opts: sandbox.Options{Token: "another"}, args: []string{"--provider", "vertra"},
			code: 3, stderr: "error: vertra: HTTP 403 UNAUTHORIZED: the VertraCloud token was rejected", requests: 1},
		{name: "qovery unauthorized (401)", opts: sandbox.Options{Token: "another"}, args: []string{"--provider", "qovery", "--plan", "TEAM"},
			code: 3, stderr: "error: qovery: HTTP 401: the Qovery token was rejected", requests: 1},
		{name: "vertra plan restricted (403)", fault: &sandbox.Fault{Code: "PLAN_RESTRICTED_FEATURE"}, args: []string{"--provider", "vertra"},
			code: 5, stderr: "error: vertra: HTTP 403 PLAN_RESTRICTED_FEATURE: your VertraCloud plan does not allow this", requests: 1},
		{name: "qovery 500 is never retried", fault: &sandbox.Fault{Status: 500}, args: []string{"--provider", "qovery", "--plan", "TEAM"},
			code: 6, stderr: "error: qovery: HTTP 500: Internal Server Error; the request was sent, so the organization may have been created: check with `orgctl get acme --provider qovery` before retrying\n", requests: 1},
		{name: "vertra 502 is never retried", fault: &sandbox.Fault{Status: 502}, args: []string{"--provider", "vertra"},
			code: 6, stderr: "error: vertra: HTTP 502 BAD_GATEWAY", requests: 1}, // the rest is checked by "html error page"
		{name: "html error page", fault: &sandbox.Fault{Status: 502, Body: ptr("<html><h1>502 Bad Gateway</h1></html>"), ContentType: "text/html"},
			args: []string{"--provider", "vertra"}, code: 6, stderr: "error: vertra: HTTP 502: non-JSON body: <html><h1>502 Bad Gateway</h1></html>; the request was sent, so the organization may have been created: check with `orgctl get acme --provider vertra` before retrying\n", requests: 1},
		{name: "malformed success", fault: &sandbox.Fault{Status: 201, Body: ptr(`{"id":"3c90`)}, args: []string{"--provider", "qovery", "--plan", "TEAM"},
			code: 6, stderr: `error: qovery: HTTP 201: unreadable response (invalid JSON): {"id":"3c90; the organization was probably created: check with ` + "`orgctl get acme --provider qovery`" + ` before retrying` + "\n", requests: 1},
		{name: "timeout", fault: &sandbox.Fault{Delay: sandbox.Duration(3 * time.Second)}, args: []string{"--provider", "vertra", "--timeout", "300ms"},
			code: 6, stderr: "error: vertra: timed out waiting for the API; the request was sent, so the organization may have been created: check with `orgctl get acme --provider vertra` before retrying\n", requests: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb, environ := startSandbox(t, tt.opts)
			if tt.fault != nil {
				sb.Server.AddFault(*tt.fault)
			}
			r := orgctl(t, environ, append([]string{"create", "--name", "acme"}, tt.args...)...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", r.code, tt.code, r.errOut)
			}
			if !strings.HasPrefix(r.errOut, tt.stderr) || strings.Count(r.errOut, "\n") != 1 {
				t.Errorf("stderr = %q\nwant one line starting %q", r.errOut, tt.stderr)
			}
			if r.out != "" {
				t.Errorf("stdout = %q, want nothing", r.out)
			}
			if n := len(sb.Server.Requests()); n != tt.requests {
				t.Errorf("sandbox saw %d requests, want %d", n, tt.requests)
			}
		})
	}
}

func TestValidationErrorsSendNothing(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"missing name", []string{"--provider", "vertra"}, "error: --name is required and must not be blank\n"},
		{"blank name", []string{"--provider", "vertra", "--name", "   "}, "error: --name is required and must not be blank\n"},
		{"51 characters", []string{"--provider", "vertra", "--name", strings.Repeat("x", 51)}, "error: --name is 51 characters long; the maximum is 50\n"},
		{"missing plan", []string{"--provider", "qovery", "--name", "acme"}, "error: --plan is required for qovery"},
		{"unknown plan", []string{"--provider", "qovery", "--name", "acme", "--plan", "platinum"}, `error: --plan "platinum" is not a Qovery plan: use one of FREE,`},
		{"flag of the other provider", []string{"--provider", "vertra", "--name", "acme", "--admin-email", "a@b.io"}, "error: --admin-email is not supported by provider vertra\n"},
		{"invalid email", []string{"--provider", "qovery", "--name", "acme", "--plan", "TEAM", "--admin-email", "ops@"}, `error: --admin-email "ops@" is not a valid e-mail address` + "\n"},
		{"relative URL", []string{"--provider", "qovery", "--name", "acme", "--plan", "TEAM", "--repository", "github.com/acme"}, `error: --repository "github.com/acme" must be an absolute http:// or https:// URL` + "\n"},
		{"unknown provider", []string{"--provider", "heroku", "--name", "acme"}, `error: unknown provider "heroku"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb, environ := startSandbox(t, sandbox.Options{})
			r := orgctl(t, environ, append([]string{"create"}, tt.args...)...)
			if r.code != 2 || r.out != "" || !strings.HasPrefix(r.errOut, tt.stderr) || strings.Count(r.errOut, "\n") != 1 {
				t.Errorf("exit %d stdout %q stderr %q, want exit 2 and %q", r.code, r.out, r.errOut, tt.stderr)
			}
			if n := len(sb.Server.Requests()); n != 0 {
				t.Errorf("a validation error sent %d requests", n)
			}
		})
	}
}

func TestMissingTokenSendsNothing(t *testing.T) {
	sb, _ := startSandbox(t, sandbox.Options{})
	r := orgctl(t, env(t, "ORGCTL_QOVERY_URL="+sb.URL), "create", "--provider", "qovery", "--name", "acme", "--plan", "TEAM")
	if r.code != 3 || !strings.HasPrefix(r.errOut, "error: no Qovery token: run orgctl auth login --provider qovery, or set ORGCTL_QOVERY_TOKEN or QOVERY_CLI_ACCESS_TOKEN") {
		t.Errorf("exit %d stderr %q", r.code, r.errOut)
	}
	if n := len(sb.Server.Requests()); n != 0 {
		t.Errorf("%d requests sent without a token", n)
	}
}

func TestDryRunAndVerboseNeverShowTheToken(t *testing.T) {
	sb, environ := startSandbox(t, sandbox.Options{})
	r := orgctl(t, environ, "create", "--provider", "qovery", "--name", "acme", "--plan", "TEAM_2025", "--dry-run")
	if r.code != 0 || !strings.Contains(r.out, "Authorization: Token ***\n") || !strings.HasPrefix(r.out, "POST "+sb.URL+"/organization\n") {
		t.Errorf("exit %d stdout:\n%s", r.code, r.out)
	}
	if n := len(sb.Server.Requests()); n != 0 {
		t.Errorf("--dry-run sent %d requests", n)
	}
	r = orgctl(t, environ, "create", "--provider", "vertra", "--name", "acme", "--verbose", "--token", vertraToken)
	if r.code != 0 || !strings.Contains(r.errOut, "> Authorization: Bearer ***\n") {
		t.Errorf("exit %d stderr:\n%s", r.code, r.errOut)
	}
}

func TestBillingRestrictionIsSurfaced(t *testing.T) {
	_, environ := startSandbox(t, sandbox.Options{BillingRestriction: "NO_CREDIT_CARD"})
	r := orgctl(t, environ, "create", "--provider", "qovery", "--name", "acme", "--plan", "FREE", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.errOut)
	}
	if !strings.Contains(r.errOut, "warning: plan FREE is deprecated") || !strings.Contains(r.errOut, "warning: billing restriction NO_CREDIT_CARD") {
		t.Errorf("stderr = %q", r.errOut)
	}
	var org map[string]any
	if err := json.Unmarshal([]byte(r.out), &org); err != nil || org["billing_deployment_restriction"] != "NO_CREDIT_CARD" {
		t.Errorf("stdout %s (%v)", r.out, err)
	}
}

func TestEmbeddedSandboxNeedsNoToken(t *testing.T) {
	r := orgctl(t, env(t), "create", "--sandbox", "--provider", "qovery", "--name", "acme", "--plan", "TEAM_2025")
	if r.code != 0 || !strings.Contains(r.out, "Name:") || !strings.Contains(r.errOut, "Using the embedded sandbox at http://127.0.0.1:") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", r.code, r.out, r.errOut)
	}
}

func TestSandboxServeProcess(t *testing.T) {
	cmd := exec.Command(binary, "sandbox", "serve", "--addr", "127.0.0.1:0")
	cmd.Env = env(t)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	// The first line names the address it listens on.
	lines := bufio.NewScanner(stderr)
	if !lines.Scan() {
		t.Fatal("sandbox serve printed nothing")
	}
	url := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(lines.Text())
	if url == "" {
		t.Fatalf("no URL in %q", lines.Text())
	}
	go io.Copy(io.Discard, stderr)

	environ := env(t, "ORGCTL_VERTRA_URL="+url, "VERTRA_API_KEY="+vertraToken)
	if r := orgctl(t, environ, "create", "--provider", "vertra", "--name", "served"); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.errOut)
	}
	resp, err := http.Get(url + "/_sandbox/organizations")
	if err != nil {
		t.Fatal(err)
	}
	var orgs []map[string]any
	err = json.NewDecoder(resp.Body).Decode(&orgs)
	resp.Body.Close()
	if err != nil || len(orgs) != 1 || orgs[0]["name"] != "served" {
		t.Errorf("admin endpoint: %v %v", orgs, err)
	}

	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("sandbox serve exited with %v after SIGINT, want 0", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("sandbox serve did not stop on SIGINT")
	}
}
