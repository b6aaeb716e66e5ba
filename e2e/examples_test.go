package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/orgctl/orgctl/pkg/cmd/root"
	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/iostreams"
	"github.com/orgctl/orgctl/pkg/sandbox"
)

// interactive examples need a person at a terminal; auth_test.go and
// lifecycle_test.go drive those prompts through a pseudo-terminal.
var interactive = map[string]bool{
	"orgctl auth login --provider qovery":  true,
	"orgctl delete --provider qovery acme": true,
	"gh pr comment --body-file plan.md":    true, // needs GitHub's CLI and a pull request
}

// example is one paragraph of a command's Example: the commands a user
// would paste together.
type example struct {
	command string // "orgctl create"
	lines   []string
}

func examples(cmd *cobra.Command) []example {
	var out []example
	for _, para := range strings.Split(cmd.Example, "\n\n") {
		ex := example{command: cmd.CommandPath()}
		for _, l := range strings.Split(para, "\n") {
			if line, ok := strings.CutPrefix(l, "$ "); ok {
				ex.lines = append(ex.lines, line)
			}
		}
		out = append(out, ex)
	}
	return out
}

// TestExamplesWork pastes every example of every command's help into bash,
// as a user with a token for each provider would: against a fresh sandbox,
// in a directory holding the README's tenants.yaml. For get, list, update,
// delete and export organizations named acme and globex exist on both
// providers first.
func TestExamplesWork(t *testing.T) {
	needTool(t, "jq") // the examples pipe JSON into jq
	ios, _, _, _ := iostreams.Test()
	tree := root.NewCmdRoot(cmdutil.New(ios))
	var all []example
	cmdutil.VisitCommands(tree, func(c *cobra.Command) { all = append(all, examples(c)...) })
	runnable := map[string]int{}
	for _, ex := range all {
		var lines []string
		for _, l := range ex.lines {
			if !interactive[l] {
				lines = append(lines, l)
			}
		}
		if len(lines) == 0 {
			continue
		}
		runnable[ex.command]++
		t.Run(ex.command, func(t *testing.T) {
			addr := freeAddr(t)
			script := "set -eo pipefail\ntrap 'st=$?; kill $(jobs -p) 2>/dev/null || true; wait; exit $st' EXIT\n" + serveInBackground(strings.Join(lines, "\n"), addr)
			_, environ := startSandbox(t, sandbox.Options{})
			environ = append(environ, binaryOnPath(), "VERTRA_TOKEN="+vertraToken, "QOVERY_TOKEN="+qoveryToken)
			dir := t.TempDir()
			for _, file := range []string{"tenants.yaml", "ci-tenants.yaml"} {
				if err := os.WriteFile(filepath.Join(dir, file), []byte(readmeManifest(t, file)), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if ex.command == "orgctl get" || ex.command == "orgctl list" || ex.command == "orgctl delete" || ex.command == "orgctl update" || ex.command == "orgctl export" {
				for _, args := range [][]string{{"--provider", "qovery", "--plan", "TEAM_2025"}, {"--provider", "vertra"}} {
					for _, name := range []string{"acme", "globex"} {
						if r := orgctl(t, environ, append([]string{"create", "--name", name}, args...)...); r.code != 0 {
							t.Fatalf("seeding %s: %d %s", name, r.code, r.errOut)
						}
					}
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a guard, not an assertion
			defer cancel()
			cmd := exec.CommandContext(ctx, "bash", "--norc", "--noprofile", "-c", script)
			cmd.Env, cmd.Dir = environ, dir
			// On the guard's timeout, end the whole process group (a sandbox
			// started with & included), and stop waiting for pipes that a
			// straggler still holds.
			killGroupOnCancel(cmd)
			cmd.WaitDelay = 5 * time.Second
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Run(); err != nil {
				t.Errorf("example of %s failed (%v):\n%s\noutput:\n%s", ex.command, err, script, out.String())
			}
			assertNoSecret(t, out.String())
		})
	}
	var missing []string
	cmdutil.VisitCommands(tree, func(c *cobra.Command) {
		if runnable[c.CommandPath()] == 0 {
			missing = append(missing, c.CommandPath())
		}
	})
	if len(missing) > 0 {
		t.Errorf("commands without an example that runs unattended: %s", strings.Join(missing, ", "))
	}
}

// serveInBackground points the examples' sandbox at addr and starts a
// foreground `orgctl sandbox serve` in the background, so the script goes on.
func serveInBackground(script, addr string) string {
	script = strings.ReplaceAll(script, "127.0.0.1:8080", addr)
	return regexp.MustCompile(`(?m)^orgctl sandbox serve\b.*$`).ReplaceAllStringFunc(script, func(line string) string {
		if !strings.Contains(line, "--addr") {
			line = strings.Replace(line, "serve", "serve --addr "+addr, 1)
		}
		if !strings.HasSuffix(line, "&") {
			line += " &"
		}
		return line
	})
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// readmeManifest is the tenants.yaml the README shows.
func readmeManifest(t *testing.T, file string) string {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```yaml\n(# " + regexp.QuoteMeta(file) + ".*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatal(fmt.Errorf("README.md has no %s example", file))
	}
	return string(m[1])
}

// docExample is one command of a ```console block of a doc page and the
// stdout it shows.
type docExample struct {
	command string
	want    []string
}

func docExamples(t *testing.T, page string) [][]docExample {
	t.Helper()
	doc, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	var blocks [][]docExample
	for _, m := range regexp.MustCompile("(?s)```console\n(.*?)```").FindAllSubmatch(doc, -1) {
		var block []docExample
		for _, l := range strings.Split(strings.TrimSuffix(string(m[1]), "\n"), "\n") {
			if cmd, ok := strings.CutPrefix(l, "$ "); ok {
				block = append(block, docExample{command: cmd})
			} else if len(block) > 0 {
				block[len(block)-1].want = append(block[len(block)-1].want, l)
			}
		}
		blocks = append(blocks, block)
	}
	return blocks
}

// TestOutputDocExamples runs every ```console example of docs/output.md
// with bash against the sandbox the page describes and compares stdout
// with what the page shows, word by word (table padding is not compared).
func TestOutputDocExamples(t *testing.T) {
	needTool(t, "awk", "head")
	blocks := docExamples(t, "../docs/output.md")
	if len(blocks) < 5 {
		t.Fatalf("docs/output.md has %d console examples", len(blocks))
	}
	for i, block := range blocks {
		t.Run(strconv.Itoa(i+1), func(t *testing.T) {
			_, environ := startSandbox(t, sandbox.Options{})
			environ = append(environ, binaryOnPath())
			for _, args := range [][]string{
				{"--provider", "vertra", "--name", "acme", "--tag", "ci,prod"},
				{"--provider", "vertra", "--name", "initech", "--tag", "dev"},
				{"--provider", "qovery", "--name", "acme", "--plan", "TEAM_2025", "--admin-email", "ops@acme.io"},
			} {
				if r := orgctl(t, environ, append([]string{"create"}, args...)...); r.code != 0 {
					t.Fatalf("seeding: %d %s", r.code, r.errOut)
				}
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "tenants.yaml"), []byte(readmeManifest(t, "tenants.yaml")), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, ex := range block {
				cmd := exec.Command("bash", "--norc", "--noprofile", "-o", "pipefail", "-c", ex.command)
				cmd.Env, cmd.Dir = environ, dir
				var out, errOut bytes.Buffer
				cmd.Stdout, cmd.Stderr = &out, &errOut
				if err := cmd.Run(); err != nil {
					t.Errorf("%s: %v\n%s", ex.command, err, errOut.String())
					continue
				}
				assertNoSecret(t, out.String()+errOut.String())
				got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
				if !sameWords(got, ex.want) {
					t.Errorf("%s:\nstdout\n%s\ndocs/output.md shows\n%s", ex.command, out.String(), strings.Join(ex.want, "\n"))
				}
			}
		})
	}
}

func sameWords(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if strings.Join(strings.Fields(a[i]), " ") != strings.Join(strings.Fields(b[i]), " ") {
			return false
		}
	}
	return true
}

// TestReadmeTryIt runs the README's "try it" lines as they are, with the
// binary on PATH and no token: create, list and delete on the sandbox.
func TestReadmeTryIt(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)Try it with no account.*?```sh\n(.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no \"Try it\" block")
	}
	lines := strings.Split(strings.TrimSpace(string(m[1])), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], "create --sandbox") || !strings.Contains(lines[1], "list --sandbox") || !strings.Contains(lines[2], "delete --sandbox") {
		t.Fatalf("the try-it block is not create, list, delete:\n%s", m[1])
	}
	environ := append(env(t), binaryOnPath())
	var outs []string
	for _, line := range lines {
		cmd := exec.Command("bash", "--norc", "--noprofile", "-c", line)
		cmd.Env = environ
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", line, err, out)
		}
		assertNoSecret(t, string(out))
		outs = append(outs, string(out))
	}
	if !strings.Contains(outs[1], "acme") {
		t.Errorf("the list does not show what the create made:\n%s", outs[1])
	}
	if r := orgctl(t, environ, "list", "--sandbox", "--provider", "vertra", "-o", "json"); strings.TrimSpace(r.out) != "[]" {
		t.Errorf("after the delete the sandbox still holds %s", r.out)
	}
}
