package e2e

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgctl/orgctl/pkg/sandbox"
)

// TestLoginPromptHidesTheToken types a token at the login prompt of the real
// binary under a pseudo-terminal (script(1)) and checks that the terminal
// never showed it.
func TestLoginPromptHidesTheToken(t *testing.T) {
	if _, err := exec.LookPath("script"); err != nil {
		t.Skip("script(1) is not installed")
	}
	sb, _ := startSandbox(t, sandbox.Options{}) // login checks the token with the API
	home := t.TempDir()
	environ := env(t, "XDG_CONFIG_HOME="+home, "ORGCTL_VERTRA_URL="+sb.URL)
	cmd := exec.Command("script", "-qec", binary+" auth login --provider vertra", "/dev/null")
	cmd.Env = environ
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var screen syncBuffer
	cmd.Stdout, cmd.Stderr = &screen, &screen
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Type only once the prompt is up, as a person would.
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(screen.String(), "(it will not be shown): ") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // let the prompt switch echo off
	io.WriteString(stdin, vertraToken+"\r")
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("login failed: %v\n%s", err, screen.String())
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("login hung:\n%s", screen.String())
	}
	stdin.Close()
	out := screen.String()
	assertNoSecret(t, out) // the typed token was not echoed
	if !strings.Contains(out, "Logged in to VertraCloud: the token sees 0 organizations; token vtk_…alue stored in ") {
		t.Errorf("screen:\n%s", out)
	}
	path := filepath.Join(home, "orgctl", "config.yaml")
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), "token: "+vertraToken) {
		t.Fatalf("config file: %v\n%s", err, data)
	}
	fi, _ := os.Stat(path)
	di, _ := os.Stat(filepath.Dir(path))
	if fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700 {
		t.Errorf("file %o, dir %o", fi.Mode().Perm(), di.Mode().Perm())
	}
}

func TestAuthPipedStatusLogoutAndUse(t *testing.T) {
	sb, _ := startSandbox(t, sandbox.Options{})
	home := t.TempDir()
	environ := env(t, "XDG_CONFIG_HOME="+home, "ORGCTL_QOVERY_URL="+sb.URL)
	r := orgctlStdin(t, environ, qoveryToken+"\n", "auth", "login", "--provider", "qovery", "--with-token")
	if r.code != 0 || !strings.Contains(r.errOut, "token qov_…alue stored in") {
		t.Fatalf("login: %d %q", r.code, r.errOut)
	}
	// The stored token is what create now sends.
	if r := orgctl(t, environ, "create", "--provider", "qovery", "--name", "stored", "--plan", "TEAM"); r.code != 0 {
		t.Errorf("create with the stored token: %d %q", r.code, r.errOut)
	}
	r = orgctl(t, environ, "auth", "status", "--provider", "qovery")
	if r.code != 0 || !strings.Contains(r.out, "qov_…alue  API token") || !strings.Contains(r.out, "config file "+filepath.Join(home, "orgctl", "config.yaml")) {
		t.Errorf("status: %d\n%s", r.code, r.out)
	}
	r = orgctl(t, environ, "config", "list")
	if r.code != 0 || !strings.Contains(r.out, "qov_…alue") {
		t.Errorf("config list: %d\n%s", r.code, r.out)
	}
	if r := orgctl(t, environ, "auth", "logout", "--provider", "qovery"); r.code != 0 {
		t.Errorf("logout: %d %q", r.code, r.errOut)
	}
	if r := orgctl(t, environ, "auth", "status", "--provider", "qovery"); r.code != 3 {
		t.Errorf("status after logout: %d", r.code)
	}
	if r := orgctl(t, environ, "auth", "login", "--provider", "qovery"); r.code != 2 || !strings.Contains(r.errOut, "pass --with-token") {
		t.Errorf("login without a terminal: %d %q", r.code, r.errOut)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
