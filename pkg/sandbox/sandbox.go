// Package sandbox emulates the organization endpoints of Qovery
// (/organization) and VertraCloud (/v1/organizations, /v1/workspaces):
// their authentication, validation, case-insensitive name conflicts, status
// codes, error bodies and rate limits, plus fault injection. Organizations
// live in memory, or in a state file (state.go). docs/sandbox.md names the
// reference behind each route.
//
// It serves `orgctl sandbox serve` for users' CI scripts, `orgctl create
// --sandbox`, and the project's end-to-end tests.
package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// maxBody bounds a request body, as a real API gateway would.
const maxBody = 1 << 20

// Options configure a sandbox.
type Options struct {
	// Token, when set, is the only token accepted; otherwise any non-empty
	// token is.
	Token string
	// BillingRestriction is the billing_deployment_restriction of new Qovery
	// organizations; "" answers null.
	BillingRestriction string
	// Faults are injected from the start; see Fault.
	Faults []Fault
	// Log, when set, gets one line per API request (never a token).
	Log io.Writer
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// VertraAPI picks the VertraCloud API generation served: "organizations"
	// (the default, /v1/organizations), "workspaces" (/v1/workspaces, the
	// organizations paths answer 404) or "both".
	VertraAPI string
	// RateLimit is the per-account request limit: on VertraCloud routes
	// DefaultRateLimit when nil; on Qovery routes none when nil.
	RateLimit *RateLimit
	// Quota is VertraCloud's daily request quota per account; 0 means
	// DefaultQuota.
	Quota int
	// RequestLog is how many API requests GET /_sandbox/requests keeps (the
	// most recent); 0 means DefaultRequestLog.
	RequestLog int
	// Organizations are there from the start.
	Organizations []Organization
	// Seeds are inserted by ListenAndServe before it listens.
	Seeds []Seed
	// StatePath, when set, is a state file the sandbox serves and keeps:
	// each request opens it under its lock, and closes it before letting
	// go. `orgctl sandbox serve --state`.
	StatePath string
}

// VertraAPIs lists the values of Options.VertraAPI.
func VertraAPIs() []string { return []string{"organizations", "workspaces", "both"} }

// Request is an API request the sandbox received.
type Request struct {
	Method string      `json:"method"`
	Path   string      `json:"path"`
	Header http.Header `json:"header"`
	Body   []byte      `json:"-"`
}

// requestJSON is Request as the admin endpoint shows it: the body as text.
type requestJSON struct {
	Method string      `json:"method"`
	Path   string      `json:"path"`
	Header http.Header `json:"header"`
	Body   string      `json:"body"`
}

// MarshalJSON shows the body as text and hides credentials, for the admin
// endpoint that users' scripts read.
func (r Request) MarshalJSON() ([]byte, error) {
	h := r.Header.Clone()
	if a := h.Get("Authorization"); a != "" {
		scheme, _, _ := strings.Cut(a, " ")
		h.Set("Authorization", scheme+" ***")
	}
	return json.Marshal(requestJSON{r.Method, r.Path, h, string(r.Body)})
}

// UnmarshalJSON reads what MarshalJSON writes, so that Go callers can decode
// GET /_sandbox/requests into []Request.
func (r *Request) UnmarshalJSON(b []byte) error {
	var v requestJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*r = Request{Method: v.Method, Path: v.Path, Header: v.Header, Body: []byte(v.Body)}
	return nil
}

// The values of Organization.Provider.
const (
	providerQovery    = "qovery"
	providerVertra    = "vertra"
	providerWorkspace = "vertra-workspace"
)

// Organization is an organization (or VertraCloud workspace) the sandbox
// holds.
type Organization struct {
	Provider string          `json:"provider"` // "qovery", "vertra", or "vertra-workspace"
	ID       string          `json:"id"`
	Name     string          `json:"name"`
	Owner    string          `json:"owner"` // the owner's user id, derived from the token
	Raw      json.RawMessage `json:"raw"`   // the object as the API returns it
}

// Server is the emulator. It is safe for concurrent use; its lock is held
// only to read or change its state, never while reading a body or sleeping.
type Server struct {
	opts  Options
	mux   *http.ServeMux
	api   []string   // the API routes served, as "METHOD /path/{param}"
	logMu sync.Mutex // one log line at a time

	stateMu sync.Mutex // one request at a time on a state file

	mu       sync.Mutex
	store    orgStore
	requests requestRing
	faults   []Fault
	limits   limits
}

// New returns a sandbox holding Options.Organizations.
func New(opts Options) *Server { return newServer(opts, nil) }

// newServer serves store, or when nil Options.Organizations in memory (a
// StatePath server opens its store for each request).
func newServer(opts Options, store orgStore) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{opts: opts, faults: append([]Fault(nil), opts.Faults...), store: store}
	if store == nil && opts.StatePath == "" {
		s.store = newMemStore(opts.Organizations)
	}
	s.mux = http.NewServeMux()
	s.registerQovery()
	if opts.VertraAPI != "workspaces" {
		s.registerVertraOrganizations()
	}
	if opts.VertraAPI == "workspaces" || opts.VertraAPI == "both" {
		s.registerVertraWorkspaces()
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		apiError(w, r.URL.Path, http.StatusNotFound, "NOT_FOUND", "no such endpoint: "+r.URL.Path)
	})
	s.registerAdmin()
	return s
}

// handle serves an API route and records it for Routes.
func (s *Server) handle(pattern string, h http.HandlerFunc) {
	s.api = append(s.api, pattern)
	s.mux.HandleFunc(pattern, h)
}

// Routes lists the API routes the sandbox serves, as "METHOD /path/{param}"
// (not its admin endpoints).
func (s *Server) Routes() []string { return append([]string(nil), s.api...) }

// ServeHTTP records the request, applies any matching fault, and otherwise
// answers as the emulated API would.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, adminPrefix) {
		s.withState(w, r, func() { s.mux.ServeHTTP(w, r) })
		return
	}
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	if s.opts.Log != nil {
		defer func() { // deferred, so a reset connection is logged too
			s.logMu.Lock()
			defer s.logMu.Unlock()
			fmt.Fprintf(s.opts.Log, "%s %s -> %s (%s)\n", r.Method, r.URL.Path, rec.outcome(), time.Since(start).Round(time.Microsecond))
		}()
	}
	s.serveAPI(rec, r)
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return // the client went away
	}
	s.mu.Lock()
	s.requests.add(Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body}, s.opts.RequestLog)
	fault, faulted := s.takeFault(r.Method, r.URL.Path)
	s.mu.Unlock()

	if s.limited(w, r) {
		return
	}
	if faulted {
		if !fault.apply(w, r) {
			return
		}
	}
	if len(body) > maxBody {
		apiError(w, r.URL.Path, http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE", "request body larger than 1 MiB")
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	s.withState(w, r, func() { s.mux.ServeHTTP(w, r) })
}

// withState runs a handler on the state of Options.StatePath, when set:
// under the file's lock, opened for it and closed after it.
func (s *Server) withState(w http.ResponseWriter, r *http.Request, handle func()) {
	if err := s.withStore(func() error { handle(); return nil }); err != nil {
		s.stateError(w, r, err)
	}
}

// withStore runs fn with s.store open: at once in memory or in a session,
// else (Options.StatePath) under the state file's lock. An error opening
// or saving the state is returned; fn has not run when it is the first.
func (s *Server) withStore(fn func() error) error {
	if s.opts.StatePath == "" {
		return fn()
	}
	s.stateMu.Lock()
	defer s.stateMu.Unlock()
	unlock, err := lockState(s.opts.StatePath)
	if err != nil {
		return err
	}
	defer unlock()
	st, err := openFileStore(s.opts.StatePath)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.store = st
	s.mu.Unlock()
	ferr := fn()
	s.mu.Lock()
	s.store = nil
	s.mu.Unlock()
	if err := st.close(); err != nil {
		s.logf("sandbox state: %v", err) // the answer may be gone already
		return errors.Join(ferr, fmt.Errorf("sandbox state: %w", err))
	}
	return ferr
}

// logf writes a line to Options.Log, if any.
func (s *Server) logf(format string, args ...any) {
	if s.opts.Log != nil {
		s.logMu.Lock()
		defer s.logMu.Unlock()
		fmt.Fprintf(s.opts.Log, format+"\n", args...)
	}
}

// Requests returns the API requests received so far, oldest first: the
// last Options.RequestLog of them (admin requests are not recorded).
// Headers are copies; bodies are shared and must not be modified.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.requests.list()
	for i := range out {
		out[i].Header = out[i].Header.Clone()
	}
	return out
}

// DefaultRequestLog is how many requests the sandbox remembers by default.
const DefaultRequestLog = 10_000

// requestRing keeps the most recent requests in a fixed amount of memory,
// so that a long `sandbox serve` or a benchmark stays flat.
type requestRing struct {
	buf  []Request
	next int // where the next request goes once buf is full
}

// add records req, forgetting the oldest past size (0: DefaultRequestLog).
func (q *requestRing) add(req Request, size int) {
	if size <= 0 {
		size = DefaultRequestLog
	}
	if len(q.buf) < size {
		q.buf = append(q.buf, req)
		return
	}
	q.buf[q.next] = req
	q.next = (q.next + 1) % len(q.buf)
}

// list copies the requests, oldest first.
func (q *requestRing) list() []Request {
	return append(append(make([]Request, 0, len(q.buf)), q.buf[q.next:]...), q.buf[:q.next]...)
}

// Organizations returns every organization of both providers, in creation
// order (none when the state file cannot be read).
func (s *Server) Organizations() []Organization {
	var orgs []Organization
	_ = s.withStore(func() error {
		s.mu.Lock()
		defer s.mu.Unlock()
		orgs, _ = allOrgs(s.store)
		return nil
	})
	return orgs
}

// Reset forgets organizations, requests and faults.
func (s *Server) Reset() error { return s.withStore(s.reset) }

// reset is Reset with the store open.
func (s *Server) reset() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests, s.faults, s.limits = requestRing{}, nil, limits{}
	return s.store.reset()
}

func (s *Server) now() string { return s.opts.Now().UTC().Format(time.RFC3339) }

// tokenOK checks a credential against Options.Token.
func (s *Server) tokenOK(token string) bool {
	return token != "" && (s.opts.Token == "" || token == s.opts.Token)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	reset  bool
}

func (r *statusRecorder) outcome() string {
	if r.reset {
		return "connection reset"
	}
	return strconv.Itoa(r.status)
}

// Unwrap lets http.ResponseController reach Hijack and Flush.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// writeRaw sends an already encoded JSON body.
func writeRaw(w http.ResponseWriter, status int, raw []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(raw)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	writeRaw(w, status, marshal(v))
}

// marshal encodes v without escaping <, > and & (as \u003c...), so that
// bodies read as the APIs write them. The sandbox's values always encode.
func marshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// methodNotAllowed answers a known path asked with another method.
func methodNotAllowed(allow string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		apiError(w, r.URL.Path, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "method "+r.Method+" not allowed")
	}
}

// apiError answers in the error shape of the API that owns path.
func apiError(w http.ResponseWriter, path string, status int, code, message string) {
	if isVertra(path) {
		writeJSON(w, status, vertraEnvelope(path, code, message))
		return
	}
	qoveryProblem(w, status, message)
}

func isVertra(path string) bool { return strings.HasPrefix(path, "/v1/") }
