package e2e

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orgctl/orgctl/pkg/sandbox"
)

// completions runs `orgctl __complete WORDS...` as the shells do and
// returns the offered values (descriptions dropped) and anything else on
// stderr.
func completions(t *testing.T, environ []string, words ...string) ([]string, string) {
	t.Helper()
	r := orgctl(t, environ, append([]string{"__complete"}, words...)...)
	if r.code != 0 {
		t.Fatalf("__complete %v: exit %d %s", words, r.code, r.errOut)
	}
	var values []string
	for _, line := range strings.Split(strings.TrimSpace(r.out), "\n") {
		if !strings.HasPrefix(line, ":") {
			values = append(values, strings.SplitN(line, "\t", 2)[0])
		}
	}
	// Cobra always ends with this line on stderr (the scripts drop it).
	return values, strings.TrimSuffix(r.errOut, "Completion ended with directive: ShellCompDirectiveNoFileComp\n")
}

func TestCompletesOrganizationNames(t *testing.T) {
	sb, environ := startSandbox(t, sandbox.Options{})
	cache := t.TempDir()
	environ = append(environ, "XDG_CACHE_HOME="+cache)
	for _, name := range []string{"acme", "globex"} {
		if r := orgctl(t, environ, "create", "--provider", "vertra", "--name", name); r.code != 0 {
			t.Fatal(r.errOut)
		}
	}
	lists := func() int {
		n := 0
		for _, r := range sb.Server.Requests() {
			if r.Method == "GET" {
				n++
			}
		}
		return n
	}

	got, errOut := completions(t, environ, "get", "--provider", "vertra", "")
	if !slices.Equal(got, []string{"acme", "globex"}) || errOut != "" {
		t.Fatalf("get <TAB>: %q, stderr %q", got, errOut)
	}
	if lists() != 1 {
		t.Errorf("%d list calls, want 1", lists())
	}
	// Within the TTL the cache answers; delete leaves out what is typed.
	got, _ = completions(t, environ, "delete", "--provider", "vertra", "ACME", "")
	if !slices.Equal(got, []string{"globex"}) || lists() != 1 {
		t.Errorf("delete acme <TAB>: %q after %d list calls", got, lists())
	}
	// get and update take one argument: nothing after it.
	if got, _ = completions(t, environ, "get", "--provider", "vertra", "acme", ""); len(got) != 0 {
		t.Errorf("get acme <TAB>: %q", got)
	}
	if got, _ = completions(t, environ, "update", "--provider", "vertra", ""); !slices.Equal(got, []string{"acme", "globex"}) || lists() != 1 {
		t.Errorf("update <TAB>: %q after %d list calls", got, lists())
	}
	// The cache holds a fingerprint of the token, never the token.
	files, _ := filepath.Glob(filepath.Join(cache, "orgctl", "names-vertra-*.json"))
	if len(files) != 1 {
		t.Fatalf("cache files %v", files)
	}
	data, _ := os.ReadFile(files[0])
	info, _ := os.Stat(files[0])
	if strings.Contains(files[0]+string(data), vertraToken) || !strings.Contains(string(data), "globex") || info.Mode().Perm() != 0o600 {
		t.Errorf("cache %s (%v): %s", files[0], info.Mode(), data)
	}
	// Another token has a cache of its own.
	other := append(slices.Clone(environ), "ORGCTL_VERTRA_TOKEN=someone-else")
	if got, _ = completions(t, other, "get", "--provider", "vertra", ""); len(got) != 0 || lists() != 2 {
		t.Errorf("another token: %q after %d list calls", got, lists())
	}
}

func TestNameCompletionFailsQuietly(t *testing.T) {
	// A provider that answers after the 2 s bound, one that is not there,
	// and no token at all: no names, no error, exit 0.
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	for name, extra := range map[string][]string{
		"slow":     {"ORGCTL_VERTRA_URL=" + slow.URL, "ORGCTL_VERTRA_TOKEN=" + vertraToken},
		"down":     {"ORGCTL_VERTRA_URL=" + closed, "ORGCTL_VERTRA_TOKEN=" + vertraToken},
		"no token": {"ORGCTL_VERTRA_URL=" + closed},
	} {
		got, errOut := completions(t, env(t, append(extra, "XDG_CACHE_HOME="+t.TempDir())...), "get", "--provider", "vertra", "")
		if len(got) != 0 || errOut != "" {
			t.Errorf("%s: %q, stderr %q", name, got, errOut)
		}
	}
}

func TestFlagCompletionFollowsTheProvider(t *testing.T) {
	qoveryOnly, vertraOnly := "--plan", "--tag"
	for _, tt := range []struct {
		name     string
		env      []string
		words    []string
		has, not []string
	}{
		{"--provider vertra", nil, []string{"create", "--provider", "vertra", "--"}, []string{vertraOnly, "--name"}, []string{qoveryOnly, "--admin-email", "--website-url"}},
		{"--provider=qovery", nil, []string{"create", "--provider=qovery", "--"}, []string{qoveryOnly, "--admin-email"}, []string{vertraOnly}},
		{"ORGCTL_PROVIDER", []string{"ORGCTL_PROVIDER=vertra"}, []string{"create", "--"}, []string{vertraOnly}, []string{qoveryOnly}},
		{"none", nil, []string{"create", "--"}, []string{vertraOnly, qoveryOnly}, nil},
		{"update --provider vertra", nil, []string{"update", "--provider", "vertra", "acme", "--"}, []string{vertraOnly, "--new-name"}, []string{qoveryOnly, "--website-url"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := completions(t, env(t, tt.env...), tt.words...)
			for _, f := range tt.has {
				if !slices.Contains(got, f) {
					t.Errorf("%s not offered: %q", f, got)
				}
			}
			for _, f := range tt.not {
				if slices.Contains(got, f) {
					t.Errorf("%s offered: %q", f, got)
				}
			}
		})
	}
}
