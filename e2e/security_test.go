package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// echoServer is a hostile API: every answer quotes the Authorization
// header it received, in a response header and in the body that body(auth)
// builds, with the given status.
func echoServer(t *testing.T, status int, contentType string, body func(auth string) string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("X-Echo-Authorization", auth)
		w.Header().Set("Www-Authenticate", `Bearer error="invalid_token", token="`+strings.TrimPrefix(strings.TrimPrefix(auth, "Bearer "), "Token ")+`"`)
		w.WriteHeader(status)
		fmt.Fprint(w, body(auth))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// assertNoPiece fails when 10 consecutive characters of a token show:
// a token cut by an excerpt is still a leak.
func assertNoPiece(t *testing.T, s string) {
	t.Helper()
	for _, secret := range []string{qoveryToken, qoveryJWT, vertraToken} {
		for i := 0; i+10 <= len(secret); i++ {
			if strings.Contains(s, secret[i:i+10]) {
				t.Fatalf("part of a token (%q) leaked into orgctl's output:\n%s", secret[i:i+10], s)
			}
		}
	}
}

// TestEchoedTokenNeverPrinted: whatever a server echoes of the token, in
// whatever body, status or header, orgctl prints none of it, with or
// without --verbose.
func TestEchoedTokenNeverPrinted(t *testing.T) {
	bodies := map[string]struct {
		status      int
		contentType string
		body        func(auth string) string
	}{
		"401 JSON message": {401, "application/json", func(a string) string {
			return fmt.Sprintf(`{"status":401,"error":"UNAUTHORIZED","message":"invalid Authorization header %s"}`, a)
		}},
		"401 JSON, HTML-escaped": {401, "application/json", func(a string) string {
			return `{"message":"bad ` + strings.NewReplacer("<", `\u003c`, "/", `\/`).Replace(a) + `"}`
		}},
		"500 HTML page": {500, "text/html", func(a string) string {
			return "<html><body><h1>500</h1><pre>Authorization: " + a + "</pre></body></html>"
		}},
		"500 token at the excerpt's cut": {500, "text/plain", func(a string) string {
			return strings.Repeat("x", 100) + a + strings.Repeat("y", 300)
		}},
		"403 token in another field": {403, "application/json", func(a string) string {
			return `{"status":"error","error":{"code":"FORBIDDEN","message":"no","details":{"sent":"` + a + `"}}}`
		}},
		"200 unreadable body echoing it": {201, "application/json", func(a string) string { return `{"echo":"` + a + `"` }},
	}
	tokens := map[string][]string{
		"qovery API token": {"ORGCTL_QOVERY_TOKEN=" + qoveryToken},
		"qovery JWT":       {"QOVERY_CLI_ACCESS_TOKEN=" + qoveryJWT},
		"vertra":           {"VERTRA_API_KEY=" + vertraToken},
	}
	for name, b := range bodies {
		for tokName, tokEnv := range tokens {
			t.Run(name+"/"+tokName, func(t *testing.T) {
				srv := echoServer(t, b.status, b.contentType, b.body)
				prov := "qovery"
				if tokName == "vertra" {
					prov = "vertra"
				}
				environ := env(t, append(tokEnv, "ORGCTL_QOVERY_URL="+srv.URL, "ORGCTL_VERTRA_URL="+srv.URL)...)
				for _, args := range [][]string{
					{"create", "--provider", prov, "--name", "acme", "--plan", "TEAM", "--verbose"},
					{"create", "--provider", prov, "--name", "acme", "--plan", "TEAM"},
					{"list", "--provider", prov, "--verbose"},
					{"get", "--provider", prov, "org-1", "-o", "json"},
				} {
					if prov == "vertra" && args[0] == "create" {
						args = append(args[:5], args[7:]...) // no --plan
					}
					r := orgctl(t, environ, args...)
					if r.code == 0 {
						t.Errorf("%v: exit 0 from a hostile server", args)
					}
					assertNoPiece(t, r.out+r.errOut)
					if strings.Contains(strings.Join(args, " "), "--verbose") && !strings.Contains(r.errOut, "X-Echo-Authorization: ") {
						t.Errorf("%v: the trace lost the header: %s", args, r.errOut)
					}
				}
			})
		}
	}
}

// TestEchoedTokenFromStdinAndOtherProfile: a token given with --token-stdin, or
// one from another profile of the config file, is hidden too.
func TestEchoedTokenFromStdinAndOtherProfile(t *testing.T) {
	srv := echoServer(t, 401, "application/json", func(a string) string {
		return `{"message":"you sent ` + a + ` and we also know qov_other_profile_SECRET_1"}`
	})
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte("profiles:\n  other:\n    qovery:\n      token: qov_other_profile_SECRET_1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	environ := env(t, "ORGCTL_QOVERY_URL="+srv.URL, "ORGCTL_CONFIG="+cfg)
	r := orgctlStdin(t, environ, qoveryToken+"\n", "create", "--provider", "qovery", "--name", "acme", "--plan", "TEAM", "--token-stdin", "--verbose")
	if r.code != 3 {
		t.Errorf("exit %d, want 3; stderr %s", r.code, r.errOut)
	}
	assertNoPiece(t, r.out+r.errOut)
	if strings.Contains(r.out+r.errOut, "qov_other_profile_SECRET_1") {
		t.Errorf("another profile's token leaked:\n%s", r.errOut)
	}
}

// TestRedirectsAreNotFollowed: an API that redirects a create elsewhere
// (another port, plain http) gets an error naming the Location, exit 6,
// and the target never sees the request or the token.
func TestRedirectsAreNotFollowed(t *testing.T) {
	var got []string
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization"))
		w.WriteHeader(201)
		fmt.Fprint(w, `{"id":"stolen","name":"acme"}`)
	}))
	defer target.Close()
	for _, status := range []int{301, 302, 307, 308} {
		api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target.URL+r.URL.Path, status)
		}))
		environ := env(t, "ORGCTL_QOVERY_URL="+api.URL, "ORGCTL_QOVERY_TOKEN="+qoveryToken)
		r := orgctl(t, environ, "create", "--provider", "qovery", "--name", "acme", "--plan", "TEAM", "--verbose")
		want := fmt.Sprintf("error: qovery: HTTP %d: the API redirected the POST to %s/organization; it was not sent there: a create, update or delete is never redirected\n", status, target.URL)
		if r.code != 6 || !strings.HasSuffix(r.errOut, want) {
			t.Errorf("%d: exit %d, stderr ends %q; want %q", status, r.code, lastLine(r.errOut), want)
		}
		if !strings.Contains(r.errOut, fmt.Sprintf("* HTTP %d redirect to %s/organization: not following", status, target.URL)) {
			t.Errorf("%d: --verbose does not show the hop:\n%s", status, r.errOut)
		}
		r = orgctl(t, environ, "list", "--provider", "qovery")
		if r.code != 6 || !strings.Contains(r.errOut, "a redirect is followed only on the API's own host and port") {
			t.Errorf("%d list: exit %d, stderr %q", status, r.code, r.errOut)
		}
		api.Close()
	}
	if len(got) != 0 {
		t.Fatalf("the redirect target received %q", got)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}
