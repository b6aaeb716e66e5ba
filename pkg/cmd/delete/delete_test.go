package delete_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/cmd/root"
	"github.com/orgctl/orgctl/pkg/internal/testenv"
	"github.com/orgctl/orgctl/pkg/iostreams"
)

// hostileName is a name a hostile API could answer: it clears the screen,
// retitles the terminal and reverses the text after U+202E.
const hostileName = "acme\x1b[2J\x1b]0;pwned\x07\u202eeman-laer\u200b"

func hostileServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete {
			w.WriteHeader(204)
			return
		}
		name, _ := json.Marshal(hostileName)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","name":%s,"plan":"TEAM_2025","created_at":"2023-11-07T05:31:56Z"}`, name)
	}))
	t.Cleanup(srv.Close)
	testenv.Isolate(t)
	t.Setenv("ORGCTL_QOVERY_URL", srv.URL)
	t.Setenv("ORGCTL_QOVERY_TOKEN", "qov_delete_test_token")
	return srv
}

func assertInert(t *testing.T, s string) {
	t.Helper()
	if strings.ContainsAny(s, "\x1b\x07\u202e\u200b") {
		t.Errorf("a server string reaches the terminal raw: %q", s)
	}
}

func TestConfirmationPromptIsSanitised(t *testing.T) {
	hostileServer(t)
	ios, in, _, errOut := iostreams.Test()
	ios.SetStdinTTY(true)
	in.WriteString("acme\n")
	code := root.Run(context.Background(), ios, []string{"delete", "--provider", "qovery", "3c90c3cc-0d44-4b50-8888-8dd25736052a"})
	if code != 2 {
		t.Fatalf("exit %d, want 2 (the typed name does not match); stderr %q", code, errOut)
	}
	assertInert(t, errOut.String())
	if want := `This deletes organization acme\x1b[2J\x1b]0;pwned\x07\u202eeman-laer\u200b (id 3c90c3cc-0d44-4b50-8888-8dd25736052a)`; !strings.Contains(errOut.String(), want) {
		t.Errorf("stderr = %q, want %s", errOut, want)
	}
}

func TestDeletedLineIsSanitised(t *testing.T) {
	hostileServer(t)
	ios, _, out, errOut := iostreams.Test()
	code := root.Run(context.Background(), ios, []string{"delete", "--provider", "qovery", "3c90c3cc-0d44-4b50-8888-8dd25736052a", "--yes"})
	if code != 0 {
		t.Fatalf("exit %d; stderr %q", code, errOut)
	}
	assertInert(t, errOut.String()+out.String())
	if !strings.Contains(errOut.String(), `Deleted organization acme\x1b[2J`) {
		t.Errorf("stderr = %q", errOut)
	}
}
