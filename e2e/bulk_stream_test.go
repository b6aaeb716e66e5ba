package e2e

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/orgctl/orgctl/pkg/sandbox"
)

// manifestOf writes n VertraCloud entries named prefix-1..prefix-n.
func manifestOf(t *testing.T, prefix string, n int) string {
	var m strings.Builder
	m.WriteString("name,provider\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&m, "%s-%d,vertra\n", prefix, i)
	}
	return writeManifest(t, "m.csv", m.String())
}

// startBulk starts `orgctl create -f` and waits until the sandbox has seen
// at least one request.
func startBulk(t *testing.T, sb *sandbox.Running, environ []string, args ...string) (*exec.Cmd, *syncBuffer, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"create"}, args...)...)
	cmd.Env = environ
	// Read while the process writes: the buffers are locked.
	var stdout, stderr syncBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(sb.Server.Requests()) < 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	return cmd, &stdout, &stderr
}

func exitCode(t *testing.T, err error) int {
	t.Helper()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("orgctl: %v", err)
	}
	return exit.ExitCode()
}

// TestBulkStopsOnTermAndHangup: SIGTERM and SIGHUP stop new work as Ctrl-C
// does, with their own exit codes (128 + the signal's number).
func TestBulkStopsOnTermAndHangup(t *testing.T) {
	for _, tt := range []struct {
		sig  syscall.Signal
		code int
		name string
	}{{syscall.SIGTERM, 143, "SIGTERM"}, {syscall.SIGHUP, 129, "SIGHUP"}} {
		sb, environ := startSandbox(t, sandbox.Options{Faults: []sandbox.Fault{{Delay: sandbox.Duration(200 * time.Millisecond)}}})
		cmd, stdout, stderr := startBulk(t, sb, environ, "-f", manifestOf(t, "sig", 40), "--concurrency", "2", "-o", "json")
		_ = cmd.Process.Signal(tt.sig)
		code := exitCode(t, cmd.Wait())
		_, counts := ndjson(t, stdout.String())
		if code != tt.code || !strings.Contains(stderr.String(), "not started: entries ") ||
			!strings.HasSuffix(stderr.String(), "error: interrupted by "+tt.name+"\n") {
			t.Errorf("%s: exit %d stderr %q", tt.name, code, stderr.String())
		}
		if got := len(sb.Server.Organizations()); got != counts["created"] || got == 40 {
			t.Errorf("%s: sandbox holds %d, reported created %d", tt.name, got, counts["created"])
		}
	}
}

// TestBulkSecondInterruptExitsAtOnce: workers waiting out a long
// Retry-After do not hold the process after a second Ctrl-C.
func TestBulkSecondInterruptExitsAtOnce(t *testing.T) {
	sb, environ := startSandbox(t, sandbox.Options{Faults: []sandbox.Fault{{Status: 429, RetryAfter: 60}}})
	cmd, _, stderr := startBulk(t, sb, environ, "-f", manifestOf(t, "wait", 5), "--concurrency", "2", "--timeout", "60s")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(stderr.String(), "retrying in") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGINT)
	time.Sleep(200 * time.Millisecond)
	_ = cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if code := exitCode(t, err); code != 130 || !strings.Contains(stderr.String(), "interrupted again: exiting now") {
			t.Errorf("exit %d stderr %q", code, stderr.String())
		}
	case <-time.After(20 * time.Second): // the Retry-After is 60s
		_ = cmd.Process.Kill()
		t.Fatalf("still waiting after a second SIGINT; stderr %q", stderr.String())
	}
}

// TestBulkStopsWhenStdoutCloses: `orgctl create -f … | head -1` starts no
// new creation once head has gone, says so on stderr and exits 141, with
// no crash.
func TestBulkStopsWhenStdoutCloses(t *testing.T) {
	sb, environ := startSandbox(t, sandbox.Options{Faults: []sandbox.Fault{{Delay: sandbox.Duration(50 * time.Millisecond)}}})
	cmd := exec.Command(binary, "create", "-f", manifestOf(t, "pipe", 60), "--concurrency", "2", "-o", "json")
	cmd.Env = environ
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stdout, cmd.Stderr = w, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if _, err := bufio.NewReader(r).ReadString('\n'); err != nil { // head -1
		t.Fatal(err)
	}
	r.Close()
	code := exitCode(t, cmd.Wait())
	if code != 141 || !strings.Contains(stderr.String(), "not started: entries ") ||
		!strings.Contains(stderr.String(), "error: standard output was closed") || strings.Contains(stderr.String(), "panic") {
		t.Errorf("exit %d stderr %q", code, stderr.String())
	}
	if got := len(sb.Server.Organizations()); got >= 60 {
		t.Errorf("%d organizations created after stdout closed", got)
	}
}

// TestBulkPacedFromHeaders: 200 entries against a sandbox limited to 50/s
// finish with zero 429s, with no --rate: the pace comes from the
// x-ratelimit-* headers alone.
func TestBulkPacedFromHeaders(t *testing.T) {
	sb, environ := startSandbox(t, sandbox.Options{RateLimit: &sandbox.RateLimit{N: 50, Per: time.Second}})
	r := orgctl(t, environ, "create", "-f", manifestOf(t, "paced", 200), "--concurrency", "8", "-o", "json")
	_, counts := ndjson(t, r.out)
	if r.code != 0 || counts["created"] != 200 || strings.Contains(r.errOut, "429") {
		t.Errorf("exit %d counts %v stderr %q", r.code, counts, r.errOut)
	}
	if n := len(sb.Server.Requests()); n != 200 {
		t.Errorf("%d requests for 200 entries: some were refused and retried", n)
	}
}

// TestBulkDailyQuota: with 10 requests left today, --within-quota creates
// the 10 that fit and lists the rest as not started; without it, the
// DAILY_QUOTA_EXCEEDED answer stops new requests at once.
func TestBulkDailyQuota(t *testing.T) {
	sb, environ := startSandbox(t, sandbox.Options{Quota: 10})
	r := orgctl(t, environ, "create", "-f", manifestOf(t, "quota", 25), "--within-quota", "--concurrency", "1", "-o", "json")
	_, counts := ndjson(t, r.out)
	if r.code != 6 || counts["created"] != 10 || len(sb.Server.Requests()) != 10 ||
		!strings.Contains(r.errOut, "warning: the daily API quota allows 9 more requests") ||
		!strings.Contains(r.errOut, "not started: entries 11-25") {
		t.Errorf("--within-quota: exit %d counts %v, %d requests, stderr %q", r.code, counts, len(sb.Server.Requests()), r.errOut)
	}

	sb, environ = startSandbox(t, sandbox.Options{Quota: 10})
	r = orgctl(t, environ, "create", "-f", manifestOf(t, "quota", 25), "--concurrency", "1", "-o", "json")
	_, counts = ndjson(t, r.out)
	if r.code != 6 || counts["created"] != 10 || counts["failed"] != 1 || len(sb.Server.Requests()) != 11 ||
		!strings.Contains(r.errOut, "not started: entries 12-25") {
		t.Errorf("quota exceeded mid-run: exit %d counts %v, %d requests, stderr %q", r.code, counts, len(sb.Server.Requests()), r.errOut)
	}
}
