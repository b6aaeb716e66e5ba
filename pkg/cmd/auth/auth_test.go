package auth_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgctl/orgctl/pkg/cmd/root"
	"github.com/orgctl/orgctl/pkg/internal/testenv"
	"github.com/orgctl/orgctl/pkg/iostreams"
)

const vertraToken = "vtk_0123456789_secret"

type result struct {
	code        int
	out, errOut string
}

// run runs orgctl with stdin; tty pretends stdin is a terminal whose
// hidden prompt returns typed.
func run(t *testing.T, stdin string, tty bool, typed string, args ...string) result {
	t.Helper()
	ios, in, out, errOut := iostreams.Test()
	in.WriteString(stdin)
	ios.SetStdinTTY(tty)
	ios.ReadPassword = func() ([]byte, error) { return []byte(typed), nil }
	code := root.Run(context.Background(), ios, args)
	r := result{code, out.String(), errOut.String()}
	for _, secret := range []string{vertraToken, typed} {
		if secret != "" && strings.Contains(r.out+r.errOut, secret) {
			t.Fatalf("a token leaked:\n%s%s", r.out, r.errOut)
		}
	}
	return r
}

// api is a fake of both providers' list endpoints on loopback: it answers
// with status (200: two organizations) and records what reached it.
type api struct {
	mu     sync.Mutex
	status int
	seen   []string // "METHOD PATH Authorization"
}

func fakeAPI(t *testing.T, status int) *api {
	a := &api{status: status}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		a.seen = append(a.seen, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization"))
		status := a.status
		a.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		switch {
		case status == 401:
			json.NewEncoder(w).Encode(map[string]any{"status": "error", "code": "UNAUTHORIZED", "message": "Invalid token"})
		case status != 200:
			fmt.Fprint(w, `{"status":"error","message":"boom"}`)
		case r.URL.Path == "/organization":
			fmt.Fprint(w, `{"results":[{"id":"q1","name":"one"}]}`)
		default:
			fmt.Fprint(w, `{"status":"success","response":[{"id":"v1","name":"one"},{"id":"v2","name":"two"}]}`)
		}
	}))
	t.Cleanup(srv.Close)
	t.Setenv("ORGCTL_VERTRA_URL", srv.URL)
	t.Setenv("ORGCTL_QOVERY_URL", srv.URL)
	return a
}

func (a *api) set(status int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.status = status
}

func (a *api) requests() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.seen...)
}

func jwt(exp time.Time) string {
	payload := base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf(`{"sub":"u","exp":%d}`, exp.Unix())))
	return "eyJhbGciOiJIUzI1NiJ9." + payload + ".c2lnbmF0dXJlLXZhbHVl"
}

func TestLoginPipedStatusLogout(t *testing.T) {
	path := testenv.Isolate(t)
	api := fakeAPI(t, 200)
	r := run(t, vertraToken+"\n", false, "", "auth", "login", "--provider", "vertra", "--with-token")
	if r.code != 0 || r.errOut != "✓ Logged in to VertraCloud: the token sees 2 organizations; token vtk_…cret stored in "+path+".\n" {
		t.Fatalf("login: exit %d %q", r.code, r.errOut)
	}
	if got := api.requests(); len(got) != 1 || got[0] != "GET /v1/organizations/all/@me Bearer "+vertraToken {
		t.Errorf("login sent %q, want one authenticated list request", got)
	}
	data, _ := os.ReadFile(path)
	fi, _ := os.Stat(path)
	di, _ := os.Stat(filepath.Dir(path))
	if string(data) != "vertra:\n  token: "+vertraToken+"\n" || fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700 {
		t.Errorf("file %q mode %o dir %o", data, fi.Mode().Perm(), di.Mode().Perm())
	}

	r = run(t, "", false, "", "auth", "status")
	if r.code != 0 || !strings.Contains(r.out, "vertra    vtk_…cret  API token  -        config file "+path+"  valid (sees 2 organizations)") ||
		!strings.Contains(r.out, "qovery    -          -          -        none") {
		t.Errorf("status: exit %d\n%s", r.code, r.out)
	}
	if r := run(t, "", false, "", "auth", "status", "--provider", "qovery"); r.code != 3 ||
		r.errOut != "error: no Qovery token: run orgctl auth login --provider qovery\n" {
		t.Errorf("status qovery: exit %d %q", r.code, r.errOut)
	}

	t.Setenv("VERTRA_API_KEY", "env_token_value_1234")
	r = run(t, "", false, "", "auth", "status", "--provider", "vertra")
	if r.code != 0 || !strings.Contains(r.out, "env_…1234") || !strings.Contains(r.out, "env VERTRA_API_KEY") {
		t.Errorf("env source: %s", r.out)
	}
	r = run(t, "", false, "", "auth", "logout", "--provider", "vertra")
	if r.code != 0 || !strings.Contains(r.errOut, "✓ Removed the VertraCloud token from "+path) || !strings.Contains(r.errOut, "warning: VERTRA_API_KEY still sets a token.") {
		t.Errorf("logout: exit %d %q", r.code, r.errOut)
	}
	if data, _ := os.ReadFile(path); string(data) != "{}\n" {
		t.Errorf("after logout: %q", data)
	}
	r = run(t, "", false, "", "auth", "logout", "--provider", "vertra")
	if r.code != 0 || !strings.HasPrefix(r.errOut, "No VertraCloud token is stored in ") {
		t.Errorf("second logout: %q", r.errOut)
	}
}

func TestLoginPromptsOnATerminal(t *testing.T) {
	path := testenv.Isolate(t)
	fakeAPI(t, 200)
	token := jwt(time.Now().Add(2 * time.Hour))
	r := run(t, "", true, token, "auth", "login", "--provider", "qovery", "--profile", "staging")
	if r.code != 0 || !strings.HasPrefix(r.errOut, "Paste your Qovery token (it will not be shown): \nwarning: this Qovery token expires in 2h0m0s (") ||
		!strings.Contains(r.errOut, "\n✓ Logged in to Qovery: the token sees 1 organization; token eyJ…bHVl stored in "+path+" (profile staging).\n") {
		t.Errorf("exit %d %q", r.code, r.errOut)
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), "profiles:\n  staging:\n    qovery:\n      token: "+token) {
		t.Errorf("file:\n%s", data)
	}
	r = run(t, "", false, "", "auth", "status", "--profile", "staging", "--provider", "qovery")
	if r.code != 0 || !strings.Contains(r.out, "eyJ…bHVl  JWT") || !strings.Contains(r.out, "profile staging ("+path+")") {
		t.Errorf("status: %d\n%s", r.code, r.out)
	}
	if r := run(t, "", true, jwt(time.Now().Add(72*time.Hour)), "auth", "login", "--provider", "qovery"); r.code != 0 || strings.Contains(r.errOut, "warning") {
		t.Errorf("a token valid for days gets no warning: %q", r.errOut)
	}
	expired := jwt(time.Now().Add(-time.Hour))
	r = run(t, "", true, expired, "auth", "login", "--provider", "qovery")
	if r.code != 0 || !strings.Contains(r.errOut, "warning: this Qovery token expired on ") {
		t.Errorf("expired: %q", r.errOut)
	}
}

func TestLoginRefusals(t *testing.T) {
	testenv.Isolate(t)
	api := fakeAPI(t, 200)
	for _, tt := range []struct {
		stdin string
		tty   bool
		args  []string
		want  string
	}{
		{"", false, []string{"--provider", "vertra"}, "error: standard input is not a terminal: pipe the token and pass --with-token\n"},
		{"", false, []string{"--provider", "vertra", "--with-token"}, "error: no token given\n"},
		{"two words\n", false, []string{"--provider", "vertra", "--with-token"}, "error: the token contains white space (at byte 3): paste only the token\n"},
		{"vtk_abc\x1b[2Jdef\n", false, []string{"--provider", "vertra", "--with-token"}, "error: the token contains an escape character (at byte 7): paste only the token\n"},
		{"vtk_abc\x00def\n", false, []string{"--provider", "vertra", "--with-token"}, "error: the token contains a NUL byte (at byte 7): paste only the token\n"},
		{"vtk_abc\rdef\n", false, []string{"--provider", "vertra", "--with-token"}, "error: the token contains a carriage return (at byte 7): paste only the token\n"},
		{"", false, []string{"--provider", "vertra", "tok"}, "error: auth login takes no argument: the token is read from the terminal or, with --with-token, standard input (got 1 arguments)\n"},
		{"x\n", false, []string{"--with-token"}, "error: no provider given: use --provider qovery|vertra (or set ORGCTL_PROVIDER)\n"},
	} {
		r := run(t, tt.stdin, tt.tty, "", append([]string{"auth", "login"}, tt.args...)...)
		if r.code != 2 || r.errOut != tt.want {
			t.Errorf("%v: exit %d %q", tt.args, r.code, r.errOut)
		}
	}
	if got := api.requests(); len(got) != 0 {
		t.Errorf("a refused login sent %q", got)
	}
}

func TestLoginVerifiesTheToken(t *testing.T) {
	path := testenv.Isolate(t)
	api := fakeAPI(t, 401)
	r := run(t, vertraToken+"\n", false, "", "auth", "login", "--provider", "vertra", "--with-token")
	if r.code != 3 || r.errOut != "error: VertraCloud rejected the token: vertra: HTTP 401 UNAUTHORIZED: the VertraCloud token was rejected (Invalid token): nothing stored (--skip-verify stores a token unchecked)\n" {
		t.Errorf("rejected: exit %d %q", r.code, r.errOut)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("a rejected token was stored: %v", err)
	}
	api.set(500)
	r = run(t, vertraToken+"\n", false, "", "auth", "login", "--provider", "vertra", "--with-token", "--retries", "0")
	if r.code != 6 || !strings.HasPrefix(r.errOut, "error: could not check the token with VertraCloud: vertra: HTTP 500") ||
		!strings.HasSuffix(r.errOut, ": nothing stored (--skip-verify stores a token unchecked)\n") {
		t.Errorf("server failure: exit %d %q", r.code, r.errOut)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("an unchecked token was stored: %v", err)
	}
	before := len(api.requests())
	r = run(t, vertraToken+"\n", false, "", "auth", "login", "--provider", "vertra", "--with-token", "--skip-verify")
	if r.code != 0 || r.errOut != "✓ Logged in to VertraCloud: not verified (--skip-verify); token vtk_…cret stored in "+path+".\n" {
		t.Errorf("--skip-verify: exit %d %q", r.code, r.errOut)
	}
	if len(api.requests()) != before {
		t.Errorf("--skip-verify sent a request")
	}
}

// TestLoginAndLogoutEditAHandWrittenFile: keys in capitals are the same
// keys for login (replaces), logout (removes) and status (reads).
func TestLoginAndLogoutEditAHandWrittenFile(t *testing.T) {
	path := testenv.Isolate(t)
	fakeAPI(t, 200)
	os.MkdirAll(filepath.Dir(path), 0o700)
	if err := os.WriteFile(path, []byte("Vertra:\n  Token: vtk_old_token_value # mine\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := run(t, vertraToken+"\n", false, "", "auth", "login", "--provider", "vertra", "--with-token"); r.code != 0 {
		t.Fatalf("login: %d %q", r.code, r.errOut)
	}
	if data, _ := os.ReadFile(path); string(data) != "Vertra:\n  Token: "+vertraToken+" # mine\n" {
		t.Errorf("after login: %q", data)
	}
	r := run(t, "", false, "", "auth", "logout", "--provider", "vertra")
	if r.code != 0 || !strings.HasPrefix(r.errOut, "✓ Removed the VertraCloud token") {
		t.Errorf("logout: %d %q", r.code, r.errOut)
	}
	if r := run(t, "", false, "", "auth", "status", "--provider", "vertra"); r.code != 3 || r.errOut != "error: no VertraCloud token: run orgctl auth login --provider vertra\n" {
		t.Errorf("status after logout: %d %q", r.code, r.errOut)
	}
}

func TestStatusJSONAndFailures(t *testing.T) {
	testenv.Isolate(t)
	api := fakeAPI(t, 200)
	t.Setenv("ORGCTL_VERTRA_TOKEN", vertraToken)
	r := run(t, "", false, "", "auth", "status", "-o", "json")
	var rows []map[string]any
	if err := json.Unmarshal([]byte(r.out), &rows); r.code != 0 || err != nil || len(rows) != 2 {
		t.Fatalf("exit %d %v\n%s", r.code, err, r.out)
	}
	want := []string{
		`{"error":null,"expires_at":null,"kind":null,"organizations":null,"provider":"qovery","source":"none","status":"missing","token":null}`,
		`{"error":null,"expires_at":null,"kind":"API token","organizations":2,"provider":"vertra","source":"env ORGCTL_VERTRA_TOKEN","status":"valid","token":"vtk_…cret"}`,
	}
	for i, row := range rows {
		if got, _ := json.Marshal(row); string(got) != want[i] {
			t.Errorf("row %d = %s\nwant    %s", i, got, want[i])
		}
	}
	if !strings.HasPrefix(r.out, "[\n  {\n    \"provider\": \"qovery\",\n    \"token\": null,\n    \"kind\": null,\n    \"expires_at\": null,\n    \"source\": \"none\",\n    \"status\": \"missing\",") {
		t.Errorf("keys out of the documented order:\n%s", r.out)
	}
	if got := api.requests(); len(got) != 1 || got[0] != "GET /v1/organizations/all/@me Bearer "+vertraToken {
		t.Errorf("requests %q: only the provider with a token is asked", got)
	}

	api.set(401)
	r = run(t, "", false, "", "auth", "status")
	if r.code != 3 || !strings.Contains(r.out, "rejected") || r.errOut != "error: VertraCloud rejected the token: vertra: HTTP 401 UNAUTHORIZED: the VertraCloud token was rejected (Invalid token)\n" {
		t.Errorf("rejected: exit %d\n%s%q", r.code, r.out, r.errOut)
	}
	api.set(503)
	r = run(t, "", false, "", "auth", "status", "--retries", "0", "-o", "yaml")
	if r.code != 6 || !strings.Contains(r.out, "status: unreachable\n") || !strings.HasPrefix(r.errOut, "error: could not check the token with VertraCloud: vertra: HTTP 503") {
		t.Errorf("unreachable: exit %d\n%s%q", r.code, r.out, r.errOut)
	}
	// The selected provider's problem decides: qovery has no token.
	if r := run(t, "", false, "", "auth", "status", "--provider", "qovery", "--skip-verify"); r.code != 3 || r.errOut != "error: no Qovery token: run orgctl auth login --provider qovery\n" {
		t.Errorf("qovery: exit %d %q", r.code, r.errOut)
	}
	before := len(api.requests())
	r = run(t, "", false, "", "auth", "status", "--skip-verify", "--provider", "vertra")
	if r.code != 0 || !strings.Contains(r.out, "not checked") || len(api.requests()) != before {
		t.Errorf("--skip-verify: exit %d\n%s", r.code, r.out)
	}
}

func TestTokenPrintsOnlyWhenPiped(t *testing.T) {
	testenv.Isolate(t)
	t.Setenv("VERTRA_API_KEY", vertraToken)
	token := func(tty bool, args ...string) result {
		ios, _, out, errOut := iostreams.Test()
		ios.SetTTY(tty)
		code := root.Run(context.Background(), ios, append([]string{"auth", "token"}, args...))
		return result{code, out.String(), errOut.String()}
	}
	if r := token(false, "--provider", "vertra"); r.code != 0 || r.out != vertraToken+"\n" || r.errOut != "" {
		t.Errorf("piped: exit %d %q %q", r.code, r.out, r.errOut)
	}
	if r := token(true, "--provider", "vertra"); r.code != 2 || r.out != "" ||
		!strings.HasSuffix(r.errOut, "error:\x1b[0m refusing to print a token to a terminal: pipe it to the tool that needs it, or pass --show\n") {
		t.Errorf("terminal: exit %d %q %q", r.code, r.out, r.errOut)
	}
	if r := token(true, "--provider", "vertra", "--show"); r.code != 0 || r.out != vertraToken+"\n" {
		t.Errorf("--show: exit %d %q %q", r.code, r.out, r.errOut)
	}
	if r := token(false, "--provider", "qovery"); r.code != 3 || r.out != "" || !strings.HasPrefix(r.errOut, "error: no Qovery token: run orgctl auth login --provider qovery") {
		t.Errorf("no token: exit %d %q %q", r.code, r.out, r.errOut)
	}
}

// TestLoginMakesOrgctlsDirectoryPrivate: login into an existing orgctl
// directory that other users can read (0755, a umask's default) or write
// makes it 0700 and says so; a directory that is not orgctl's own (a
// --config elsewhere) only gets a warning.
func TestLoginMakesOrgctlsDirectoryPrivate(t *testing.T) {
	for _, mode := range []os.FileMode{0o755, 0o750, 0o777} {
		path := testenv.Isolate(t)
		fakeAPI(t, 200)
		dir := filepath.Dir(path)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		os.Chmod(dir, mode)
		r := run(t, vertraToken+"\n", false, "", "auth", "login", "--provider", "vertra", "--with-token")
		di, _ := os.Stat(dir)
		if r.code != 0 || di.Mode().Perm() != 0o700 ||
			!strings.HasPrefix(r.errOut, fmt.Sprintf("note: config directory %s was open to other users (mode %04o): now 0700\n", dir, mode)) {
			t.Errorf("%04o: exit %d, dir %04o, %q", mode, r.code, di.Mode().Perm(), r.errOut)
		}
	}

	testenv.Isolate(t)
	fakeAPI(t, 200)
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	path := filepath.Join(dir, "orgctl.yaml")
	os.WriteFile(path, nil, 0o600) // a --config file must exist
	r := run(t, vertraToken+"\n", false, "", "auth", "login", "--provider", "vertra", "--with-token", "--config", path)
	di, _ := os.Stat(dir)
	if r.code != 0 || di.Mode().Perm() != 0o755 ||
		!strings.HasPrefix(r.errOut, "warning: config directory "+dir+" is open to other users (mode 0755): run chmod 700 "+dir+"\n") {
		t.Errorf("not orgctl's directory: exit %d, dir %04o, %q", r.code, di.Mode().Perm(), r.errOut)
	}
}
