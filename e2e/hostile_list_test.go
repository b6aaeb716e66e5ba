package e2e

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// endlessList is a hostile VertraCloud that answers the list with an
// organization after another, forever (until the client hangs up).
func endlessList(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/v1/organizations/all/@me" {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"status":"error","code":"ORGANIZATION_NOT_FOUND"}`)
			return
		}
		_, _ = io.WriteString(w, `{"status":"success","response":[`)
		for i := 0; r.Context().Err() == nil; i++ {
			sep := ","
			if i == 0 {
				sep = ""
			}
			if _, err := fmt.Fprintf(w, `%s{"id":"org-%d","name":"tenant-%d","description":"%s","tags":[],"owner_id":"u","members":[],"created_at":"x","updated_at":"x"}`,
				sep, i, i, strings.Repeat("d", 150)); err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// peakRSS runs orgctl and returns its result and its peak resident memory
// in KiB. The peak is the kernel's high-water mark of the process's own
// memory (VmHWM), read until it exits: the rusage of a child started by Go
// (clone with CLONE_VM) counts the test process's memory too.
func peakRSS(t *testing.T, environ []string, args ...string) (result, int64) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = environ
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var peak int64
	status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
	var err error
	for waiting := true; waiting; {
		if kib := vmHWM(status); kib > peak {
			peak = kib
		}
		select {
		case err = <-done:
			waiting = false
		case <-time.After(2 * time.Millisecond):
		}
	}
	r := result{out: out.String(), errOut: errOut.String()}
	if err != nil {
		r.code = exitCode(t, err)
	}
	assertNoSecret(t, r.out+r.errOut)
	if peak == 0 {
		t.Fatalf("no memory reading of orgctl %v", args)
	}
	return r, peak
}

// vmHWM reads the peak resident memory from /proc/PID/status, in KiB; 0
// once the process is gone.
func vmHWM(status string) int64 {
	data, err := os.ReadFile(status)
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kib, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kib
		}
	}
	return 0
}

// A list that never ends is bounded by --timeout, and memory stays flat
// however long it runs: reading three times as long takes no more memory.
func TestAnEndlessListEndsAtTheTimeoutInFlatMemory(t *testing.T) {
	srv := endlessList(t)
	environ := env(t, "ORGCTL_VERTRA_URL="+srv.URL, "ORGCTL_VERTRA_TOKEN="+vertraToken)
	var rss []int64
	for _, timeout := range []string{"1s", "3s"} {
		r, kib := peakRSS(t, environ, "get", "missing", "--provider", "vertra", "--timeout", timeout, "--retries", "0")
		if r.code != 6 || r.errOut != "error: vertra: timed out waiting for the API\n" {
			t.Fatalf("--timeout %s: exit %d, stderr %q", timeout, r.code, r.errOut)
		}
		rss = append(rss, kib)
	}
	t.Logf("peak RSS %d KiB after 1s, %d KiB after 3s", rss[0], rss[1])
	if float64(rss[1]) > 1.25*float64(rss[0]) {
		t.Errorf("peak RSS grew with the time read: %d KiB after 1s, %d KiB after 3s", rss[0], rss[1])
	}
}

// One enormous organization fails the read at MaxItem, without being held.
func TestAnEnormousItemFailsTheListWithoutBeingHeld(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"status":"success","response":[{"id":"a","name":"`)
		chunk := strings.Repeat("x", 64<<10)
		for r.Context().Err() == nil {
			if _, err := io.WriteString(w, chunk); err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	environ := env(t, "ORGCTL_VERTRA_URL="+srv.URL, "ORGCTL_VERTRA_TOKEN="+vertraToken)
	r, kib := peakRSS(t, environ, "list", "--provider", "vertra", "-o", "json")
	want := "error: vertra: HTTP 200: unreadable list (an item of the list is larger than 1024 KiB)\n"
	if r.code != 6 || r.errOut != want {
		t.Fatalf("exit %d, stderr %q, want %q", r.code, r.errOut, want)
	}
	t.Logf("peak RSS %d KiB", kib)
	if kib > 64<<10 {
		t.Errorf("peak RSS %d KiB for one item cut at 1 MiB", kib)
	}
}
