package config

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgctl/orgctl/pkg/internal/atomicfile"
)

// TestEditWaitsForTheLockWithABound: a writer that holds the config lock
// forever (a hung orgctl) makes the others fail after LockWait with one
// line naming the lock file, instead of blocking them for good.
func TestEditWaitsForTheLockWithABound(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	unlock, err := atomicfile.Lock(path + ".lock")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	defer func(old time.Duration) { LockWait = old }(LockWait)
	LockWait = 200 * time.Millisecond
	done := make(chan error, 1)
	go func() { done <- SetValue(path, []string{"provider"}, "qovery") }()
	select {
	case err = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("SetValue still waits for the lock after 5s")
	}
	if err == nil || !strings.Contains(err.Error(), path+".lock") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v, want one line naming %s.lock", err, path)
	}
}
