package create_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/internal/testenv"
)

// hostileID is what a hostile API puts in an id: an OSC that retitles the
// terminal, a screen clear, and a bidi override that reverses what follows.
const hostileID = "id\x1b]0;pwned\x07\x1b[2J\u202eexe.gpj"

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// assertInert fails when s holds anything that drives or deceives a terminal.
func assertInert(t *testing.T, what, s string) {
	t.Helper()
	if strings.ContainsAny(s, "\x1b\x07\u202e\u200b\u009b") {
		t.Errorf("%s reaches the terminal raw: %q", what, s)
	}
}

// TestIfNotExistsNoticeIsSanitised: the notice about an existing
// organization quotes the server's id, escaped.
func TestIfNotExistsNoticeIsSanitised(t *testing.T) {
	testenv.Isolate(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPost {
			w.WriteHeader(409)
			io.WriteString(w, `{"status":409,"error":"ORGANIZATION_NAME_ALREADY_EXISTS","message":"taken\u001b[31m"}`)
			return
		}
		fmt.Fprintf(w, `{"results":[{"id":%s,"name":"acme","plan":"TEAM_2025","created_at":"2023-11-07T05:31:56Z"}]}`, jsonString(hostileID))
	}))
	defer srv.Close()
	t.Setenv("ORGCTL_QOVERY_URL", srv.URL)
	t.Setenv("ORGCTL_QOVERY_TOKEN", qoveryToken)
	r := run(t, "create", "--provider", "qovery", "--name", "acme", "--plan", "TEAM_2025", "--if-not-exists")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.errOut)
	}
	assertInert(t, "the --if-not-exists notice", r.errOut)
	assertInert(t, "the table", r.out)
	if want := `(id id\x1b]0;pwned\x07\x1b[2J\u202eexe.gpj)`; !strings.Contains(r.errOut, want) {
		t.Errorf("stderr = %q, want the id escaped as %s", r.errOut, want)
	}
}

// TestBulkTableIsSanitised: ids and error messages in the results table are
// escaped; so is the error line.
func TestBulkTableIsSanitised(t *testing.T) {
	testenv.Isolate(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		if strings.Contains(string(b), `"bad"`) {
			w.WriteHeader(400)
			io.WriteString(w, `{"status":400,"error":"BAD","message":"no \u202eway\u200b \u001b[2J"}`)
			return
		}
		w.WriteHeader(201)
		fmt.Fprintf(w, `{"id":%s,"name":"good","plan":"TEAM_2025","created_at":"2023-11-07T05:31:56Z"}`, jsonString(hostileID))
	}))
	defer srv.Close()
	t.Setenv("ORGCTL_QOVERY_URL", srv.URL)
	t.Setenv("ORGCTL_QOVERY_TOKEN", qoveryToken)
	manifest := filepath.Join(t.TempDir(), "m.yaml")
	if err := os.WriteFile(manifest, []byte("- {provider: qovery, plan: TEAM_2025, name: good}\n- {provider: qovery, plan: TEAM_2025, name: bad}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, "create", "-f", manifest, "--concurrency", "1")
	if r.code == 0 {
		t.Fatalf("exit 0; stdout %q", r.out)
	}
	if !strings.Contains(r.out, "good") {
		t.Fatalf("stdout %q stderr %q", r.out, r.errOut)
	}
	assertInert(t, "the bulk table", r.out)
	assertInert(t, "stderr", r.errOut)
	if !strings.Contains(r.out, `\u202e`) || !strings.Contains(r.out, `\x1b`) {
		t.Errorf("stdout = %q, want the controls shown escaped", r.out)
	}
}

// TestBillingWarningIsSanitised: the billing restriction Qovery answers is
// quoted in a warning on stderr, escaped.
func TestBillingWarningIsSanitised(t *testing.T) {
	testenv.Isolate(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(201)
		fmt.Fprintf(w, `{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","name":"acme","plan":"TEAM_2025","created_at":"2023-11-07T05:31:56Z","billing_deployment_restriction":%s}`,
			jsonString("UNPAID\x1b]8;;http://evil/\x07click\u202e"))
	}))
	defer srv.Close()
	t.Setenv("ORGCTL_QOVERY_URL", srv.URL)
	t.Setenv("ORGCTL_QOVERY_TOKEN", qoveryToken)
	r := run(t, "create", "--provider", "qovery", "--name", "acme", "--plan", "TEAM_2025")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.errOut)
	}
	assertInert(t, "the billing warning", r.errOut)
	assertInert(t, "the table", r.out)
	if !strings.Contains(r.errOut, `billing restriction UNPAID\x1b]8;;http://evil/\x07click\u202e`) {
		t.Errorf("stderr = %q", r.errOut)
	}
}
