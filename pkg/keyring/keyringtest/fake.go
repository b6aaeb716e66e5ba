// Package keyringtest is an in-memory keyring for tests.
package keyringtest

import (
	"sync"

	"github.com/orgctl/orgctl/pkg/keyring"
)

// Fake is an in-memory keyring. Err, when set, is what every call returns
// (an unavailable keyring); Block, when set, makes every call wait for it
// to be closed (a hung keyring).
type Fake struct {
	mu      sync.Mutex
	entries map[string]string
	Err     error
	Block   chan struct{}
	Calls   int
}

// New returns an empty, working Fake.
func New() *Fake { return &Fake{entries: map[string]string{}} }

func (f *Fake) enter() error {
	f.mu.Lock()
	f.Calls++
	block, err := f.Block, f.Err
	f.mu.Unlock()
	if block != nil {
		<-block
	}
	return err
}

func (f *Fake) Get(service, user string) (string, error) {
	if err := f.enter(); err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.entries[service+"\x00"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (f *Fake) Set(service, user, secret string) error {
	if err := f.enter(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.entries[service+"\x00"+user] = secret
	return nil
}

func (f *Fake) Delete(service, user string) error {
	if err := f.enter(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.entries[service+"\x00"+user]; !ok {
		return keyring.ErrNotFound
	}
	delete(f.entries, service+"\x00"+user)
	return nil
}

// Entries returns a copy of what the fake holds, by user (service orgctl).
func (f *Fake) Entries() map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]string{}
	for k, v := range f.entries {
		out[k[len(keyring.Service)+1:]] = v
	}
	return out
}
