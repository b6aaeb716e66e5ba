// Package keyring keeps tokens in the operating system's keyring (macOS
// Keychain, the Secret Service of GNOME/KDE, Windows Credential Manager)
// through github.com/zalando/go-keyring, pure Go. Every call is bounded by a
// timeout: a locked keyring's unlock prompt or a hung D-Bus must never
// hang a command.
package keyring

import (
	"errors"
	"fmt"
	"sync"
	"time"

	zk "github.com/zalando/go-keyring"
)

// Service is the service name of every entry orgctl writes.
const Service = "orgctl"

// Timeout bounds one keyring call.
const Timeout = 3 * time.Second

// ErrNotFound is a keyring that answered and holds no such entry.
var ErrNotFound = zk.ErrNotFound

// Store is a keyring: the operating system's, or a test's fake.
type Store interface {
	Get(service, user string) (string, error)
	Set(service, user, secret string) error
	Delete(service, user string) error
}

// TimeoutError is a keyring that did not answer in time.
type TimeoutError struct{ After time.Duration }

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("the keyring did not answer within %s (locked, or waiting for an unlock prompt?)", e.After)
}

// UnavailableError is a keyring that cannot be reached at all (no Secret
// Service, no session bus). It never quotes a secret: go-keyring's errors
// name only the service and the user.
type UnavailableError struct{ Err error }

func (e *UnavailableError) Error() string { return "keyring unavailable: " + e.Err.Error() }
func (e *UnavailableError) Unwrap() error { return e.Err }

// system is go-keyring: the OS keyring, or its mock after keyring.MockInit.
type system struct{}

func (system) Get(service, user string) (string, error) {
	if err := reachable(); err != nil {
		return "", err
	}
	s, err := zk.Get(service, user)
	return s, wrap(err)
}

func (system) Set(service, user, secret string) error {
	if err := reachable(); err != nil {
		return err
	}
	return wrap(zk.Set(service, user, secret))
}

func (system) Delete(service, user string) error {
	if err := reachable(); err != nil {
		return err
	}
	return wrap(zk.Delete(service, user))
}

func wrap(err error) error {
	if err == nil || errors.Is(err, ErrNotFound) {
		return err
	}
	return &UnavailableError{Err: err}
}

// WithTimeout bounds every call of s by d. A call that times out keeps
// running in its goroutine: the process exits without waiting for it.
func WithTimeout(s Store, d time.Duration) Store { return timeoutStore{s, d} }

type timeoutStore struct {
	s Store
	d time.Duration
}

func (t timeoutStore) Get(service, user string) (string, error) {
	var v string
	err := t.do(func() (err error) { v, err = t.s.Get(service, user); return err })
	return v, err
}

func (t timeoutStore) Set(service, user, secret string) error {
	return t.do(func() error { return t.s.Set(service, user, secret) })
}

func (t timeoutStore) Delete(service, user string) error {
	return t.do(func() error { return t.s.Delete(service, user) })
}

func (t timeoutStore) do(call func() error) error {
	done := make(chan error, 1) // buffered: a late answer must not block the goroutine
	go func() { done <- call() }()
	timer := time.NewTimer(t.d)
	defer timer.Stop()
	select {
	case err := <-done:
		return err
	case <-timer.C:
		return &TimeoutError{After: t.d}
	}
}

var (
	mu      sync.Mutex
	current Store = WithTimeout(system{}, Timeout)
)

// Default is the keyring commands use: the system's, bounded by Timeout.
func Default() Store {
	mu.Lock()
	defer mu.Unlock()
	return current
}

// Replace makes s the Default until restore is called; tests use it to
// keep away from the developer's real keyring.
func Replace(s Store) (restore func()) {
	mu.Lock()
	defer mu.Unlock()
	old := current
	current = s
	return func() {
		mu.Lock()
		defer mu.Unlock()
		current = old
	}
}
