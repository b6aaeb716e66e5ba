package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Running is a sandbox serving on a loopback port.
type Running struct {
	URL    string // e.g. http://127.0.0.1:41234
	Server *Server
	http   *http.Server
}

// Start serves a new sandbox on a random loopback port until Close.
func Start(opts Options) (*Running, error) { return start(opts, nil) }

// start serves store (nil: see newServer).
func start(opts Options, store orgStore) (*Running, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := newServer(opts, store)
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	return &Running{URL: "http://" + ln.Addr().String(), Server: s, http: hs}, nil
}

// Close stops serving and drops open connections.
func (r *Running) Close() error { return r.http.Close() }

// shutdownGrace is how long ListenAndServe lets in-flight requests finish
// (a delayed or dripping fault can take much longer) before it drops them.
var shutdownGrace = 5 * time.Second

// ListenAndServe serves a sandbox on addr until ctx ends, then shuts down
// gracefully. ready is called with the base URL once it listens.
func ListenAndServe(ctx context.Context, addr string, opts Options, ready func(url string)) error {
	s := New(opts)
	for _, seed := range opts.Seeds {
		start := time.Now()
		if err := s.Seed(seed); err != nil {
			return fmt.Errorf("seeding %d %s organizations: %w", seed.Count, seed.Provider, err)
		}
		s.logf("seeded %d %s organizations in %s", seed.Count, seed.Provider, time.Since(start).Round(time.Millisecond))
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	if ready != nil {
		ready("http://" + ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	grace, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(grace); errors.Is(err, context.DeadlineExceeded) {
		_ = hs.Close() // stopping was asked for: drop what is still running
	} else if err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
