package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
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

	url := serveSandbox(t, environ, "--state", path)

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

// serveSandbox runs `orgctl sandbox serve` on a free loopback port until
// the test ends, and returns its URL.
func serveSandbox(t *testing.T, environ []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"sandbox", "serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = environ
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Signal(syscall.SIGINT); _ = cmd.Wait() })
	lines := bufio.NewScanner(stderr)
	var url string
	for url == "" && lines.Scan() {
		url = regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`).FindString(lines.Text())
	}
	if url == "" {
		t.Fatal("sandbox serve printed no URL")
	}
	go io.Copy(io.Discard, stderr)
	return strings.TrimPrefix(url, "listening on ")
}

// serve --seed fills the state --sandbox commands use, as their account.
func TestServeSeedsTheState(t *testing.T) {
	environ := env(t)
	path := strings.TrimSpace(orgctl(t, environ, "sandbox", "path").out)
	serveSandbox(t, environ, "--state", path, "--seed", "qovery=3,vertra-workspace=2")
	if got := listNames(t, environ, "qovery"); !slices.Equal(got, []string{"seed-0000000", "seed-0000001", "seed-0000002"}) {
		t.Errorf("qovery: %v", got)
	}
	if r := orgctl(t, environ, "sandbox", "reset"); r.code != 0 || !strings.Contains(r.errOut, "(5 organizations)") {
		t.Errorf("reset: exit %d: %s", r.code, r.errOut)
	}
	if r := orgctl(t, environ, "sandbox", "serve", "--seed", "github=3"); r.code != 2 || !strings.Contains(r.errOut, "--seed") {
		t.Errorf("an unknown provider: exit %d: %s", r.code, r.errOut)
	}
}

// A state file that orgctl wrote before the log format is read as it was,
// and converted, by the first command that uses it.
func TestSandboxConvertsAVersion1State(t *testing.T) {
	environ := env(t)
	path := strings.TrimSpace(orgctl(t, environ, "sandbox", "path").out)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	v1 := `{"version":1,"organizations":[{"provider":"vertra","id":"org_1","name":"old","owner":"` + vertraSandboxOwner(t, environ) + `","raw":{"id":"org_1","name":"old","description":"","tags":[],"owner_id":"x","members":[],"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}}]}`
	if err := os.WriteFile(path, []byte(v1+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := listNames(t, environ, "vertra"); !slices.Equal(got, []string{"old"}) {
		t.Errorf("list of a version 1 state: %v", got)
	}
	if b, _ := os.ReadFile(path); !strings.HasPrefix(string(b), `{"version":2,`) {
		t.Errorf("not converted: %.60s", b)
	}
	orgctl(t, environ, "create", "--sandbox", "--provider", "vertra", "--name", "new")
	if got := listNames(t, environ, "vertra"); !slices.Equal(got, []string{"new", "old"}) {
		t.Errorf("after a create: %v", got)
	}
}

// vertraSandboxOwner is the user id of --sandbox's VertraCloud account, as
// the sandbox's admin API shows it.
func vertraSandboxOwner(t *testing.T, environ []string) string {
	t.Helper()
	url := serveSandbox(t, environ)
	req, _ := http.NewRequest("POST", url+"/v1/organizations", strings.NewReader(`{"name":"probe"}`))
	req.Header.Set("Authorization", "Bearer orgctl-sandbox-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var created struct {
		Response struct {
			OwnerID string `json:"owner_id"`
		}
	}
	err = json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	if err != nil || created.Response.OwnerID == "" {
		t.Fatalf("probe: %v", err)
	}
	return created.Response.OwnerID
}
