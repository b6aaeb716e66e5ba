package api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Stream sends a GET whose answer may be too large to hold: an account's
// whole list of organizations, which neither provider paginates. A non-2xx
// answer comes back read whole (up to MaxBody), as Do returns it, for the
// provider to decode; a 2xx answer's body is handed to read as it arrives,
// and Stream returns read's error (a failure of the connection itself
// comes back as a network error, whatever read made of it).
//
// The read runs inside the attempt's timeout, so an endless body ends
// there; ReadList bounds each item. Nothing is retried once a 2xx answer
// has begun: read may already have handed organizations on.
func (c *Client) Stream(ctx context.Context, path string, read func(body io.Reader) error) (*Response, error) {
	return c.do(ctx, http.MethodGet, path, nil, read)
}

// stream hands a 2xx body to read; the trace shows its first bytes.
func (c *Client) stream(ctx context.Context, resp *http.Response, read func(io.Reader) error, start time.Time) (*Response, error) {
	body := &watchedBody{r: resp.Body}
	if c.Trace != nil {
		body.keep = traceLimit + 256 // + room for a token cut at the limit, masked below
	}
	err := read(body)
	if body.err != nil {
		return nil, c.transportError(ctx, body.err, true)
	}
	if c.Trace != nil {
		head := c.hideCredential(body.head)
		c.traceResponse(resp, head[:min(len(head), traceLimit)], time.Since(start))
		fmt.Fprintf(c.Trace, "* the body was streamed: %d bytes read\n", body.n)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header}, err
}

// watchedBody records what went wrong with the connection, as opposed to
// what a decoder made of the bytes, and keeps the first bytes for the trace.
type watchedBody struct {
	r    io.Reader
	n    int64
	err  error // the connection's failure, not io.EOF
	keep int
	head []byte
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += int64(n)
	if room := b.keep - len(b.head); room > 0 {
		b.head = append(b.head, p[:min(n, room)]...)
	}
	if err != nil && err != io.EOF && b.err == nil {
		b.err = err
	}
	return n, err
}
