// Package providertest holds checks that the provider packages' tests share.
package providertest

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/orgctl/orgctl/pkg/internal/testhttp"
	"github.com/orgctl/orgctl/pkg/provider"
)

// CheckDecoded holds for any answer a decoder is given: an organization of
// that provider with an id, or a *provider.Error whose message is one
// printable line of bounded length (so a hostile body cannot drive the
// user's terminal or flood it).
func CheckDecoded(t *testing.T, providerName string, org *provider.Organization, err error) *provider.Error {
	t.Helper()
	if err == nil {
		if org == nil || org.ID == "" || org.Provider != providerName {
			t.Fatalf("success without an organization id: %+v", org)
		}
		return nil
	}
	var perr *provider.Error
	if !errors.As(err, &perr) {
		t.Fatalf("error %T is not a *provider.Error", err)
	}
	msg := perr.Message
	if utf8.RuneCountInString(msg) > 301 || !utf8.ValidString(msg) || strings.IndexFunc(msg, unicode.IsControl) >= 0 {
		t.Fatalf("message is not one bounded printable line: %q", msg)
	}
	return perr
}

// Script is a loopback server that answers each "METHOD /path" with its
// canned Answer (404 for any other) and records every request.
type Script struct {
	*httptest.Server

	mu       sync.Mutex
	answers  map[string]Answer
	requests []testhttp.Request
}

// Answer is one canned response.
type Answer struct {
	Status int
	Body   string
}

// NewScript starts a Script that stops with the test.
func NewScript(t testing.TB, answers map[string]Answer) *Script {
	s := &Script{answers: answers}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.requests = append(s.requests, testhttp.Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: string(b)})
		a, ok := s.answers[r.Method+" "+r.URL.Path]
		s.mu.Unlock()
		if !ok {
			a = Answer{Status: http.StatusNotFound}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(a.Status)
		_, _ = io.WriteString(w, a.Body)
	}))
	t.Cleanup(s.Close)
	return s
}

// Requests returns what the server has received so far.
func (s *Script) Requests() []testhttp.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]testhttp.Request(nil), s.requests...)
}

// Sent lists the requests received as "METHOD /path" lines, for comparing.
func (s *Script) Sent() string {
	var lines []string
	for _, r := range s.Requests() {
		lines = append(lines, r.Method+" "+r.Path)
	}
	return strings.Join(lines, "\n")
}
