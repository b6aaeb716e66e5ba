package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// listNames runs `list --sandbox` and returns the names it prints.
func listNames(t *testing.T, environ []string, provider string) []string {
	t.Helper()
	r := orgctl(t, environ, "list", "--sandbox", "--provider", provider, "-o", "json")
	if r.code != 0 {
		t.Fatalf("list: exit %d: %s", r.code, r.errOut)
	}
	var orgs []struct{ Name string }
	if err := json.Unmarshal([]byte(r.out), &orgs); err != nil {
		t.Fatalf("list -o json: %v\n%s", err, r.out)
	}
	var names []string
	for _, o := range orgs {
		names = append(names, o.Name)
	}
	slices.Sort(names)
	return names
}

func TestSandboxKeepsStateBetweenCommands(t *testing.T) {
	environ := env(t, "ORGCTL_VERTRA_TOKEN="+vertraToken) // never sent: --sandbox uses its own
	r := orgctl(t, environ, "create", "--sandbox", "--provider", "vertra", "--name", "acme", "--tag", "ci")
	if r.code != 0 || !strings.Contains(r.errOut, "Using the embedded sandbox at http://127.0.0.1:") {
		t.Fatalf("create: exit %d: %s", r.code, r.errOut)
	}
	state := regexp.MustCompile(`\(state in (.+)\)`).FindStringSubmatch(r.errOut)
	if state == nil || filepath.Base(state[1]) != "sandbox.json" || !strings.Contains(state[1], filepath.Join(".local", "state", "orgctl")) {
		t.Errorf("stderr does not name the state file under ~/.local/state: %s", r.errOut)
	}
	if p := orgctl(t, environ, "sandbox", "path"); p.code != 0 || state == nil || strings.TrimSpace(p.out) != state[1] {
		t.Errorf("sandbox path: %q, want %v", p.out, state)
	}
	if got := listNames(t, environ, "vertra"); !slices.Equal(got, []string{"acme"}) {
		t.Errorf("list after create: %v", got)
	}
	if r := orgctl(t, environ, "get", "--sandbox", "--provider", "vertra", "acme", "-o", "json"); r.code != 0 || !strings.Contains(r.out, `"ci"`) {
		t.Errorf("get: exit %d: %s %s", r.code, r.out, r.errOut)
	}
	if r := orgctl(t, environ, "create", "--sandbox", "--provider", "vertra", "--name", "ACME"); r.code != 4 {
		t.Errorf("a name kept by the sandbox must stay taken: exit %d: %s", r.code, r.errOut)
	}
	manifest := writeManifest(t, "tenants.yaml", "- {provider: vertra, name: t1}\n- {provider: qovery, name: t2, plan: TEAM_2025}\n")
	if r := orgctl(t, environ, "create", "--sandbox", "-f", manifest, "-o", "json"); r.code != 0 {
		t.Fatalf("create -f: exit %d: %s", r.code, r.errOut)
	}
	if got := listNames(t, environ, "vertra"); !slices.Equal(got, []string{"acme", "t1"}) {
		t.Errorf("list after create -f: %v", got)
	}
	if got := listNames(t, environ, "qovery"); !slices.Equal(got, []string{"t2"}) {
		t.Errorf("qovery list after create -f: %v", got)
	}
	if r := orgctl(t, environ, "delete", "--sandbox", "--provider", "vertra", "acme", "--yes"); r.code != 0 {
		t.Errorf("delete: exit %d: %s", r.code, r.errOut)
	}
	if got := listNames(t, environ, "vertra"); !slices.Equal(got, []string{"t1"}) {
		t.Errorf("list after delete: %v", got)
	}
	if r := orgctl(t, environ, "auth", "status", "--sandbox"); r.code != 0 || strings.Count(r.out, "--sandbox") != 2 {
		t.Errorf("auth status --sandbox: exit %d\n%s%s", r.code, r.out, r.errOut)
	}
	r = orgctl(t, environ, "sandbox", "reset")
	if r.code != 0 || !strings.Contains(r.errOut, "Emptied the sandbox state "+state[1]+" (2 organizations)") {
		t.Errorf("reset: exit %d: %s", r.code, r.errOut)
	}
	if got := listNames(t, environ, "vertra"); len(got) != 0 {
		t.Errorf("list after reset: %v", got)
	}
}

// Concurrent --sandbox commands run one after the other on the state: none
// loses another's creation.
func TestConcurrentSandboxCommandsKeepEveryCreation(t *testing.T) {
	environ := env(t)
	const n = 16
	var wg sync.WaitGroup
	results := make([]result, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = orgctl(t, environ, "create", "--sandbox", "--provider", "qovery", "--name", fmt.Sprintf("org-%02d", i), "--plan", "FREE")
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r.code != 0 {
			t.Errorf("process %d: exit %d: %s", i, r.code, r.errOut)
		}
	}
	if got := listNames(t, environ, "qovery"); len(got) != n {
		t.Errorf("%d organizations kept, want %d: %v", len(got), n, got)
	}
}

// `sandbox serve --state` and --sandbox commands share one state.
func TestServeSharesTheSandboxState(t *testing.T) {
	environ := env(t)
	path := strings.TrimSpace(orgctl(t, environ, "sandbox", "path").out)
	orgctl(t, environ, "create", "--sandbox", "--provider", "vertra", "--name", "before")

	cmd := exec.Command(binary, "sandbox", "serve", "--addr", "127.0.0.1:0", "--state", path)
	cmd.Env = environ
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Signal(syscall.SIGINT); _ = cmd.Wait() }()
	lines := bufio.NewScanner(stderr)
	var url string
	for url == "" && lines.Scan() {
		url = regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(lines.Text())
	}
	if url == "" {
		t.Fatal("sandbox serve printed no URL")
	}
	go io.Copy(io.Discard, stderr)

	// --sandbox acts as the account of its placeholder token: the same
	// token sees the same organizations through serve.
	served := append(environ, "ORGCTL_VERTRA_URL="+url, "ORGCTL_VERTRA_TOKEN=orgctl-sandbox-token")
	if r := orgctl(t, served, "create", "--provider", "vertra", "--name", "served"); r.code != 0 {
		t.Fatalf("create on serve: exit %d: %s", r.code, r.errOut)
	}
	if got := listNames(t, environ, "vertra"); !slices.Equal(got, []string{"before", "served"}) {
		t.Errorf("--sandbox lists %v", got)
	}
	orgctl(t, environ, "create", "--sandbox", "--provider", "vertra", "--name", "after")
	resp, err := http.Get(url + "/_sandbox/organizations")
	if err != nil {
		t.Fatal(err)
	}
	var orgs []struct{ Name string }
	err = json.NewDecoder(resp.Body).Decode(&orgs)
	resp.Body.Close()
	if err != nil || len(orgs) != 3 {
		t.Errorf("serve holds %v (%v), want before, served, after", orgs, err)
	}
}
