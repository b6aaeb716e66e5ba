package e2e

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/orgctl/orgctl/pkg/sandbox"
)

func writeManifest(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

type line struct {
	Index        int             `json:"index"`
	Name         string          `json:"name"`
	Provider     string          `json:"provider"`
	Status       string          `json:"status"`
	Organization json.RawMessage `json:"organization"`
	Error        *struct {
		Code     string `json:"code"`
		ExitCode int    `json:"exit_code"`
	} `json:"error"`
}

// ndjson parses one JSON object per line and counts the statuses.
func ndjson(t *testing.T, out string) (lines []line, counts map[string]int) {
	t.Helper()
	counts = map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("not NDJSON: %v\n%s", err, out)
		}
		lines = append(lines, l)
		counts[l.Status]++
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i].Index < lines[j].Index })
	return lines, counts
}

const mixed = `- {name: alpha, provider: qovery, plan: TEAM_2025}
- {name: beta, provider: vertra, tags: [ci]}
- {name: gamma, provider: vertra}
- {name: Delta, provider: qovery, plan: TEAM}
- {name: epsilon, provider: vertra}
`

func TestBulkMixedManifest(t *testing.T) {
	sb, environ := startSandbox(t, sandbox.Options{})
	// "DELTA" exists already (names compare case-insensitively), and
	// VertraCloud refuses one request with a plan error.
	if r := orgctl(t, environ, "create", "--provider", "qovery", "--name", "DELTA", "--plan", "TEAM"); r.code != 0 {
		t.Fatal(r.errOut)
	}
	sb.Server.AddFault(sandbox.Fault{Path: "/v1/organizations", Code: "PLAN_RESTRICTED_FEATURE", Times: 1})

	r := orgctl(t, environ, "create", "-f", writeManifest(t, "m.yaml", mixed), "--concurrency", "3", "-o", "json")
	lines, counts := ndjson(t, r.out)
	if len(lines) != 5 || counts["created"] != 3 || counts["failed"] != 2 {
		t.Fatalf("counts %v\n%s", counts, r.out)
	}
	if lines[3].Status != "failed" || lines[3].Error.Code != "" || lines[3].Error.ExitCode != 4 {
		t.Errorf("Delta: %+v", lines[3])
	}
	// Exit code: the most severe failure class, the plan (5) over exists (4).
	if r.code != 5 || !strings.Contains(r.errOut, "created 3, skipped 0, failed 2 in ") || !strings.HasSuffix(r.errOut, "error: 2 of 5 organizations failed\n") {
		t.Errorf("exit %d stderr %q", r.code, r.errOut)
	}
	if got := len(sb.Server.Organizations()); got != 1+counts["created"] {
		t.Errorf("sandbox holds %d organizations, reported created %d (+1 before)", got, counts["created"])
	}

	// Re-run with --skip-existing: nothing new, the failure-free rest skipped.
	before := len(sb.Server.Organizations())
	r = orgctl(t, environ, "create", "-f", writeManifest(t, "m.yaml", mixed), "--skip-existing", "-o", "json")
	_, counts = ndjson(t, r.out)
	if r.code != 0 || counts["skipped"] != 4 || counts["created"] != 1 {
		t.Errorf("re-run: exit %d counts %v\n%s", r.code, counts, r.errOut)
	}
	if got := len(sb.Server.Organizations()); got != before+counts["created"] {
		t.Errorf("sandbox holds %d, want %d", got, before+counts["created"])
	}
	// A third run creates nothing at all.
	r = orgctl(t, environ, "create", "-f", writeManifest(t, "m.yaml", mixed), "--skip-existing", "--if-not-exists", "-o", "json")
	lines, counts = ndjson(t, r.out)
	if r.code != 0 || counts["skipped"] != 5 || len(lines[0].Organization) == 0 {
		t.Errorf("third run: exit %d %v", r.code, counts)
	}
}

func TestBulkFormatsAgreeAndStdinWorks(t *testing.T) {
	manifests := map[string]string{
		"m.yaml": "- name: one\n  provider: vertra\n  tags: [a, b]\n- name: two\n  provider: qovery\n  admin_emails: ops@x.io\n",
		"m.json": `[{"name":"one","provider":"vertra","tags":["a","b"]},{"name":"two","provider":"qovery","admin_emails":["ops@x.io"]}]`,
		"m.csv":  "name,provider,tags,admin_emails\none,vertra,\"a,b\",\ntwo,qovery,,ops@x.io\n",
	}
	var bodies []string
	for file, content := range manifests {
		for _, stdin := range []bool{false, true} {
			sb, environ := startSandbox(t, sandbox.Options{})
			args := []string{"create", "--plan", "TEAM", "-f", writeManifest(t, file, content), "-o", "json", "--concurrency", "1"}
			var r result
			if stdin {
				args[4] = "-"
				r = orgctlStdin(t, environ, content, args...)
			} else {
				r = orgctl(t, environ, args...)
			}
			if _, counts := ndjson(t, r.out); r.code != 0 || counts["created"] != 2 {
				t.Fatalf("%s (stdin %v): exit %d %v %s", file, stdin, r.code, counts, r.errOut)
			}
			var got []string
			for _, req := range sb.Server.Requests() {
				got = append(got, req.Path+" "+string(req.Body))
			}
			sort.Strings(got)
			bodies = append(bodies, strings.Join(got, "\n"))
		}
	}
	for _, b := range bodies[1:] {
		if b != bodies[0] {
			t.Errorf("formats disagree:\n%s\nvs\n%s", b, bodies[0])
		}
	}
	if !strings.Contains(bodies[0], `/organization {"name":"two","plan":"TEAM","admin_emails":["ops@x.io"]}`) ||
		!strings.Contains(bodies[0], `/v1/organizations {"name":"one","tags":["a","b"]}`) {
		t.Errorf("requests:\n%s", bodies[0])
	}
}

func TestBulkInvalidManifestSendsNothing(t *testing.T) {
	sb, environ := startSandbox(t, sandbox.Options{})
	bad := "- {name: ok, provider: vertra}\n- {name: '', provider: vertra}\n- {name: x, provider: qovery, plan: GOLD}\n- {name: OK, provider: vertracloud}\n- {name: y, provider: vertra, plan: TEAM}\n- {name: z, provider: vertra, id: org-1}\n"
	r := orgctl(t, environ, "create", "-f", writeManifest(t, "bad.yaml", bad))
	want := []string{
		"error: entry 2 (line 2): name is required and must not be blank",
		`error: entry 3 (line 3): plan "GOLD" is not a Qovery plan`,
		`error: entry 4 (line 4): name "OK" repeats entry 1 (vertra compares names case-insensitively)`,
		"error: entry 5 (line 5): plan is not supported by provider vertra",
		"error: entry 6 (line 6): id: create makes new organizations; pinning an id is for orgctl apply",
		"error: 5 of 6 entries are invalid: nothing was sent",
	}
	if r.code != 2 || r.out != "" {
		t.Errorf("exit %d stdout %q", r.code, r.out)
	}
	for _, w := range want {
		if !strings.Contains(r.errOut, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.errOut)
		}
	}
	if n := len(sb.Server.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
	r = orgctl(t, environ, "create", "-f", writeManifest(t, "m.yaml", "- {name: a, colour: red}\n"))
	if r.code != 2 || !strings.Contains(r.errOut, `entry 1 (line 1): colour: unknown field "colour"`) {
		t.Errorf("unknown field: exit %d %q", r.code, r.errOut)
	}
	r = orgctl(t, environ, "create", "-f", "x.yaml", "--name", "a")
	if r.code != 2 || r.errOut != "error: --name cannot be used with -f: the manifest names the organizations\n" {
		t.Errorf("--name with -f: exit %d %q", r.code, r.errOut)
	}
}

func TestBulkFailFast(t *testing.T) {
	var m strings.Builder
	for i := 0; i < 40; i++ {
		m.WriteString("- {name: org" + string(rune('A'+i%26)) + string(rune('a'+i/26)) + ", provider: vertra}\n")
	}
	sb, environ := startSandbox(t, sandbox.Options{Faults: []sandbox.Fault{{Status: 500, Times: 1}, {Delay: sandbox.Duration(5 * time.Millisecond)}}})
	r := orgctl(t, environ, "create", "-f", writeManifest(t, "m.yaml", m.String()), "--fail-fast", "--concurrency", "2", "-o", "json")
	_, counts := ndjson(t, r.out)
	if r.code != 6 || counts["failed"] != 1 || counts["created"] > 4 || !strings.Contains(r.errOut, "not started ") {
		t.Errorf("exit %d counts %v stderr %q", r.code, counts, r.errOut)
	}
	if got := len(sb.Server.Organizations()); got != counts["created"] {
		t.Errorf("sandbox holds %d, reported created %d", got, counts["created"])
	}
}

func TestBulkRespectsRateLimits(t *testing.T) {
	manifest := "- {name: a, provider: vertra}\n- {name: b, provider: vertra}\n- {name: c, provider: vertra}\n"
	// The sandbox allows 2 per second and says so in x-ratelimit-*: with
	// no --rate, orgctl paces from those headers and meets no 429.
	sb, environ := startSandbox(t, sandbox.Options{RateLimit: &sandbox.RateLimit{N: 2, Per: time.Second}})
	r := orgctl(t, environ, "create", "-f", writeManifest(t, "m.yaml", manifest), "--concurrency", "3", "-o", "json")
	if _, counts := ndjson(t, r.out); r.code != 0 || counts["created"] != 3 || strings.Contains(r.errOut, "429") {
		t.Errorf("exit %d counts %v stderr %q", r.code, counts, r.errOut)
	}
	if n, reqs := len(sb.Server.Organizations()), len(sb.Server.Requests()); n != 3 || reqs != 3 {
		t.Errorf("%d organizations, %d requests", n, reqs)
	}
	// The client-side limiter keeps under the limit (1/s against 2/s, so
	// no request lands on a window edge): no 429 at all.
	sb, environ = startSandbox(t, sandbox.Options{RateLimit: &sandbox.RateLimit{N: 2, Per: time.Second}})
	r = orgctl(t, environ, "create", "-f", writeManifest(t, "m.yaml", manifest), "--concurrency", "3", "--rate", "1/s")
	if r.code != 0 || strings.Contains(r.errOut, "429") || len(sb.Server.Requests()) != 3 {
		t.Errorf("--rate: exit %d, %d requests, stderr %q", r.code, len(sb.Server.Requests()), r.errOut)
	}
}

func TestBulkInterrupt(t *testing.T) {
	var m strings.Builder
	for i := 0; i < 50; i++ {
		m.WriteString("- {name: slow" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + ", provider: vertra}\n")
	}
	sb, environ := startSandbox(t, sandbox.Options{Faults: []sandbox.Fault{{Delay: sandbox.Duration(300 * time.Millisecond)}}})
	cmd := exec.Command(binary, "create", "-f", writeManifest(t, "m.yaml", m.String()), "--concurrency", "2", "-o", "json")
	cmd.Env = environ
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(sb.Server.Requests()) < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 130 {
		t.Fatalf("exit %v; stderr %q", err, stderr.String())
	}
	_, counts := ndjson(t, stdout.String())
	// In-flight requests finished and are reported; nothing else started.
	if counts["created"] < 2 || counts["failed"] != 0 || !strings.Contains(stderr.String(), "not started ") {
		t.Errorf("counts %v stderr %q", counts, stderr.String())
	}
	assertNoSecret(t, stdout.String()+stderr.String())
	if got := len(sb.Server.Organizations()); got != counts["created"] {
		t.Errorf("sandbox holds %d, reported created %d", got, counts["created"])
	}
}

// orgctlStdin is orgctl with something on standard input.
func orgctlStdin(t *testing.T, environ []string, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = environ
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	r := result{out: out.String(), errOut: errOut.String()}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		r.code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	assertNoSecret(t, r.out+r.errOut)
	return r
}

func TestBulkTokenFlagIsForOneProviderOnly(t *testing.T) {
	sb, environ := startSandbox(t, sandbox.Options{})
	r := orgctlStdin(t, environ, vertraToken+"\n", "create", "-f", writeManifest(t, "m.yaml", mixed), "--token-stdin")
	if r.code != 2 || !strings.Contains(r.errOut, "with a manifest for several providers (qovery, vertra)") || len(sb.Server.Requests()) != 0 {
		t.Errorf("exit %d, %d requests, stderr %q", r.code, len(sb.Server.Requests()), r.errOut)
	}
	r = orgctlStdin(t, environ, vertraToken+"\n", "create", "-f", writeManifest(t, "v.yaml", "- {name: solo, provider: vertra}\n"), "--token-stdin")
	if r.code != 0 || sb.Server.Requests()[0].Header.Get("Authorization") != "Bearer "+vertraToken {
		t.Errorf("one provider: exit %d %q", r.code, r.errOut)
	}
}
