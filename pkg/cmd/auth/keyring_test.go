package auth_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/orgctl/orgctl/pkg/cmd/root"
	"github.com/orgctl/orgctl/pkg/internal/testenv"
	"github.com/orgctl/orgctl/pkg/iostreams"
	"github.com/orgctl/orgctl/pkg/keyring"
)

// runRaw runs orgctl with its stdout piped, without run's leak check.
func runRaw(t *testing.T, args ...string) result {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	code := root.Run(context.Background(), ios, args)
	return result{code, out.String(), errOut.String()}
}

// TestKeyringLoginStatusTokenLogout: with a keyring, login stores the token
// there and the file keeps none; status and config list say "keyring";
// auth token reads it; logout removes it.
func TestKeyringLoginStatusTokenLogout(t *testing.T) {
	path := testenv.Isolate(t)
	kr := testenv.Keyring(t)
	api := fakeAPI(t, 200)
	r := run(t, vertraToken+"\n", false, "", "auth", "login", "--provider", "vertra", "--with-token")
	if r.code != 0 || r.errOut != "✓ Logged in to VertraCloud: the token sees 2 organizations; token vtk_…cret stored in the keyring (orgctl/vertra).\n" {
		t.Fatalf("login: exit %d %q", r.code, r.errOut)
	}
	if kr.Entries()["vertra"] != vertraToken {
		t.Fatalf("keyring holds %v", kr.Entries())
	}
	if data, err := os.ReadFile(path); err == nil {
		t.Errorf("login created the config file:\n%s", data)
	}
	r = run(t, "", false, "", "auth", "status", "--provider", "vertra")
	if r.code != 0 || !strings.Contains(r.out, "vtk_…cret  API token  -        keyring  valid (sees 2 organizations)") {
		t.Errorf("status: exit %d\n%s%s", r.code, r.out, r.errOut)
	}
	if got := api.requests(); got[len(got)-1] != "GET /v1/organizations/all/@me Bearer "+vertraToken {
		t.Errorf("status sent %q", got)
	}
	r = run(t, "", false, "", "config", "list", "--jq", `.[] | select(.key == "vertra.token") | .value + " " + .source`)
	if r.out != "vtk_…cret keyring\n" {
		t.Errorf("config list: %q %q", r.out, r.errOut)
	}
	// The one command that prints a token; run() would flag it, so direct.
	if r := runRaw(t, "auth", "token", "--provider", "vertra"); r.out != vertraToken+"\n" {
		t.Errorf("auth token printed %q", r.out)
	}
	r = run(t, "", false, "", "auth", "logout", "--provider", "vertra")
	if r.code != 0 || r.errOut != "✓ Removed the VertraCloud token from the keyring.\n" || len(kr.Entries()) != 0 {
		t.Errorf("logout: exit %d %q; keyring %v", r.code, r.errOut, kr.Entries())
	}
}

// TestLoginMovesAFileTokenIntoTheKeyring: a token an older orgctl left in
// the file keeps working, and the next login moves it, keeping the rest.
func TestLoginMovesAFileTokenIntoTheKeyring(t *testing.T) {
	path := testenv.Isolate(t)
	kr := testenv.Keyring(t)
	fakeAPI(t, 200)
	os.MkdirAll(strings.TrimSuffix(path, "/config.yaml"), 0o700)
	os.WriteFile(path, []byte("# mine\nprovider: vertra\nvertra:\n  token: "+vertraToken+"\n"), 0o600)
	if r := run(t, "", false, "", "auth", "status", "--skip-verify"); !strings.Contains(r.out, "config file "+path) {
		t.Fatalf("before: %s", r.out)
	}
	r := run(t, vertraToken+"\n", false, "", "auth", "login", "--with-token", "--skip-verify")
	data, _ := os.ReadFile(path)
	if r.code != 0 || !strings.Contains(r.errOut, "The token in "+path+" was removed: it is in the keyring only.") ||
		string(data) != "# mine\nprovider: vertra\n" || kr.Entries()["vertra"] != vertraToken {
		t.Errorf("exit %d %q; file:\n%s", r.code, r.errOut, data)
	}
}

// TestLoginWithoutAKeyring: auto falls back to the file, saying so before
// the write; auth.storage keyring fails closed; --insecure-storage asks
// for the file; under CI the keyring is not asked.
func TestLoginWithoutAKeyring(t *testing.T) {
	path := testenv.Isolate(t)
	kr := testenv.Keyring(t)
	fakeAPI(t, 200)
	kr.Err = errors.New("The name org.freedesktop.secrets was not provided by any .service files")

	t.Setenv("ORGCTL_AUTH_STORAGE", "keyring")
	r := run(t, vertraToken+"\n", false, "", "auth", "login", "--provider", "vertra", "--with-token")
	if _, err := os.Stat(path); r.code != 1 || err == nil ||
		r.errOut != "error: The name org.freedesktop.secrets was not provided by any .service files: nothing stored (auth.storage is keyring, env ORGCTL_AUTH_STORAGE)\n" {
		t.Errorf("fail closed: exit %d %q, file: %v", r.code, r.errOut, err)
	}
	r = run(t, vertraToken+"\n", false, "", "auth", "login", "--provider", "vertra", "--with-token", "--insecure-storage")
	if r.code != 2 || !strings.Contains(r.errOut, "--insecure-storage asks for the file, but auth.storage is keyring (env ORGCTL_AUTH_STORAGE)") {
		t.Errorf("--insecure-storage against keyring: exit %d %q", r.code, r.errOut)
	}

	t.Setenv("ORGCTL_AUTH_STORAGE", "")
	r = run(t, vertraToken+"\n", false, "", "auth", "login", "--provider", "vertra", "--with-token")
	want := "warning: The name org.freedesktop.secrets was not provided by any .service files: storing the token in " + path +
		" (0600, plain text) instead; auth.storage keyring makes this an error\n✓ Logged in to VertraCloud: the token sees 2 organizations; token vtk_…cret stored in " + path + ".\n"
	if data, _ := os.ReadFile(path); r.code != 0 || r.errOut != want || !strings.Contains(string(data), vertraToken) {
		t.Errorf("fallback: exit %d %q", r.code, r.errOut)
	}

	kr.Err, kr.Calls = nil, 0
	os.Remove(path)
	t.Setenv("CI", "true")
	r = run(t, vertraToken+"\n", false, "", "auth", "login", "--provider", "vertra", "--with-token")
	if data, _ := os.ReadFile(path); r.code != 0 || kr.Calls != 0 || !strings.Contains(string(data), vertraToken) ||
		!strings.HasPrefix(r.errOut, "note: storing the token in "+path+" (0600, plain text), not the keyring: CI is set (auth.storage keyring would use it there)\n") {
		t.Errorf("CI: exit %d, %d keyring calls, %q", r.code, kr.Calls, r.errOut)
	}
	if r := run(t, "", false, "", "auth", "logout", "--provider", "vertra"); r.code != 0 || kr.Calls != 0 {
		t.Errorf("CI logout: exit %d, %d keyring calls", r.code, kr.Calls)
	}
}

// TestHungKeyring: a keyring that never answers (an unlock prompt nobody
// sees) costs one bounded wait: login fails writing nothing, status reads
// the file's token with a note.
func TestHungKeyring(t *testing.T) {
	path := testenv.Isolate(t)
	kr := testenv.Keyring(t)
	t.Cleanup(keyring.Replace(keyring.WithTimeout(kr, 100*time.Millisecond)))
	fakeAPI(t, 200)
	kr.Block = make(chan struct{})
	defer close(kr.Block)
	start := time.Now()
	r := run(t, vertraToken+"\n", false, "", "auth", "login", "--provider", "vertra", "--with-token")
	if _, err := os.Stat(path); r.code != 1 || err == nil || time.Since(start) > 5*time.Second ||
		r.errOut != "error: the keyring did not answer within 100ms (locked, or waiting for an unlock prompt?): nothing stored; unlock the keyring and retry, or pass --insecure-storage for the file\n" {
		t.Errorf("login: exit %d after %s %q", r.code, time.Since(start), r.errOut)
	}
	os.MkdirAll(strings.TrimSuffix(path, "/config.yaml"), 0o700)
	os.WriteFile(path, []byte("vertra:\n  token: "+vertraToken+"\n"), 0o600)
	r = run(t, "", false, "", "auth", "status", "--skip-verify")
	if r.code != 0 || !strings.Contains(r.out, "config file "+path) ||
		strings.Count(r.errOut, "warning: the keyring did not answer within 100ms") != 1 {
		t.Errorf("status: exit %d\n%s%s", r.code, r.out, r.errOut)
	}
}
