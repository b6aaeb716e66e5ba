package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"time"
)

var errBusy = errors.New("lock held by another process")

// LockTimeoutError says that another process held the lock for longer than
// the caller was willing to wait.
type LockTimeoutError struct {
	Path  string
	After time.Duration
}

func (e *LockTimeoutError) Error() string {
	return fmt.Sprintf("waited %s for the lock %s, which another orgctl process still holds", e.After, e.Path)
}

// LockWait is Lock that gives up after wait, so that a hung holder cannot
// block every other process forever.
func LockWait(path string, wait time.Duration) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(wait)
	for pause := 5 * time.Millisecond; ; pause = min(2*pause, 200*time.Millisecond) {
		err := tryLock(f)
		if err == nil {
			return func() { release(f) }, nil
		}
		if err != errBusy {
			f.Close()
			return nil, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			f.Close()
			return nil, &LockTimeoutError{Path: path, After: wait}
		}
		time.Sleep(min(pause, left))
	}
}
