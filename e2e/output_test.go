package e2e

import (
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rivo/uniseg"

	"github.com/orgctl/orgctl/pkg/sandbox"
)

// onTerminal runs orgctl under a pseudo-terminal (script(1)) of the given
// width and returns what the terminal showed, escape codes kept.
func onTerminal(t *testing.T, environ []string, columns string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("script"); err != nil {
		t.Skip("script(1) is not installed")
	}
	line := "stty cols " + columns + " rows 40; exec " + binary
	for _, a := range args {
		line += " '" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	cmd := exec.Command("script", "-qec", line, "/dev/null")
	cmd.Env = append(environ, "TERM=xterm")
	out, err := cmd.CombinedOutput()
	assertNoSecret(t, string(out))
	if err != nil {
		t.Fatalf("orgctl %s on a terminal: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.ReplaceAll(string(out), "\r\n", "\n")
}

var escapes = regexp.MustCompile("\x1b\\[[0-9;]*m")

// column is the screen column where text starts in a line, escape codes
// left out and wide characters counted twice; -1 when it is not there.
func column(line, text string) int {
	line = escapes.ReplaceAllString(line, "")
	i := strings.Index(line, text)
	if i < 0 {
		return -1
	}
	return uniseg.StringWidth(line[:i])
}

func TestJQAndTemplateOnEveryCommand(t *testing.T) {
	sb, environ := startSandbox(t, sandbox.Options{})
	v := []string{"--provider", "vertra"}
	r := orgctl(t, environ, "create", "--provider", "vertra", "--name", "alpha", "--tag", "ci", "--jq", ".id")
	if r.code != 0 || !regexp.MustCompile(`^\S+\n$`).MatchString(r.out) {
		t.Fatalf("create --jq .id: exit %d %q %s", r.code, r.out, r.errOut)
	}
	id := strings.TrimSpace(r.out)
	betaID := strings.TrimSpace(orgctl(t, environ, "create", "--provider", "vertra", "--name", "beta", "--tag", "dev", "-q", ".id").out)

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"list", "--jq", ".[].name"}, "alpha\nbeta\n"},
		{[]string{"list", "-q", "[.[] | {name, tags}]"}, `[{"name":"alpha","tags":["ci"]},{"name":"beta","tags":["dev"]}]` + "\n"},
		{[]string{"list", "--template", `{{range .}}{{.id}} {{.name}}{{"\n"}}{{end}}`}, id + " alpha\n" + betaID + " beta\n"},
		{[]string{"list", "-t", `{{range .}}{{tablerow .name (join "," .tags)}}{{end}}`}, "alpha  ci\nbeta   dev\n"},
		{[]string{"get", "alpha", "-q", ".tags[0], .plan, .created"}, "ci\nnull\nnull\n"},
		{[]string{"get", id, "-o", "json", "-t", "{{.name}} on {{.provider}}"}, "alpha on vertra"},
		{[]string{"update", "alpha", "--description", "Alpha", "-q", ".description"}, "Alpha\n"},
		{[]string{"version", "-q", ".version"}, stampVersion + "\n"},
		{[]string{"version", "-t", "{{.commit}}"}, stampCommit},
		{[]string{"delete", "beta", "--yes", "-q", ".deleted"}, "true\n"},
	} {
		args := tt.args
		if args[0] != "version" {
			args = append(args, v...)
		}
		r := orgctl(t, environ, args...)
		if r.code != 0 || r.out != tt.want {
			t.Errorf("orgctl %s: exit %d\nstdout %q\nwant   %q\nstderr %s", strings.Join(args, " "), r.code, r.out, tt.want, r.errOut)
		}
	}

	// A bad expression is a usage error that names the problem, before
	// anything is sent.
	before := len(sb.Server.Requests())
	r = orgctl(t, environ, "create", "--provider", "vertra", "--name", "gamma", "--jq", ".id | no_such_function")
	if r.code != 2 || r.out != "" || r.errOut != `error: invalid jq expression ".id | no_such_function": function not defined: no_such_function/0`+"\n" {
		t.Errorf("bad --jq: exit %d %q %q", r.code, r.out, r.errOut)
	}
	r = orgctl(t, environ, "delete", "alpha", "--yes", "--template", "{{.id")
	if r.code != 2 || !strings.HasPrefix(r.errOut, "error: invalid template: ") {
		t.Errorf("bad --template: exit %d %q", r.code, r.errOut)
	}
	if n := len(sb.Server.Requests()) - before; n != 0 {
		t.Errorf("%d requests were sent despite a bad --jq or --template", n)
	}
	// An expression that fails on the data is an error (exit 1), not a
	// usage error: the command has run by then.
	r = orgctl(t, environ, "list", "--provider", "vertra", "--jq", ".name")
	if r.code != 1 || !strings.HasPrefix(r.errOut, "error: --jq: expected an object but got: array (") || strings.Count(r.errOut, "\n") != 1 {
		t.Errorf("--jq failing at run time: exit %d %q", r.code, r.errOut)
	}
}

func TestDeleteJSONKeepsTheDocumentedOrder(t *testing.T) {
	_, environ := startSandbox(t, sandbox.Options{})
	id := strings.TrimSpace(orgctl(t, environ, "create", "--provider", "qovery", "--name", "acme", "--plan", "TEAM", "-q", ".id").out)
	r := orgctl(t, environ, "delete", "acme", "--provider", "qovery", "--yes", "-o", "json")
	want := "{\n  \"provider\": \"qovery\",\n  \"id\": \"" + id + "\",\n  \"name\": \"acme\",\n  \"deleted\": true\n}\n"
	if r.code != 0 || r.out != want {
		t.Errorf("delete -o json: exit %d\n%s\nwant\n%s", r.code, r.out, want)
	}
}

func TestNoHeadersAndWide(t *testing.T) {
	_, environ := startSandbox(t, sandbox.Options{})
	orgctl(t, environ, "create", "--provider", "vertra", "--name", "acme", "--description", "Acme Inc", "--tag", "ci", "--tag", "prod")
	orgctl(t, environ, "create", "--provider", "qovery", "--name", "acme", "--plan", "TEAM_2025", "--admin-email", "ops@acme.io")

	r := orgctl(t, environ, "list", "--provider", "vertra", "--no-headers")
	if r.code != 0 || strings.Contains(r.out, "NAME") || strings.Count(r.out, "\n") != 1 || !strings.Contains(r.out, "  acme  ") {
		t.Errorf("--no-headers: exit %d\n%s", r.code, r.out)
	}
	r = orgctl(t, environ, "list", "--provider", "vertra", "-o", "wide")
	lines := strings.Split(strings.TrimSuffix(r.out, "\n"), "\n")
	if r.code != 0 || len(lines) != 2 || !regexp.MustCompile(`^ID +NAME +PROVIDER +PLAN +CREATED +OWNER +DESCRIPTION +TAGS +UPDATED$`).MatchString(lines[0]) ||
		!regexp.MustCompile(`  Acme Inc +ci, prod  `).MatchString(lines[1]) {
		t.Errorf("-o wide (vertra):\n%s", r.out)
	}
	r = orgctl(t, append(environ, "ORGCTL_OUTPUT=wide"), "list", "--provider", "qovery")
	if r.code != 0 || !strings.Contains(r.out, "ADMIN EMAILS") || !strings.Contains(r.out, "  ops@acme.io  ") {
		t.Errorf("ORGCTL_OUTPUT=wide (qovery):\n%s", r.out)
	}
	// The environment's -o is overridden by --jq; the command line's is a contradiction.
	if r := orgctl(t, append(environ, "ORGCTL_OUTPUT=yaml"), "list", "--provider", "qovery", "-q", ".[].name"); r.code != 0 || r.out != "acme\n" {
		t.Errorf("--jq with ORGCTL_OUTPUT=yaml: exit %d %q %q", r.code, r.out, r.errOut)
	}
	if r := orgctl(t, environ, "list", "--provider", "qovery", "-q", ".[].name", "-o", "wide"); r.code != 2 {
		t.Errorf("--jq with -o wide: exit %d %q", r.code, r.errOut)
	}
}

// TestTablesLineUpOnATerminal draws tables with CJK and emoji names under a
// pseudo-terminal, in colour (bold headers), and checks every row's cells
// start at the same screen columns; on a narrow terminal, rows fit and
// names keep their characters longest.
func TestTablesLineUpOnATerminal(t *testing.T) {
	_, environ := startSandbox(t, sandbox.Options{})
	for _, name := range []string{"日本語", "🚀 launch", "acme"} {
		if r := orgctl(t, environ, "create", "--provider", "vertra", "--name", name, "--description", "d"); r.code != 0 {
			t.Fatalf("create %s: %s", name, r.errOut)
		}
	}
	screen := onTerminal(t, environ, "200", "list", "--provider", "vertra")
	if !strings.Contains(screen, "\x1b[1mID\x1b[22m") {
		t.Errorf("no bold header on a terminal:\n%q", screen)
	}
	lines := strings.Split(strings.TrimSuffix(screen, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("want a header and 3 rows:\n%s", screen)
	}
	for _, l := range lines[1:] {
		if column(l, "vertra") != column(lines[0], "PROVIDER") || column(l, regexp.MustCompile(`\d{4}-\d\d-\d\dT`).FindString(l)) != column(lines[0], "CREATED") {
			t.Errorf("columns do not line up:\n%s", screen)
		}
	}

	for _, tt := range []struct {
		columns int
		format  string
	}{{60, "table"}, {80, "wide"}} {
		screen = onTerminal(t, environ, strconv.Itoa(tt.columns), "list", "--provider", "vertra", "-o", tt.format)
		for _, l := range strings.Split(strings.TrimSuffix(screen, "\n"), "\n") {
			if w := uniseg.StringWidth(escapes.ReplaceAllString(l, "")); w > tt.columns {
				t.Errorf("-o %s: a %d-column line on a %d-column terminal: %q", tt.format, w, tt.columns, l)
			}
		}
		for _, name := range []string{"日本語", "🚀 launch", "acme"} {
			if !strings.Contains(screen, name) {
				t.Errorf("-o %s on %d columns: %q lost characters before the other columns did:\n%s", tt.format, tt.columns, name, screen)
			}
		}
		if !strings.Contains(screen, "…") {
			t.Errorf("-o %s on %d columns: nothing was shortened:\n%s", tt.format, tt.columns, screen)
		}
	}
	// Piped, nothing is shortened, whatever the terminal.
	r := orgctl(t, environ, "list", "--provider", "vertra", "-o", "wide")
	for _, l := range strings.Split(strings.TrimSuffix(r.out, "\n"), "\n")[1:] {
		if !regexp.MustCompile(`  d  .*  \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$`).MatchString(l) {
			t.Errorf("piped row shortened: %q", l)
		}
	}
}

func TestBulkTableAndPerLineJQ(t *testing.T) {
	_, environ := startSandbox(t, sandbox.Options{})
	long := strings.Repeat("n", 40)
	manifest := writeManifest(t, "m.yaml", "- {name: "+long+", provider: vertra}\n- {name: 日本語, provider: vertra}\n- {name: acme, provider: qovery, plan: TEAM}\n")
	r := orgctl(t, environ, "create", "-f", manifest, "--concurrency", "1")
	lines := strings.Split(strings.TrimSuffix(r.out, "\n"), "\n")
	if r.code != 0 || len(lines) != 4 || !regexp.MustCompile(`^INDEX  NAME {38}PROVIDER  STATUS   ID / ERROR$`).MatchString(lines[0]) {
		t.Fatalf("bulk table: exit %d\n%s\n%s", r.code, r.out, r.errOut)
	}
	for _, l := range lines[1:] {
		provider := "vertra"
		if strings.Contains(l, "qovery") {
			provider = "qovery"
		}
		if column(l, "created") != column(lines[0], "STATUS") || column(l, provider) != column(lines[0], "PROVIDER") {
			t.Errorf("bulk columns do not line up:\n%s", r.out)
		}
	}
	if !strings.Contains(r.out, "  "+long+"  ") {
		t.Errorf("a piped name was shortened:\n%s", r.out)
	}

	r = orgctl(t, environ, "create", "-f", manifest, "--skip-existing", "--concurrency", "1", "--jq", `.name + " " + .status`)
	if r.code != 0 || r.out != long+" skipped\n日本語 skipped\nacme skipped\n" {
		t.Errorf("bulk --jq per line: exit %d %q %s", r.code, r.out, r.errOut)
	}
	r = orgctl(t, environ, "create", "-f", manifest, "--skip-existing", "--concurrency", "1", "--no-headers")
	if r.code != 0 || strings.Contains(r.out, "INDEX") || strings.Count(r.out, "\n") != 3 {
		t.Errorf("bulk --no-headers: exit %d\n%s", r.code, r.out)
	}
}

func TestConfigListTakesJQAndNoHeaders(t *testing.T) {
	environ := env(t, "ORGCTL_OUTPUT=yaml", "ORGCTL_PROVIDER=vertra")
	r := orgctl(t, environ, "config", "list", "-q", `.[] | select(.key == "provider") | "\(.value) from \(.source)"`)
	if r.code != 0 || r.out != "vertra from env ORGCTL_PROVIDER\n" {
		t.Errorf("config list --jq: exit %d %q %q", r.code, r.out, r.errOut)
	}
	r = orgctl(t, environ, "config", "list", "-o", "table", "--no-headers")
	if r.code != 0 || strings.Contains(r.out, "KEY") || !regexp.MustCompile(`(?m)^provider +vertra +env ORGCTL_PROVIDER$`).MatchString(r.out) {
		t.Errorf("config list --no-headers: exit %d\n%s", r.code, r.out)
	}
}

func TestApplyAndDiffTakeJQAndLineUp(t *testing.T) {
	_, environ := startSandbox(t, sandbox.Options{})
	manifest := writeManifest(t, "m.yaml", "- {name: 日本語, provider: vertra, tags: [a]}\n- {name: "+strings.Repeat("n", 40)+", provider: vertra, tags: [b]}\n")
	r := orgctl(t, environ, "diff", "-f", manifest, "--jq", ".summary.create, (.actions[] | .action + \" \" + .name)")
	if r.code != 8 || r.out != "2\ncreate 日本語\ncreate "+strings.Repeat("n", 40)+"\n" {
		t.Errorf("diff --jq: exit %d %q %s", r.code, r.out, r.errOut)
	}
	r = orgctl(t, environ, "apply", "-f", manifest, "--concurrency", "1")
	lines := strings.Split(strings.TrimSuffix(r.out, "\n"), "\n")
	if r.code != 0 || len(lines) != 3 || !regexp.MustCompile(`^INDEX  ACTION  NAME {38}PROVIDER  STATUS   ID / ERROR$`).MatchString(lines[0]) {
		t.Fatalf("apply table: exit %d\n%s%s", r.code, r.out, r.errOut)
	}
	for _, l := range lines[1:] {
		if column(l, "vertra") != column(lines[0], "PROVIDER") || column(l, "created") != column(lines[0], "STATUS") {
			t.Errorf("apply columns do not line up:\n%s", r.out)
		}
	}
	r = orgctl(t, environ, "apply", "-f", writeManifest(t, "m2.yaml", "- {name: 日本語, provider: vertra, tags: [c]}\n"), "-t", `{{.action}} {{.name}} {{.status}}{{"\n"}}`)
	if r.code != 0 || r.out != "update 日本語 updated\n" {
		t.Errorf("apply --template per line: exit %d %q %s", r.code, r.out, r.errOut)
	}
}

func TestBulkTableFitsTheTerminal(t *testing.T) {
	_, environ := startSandbox(t, sandbox.Options{})
	name := "acme-" + strings.Repeat("x", 25)
	manifest := writeManifest(t, "m.yaml", "- {name: "+name+", provider: vertra}\n- {name: 日本語, provider: qovery, plan: TEAM}\n")
	screen := onTerminal(t, append(environ, "ORGCTL_PROGRESS=never"), "60", "create", "-f", manifest, "--concurrency", "1")
	var rows []string
	for _, l := range strings.Split(screen, "\n") {
		plain := escapes.ReplaceAllString(l, "")
		if strings.HasPrefix(plain, "INDEX") || strings.HasPrefix(plain, "1 ") || strings.HasPrefix(plain, "2 ") {
			rows = append(rows, plain)
		}
	}
	if len(rows) != 3 {
		t.Fatalf("want a header and 2 rows on the terminal:\n%s", screen)
	}
	for _, l := range rows {
		if w := uniseg.StringWidth(l); w > 60 {
			t.Errorf("a %d-column row on a 60-column terminal: %q", w, l)
		}
	}
	if !strings.Contains(rows[1], name) || !strings.Contains(rows[2], "日本語") || !strings.Contains(screen, "…") {
		t.Errorf("the names should be whole and something else shortened:\n%s", strings.Join(rows, "\n"))
	}
}
