package e2e

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/keyring"
	"github.com/orgctl/orgctl/pkg/sandbox"
)

// needKeyring skips when no Secret Service answers on the session bus,
// unless ORGCTL_TEST_KEYRING=require (.ci/run sets it where it starts
// gnome-keyring under dbus-run-session).
func needKeyring(t *testing.T) {
	t.Helper()
	fail := t.Skipf
	if os.Getenv("ORGCTL_TEST_KEYRING") == "require" {
		fail = t.Fatalf
	}
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		fail("no session bus (DBUS_SESSION_BUS_ADDRESS is not set): see .ci/run for a keyring under dbus-run-session")
		return
	}
	if _, err := keyring.Default().Get(keyring.Service, "e2e-probe"); err != nil && !errors.Is(err, keyring.ErrNotFound) {
		fail("no keyring answers: %v", err)
	}
}

// TestKeyringLoginCreateStatusLogout runs the real binary against a real
// Secret Service: the token goes into the keyring and nowhere else, create
// sends it from there, status says where it is, logout removes it. A
// profile of its own keeps it away from any entry a developer has.
func TestKeyringLoginCreateStatusLogout(t *testing.T) {
	needKeyring(t)
	profile := "e2e-" + randomHex(t)
	user := "vertra:" + profile
	t.Cleanup(func() { _ = keyring.Default().Delete(keyring.Service, user) })
	sb, _ := startSandbox(t, sandbox.Options{Token: vertraToken}) // any other token is refused
	home := t.TempDir()
	file := filepath.Join(home, "orgctl", "config.yaml")
	environ := env(t, "XDG_CONFIG_HOME="+home, "ORGCTL_VERTRA_URL="+sb.URL, "ORGCTL_PROFILE="+profile,
		"DBUS_SESSION_BUS_ADDRESS="+os.Getenv("DBUS_SESSION_BUS_ADDRESS"),
		"ORGCTL_AUTH_STORAGE=keyring", // fail closed: the file is never a way out here
		"CI=true")                     // auth.storage keyring is how CI asks for the keyring
	noTokenInFile := func(step string) {
		t.Helper()
		if data, err := os.ReadFile(file); err == nil && strings.Contains(string(data), vertraToken) {
			t.Fatalf("after %s the config file %s holds the token", step, file)
		}
	}

	r := orgctlStdin(t, environ, vertraToken+"\n", "auth", "login", "--provider", "vertra", "--with-token")
	if r.code != 0 || !strings.Contains(r.errOut, "token vtk_…alue stored in the keyring (orgctl/"+user+") (profile "+profile+")") {
		t.Fatalf("login: exit %d %q", r.code, r.errOut)
	}
	noTokenInFile("login")
	if got, err := keyring.Default().Get(keyring.Service, user); got != vertraToken || err != nil {
		t.Fatalf("the keyring's entry: %v (holds the token: %v)", err, got == vertraToken)
	}
	if out, err := exec.Command("secret-tool", "lookup", "service", keyring.Service, "username", user).Output(); err == nil && string(out) != vertraToken {
		t.Errorf("secret-tool sees another value under orgctl/%s", user)
	}

	before := len(sb.Server.Requests())
	if r := orgctl(t, environ, "create", "--provider", "vertra", "--name", "from-keyring"); r.code != 0 {
		t.Fatalf("create: exit %d %q", r.code, r.errOut)
	}
	reqs := sb.Server.Requests()[before:]
	if len(reqs) != 1 || reqs[0].Method != "POST" || reqs[0].Header.Get("Authorization") != "Bearer "+vertraToken {
		t.Fatalf("create sent %d requests; the last with the keyring's token: %v", len(reqs), len(reqs) > 0 && reqs[len(reqs)-1].Header.Get("Authorization") == "Bearer "+vertraToken)
	}
	noTokenInFile("create")

	r = orgctl(t, environ, "auth", "status", "--provider", "vertra")
	if r.code != 0 || !strings.Contains(r.out, "vtk_…alue  API token  -        keyring (profile "+profile+")  valid (sees 1 organization)") {
		t.Errorf("status: exit %d\n%s%s", r.code, r.out, r.errOut)
	}
	r = orgctl(t, environ, "config", "get", "vertra.token", "-o", "json")
	if r.code != 0 || !strings.Contains(r.out, `"source": "keyring (profile `+profile+`)"`) {
		t.Errorf("config get: exit %d %s", r.code, r.out)
	}
	// auth token prints the token itself: run without orgctl()'s leak check.
	cmd := exec.Command(binary, "auth", "token", "--provider", "vertra")
	cmd.Env = environ
	if out, err := cmd.Output(); err != nil || string(out) != vertraToken+"\n" {
		t.Errorf("auth token: %v (printed the keyring's token: %v)", err, string(out) == vertraToken+"\n")
	}

	r = orgctl(t, environ, "auth", "logout", "--provider", "vertra")
	if r.code != 0 || r.errOut != "✓ Removed the VertraCloud token from the keyring (profile "+profile+").\n" {
		t.Errorf("logout: exit %d %q", r.code, r.errOut)
	}
	if _, err := keyring.Default().Get(keyring.Service, user); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("after logout the keyring's entry: %v", err)
	}
	if r := orgctl(t, environ, "auth", "status", "--provider", "vertra"); r.code != 3 {
		t.Errorf("status after logout: exit %d\n%s", r.code, r.out)
	}
	noTokenInFile("logout")
}

func randomHex(t *testing.T) string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// TestNoKeyringFallsBackOrFailsClosed: with no session bus (a container, a
// CI job), login says it falls back to the file before writing it, and
// auth.storage keyring refuses instead, writing nothing.
func TestNoKeyringFallsBackOrFailsClosed(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the Secret Service's session bus is Linux's")
	}
	sb, _ := startSandbox(t, sandbox.Options{})
	for _, storage := range []string{"auto", "keyring"} {
		home := t.TempDir()
		file := filepath.Join(home, "orgctl", "config.yaml")
		environ := env(t, "XDG_CONFIG_HOME="+home, "XDG_RUNTIME_DIR="+t.TempDir(), "ORGCTL_VERTRA_URL="+sb.URL, "ORGCTL_AUTH_STORAGE="+storage)
		r := orgctlStdin(t, environ, vertraToken+"\n", "auth", "login", "--provider", "vertra", "--with-token")
		data, err := os.ReadFile(file)
		switch storage {
		case "auto":
			want := "warning: keyring unavailable: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set): storing the token in " + file +
				" (0600, plain text) instead; auth.storage keyring makes this an error\n✓ Logged in to VertraCloud"
			if r.code != 0 || !strings.HasPrefix(r.errOut, want) || !strings.Contains(string(data), vertraToken) {
				t.Errorf("auto: exit %d %q; file holds the token: %v", r.code, r.errOut, strings.Contains(string(data), vertraToken))
			}
		case "keyring":
			if r.code != 1 || err == nil && strings.Contains(string(data), vertraToken) ||
				r.errOut != "error: keyring unavailable: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set): nothing stored (auth.storage is keyring, env ORGCTL_AUTH_STORAGE)\n" {
				t.Errorf("keyring: exit %d %q", r.code, r.errOut)
			}
		}
	}
}
