package api

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
)

// maxRedirects bounds the hops of one read.
const maxRedirects = 5

// RedirectError is a redirect orgctl refused to follow: the request went
// to the first URL only, never to Location.
type RedirectError struct {
	Method   string
	Status   int
	Location string
	Why      string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("the API redirected the %s to %s; it was not sent there: %s", e.Method, e.Location, e.Why)
}

// traceKey carries the --verbose trace to checkRedirect, which sees only
// requests.
type traceKey struct{}

// checkRedirect is the redirect policy of every request the client sends
// (http.Client.CheckRedirect). A create, update or delete is never
// redirected: a 307/308 would re-send its body to wherever the server
// says, and a 301/302 would turn it into a GET that "succeeds". A read may
// follow, within maxRedirects, only to the same host and port as the API
// URL and only to https (http stays allowed on loopback, the sandbox, but
// https is never downgraded), so the Authorization header never leaves the
// API's host.
func checkRedirect(req *http.Request, via []*http.Request) error {
	first := via[0]
	why := redirectRefusal(first, via[len(via)-1], req.URL, len(via))
	status := 0
	if req.Response != nil {
		status = req.Response.StatusCode
	}
	if trace, _ := req.Context().Value(traceKey{}).(io.Writer); trace != nil {
		verdict := "following"
		if why != "" {
			verdict = "not following: " + why
		}
		fmt.Fprintf(trace, "* HTTP %d redirect to %s: %s\n", status, req.URL, verdict)
	}
	if why != "" {
		return &RedirectError{Method: first.Method, Status: status, Location: req.URL.String(), Why: why}
	}
	return nil
}

func redirectRefusal(first, prev *http.Request, to *url.URL, hops int) string {
	switch {
	case first.Method != http.MethodGet && first.Method != http.MethodHead:
		return "a create, update or delete is never redirected"
	case hops > maxRedirects:
		return fmt.Sprintf("more than %d redirects", maxRedirects)
	case prev.URL.Scheme == "https" && to.Scheme != "https":
		return "it would downgrade https to " + to.Scheme
	case to.Scheme != "https" && !(to.Scheme == "http" && isLoopback(to.Hostname())):
		return "a redirect is followed only to https"
	case !sameHostPort(first.URL, to):
		return "a redirect is followed only on the API's own host and port"
	}
	return ""
}

func sameHostPort(a, b *url.URL) bool {
	return a.Hostname() == b.Hostname() && port(a) == port(b)
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "http" {
		return "80"
	}
	return "443"
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// withRedirectPolicy returns hc with checkRedirect, whoever built it, and
// ctx carrying the trace that reports each hop.
func (c *Client) withRedirectPolicy(ctx context.Context, hc *http.Client) (context.Context, *http.Client) {
	policed := *hc
	policed.CheckRedirect = checkRedirect
	if c.Trace != nil {
		ctx = context.WithValue(ctx, traceKey{}, c.Trace)
	}
	return ctx, &policed
}
