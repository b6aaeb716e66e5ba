package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/orgctl/orgctl/pkg/internal/atomicfile"
)

// A state file keeps the sandbox's organizations between orgctl commands:
// a log of JSON lines and an index beside it (statelog.go, stateindex.go),
// guarded by an exclusive lock on FILE.lock beside it (a writer never loses
// another's changes). A command reads and writes only the lines it needs.

// DefaultStatePath is where `orgctl --sandbox` keeps its state:
// $XDG_STATE_HOME/orgctl/sandbox.json, else the OS's equivalent
// (~/.local/state on Linux and other Unix systems, ~/Library/Application
// Support on macOS, %LocalAppData% on Windows).
func DefaultStatePath() (string, error) {
	dir := os.Getenv("XDG_STATE_HOME")
	if !filepath.IsAbs(dir) { // the XDG spec: a relative path is ignored
		var err error
		switch runtime.GOOS {
		case "windows":
			dir, err = os.UserCacheDir() // %LocalAppData%
		case "darwin", "ios":
			dir, err = os.UserConfigDir() // ~/Library/Application Support
		default:
			dir, err = os.UserHomeDir()
			dir = filepath.Join(dir, ".local", "state")
		}
		if err != nil {
			return "", fmt.Errorf("no directory for the sandbox state: %w", err)
		}
	}
	return filepath.Join(dir, "orgctl", "sandbox.json"), nil
}

// lockState creates path's directory (0700) and locks path.
func lockState(path string) (unlock func(), err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("sandbox state: %w", err)
	}
	unlock, err = atomicfile.Lock(path + ".lock")
	if err != nil {
		return nil, fmt.Errorf("sandbox state: locking %s: %w", path+".lock", err)
	}
	return unlock, nil
}

// CheckState reads the state file at path, under its lock, creating its
// directory, and says how many organizations it holds: a state file that
// cannot be served is reported before serving starts.
func CheckState(path string) (int, error) {
	unlock, err := lockState(path)
	if err != nil {
		return 0, err
	}
	defer unlock()
	st, err := openFileStore(path)
	if err != nil {
		return 0, err
	}
	return st.count(), st.close()
}

// ResetState empties the state file at path, under its lock, and says how
// many organizations it held.
func ResetState(path string) (int, error) {
	unlock, err := lockState(path)
	if err != nil {
		return 0, err
	}
	defer unlock()
	n := 0
	if st, err := openFileStore(path); err == nil { // an unreadable file is emptied too: that is the way out
		n = st.count()
		_ = st.close()
	}
	if err := os.Remove(path + ".idx"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("sandbox state: %w", err)
	}
	header, _ := newLogHeader()
	if err := atomicfile.Write(path, header); err != nil {
		return 0, fmt.Errorf("sandbox state: %w", err)
	}
	return n, nil
}

// Session is a sandbox serving one orgctl command on a loopback port, with
// the organizations of a state file that it holds locked from StartSession
// to Close: concurrent commands on the same state run one after the other,
// and none loses another's changes.
type Session struct {
	*Running
	Path   string
	store  *fileStore
	unlock func()
}

// StartSession locks the state file at path, opens it and serves it.
func StartSession(path string, opts Options) (*Session, error) {
	unlock, err := lockState(path)
	if err != nil {
		return nil, err
	}
	st, err := openFileStore(path)
	if err != nil {
		unlock()
		return nil, err
	}
	running, err := start(opts, st)
	if err != nil {
		_ = st.close()
		unlock()
		return nil, err
	}
	return &Session{Running: running, Path: path, store: st, unlock: unlock}, nil
}

// Close stops serving, saves the state's index and unlocks it.
func (s *Session) Close() error {
	defer s.unlock()
	// Let requests still running finish (an interrupted bulk run leaves
	// some), so that what they did is saved, then drop what remains.
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	_ = s.http.Shutdown(ctx)
	err := s.Running.Close()
	s.Server.mu.Lock()
	defer s.Server.mu.Unlock()
	if cerr := s.store.close(); cerr != nil {
		err = fmt.Errorf("sandbox state: %w", cerr)
	}
	return err
}
