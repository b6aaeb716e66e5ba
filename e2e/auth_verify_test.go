package e2e

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/sandbox"
)

// TestLoginChecksTheTokenFirst: against the sandbox, login says what the
// token sees; against an API that rejects it, nothing is stored (exit 3).
func TestLoginChecksTheTokenFirst(t *testing.T) {
	sb, _ := startSandbox(t, sandbox.Options{})
	home := t.TempDir()
	path := filepath.Join(home, "orgctl", "config.yaml")
	environ := env(t, "XDG_CONFIG_HOME="+home, "ORGCTL_VERTRA_URL="+sb.URL, "ORGCTL_QOVERY_URL="+sb.URL)
	for _, name := range []string{"acme", "globex"} {
		if r := orgctl(t, append(environ, "ORGCTL_VERTRA_TOKEN="+vertraToken), "create", "--provider", "vertra", "--name", name); r.code != 0 {
			t.Fatalf("seeding: %d %s", r.code, r.errOut)
		}
	}
	r := orgctlStdin(t, environ, vertraToken+"\n", "auth", "login", "--provider", "vertra", "--with-token")
	if r.code != 0 || r.errOut != "✓ Logged in to VertraCloud: the token sees 2 organizations; token vtk_…alue stored in "+path+".\n" {
		t.Fatalf("login: %d %q", r.code, r.errOut)
	}
	last := sb.Server.Requests()[len(sb.Server.Requests())-1]
	if last.Method != "GET" || last.Path != "/v1/organizations/all/@me" || last.Header.Get("Authorization") != "Bearer "+vertraToken {
		t.Errorf("login asked %s %s with %q", last.Method, last.Path, last.Header.Get("Authorization"))
	}

	r = orgctl(t, environ, "auth", "status", "--provider", "vertra", "-o", "json")
	var rows []struct {
		Provider, Status, Source string
		Organizations            *int
	}
	if err := json.Unmarshal([]byte(r.out), &rows); r.code != 0 || err != nil || len(rows) != 2 ||
		rows[1].Status != "valid" || *rows[1].Organizations != 2 || rows[1].Source != "config file "+path || rows[0].Status != "missing" {
		t.Errorf("status: %d %v\n%s", r.code, err, r.out)
	}

	// auth token prints the stored token for a pipe, and only for a pipe.
	cmd := exec.Command(binary, "auth", "token", "--provider", "vertra")
	cmd.Env = environ
	out, err := cmd.Output()
	if err != nil || string(out) != vertraToken+"\n" {
		t.Errorf("auth token: %v %q", err, out)
	}

	rejecting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`{"code":"API_KEY_SCOPE_DENIED","message":"Missing scope","details":{"required":"workspaces:read"}}`))
	}))
	defer rejecting.Close()
	home2 := t.TempDir()
	environ2 := env(t, "XDG_CONFIG_HOME="+home2, "ORGCTL_VERTRA_URL="+rejecting.URL)
	r = orgctlStdin(t, environ2, vertraToken+"\n", "auth", "login", "--provider", "vertra", "--with-token")
	if r.code != 3 || !strings.HasPrefix(r.errOut, "error: VertraCloud rejected the token: vertra: HTTP 403 API_KEY_SCOPE_DENIED") ||
		!strings.HasSuffix(r.errOut, "nothing stored (--skip-verify stores a token unchecked)\n") {
		t.Errorf("rejected login: %d %q", r.code, r.errOut)
	}
	if _, err := os.Stat(filepath.Join(home2, "orgctl", "config.yaml")); !os.IsNotExist(err) {
		t.Errorf("a rejected token was stored (%v)", err)
	}
	r = orgctlStdin(t, environ2, vertraToken+"\n", "auth", "login", "--provider", "vertra", "--with-token", "--skip-verify")
	if r.code != 0 || !strings.Contains(r.errOut, "not verified (--skip-verify)") {
		t.Errorf("--skip-verify: %d %q", r.code, r.errOut)
	}
	if r := orgctl(t, environ2, "auth", "status", "--provider", "vertra"); r.code != 3 || !strings.Contains(r.out, "rejected") {
		t.Errorf("status of a rejected token: %d\n%s%s", r.code, r.out, r.errOut)
	}
}

// TestHandWrittenKeysInCapitals: a config written by hand with Vertra: /
// Token: is the same config for login, logout and every reader.
func TestHandWrittenKeysInCapitals(t *testing.T) {
	sb, _ := startSandbox(t, sandbox.Options{})
	home := t.TempDir()
	path := filepath.Join(home, "orgctl", "config.yaml")
	os.MkdirAll(filepath.Dir(path), 0o700)
	os.WriteFile(path, []byte("Provider: vertra\nVertra:\n  Token: vtk_stale_token_9999\n"), 0o600)
	environ := env(t, "XDG_CONFIG_HOME="+home, "ORGCTL_VERTRA_URL="+sb.URL)
	if r := orgctlStdin(t, environ, vertraToken+"\n", "auth", "login", "--with-token"); r.code != 0 {
		t.Fatalf("login: %d %q", r.code, r.errOut)
	}
	if data, _ := os.ReadFile(path); strings.Contains(string(data), "stale") || strings.Count(string(data), vertraToken) != 1 {
		t.Errorf("login did not replace the old token:\n%s", strings.ReplaceAll(string(data), vertraToken, "<new>"))
	}
	if r := orgctl(t, environ, "create", "--name", "acme"); r.code != 0 {
		t.Errorf("create: %d %q", r.code, r.errOut)
	}
	if got := sb.Server.Requests()[len(sb.Server.Requests())-1].Header.Get("Authorization"); got != "Bearer "+vertraToken {
		t.Errorf("create sent %q", got)
	}
	if r := orgctl(t, environ, "auth", "logout"); r.code != 0 || !strings.Contains(r.errOut, "Removed the VertraCloud token") {
		t.Errorf("logout: %d %q", r.code, r.errOut)
	}
	if r := orgctl(t, environ, "auth", "status"); r.code != 3 || !strings.Contains(r.errOut, "no VertraCloud token") {
		t.Errorf("status after logout: %d %q", r.code, r.errOut)
	}
}
