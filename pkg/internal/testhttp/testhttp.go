// Package testhttp is a loopback server for tests that records every
// request it receives and answers with a canned response.
package testhttp

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Request is what reached the server.
type Request struct {
	Method string
	Path   string
	Header http.Header
	Body   string
}

// Server answers every request with Status and Body.
type Server struct {
	*httptest.Server
	Status      int
	Body        string
	ContentType string

	mu       sync.Mutex
	requests []Request
}

// New starts a server that answers status and body; it stops with the test.
func New(t testing.TB, status int, body string) *Server {
	s := &Server{Status: status, Body: body, ContentType: "application/json"}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: string(b)})
		s.mu.Unlock()
		if s.ContentType != "" {
			w.Header().Set("Content-Type", s.ContentType)
		}
		w.WriteHeader(s.Status)
		_, _ = io.WriteString(w, s.Body)
	}))
	t.Cleanup(s.Close)
	return s
}

// Requests returns what the server has received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Only returns the single request the server received, failing the test
// when there was not exactly one.
func (s *Server) Only(t testing.TB) Request {
	t.Helper()
	reqs := s.Requests()
	if len(reqs) != 1 {
		t.Fatalf("server received %d requests, want 1", len(reqs))
	}
	return reqs[0]
}
