package list_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/cmd/root"
	"github.com/orgctl/orgctl/pkg/internal/testenv"
	"github.com/orgctl/orgctl/pkg/iostreams"
)

// brokenList serves a Qovery list of n organizations, then drops the
// connection before the list ends.
func brokenList(t *testing.T, n int) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"results":[`)
		for i := range n {
			fmt.Fprintf(w, `{"id":"00000000-0000-4000-8000-%012d","name":"org-%d","plan":"TEAM_2025","created_at":"2023-11-07T05:31:56Z"},`, i, i)
		}
		panic(http.ErrAbortHandler) // the connection is cut mid-list
	}))
	t.Cleanup(srv.Close)
	testenv.Isolate(t)
	t.Setenv("ORGCTL_QOVERY_URL", srv.URL)
	t.Setenv("ORGCTL_QOVERY_TOKEN", "qov_list_test_token")
}

// list prints as it reads: when the answer breaks off, what arrived before
// is on stdout, and the JSON is left unterminated so that no script takes
// the part for the whole. A list read whole first would print nothing.
func TestListPrintsAsItReadsAndLeavesABrokenListUnterminated(t *testing.T) {
	brokenList(t, 20000)
	ios, _, out, errOut := iostreams.Test()
	code := root.Run(context.Background(), ios, []string{"list", "--provider", "qovery", "-o", "json", "--retries", "0"})
	if code != 6 || !strings.HasPrefix(errOut.String(), "error: qovery: ") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	got := out.String()
	if !strings.HasPrefix(got, "[\n  {\n    \"provider\": \"qovery\",\n    \"id\": \"00000000-0000-4000-8000-000000000000\"") {
		t.Fatalf("stdout starts %.120q", got)
	}
	if n := strings.Count(got, `"name": "org-`); n < 1000 {
		t.Errorf("only %d organizations printed before the break", n)
	}
	if strings.HasSuffix(strings.TrimSpace(got), "]") {
		t.Errorf("a broken list was closed as if whole: %q", got[len(got)-40:])
	}
}

// The table takes its widths from the first page (names up to org-999) and
// draws the rest as it comes: every row is there; piped, a name wider than
// its column (org-2499) is printed whole and pushes its row along.
func TestListTableOfManyRows(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"results":[`)
		for i := range 2500 {
			if i > 0 {
				fmt.Fprint(w, ",")
			}
			fmt.Fprintf(w, `{"id":"00000000-0000-4000-8000-%012d","name":"org-%d","plan":"TEAM_2025","created_at":"2023-11-07T05:31:56Z"}`, i, i)
		}
		fmt.Fprint(w, `]}`)
	}))
	t.Cleanup(srv.Close)
	testenv.Isolate(t)
	t.Setenv("ORGCTL_QOVERY_URL", srv.URL)
	t.Setenv("ORGCTL_QOVERY_TOKEN", "qov_list_test_token")
	ios, _, out, errOut := iostreams.Test()
	if code := root.Run(context.Background(), ios, []string{"list", "--provider", "qovery"}); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 2501 || !strings.HasPrefix(lines[0], "ID ") {
		t.Fatalf("%d lines, header %q", len(lines), lines[0])
	}
	want := "00000000-0000-4000-8000-000000002499  org-2499  qovery    TEAM_2025  2023-11-07T05:31:56Z"
	if lines[2500] != want || !strings.HasPrefix(lines[1], "00000000-0000-4000-8000-000000000000  org-0    qovery") {
		t.Errorf("rows:\n%s\n%s\nwant last %s", lines[1], lines[2500], want)
	}
}
