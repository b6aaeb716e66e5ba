package api

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/orgctl/orgctl/pkg/text"
)

// traceLimit bounds how much of a body the trace shows.
const traceLimit = 16 << 10

func (c *Client) traceRequest(req *http.Request, payload []byte) {
	if c.Trace == nil {
		return
	}
	fmt.Fprintf(c.Trace, "* %s %s\n", req.Method, req.URL)
	writeHeaders(c.Trace, "> ", req.Header)
	fmt.Fprintf(c.Trace, "> \n> %s\n", safeText(payload, traceLimit))
}

func (c *Client) traceResponse(resp *http.Response, body []byte, took time.Duration) {
	if c.Trace == nil {
		return
	}
	fmt.Fprintf(c.Trace, "< %s %s\n", resp.Proto, text.Safe(resp.Status))
	writeHeaders(c.Trace, "< ", resp.Header)
	fmt.Fprintf(c.Trace, "< \n< %s\n* %d in %s\n", safeText(body, traceLimit), resp.StatusCode, took.Round(time.Millisecond))
}

func writeHeaders(w interface{ Write([]byte) (int, error) }, prefix string, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			if http.CanonicalHeaderKey(k) == "Authorization" || http.CanonicalHeaderKey(k) == "Set-Cookie" {
				v = Redact(v)
			}
			// A hostile server's header can hold ESC or bidi characters.
			fmt.Fprintf(w, "%s%s: %s\n", prefix, text.Safe(k), text.Safe(v))
		}
	}
}

// safeText returns at most n bytes of b for the trace, each line through
// text.Safe (controls, bidi and zero-width characters, invalid UTF-8
// escaped), marking a cut.
func safeText(b []byte, n int) string {
	cut := ""
	if len(b) > n {
		cut = fmt.Sprintf("… (%d more bytes)", len(b)-n)
		b = b[:n]
	}
	lines := strings.Split(string(b), "\n")
	for i, l := range lines {
		lines[i] = text.Safe(l)
	}
	return strings.Join(lines, "\n") + cut
}

// Tracef adds a note to the --verbose trace.
func (c *Client) Tracef(format string, args ...any) {
	if c.Trace != nil {
		fmt.Fprintf(c.Trace, format+"\n", args...)
	}
}
