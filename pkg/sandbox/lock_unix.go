//go:build unix

package sandbox

import (
	"os"

	"golang.org/x/sys/unix"
)

// lockFile takes an exclusive flock on the file at path, creating it,
// waiting for other holders. The kernel releases it if the process dies, so
// a crash never leaves the state locked.
func lockFile(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil // closing releases the lock
}
