// Package atomicfile holds what every file that orgctl rewrites needs (the
// config file, the sandbox's state, the completion cache): an exclusive
// lock beside it for concurrent orgctl processes, and a replacement that a
// crash cannot leave half done.
package atomicfile

import (
	"os"
	"path/filepath"
)

// Write replaces path with data, readable by its owner only (it may hold
// tokens): a temporary file in the same directory, synced, renamed over
// path, then the directory synced. A crash leaves the old file or the new
// one, never an empty or partial one.
func Write(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".*.tmp") // mode 0600
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	_, err = tmp.Write(data)
	if err == nil {
		// The data must be on disk before the rename makes it the file.
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err == nil {
		syncDir(dir)
	}
	return err
}
