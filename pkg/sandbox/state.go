package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/orgctl/orgctl/pkg/internal/atomicfile"
)

// A state file keeps the sandbox's organizations between orgctl commands:
// JSON, written whole to a temporary file that is then renamed over it (a
// reader never sees half a file), and guarded by an exclusive lock on
// FILE.lock beside it (a writer never loses another's changes).

// stateVersion is the format of the state file.
const stateVersion = 1

type stateJSON struct {
	Version       int            `json:"version"`
	Organizations []Organization `json:"organizations"`
}

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

// readState reads the organizations of a state file; a missing file holds
// none. The caller holds the lock.
func readState(path string) ([]Organization, os.FileInfo, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("sandbox state: %w", err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, nil, fmt.Errorf("sandbox state: %w", err)
	}
	var st stateJSON
	if err := json.Unmarshal(b, &st); err != nil || st.Version != stateVersion {
		if err == nil {
			err = fmt.Errorf("version %d, want %d", st.Version, stateVersion)
		}
		return nil, nil, fmt.Errorf("sandbox state %s is unreadable (%v): run orgctl sandbox reset", path, err)
	}
	return st.Organizations, info, nil
}

// writeState replaces a state file atomically: a temporary file in the same
// directory, synced, then renamed over it. The caller holds the lock.
func writeState(path string, orgs []Organization) (os.FileInfo, error) {
	b, err := json.Marshal(stateJSON{Version: stateVersion, Organizations: nonNil(orgs)})
	if err != nil {
		return nil, fmt.Errorf("sandbox state: %w", err)
	}
	if err := atomicfile.Write(path, append(b, '\n')); err != nil {
		return nil, fmt.Errorf("sandbox state: %w", err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("sandbox state: %w", err)
	}
	return info, nil
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
	orgs, _, err := readState(path)
	return len(orgs), err
}

// ResetState empties the state file at path, under its lock, and says how
// many organizations it held.
func ResetState(path string) (int, error) {
	unlock, err := lockState(path)
	if err != nil {
		return 0, err
	}
	defer unlock()
	orgs, _, err := readState(path)
	if err != nil {
		orgs = nil // an unreadable file is emptied too: that is the way out
	}
	_, err = writeState(path, nil)
	return len(orgs), err
}

// Session is a sandbox serving one orgctl command on a loopback port, with
// the organizations of a state file that it holds locked from StartSession
// to Close: concurrent commands on the same state run one after the other,
// and none loses another's changes.
type Session struct {
	*Running
	Path   string
	unlock func()
	rev    uint64
}

// StartSession locks the state file at path, loads it and serves it.
func StartSession(path string, opts Options) (*Session, error) {
	unlock, err := lockState(path)
	if err != nil {
		return nil, err
	}
	orgs, _, err := readState(path)
	if err != nil {
		unlock()
		return nil, err
	}
	opts.Organizations = orgs
	running, err := Start(opts)
	if err != nil {
		unlock()
		return nil, err
	}
	return &Session{Running: running, Path: path, unlock: unlock, rev: running.Server.revision()}, nil
}

// Close stops serving, writes the state back when it changed, and unlocks
// it.
func (s *Session) Close() error {
	defer s.unlock()
	// Let requests still running finish (an interrupted bulk run leaves
	// some), so that what they did is saved, then drop what remains.
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	_ = s.http.Shutdown(ctx)
	err := s.Running.Close()
	if rev := s.Server.revision(); rev != s.rev {
		s.rev = rev
		if _, werr := writeState(s.Path, s.Server.Organizations()); werr != nil {
			err = werr
		}
	}
	return err
}
