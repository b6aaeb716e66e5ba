package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/orgctl/orgctl/pkg/sandbox"
)

// TestConcurrentConfigWritersLoseNothing starts 24 real orgctl processes at
// once, half logging in to their own profile and half setting a key of
// theirs, all on one config file: every write must be in the file afterwards.
func TestConcurrentConfigWritersLoseNothing(t *testing.T) {
	sb, _ := startSandbox(t, sandbox.Options{})
	home := t.TempDir()
	path := filepath.Join(home, "orgctl", "config.yaml")
	environ := env(t, "XDG_CONFIG_HOME="+home, "ORGCTL_VERTRA_URL="+sb.URL)
	const n = 12
	var (
		start = make(chan struct{})
		wg    sync.WaitGroup
		mu    sync.Mutex
		fails []string
	)
	run := func(stdin string, args ...string) {
		defer wg.Done()
		cmd := exec.Command(binary, args...)
		cmd.Env = environ
		cmd.Stdin = strings.NewReader(stdin)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		<-start
		if err := cmd.Run(); err != nil {
			mu.Lock()
			fails = append(fails, fmt.Sprintf("%v: %v\n%s", args, err, out.String()))
			mu.Unlock()
		}
	}
	for i := range n {
		wg.Add(2)
		go run(fmt.Sprintf("%s_%02d\n", vertraToken, i), "auth", "login", "--provider", "vertra", "--with-token", "--profile", fmt.Sprintf("p%d", i))
		go run("", "config", "set", "qovery.url", fmt.Sprintf("https://qovery%d.example", i), "--profile", fmt.Sprintf("s%d", i))
	}
	close(start)
	wg.Wait()
	if len(fails) > 0 {
		t.Fatalf("%d writers failed:\n%s", len(fails), strings.Join(fails, "\n"))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		r := orgctl(t, environ, "config", "get", "qovery.url", "--profile", fmt.Sprintf("s%d", i))
		if want := fmt.Sprintf("https://qovery%d.example\n", i); r.code != 0 || r.out != want {
			t.Errorf("profile s%d: exit %d, qovery.url %q, want %q", i, r.code, r.out, want)
		}
		if want := fmt.Sprintf("token: %s_%02d\n", vertraToken, i); !bytes.Contains(data, []byte(want)) {
			t.Errorf("profile p%d lost its token", i)
		}
	}
	if t.Failed() {
		t.Logf("config file:\n%s", bytes.ReplaceAll(data, []byte(vertraToken), []byte("<token>")))
	}
	// No temporary file is left behind; the lock file may stay.
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		if e.Name() != "config.yaml" && e.Name() != "config.yaml.lock" {
			t.Errorf("left in the config directory: %s", e.Name())
		}
	}
}
