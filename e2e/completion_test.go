package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The committed scripts, which the release archives and packages ship.
var completionFiles = map[string]string{"bash": "orgctl.bash", "zsh": "_orgctl", "fish": "orgctl.fish", "powershell": "orgctl.ps1"}

func TestCompletionCommandPrintsTheCommittedScripts(t *testing.T) {
	for shell, file := range completionFiles {
		committed, err := os.ReadFile(filepath.Join("..", "completions", file))
		if err != nil {
			t.Fatal(err)
		}
		r := orgctl(t, env(t), "completion", shell)
		if r.code != 0 || r.out != string(committed) || r.errOut != "" {
			t.Errorf("orgctl completion %s: exit %d, stderr %q, output equal to completions/%s: %v (run go generate ./...)",
				shell, r.code, r.errOut, file, r.out == string(committed))
		}
	}
	r := orgctl(t, env(t), "completion", "tcsh")
	if r.code != 2 || r.errOut != "error: unsupported shell \"tcsh\": use bash, zsh, fish or powershell\n" {
		t.Errorf("completion tcsh = %d %q", r.code, r.errOut)
	}
	r = orgctl(t, env(t), "completion")
	if r.code != 2 || !strings.Contains(r.errOut, "completion needs a shell") {
		t.Errorf("completion = %d %q", r.code, r.errOut)
	}
}

// completionCase is a command line, cursor at its end, and the candidates a
// TAB must offer there.
type completionCase struct {
	line string
	want []string
}

func completionCases(t *testing.T) []completionCase {
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte("provider: qovery\nprofiles:\n  staging: {provider: vertra}\n  prod: {output: json}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return []completionCase{
		{"orgctl create --provider ", []string{"qovery", "vertra"}},
		{"orgctl create --plan TEAM", []string{"TEAM", "TEAM_2025", "TEAM_YEARLY"}},
		{"orgctl list -o ", []string{"json", "table", "wide", "yaml"}},
		{"orgctl config set ", []string{"auth.storage", "output", "provider", "qovery.plan", "qovery.token", "qovery.url", "vertra.api", "vertra.token", "vertra.url"}},
		{"orgctl config set vertra.api ", []string{"auto", "organizations", "workspaces"}},
		{"orgctl config set auth.storage ", []string{"auto", "file", "keyring"}},
		{"orgctl completion ", []string{"bash", "fish", "powershell", "zsh"}},
		{"orgctl --config " + cfg + " list --profile ", []string{"prod", "staging"}},
		{"orgctl sa", []string{"sandbox"}},
	}
}

// needTool skips when a program or file is missing, unless
// ORGCTL_TEST_SHELLS=require (.ci/run sets it after installing them).
func needTool(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := exec.LookPath(p); err != nil {
			if _, err := os.Stat(p); err == nil {
				continue
			}
			if os.Getenv("ORGCTL_TEST_SHELLS") == "require" {
				t.Fatalf("%s is not installed", p)
			}
			t.Skipf("%s is not installed", p)
		}
	}
}

// binaryOnPath puts the built binary on PATH as "orgctl", as an install
// does (the last PATH of an environment wins).
func binaryOnPath() string {
	return "PATH=" + filepath.Dir(binary) + string(os.PathListSeparator) + os.Getenv("PATH")
}

func shellEnv(t *testing.T) []string {
	return append(env(t), binaryOnPath(), "TERM=dumb")
}

func runShell(t *testing.T, environ []string, name string, args ...string) string {
	t.Helper()
	// A guard against a shell waiting forever, not a timed assertion.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = environ
	cmd.WaitDelay = 5 * time.Second // after the guard, do not wait on held pipes
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %q: %v\nstdout: %s\nstderr: %s", name, args, err, out.String(), errOut.String())
	}
	return out.String()
}

func assertCandidates(t *testing.T, shell, line string, got []string, want []string) {
	t.Helper()
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("%s: %q<TAB> offers %q, want %q", shell, line, got, want)
	}
}

// TestBashCompletion sources completions/orgctl.bash in bash with the
// bash-completion package, checks the registration, and calls the function
// bash runs on TAB with the COMP_* variables bash would set.
func TestBashCompletion(t *testing.T) {
	const bashCompletion = "/usr/share/bash-completion/bash_completion"
	needTool(t, "bash", bashCompletion)
	script, _ := filepath.Abs("../completions/orgctl.bash")
	environ := shellEnv(t)
	reg := runShell(t, environ, "bash", "--norc", "--noprofile", "-c", "source "+bashCompletion+"; source "+script+"; complete -p orgctl")
	if reg != "complete -o default -F __start_orgctl orgctl\n" {
		t.Errorf("complete -p orgctl = %q", reg)
	}
	for _, c := range completionCases(t) {
		words := strings.Split(c.line, " ")
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = "'" + w + "'"
		}
		prog := `source ` + bashCompletion + `; source ` + script + `
COMP_LINE='` + c.line + `'; COMP_POINT=${#COMP_LINE}; COMP_TYPE=9
COMP_WORDS=(` + strings.Join(quoted, " ") + `); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
__start_orgctl orgctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"`
		out := runShell(t, environ, "bash", "--norc", "--noprofile", "-c", prog)
		assertCandidates(t, "bash", c.line, strings.Fields(out), c.want)
	}
}

// TestZshCompletion types each line into an interactive zsh on a
// pseudo-terminal, with completions/ on $fpath and compinit loaded, and
// presses TAB (testdata/capture.zsh).
func TestZshCompletion(t *testing.T) {
	needTool(t, "zsh")
	dir, _ := filepath.Abs("../completions")
	environ := shellEnv(t)
	for _, c := range completionCases(t) {
		out := runShell(t, environ, "zsh", "-f", "testdata/capture.zsh", dir, c.line)
		assertCandidates(t, "zsh", c.line, strings.Fields(out), c.want)
	}
}

// TestFishCompletion sources completions/orgctl.fish and asks fish's own
// completion engine (complete -C) what a TAB offers.
func TestFishCompletion(t *testing.T) {
	needTool(t, "fish")
	script, _ := filepath.Abs("../completions/orgctl.fish")
	environ := shellEnv(t)
	for _, c := range completionCases(t) {
		out := runShell(t, environ, "fish", "--no-config", "-c", "source "+script+"; complete -C '"+c.line+"'")
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			candidate, _, _ := strings.Cut(l, "\t") // fish prints "value<TAB>description"
			got = append(got, candidate)
		}
		assertCandidates(t, "fish", c.line, got, c.want)
	}
}
