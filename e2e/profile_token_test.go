package e2e

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/sandbox"
)

// TestUseProfileIsHonouredByEveryCommand: a profile chosen once with
// use-profile is what create reads, until --profile or ORGCTL_PROFILE says
// otherwise.
func TestUseProfileIsHonouredByEveryCommand(t *testing.T) {
	sb, _ := startSandbox(t, sandbox.Options{})
	home := t.TempDir()
	path := filepath.Join(home, "orgctl", "config.yaml")
	environ := env(t, "XDG_CONFIG_HOME="+home, "ORGCTL_VERTRA_URL="+sb.URL, "ORGCTL_QOVERY_URL="+sb.URL)
	if r := orgctlStdin(t, environ, vertraToken+"\n", "auth", "login", "--provider", "vertra", "--with-token", "--profile", "staging"); r.code != 0 {
		t.Fatalf("login: %d %q", r.code, r.errOut)
	}
	if r := orgctl(t, environ, "config", "set", "provider", "vertra", "--profile", "staging"); r.code != 0 {
		t.Fatalf("set: %d %q", r.code, r.errOut)
	}
	if r := orgctl(t, environ, "create", "--name", "acme"); r.code != 2 {
		t.Errorf("before use-profile, the top level has no provider: %d %q", r.code, r.errOut)
	}
	if r := orgctl(t, environ, "config", "use-profile", "staging"); r.code != 0 || r.errOut != "✓ Using profile staging (current_profile in "+path+").\n" {
		t.Fatalf("use-profile: %d %q", r.code, r.errOut)
	}
	if r := orgctl(t, environ, "config", "current-profile"); r.code != 0 || r.out != "staging\n" {
		t.Errorf("current-profile: %d %q", r.code, r.out)
	}
	if r := orgctl(t, environ, "create", "--name", "acme"); r.code != 0 {
		t.Fatalf("create in the current profile: %d %q", r.code, r.errOut)
	}
	last := sb.Server.Requests()[len(sb.Server.Requests())-1]
	if last.Method != "POST" || last.Header.Get("Authorization") != "Bearer "+vertraToken {
		t.Errorf("create sent %s %s %q", last.Method, last.Path, last.Header.Get("Authorization"))
	}
	r := orgctl(t, append(environ, "ORGCTL_PROFILE=other"), "create", "--name", "globex")
	if r.code != 2 || !strings.HasPrefix(r.errOut, `error: unknown profile "other": `+path+" has staging") {
		t.Errorf("ORGCTL_PROFILE wins: %d %q", r.code, r.errOut)
	}
	if r := orgctl(t, environ, "config", "use-profile", "--clear"); r.code != 0 {
		t.Errorf("--clear: %d %q", r.code, r.errOut)
	}
	if r := orgctl(t, environ, "config", "current-profile", "-o", "json"); r.code != 0 || r.out != "{\n  \"profile\": null,\n  \"source\": null\n}\n" {
		t.Errorf("after --clear: %d %q", r.code, r.out)
	}
}

// TestAuthTokenRefusesATerminal runs `auth token` under a pseudo-terminal
// (script(1)): without --show nothing is printed and the exit is 2.
func TestAuthTokenRefusesATerminal(t *testing.T) {
	if _, err := exec.LookPath("script"); err != nil {
		t.Skip("script(1) is not installed")
	}
	environ := env(t, "ORGCTL_VERTRA_TOKEN="+vertraToken)
	cmd := exec.Command("script", "-qec", binary+" auth token --provider vertra", "/dev/null")
	cmd.Env = environ
	screen, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Errorf("exit: %v", err)
	}
	assertNoSecret(t, string(screen))
	if !strings.Contains(string(screen), "refusing to print a token to a terminal: pipe it to the tool that needs it, or pass --show") {
		t.Errorf("screen:\n%s", screen)
	}
	cmd = exec.Command("script", "-qec", binary+" auth token --provider vertra --show", "/dev/null")
	cmd.Env = environ
	screen, err = cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(screen)) != vertraToken {
		t.Errorf("--show: %v %q", err, screen)
	}
}
