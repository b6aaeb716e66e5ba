package sandbox

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDefaultStatePath(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	if p, err := DefaultStatePath(); err != nil || p != filepath.Join(dir, "orgctl", "sandbox.json") {
		t.Errorf("path %q, %v", p, err)
	}
	t.Setenv("XDG_STATE_HOME", "relative/dir") // ignored, as the XDG spec says
	if p, err := DefaultStatePath(); err != nil || strings.HasPrefix(p, "relative") || !strings.HasSuffix(p, filepath.Join("orgctl", "sandbox.json")) {
		t.Errorf("path %q, %v", p, err)
	}
}

// post sends a request to a running sandbox.
func post(t *testing.T, url, method, path, auth, body string) int {
	t.Helper()
	req, _ := http.NewRequest(method, url+path, strings.NewReader(body))
	req.Header.Set("Authorization", auth)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func names(orgs []Organization) string {
	var out []string
	for _, o := range orgs {
		out = append(out, o.Provider+":"+o.Name)
	}
	return strings.Join(out, " ")
}

func TestSessionKeepsStateAndLocksIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "sandbox.json")
	s1, err := StartSession(path, Options{VertraAPI: "both"})
	if err != nil {
		t.Fatal(err)
	}
	if st := post(t, s1.URL, "POST", "/organization", "Token x", `{"name":"acme","plan":"FREE"}`); st != 201 {
		t.Fatalf("create: %d", st)
	}
	// A second session waits for the first to close.
	opened := make(chan *Session)
	go func() {
		s2, err := StartSession(path, Options{VertraAPI: "both"})
		if err != nil {
			t.Error(err)
		}
		opened <- s2
	}()
	select {
	case <-opened:
		t.Fatal("a second session opened while the first holds the state")
	case <-time.After(200 * time.Millisecond):
	}
	if st := post(t, s1.URL, "POST", "/v1/workspaces", "Bearer x", `{"name":"ws"}`); st != 201 {
		t.Fatalf("create: %d", st)
	}
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	s2 := <-opened
	if s2 == nil {
		t.FailNow()
	}
	if got := names(s2.Server.Organizations()); got != "qovery:acme vertra-workspace:ws" {
		t.Errorf("the second session sees %q", got)
	}
	if st := post(t, s2.URL, "POST", "/organization", "Token x", `{"name":"ACME","plan":"FREE"}`); st != 409 {
		t.Errorf("a name kept in the state must stay taken: %d", st)
	}
	info, _ := os.Stat(path)
	if err := s2.Close(); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.Stat(path); !os.SameFile(info, after) {
		t.Error("a session that changed nothing rewrote the state")
	}
	if fi, _ := os.Stat(filepath.Dir(path)); fi.Mode().Perm() != 0o700 {
		t.Errorf("state directory mode %v, want 0700", fi.Mode().Perm())
	}
	n, err := ResetState(path)
	if err != nil || n != 2 {
		t.Fatalf("reset: %d, %v", n, err)
	}
	if n, err := CheckState(path); n != 0 || err != nil {
		t.Errorf("after reset: %d organizations, %v", n, err)
	}
	if leftovers, _ := filepath.Glob(path + ".*.tmp"); len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestUnreadableState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.json")
	if err := os.WriteFile(path, []byte("{half"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := StartSession(path, Options{}); err == nil || !strings.Contains(err.Error(), "run orgctl sandbox reset") {
		t.Errorf("error %v", err)
	}
	s := New(Options{StatePath: path})
	a := do(t, s, "GET", "/organization", "Token x", "")
	if a.status != 500 || !strings.Contains(a.body, "run orgctl sandbox reset") {
		t.Errorf("serving an unreadable state: %d %s", a.status, a.body)
	}
	if n, err := ResetState(path); err != nil || n != 0 {
		t.Errorf("reset of an unreadable state: %d %v", n, err)
	}
	if a := do(t, s, "GET", "/organization", "Token x", ""); a.status != 200 {
		t.Errorf("after reset: %d %s", a.status, a.body)
	}
}

// Two servers on one state file stand for two `sandbox serve --state`
// processes, or one and --sandbox commands: each sees what the other did.
func TestServedStateIsShared(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.json")
	a, b := New(Options{StatePath: path, VertraAPI: "both"}), New(Options{StatePath: path, VertraAPI: "both"})
	if r := do(t, a, "POST", "/v1/organizations", "Bearer k", `{"name":"one"}`); r.status != 201 {
		t.Fatalf("create on a: %d %s", r.status, r.body)
	}
	if r := do(t, b, "POST", "/v1/organizations", "Bearer k", `{"name":"ONE"}`); r.status != 400 {
		t.Errorf("b must see a's organization: %d %s", r.status, r.body)
	}
	if r := do(t, b, "POST", "/v1/organizations", "Bearer k", `{"name":"two"}`); r.status != 201 {
		t.Fatalf("create on b: %d", r.status)
	}
	r := do(t, a, "GET", "/v1/organizations/all/@me", "Bearer k", "")
	var env struct{ Response []struct{ Name string } }
	if err := json.Unmarshal([]byte(r.body), &env); err != nil || len(env.Response) != 2 {
		t.Errorf("a lists %s", r.body)
	}
	if got := names(New(Options{StatePath: path}).Organizations()); got != "vertra:one vertra:two" {
		t.Errorf("the state file holds %s", got)
	}
	if r := do(t, a, "POST", "/_sandbox/reset", "", ""); r.status != 204 {
		t.Fatalf("reset: %d", r.status)
	}
	if r := do(t, b, "GET", "/_sandbox/organizations", "", ""); r.body != "[]" {
		t.Errorf("b after a's reset: %s", r.body)
	}
}
