package auth_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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

func jwt(exp time.Time) string {
	payload := base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf(`{"sub":"u","exp":%d}`, exp.Unix())))
	return "eyJhbGciOiJIUzI1NiJ9." + payload + ".c2lnbmF0dXJlLXZhbHVl"
}

func TestLoginPipedStatusLogout(t *testing.T) {
	path := testenv.Isolate(t)
	r := run(t, vertraToken+"\n", false, "", "auth", "login", "--provider", "vertra", "--with-token")
	if r.code != 0 || r.errOut != "✓ Logged in to VertraCloud: token vtk_…cret stored in "+path+".\n" {
		t.Fatalf("login: exit %d %q", r.code, r.errOut)
	}
	data, _ := os.ReadFile(path)
	fi, _ := os.Stat(path)
	di, _ := os.Stat(filepath.Dir(path))
	if string(data) != "vertra:\n  token: "+vertraToken+"\n" || fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700 {
		t.Errorf("file %q mode %o dir %o", data, fi.Mode().Perm(), di.Mode().Perm())
	}

	r = run(t, "", false, "", "auth", "status")
	if r.code != 0 || !strings.Contains(r.out, "vertra    vtk_…cret  API token  -        config file "+path) || !strings.Contains(r.out, "qovery    -          -          -        none") {
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
	token := jwt(time.Now().Add(2 * time.Hour))
	r := run(t, "", true, token, "auth", "login", "--provider", "qovery", "--profile", "staging")
	if r.code != 0 || !strings.HasPrefix(r.errOut, "Paste your Qovery token (it will not be shown): \nwarning: this Qovery token expires in 2h0m0s (") ||
		!strings.Contains(r.errOut, "\n✓ Logged in to Qovery: token eyJ…bHVl stored in "+path+" (profile staging).\n") {
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
}
