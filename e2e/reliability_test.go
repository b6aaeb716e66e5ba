package e2e

import (
	"errors"
	"net"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/orgctl/orgctl/pkg/sandbox"
)

// TestRetries runs each fault scenario against the sandbox and checks what
// orgctl did, its exit code, how many requests the server saw and how many
// organizations exist afterwards. Only requests that provably were not
// acted on are retried.
func TestRetries(t *testing.T) {
	tests := []struct {
		name      string
		faults    []sandbox.Fault
		args      []string
		code      int
		stderr    []string // each must appear
		lastLine  string   // the final stderr line must start with it
		requests  int
		created   int
		minElapse time.Duration
	}{
		{name: "503 once, then created", faults: []sandbox.Fault{{Status: 503, Times: 1}},
			args: []string{"--provider", "qovery", "--plan", "TEAM"}, code: 0,
			stderr: []string{"qovery: HTTP 503; retrying in "}, requests: 2, created: 1},
		{name: "429 honours details.retry_after", faults: []sandbox.Fault{{Code: "RATE_LIMIT_EXCEEDED", Status: 429, RetryAfter: 1, Times: 1}},
			args: []string{"--provider", "vertra"}, code: 0,
			stderr: []string{"vertra: HTTP 429; retrying in 1s (retry 1 of 3)"}, requests: 2, created: 1, minElapse: time.Second},
		{name: "503 until the retries run out", faults: []sandbox.Fault{{Status: 503}},
			args: []string{"--provider", "vertra", "--retries", "2"}, code: 6,
			stderr: []string{"(retry 1 of 2)", "(retry 2 of 2)"}, lastLine: "error: vertra: HTTP 503 SERVICE_UNAVAILABLE", requests: 3},
		{name: "--retries 0", faults: []sandbox.Fault{{Status: 503}},
			args: []string{"--provider", "qovery", "--plan", "TEAM", "--retries", "0"}, code: 6,
			lastLine: "error: qovery: HTTP 503: Service Unavailable", requests: 1},
		{name: "Retry-After beyond the deadline", faults: []sandbox.Fault{{Code: "DAILY_QUOTA_EXCEEDED", Status: 429, RetryAfter: 3600}},
			args: []string{"--provider", "vertra"}, code: 6,
			stderr:   []string{"vertra: HTTP 429; not retrying: waiting 1h0m0s would pass the deadline"},
			lastLine: "error: vertra: HTTP 429 DAILY_QUOTA_EXCEEDED", requests: 1},
		{name: "500 is never retried", faults: []sandbox.Fault{{Status: 500}},
			args: []string{"--provider", "qovery", "--plan", "TEAM"}, code: 6, lastLine: "error: qovery: HTTP 500", requests: 1},
		{name: "reset mid-response is never retried", faults: []sandbox.Fault{{Reset: true}},
			args: []string{"--provider", "vertra"}, code: 6,
			lastLine: "error: vertra: ", stderr: []string{"; the request was sent, so the organization may have been created: check with `orgctl get acme --provider vertra` before retrying\n"}, requests: 1},
		{name: "timeout after sending is never retried", faults: []sandbox.Fault{{Delay: sandbox.Duration(5 * time.Second)}},
			args: []string{"--provider", "qovery", "--plan", "TEAM", "--timeout", "300ms"}, code: 6,
			lastLine: "error: qovery: timed out waiting for the API; the request was sent, so the organization may have been created", requests: 1},
		{name: "slow drip hits the timeout", faults: []sandbox.Fault{{Status: 200, Body: ptr(`{"status":"success","response":{"id":"x"}}`), Drip: sandbox.Duration(100 * time.Millisecond)}},
			args: []string{"--provider", "vertra", "--timeout", "500ms"}, code: 6,
			lastLine: "error: vertra: timed out waiting for the API; the request was sent, so the organization may have been created", requests: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb, environ := startSandbox(t, sandbox.Options{Faults: tt.faults})
			start := time.Now()
			r := orgctl(t, environ, append([]string{"create", "--name", "acme"}, tt.args...)...)
			elapsed := time.Since(start)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d\nstderr: %s", r.code, tt.code, r.errOut)
			}
			for _, want := range tt.stderr {
				if !strings.Contains(r.errOut, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.errOut)
				}
			}
			lines := strings.Split(strings.TrimSuffix(r.errOut, "\n"), "\n")
			if last := lines[len(lines)-1]; tt.lastLine != "" && !strings.HasPrefix(last, tt.lastLine) {
				t.Errorf("last stderr line = %q, want it to start with %q", last, tt.lastLine)
			}
			if n := len(sb.Server.Requests()); n != tt.requests {
				t.Errorf("server saw %d requests, want %d", n, tt.requests)
			}
			if n := len(sb.Server.Organizations()); n != tt.created {
				t.Errorf("%d organizations created, want %d", n, tt.created)
			}
			if elapsed < tt.minElapse {
				t.Errorf("took %s, less than the advertised retry delay %s", elapsed, tt.minElapse)
			}
			if (r.code == 0) != (r.out != "") {
				t.Errorf("stdout = %q with exit %d", r.out, r.code)
			}
		})
	}
}

func TestConnectionRefusedIsRetriedThenExit6(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there now
	r := orgctl(t, env(t, "ORGCTL_VERTRA_URL="+url, "ORGCTL_VERTRA_TOKEN="+vertraToken),
		"create", "--provider", "vertra", "--name", "acme", "--retries", "2")
	if r.code != 6 || strings.Count(r.errOut, "could not connect") != 2 {
		t.Errorf("exit %d stderr:\n%s", r.code, r.errOut)
	}
	if strings.Contains(r.errOut, "may have been created") {
		t.Errorf("a refused connection cannot have created anything:\n%s", r.errOut)
	}
}

func ptr(s string) *string { return &s }

func TestInterruptExits130(t *testing.T) {
	sb, environ := startSandbox(t, sandbox.Options{Faults: []sandbox.Fault{{Delay: sandbox.Duration(10 * time.Second)}}})
	cmd := exec.Command(binary, "create", "--provider", "vertra", "--name", "acme")
	cmd.Env = environ
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the request reached the sandbox, then interrupt.
	deadline := time.Now().Add(5 * time.Second)
	for len(sb.Server.Requests()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 130 {
		t.Fatalf("exit = %v, want 130; stderr %q", err, stderr.String())
	}
	want := "error: vertra: interrupted; the request was sent, so the organization may have been created: check with `orgctl get acme --provider vertra` before retrying\n"
	if stderr.String() != want {
		t.Errorf("stderr = %q, want %q", stderr.String(), want)
	}
	if n := len(sb.Server.Organizations()); n != 0 {
		t.Errorf("%d organizations created", n)
	}
}
