// Package api is the HTTP layer shared by every provider: it builds JSON
// requests with the standard headers, traces them with secrets redacted,
// bounds what it reads, and turns transport failures into provider errors.
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/orgctl/orgctl/pkg/apierr"
	"github.com/orgctl/orgctl/pkg/text"
)

// MaxBody bounds how much of a response is read whole, so a huge or endless
// body cannot exhaust memory. A list, which a large account makes larger
// than any such cap, is streamed instead (Stream).
const MaxBody = 4 << 20

// Client sends requests to one provider's API.
type Client struct {
	Provider      string       // provider name, for error messages
	HTTP          *http.Client // shared across requests for connection reuse
	BaseURL       string       // e.g. https://api.qovery.com, no trailing slash needed
	Authorization string       // the full Authorization header value; never printed
	UserAgent     string
	Trace         io.Writer // --verbose: an HTTP trace with the token redacted
	// DryRun makes a write (any method but GET) return as a *DryRun error,
	// unsent; reads are sent, so an update can show the body it would send.
	DryRun bool

	Timeout time.Duration // per attempt; DefaultTimeout when zero
	Retries int           // retries of a request that provably was not acted on
	Notice  io.Writer     // where retries are announced (stderr); nil is silent
	// RetryHint reads a provider's own retry delay from an error body, for
	// APIs that put it there rather than in Retry-After.
	RetryHint func(body []byte) (time.Duration, bool)
	// Gate, when shared by several clients, makes a rate limit seen by one
	// pause them all; nil gives this client its own.
	Gate *Gate
	// Pacer, in a bulk run, spaces retries (the first attempt is paced by
	// the caller, where an interrupt can still cancel it) and reads the
	// rate limit and quota every answer reports. nil: unpaced.
	Pacer *Pacer
	// MaxWait lets a retry wait out a Retry-After up to this long even past
	// the retry deadline (--max-wait, bulk runs).
	MaxWait time.Duration
	// Sandbox: the API is orgctl's embedded sandbox (--sandbox), so the
	// check command an error suggests carries --sandbox (see WithOp).
	Sandbox bool
}

// WithOp is apierr.WithOp for an error of this client's API: it also
// records whether that API is the embedded sandbox.
func (c *Client) WithOp(err error, op apierr.Op, subject string) error {
	err = apierr.WithOp(err, op, subject)
	if e, ok := err.(*apierr.Error); ok && c.Sandbox {
		e.Sandbox = true // a copy WithOp made, not shared
	}
	return err
}

// DefaultTimeout bounds one attempt when Client.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Response is a fully read HTTP response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	// Repeat is set when an earlier attempt of this request reached the
	// server too (it answered 429 or 503 and Do retried).
	Repeat bool
}

// Prepared is a request as it would be sent, with its Authorization redacted.
type Prepared struct {
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
}

// DryRun is returned by Do when Client.DryRun is set: nothing was sent.
type DryRun struct{ Request Prepared }

func (d *DryRun) Error() string { return "dry run: request not sent" }

// Do sends a JSON request and reads the whole response (up to MaxBody).
// A non-2xx status is not an error here: providers decode their own errors.
//
// Creating is not idempotent, so Do retries only what provably was not acted
// on (see retryable), up to Retries times within Timeout × (Retries+1).
func (c *Client) Do(ctx context.Context, method, path string, body any) (*Response, error) {
	return c.do(ctx, method, path, body, nil)
}

// do is Do, and Stream when read is set: a 2xx answer's body then goes to
// read as it arrives instead of being read whole.
func (c *Client) do(ctx context.Context, method, path string, body any, read func(io.Reader) error) (*Response, error) {
	var payload []byte // nil: no body (GET, DELETE)
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return nil, fmt.Errorf("encoding request: %w", err)
		}
	}
	target := strings.TrimRight(c.BaseURL, "/") + path
	if c.DryRun && method != http.MethodGet {
		req, err := c.newRequest(ctx, method, target, payload)
		if err != nil {
			return nil, err
		}
		return nil, &DryRun{Request: prepared(req, payload)}
	}

	gate := c.Gate
	if gate == nil {
		gate = &Gate{}
	}
	deadline := time.Now().Add(c.timeout() * time.Duration(c.Retries+1))
	repeat := false
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			if err := c.Pacer.Wait(ctx); err != nil {
				return nil, c.transportError(ctx, err, false)
			}
		}
		if err := gate.Wait(ctx); err != nil {
			return nil, c.transportError(ctx, err, false)
		}
		resp, err := c.send(ctx, method, target, payload, read)
		if resp != nil {
			resp.Repeat, repeat = repeat, true
			c.Pacer.Observe(resp.Header)
		} else {
			c.Pacer.Observe(nil)
		}
		wait, why, ok := c.retryable(resp, err, attempt)
		if !ok || attempt >= c.Retries {
			return resp, err
		}
		// A rate limit's own Retry-After may be waited out past the deadline,
		// up to MaxWait; any other retry keeps to the deadline.
		rateLimited := resp != nil && resp.Status == http.StatusTooManyRequests
		if time.Now().Add(wait).After(deadline) && (!rateLimited || wait > c.MaxWait) {
			limit := "the deadline of --timeout × (--retries+1)"
			if rateLimited && c.MaxWait > 0 {
				limit += " and --max-wait " + c.MaxWait.String()
			}
			c.notice("%s: %s; not retrying: waiting %s would pass %s", c.Provider, why, wait.Round(time.Millisecond), limit)
			return resp, err
		}
		c.notice("%s: %s; retrying in %s (retry %d of %d)", c.Provider, why, wait.Round(time.Millisecond), attempt+1, c.Retries)
		gate.PauseFor(wait)
	}
}

func (c *Client) newRequest(ctx context.Context, method, url string, payload []byte) (*http.Request, error) {
	var reader io.Reader
	if payload != nil {
		reader = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, reader)
	if err != nil {
		return nil, fmt.Errorf("%s: invalid API URL %s: %w", c.Provider, text.Quote(c.BaseURL), err)
	}
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", c.UserAgent)
	if c.Authorization != "" {
		req.Header.Set("Authorization", c.Authorization)
	}
	return req, nil
}

// send makes one attempt, bounded by Timeout (reading a streamed body too).
func (c *Client) send(ctx context.Context, method, url string, payload []byte, read func(io.Reader) error) (*Response, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	ctx, hc := c.withRedirectPolicy(ctx, c.HTTP)
	// wrote records whether the whole request reached the wire: after that,
	// a failure leaves the outcome unknown (the organization may exist).
	var wrote atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) { wrote.Store(info.Err == nil) },
	})
	req, err := c.newRequest(ctx, method, url, payload)
	if err != nil {
		return nil, err
	}

	c.traceRequest(req, payload)
	start := time.Now()
	resp, err := hc.Do(req)
	var redirect *RedirectError
	if errors.As(err, &redirect) {
		return nil, &apierr.Error{Provider: c.Provider, Kind: apierr.KindServer, Status: redirect.Status, Message: redirect.Error(), Err: redirect}
	}
	if err != nil {
		return nil, c.transportError(ctx, err, wrote.Load())
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 && resp.StatusCode < 400 { // a redirect with no Location to follow
		return nil, &apierr.Error{Provider: c.Provider, Kind: apierr.KindServer, Status: resp.StatusCode,
			Message: "the API answered a redirect without a Location; the request was not sent anywhere else"}
	}

	if read != nil && resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return c.stream(ctx, resp, read, start)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	if err != nil {
		return nil, c.transportError(ctx, err, true)
	}
	if len(data) > MaxBody {
		return nil, &apierr.Error{Provider: c.Provider, Kind: apierr.KindServer, Status: resp.StatusCode,
			Message:          fmt.Sprintf("response body larger than %d MiB", MaxBody>>20),
			MayHaveSucceeded: true}
	}
	data = c.hideCredential(data)
	c.traceResponse(resp, data, time.Since(start))
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: data}, nil
}

func (c *Client) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

func (c *Client) notice(format string, args ...any) {
	if c.Notice != nil {
		fmt.Fprintf(c.Notice, format+"\n", args...)
	}
}

func (c *Client) transportError(ctx context.Context, err error, wrote bool) error {
	msg := err.Error()
	var uerr *url.Error
	if errors.As(err, &uerr) {
		msg = uerr.Err.Error() // the method and URL add nothing the user typed
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		msg = "timed out waiting for the API"
	case errors.Is(err, context.Canceled) || errors.Is(ctx.Err(), context.Canceled):
		msg = "interrupted"
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET):
		msg = "the connection was closed before a complete answer"
	}
	// Once the request was written, the error's Op words what may have happened.
	return &apierr.Error{Provider: c.Provider, Kind: apierr.KindNetwork, Message: msg, MayHaveSucceeded: wrote, Err: err}
}

// hideCredential masks this client's token wherever a server echoed it in a
// body, before an excerpt or the trace can cut it: the output redactor
// (iostreams) matches whole tokens, and a token cut after 20 characters is
// still 20 characters of a secret.
func (c *Client) hideCredential(body []byte) []byte {
	_, cred, found := strings.Cut(c.Authorization, " ")
	if !found {
		cred = c.Authorization
	}
	if len(cred) < 6 || !bytes.Contains(body, []byte(cred)) {
		return body // as nearly every answer: no copy
	}
	return bytes.ReplaceAll(body, []byte(cred), []byte("***"))
}

// Redact keeps an Authorization header's scheme and hides its credential.
func Redact(authorization string) string {
	scheme, _, found := strings.Cut(authorization, " ")
	if !found {
		return "***"
	}
	return scheme + " ***"
}

func prepared(req *http.Request, payload []byte) Prepared {
	headers := make(map[string]string, len(req.Header))
	for k := range req.Header {
		headers[k] = req.Header.Get(k)
	}
	if a, ok := headers["Authorization"]; ok {
		headers["Authorization"] = Redact(a)
	}
	return Prepared{Method: req.Method, URL: req.URL.String(), Headers: headers, Body: payload}
}

// OK reports whether the status is 2xx.
func (r *Response) OK() bool { return r.Status >= 200 && r.Status < 300 }

// Unreadable is the error for a response whose body could not be decoded.
// After a 2xx the request probably took effect, and the error says so.
func (r *Response) Unreadable(providerName, why string) *apierr.Error {
	msg := fmt.Sprintf("unreadable response (%s)", why)
	if body := Excerpt(r.Body, 120); body != "" {
		msg += ": " + body
	} else {
		msg += ": empty body"
	}
	return &apierr.Error{Provider: providerName, Kind: apierr.KindServer, Status: r.Status, Message: msg, MayHaveSucceeded: r.OK()}
}
