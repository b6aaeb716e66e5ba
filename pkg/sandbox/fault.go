package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/orgctl/orgctl/pkg/internal/ctxtime"
)

// Fault makes matching API requests misbehave. A faulted request is
// recorded but creates nothing, unless the fault only adds a Delay.
type Fault struct {
	Method string `json:"method,omitempty"` // "" matches any method
	Path   string `json:"path,omitempty"`   // exact path; "" matches any API path
	// Status answers with this HTTP status (with the provider's error body
	// unless Body is set).
	Status int `json:"status,omitempty"`
	// Code answers with the provider's error envelope for this code, e.g.
	// PLAN_RESTRICTED_FEATURE; its documented status unless Status is set.
	Code string `json:"code,omitempty"`
	// Body is sent verbatim (malformed JSON, an HTML page...).
	Body        *string `json:"body,omitempty"`
	ContentType string  `json:"content_type,omitempty"`
	// Delay waits before answering; alone, the request then proceeds.
	Delay Duration `json:"delay,omitempty"`
	// RetryAfter, in seconds, is sent as a Retry-After header and, on
	// VertraCloud, as details.retry_after in the error envelope.
	RetryAfter int `json:"retry_after,omitempty"`
	// Drip sends the answer one byte at a time, waiting this long between
	// bytes: a slow, dripping response.
	Drip Duration `json:"drip,omitempty"`
	// Reset closes the connection after reading the request, without an
	// answer: the client cannot know whether anything was created.
	Reset bool `json:"reset,omitempty"`
	// Times is how many matching requests the fault applies to; 0 = all.
	Times int `json:"times,omitempty"`
}

// Duration is a time.Duration written as "250ms" or "2s" in JSON.
type Duration time.Duration

// MarshalJSON implements json.Marshaler.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON accepts "2s" or a number of nanoseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n int64
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("delay must be a duration such as \"2s\"")
		}
		*d = Duration(n)
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// answers reports whether the fault replaces the API's answer.
func (f Fault) answers() bool { return f.Status != 0 || f.Code != "" || f.Body != nil || f.Reset }

func (f Fault) matches(method, path string) bool {
	return (f.Method == "" || strings.EqualFold(f.Method, method)) && (f.Path == "" || f.Path == path)
}

// takeFault returns the first fault matching the request and uses up one
// of its Times. The caller holds s.mu.
func (s *Server) takeFault(method, path string) (Fault, bool) {
	for i, f := range s.faults {
		if !f.matches(method, path) {
			continue
		}
		if f.Times > 0 {
			if s.faults[i].Times--; s.faults[i].Times == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return f, true
	}
	return Fault{}, false
}

// apply sleeps and answers as the fault says. It reports whether the
// request should go on to the emulated API.
func (f Fault) apply(w http.ResponseWriter, r *http.Request) bool {
	if f.Delay > 0 && ctxtime.Sleep(r.Context(), time.Duration(f.Delay)) != nil {
		return false // the client left
	}
	if !f.answers() {
		return true
	}
	if f.Reset {
		resetConnection(w)
		return false
	}
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
	}
	if f.Drip > 0 {
		w = &dripWriter{ResponseWriter: w, ctx: r.Context(), pause: time.Duration(f.Drip)}
	}
	if f.Body != nil {
		f.writeBody(w)
	} else {
		f.writeError(w, r.URL.Path)
	}
	return false
}

// resetConnection closes the connection without an answer.
func resetConnection(w http.ResponseWriter) {
	if rec, ok := w.(*statusRecorder); ok {
		rec.reset = true
	}
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		conn.Close()
		return
	}
	panic(http.ErrAbortHandler) // not hijackable (a test recorder): net/http drops the connection
}

// writeBody sends the fault's body verbatim, with status 200 unless told.
func (f Fault) writeBody(w http.ResponseWriter) {
	status, ct := f.Status, f.ContentType
	if status == 0 {
		status = http.StatusOK
	}
	if ct == "" {
		ct = "application/json"
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(*f.Body))
}

// writeError answers in the error shape of the API serving path: for a
// Code, its documented status unless Status says otherwise; for a bare
// Status, a code made of the status text (503 -> SERVICE_UNAVAILABLE).
func (f Fault) writeError(w http.ResponseWriter, path string) {
	status, code, message := f.Status, f.Code, "fault injected by the sandbox"
	switch {
	case code == "":
		message = http.StatusText(status)
		code = strings.ToUpper(strings.ReplaceAll(message, " ", "_"))
		if code == "" {
			code, message = fmt.Sprintf("HTTP_%d", status), fmt.Sprintf("HTTP %d", status)
		}
	case status == 0 && isVertra(path):
		status = vertraCodeStatus(code)
	case status == 0:
		status = http.StatusBadRequest // Qovery has no error codes to look up
	}
	if !isVertra(path) {
		if f.Code != "" {
			message = f.Code + ": " + message // Qovery's problem body has no code field
		}
		qoveryProblem(w, status, message)
		return
	}
	body := vertraEnvelope(path, code, "")
	if isWorkspaces(path) {
		body.Message = message // that generation always has one
	}
	if f.RetryAfter > 0 {
		body.Details = map[string]any{"retry_after": f.RetryAfter}
	}
	writeJSON(w, status, body)
}

// ParseFault reads a fault from a JSON object or from the compact form
// "status=503,times=1,path=/organization,method=POST,delay=2s,code=X".
func ParseFault(s string) (Fault, error) {
	var f Fault
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "{") {
		dec := json.NewDecoder(strings.NewReader(s))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			return Fault{}, fmt.Errorf("invalid fault JSON: %w", err)
		}
		if _, err := dec.Token(); err != io.EOF {
			return Fault{}, fmt.Errorf("invalid fault JSON: data after the object")
		}
		return f, f.check()
	}
	for _, part := range strings.Split(s, ",") {
		key, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || value == "" {
			return Fault{}, fmt.Errorf("%q is not key=value", part)
		}
		var err error
		switch key {
		case "method":
			f.Method = strings.ToUpper(value)
		case "path":
			f.Path = value
		case "status":
			f.Status, err = strconv.Atoi(value)
		case "code":
			f.Code = value
		case "times":
			f.Times, err = strconv.Atoi(value)
		case "delay":
			f.Delay, err = parseDuration(value)
		case "content_type":
			f.ContentType = value
		case "retry_after":
			f.RetryAfter, err = strconv.Atoi(value)
		case "drip":
			f.Drip, err = parseDuration(value)
		case "reset":
			f.Reset, err = strconv.ParseBool(value)
		default:
			return Fault{}, fmt.Errorf("unknown fault key %q (method, path, status, code, delay, times, retry_after, drip, reset, content_type; body only in JSON form)", key)
		}
		if err != nil {
			return Fault{}, fmt.Errorf("fault %s: %w", key, err)
		}
	}
	return f, f.check()
}

func parseDuration(s string) (Duration, error) {
	d, err := time.ParseDuration(s)
	return Duration(d), err
}

func (f Fault) check() error {
	switch {
	case f.Status != 0 && (f.Status < 100 || f.Status > 599):
		return fmt.Errorf("status %d is not an HTTP status", f.Status)
	case f.Times < 0:
		return fmt.Errorf("times must not be negative")
	case f.Delay < 0 || f.Drip < 0 || f.RetryAfter < 0:
		return fmt.Errorf("delay, drip and retry_after must not be negative")
	case !f.answers() && f.Delay == 0:
		return fmt.Errorf("a fault needs a status, code, body or delay")
	}
	return nil
}

// dripWriter writes one byte at a time with a pause between bytes, and
// gives up when the client leaves.
type dripWriter struct {
	http.ResponseWriter
	ctx   context.Context
	pause time.Duration
}

func (d *dripWriter) Write(p []byte) (int, error) {
	rc := http.NewResponseController(d.ResponseWriter)
	for i := range p {
		if _, err := d.ResponseWriter.Write(p[i : i+1]); err != nil {
			return i, err
		}
		_ = rc.Flush()
		if err := ctxtime.Sleep(d.ctx, d.pause); err != nil {
			return i + 1, err
		}
	}
	return len(p), nil
}

// Unwrap lets http.ResponseController reach the connection.
func (d *dripWriter) Unwrap() http.ResponseWriter { return d.ResponseWriter }
