package api

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/orgctl/orgctl/pkg/apierr"
	"github.com/orgctl/orgctl/pkg/internal/testhttp"
)

const secret = "s3cr3t-token-value"

func TestTraceRedactsAuthorization(t *testing.T) {
	srv := testhttp.New(t, 201, `{"ok":true}`)
	var trace bytes.Buffer
	c := &Client{Provider: "p", HTTP: srv.Client(), BaseURL: srv.URL, Authorization: "Token " + secret, UserAgent: "orgctl/test", Trace: &trace}
	resp, err := c.Do(context.Background(), "POST", "/x", map[string]string{"name": "acme"})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 201 || string(resp.Body) != `{"ok":true}` {
		t.Errorf("response = %d %s", resp.Status, resp.Body)
	}
	if got := srv.Only(t).Header.Get("Authorization"); got != "Token "+secret {
		t.Errorf("server saw Authorization %q", got)
	}
	out := trace.String()
	if strings.Contains(out, secret) {
		t.Fatalf("trace leaks the token:\n%s", out)
	}
	for _, want := range []string{"* POST " + srv.URL + "/x", "> Authorization: Token ***", `> {"name":"acme"}`, "< HTTP/1.1 201 Created", `< {"ok":true}`, "* 201 in "} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %q:\n%s", want, out)
		}
	}
}

func TestDryRunSendsNothing(t *testing.T) {
	srv := testhttp.New(t, 201, `{}`)
	c := &Client{Provider: "p", HTTP: srv.Client(), BaseURL: srv.URL + "/", Authorization: "Bearer " + secret, UserAgent: "orgctl/test", DryRun: true}
	_, err := c.Do(context.Background(), "POST", "/organization", map[string]string{"name": "acme"})
	var dry *DryRun
	if !errors.As(err, &dry) {
		t.Fatalf("err = %v, want *DryRun", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("dry run sent %d requests", n)
	}
	r := dry.Request
	if r.Method != "POST" || r.URL != srv.URL+"/organization" || string(r.Body) != `{"name":"acme"}` {
		t.Errorf("prepared = %+v", r)
	}
	if r.Headers["Authorization"] != "Bearer ***" || r.Headers["Content-Type"] != "application/json" || r.Headers["User-Agent"] != "orgctl/test" {
		t.Errorf("headers = %v", r.Headers)
	}
}

func TestDryRunSendsReads(t *testing.T) {
	srv := testhttp.New(t, 200, `{}`)
	c := &Client{Provider: "p", HTTP: srv.Client(), BaseURL: srv.URL, UserAgent: "orgctl/test", DryRun: true}
	resp, err := c.Do(context.Background(), "GET", "/organization", nil)
	if err != nil || resp.Status != 200 {
		t.Fatalf("GET in a dry run: %v %v", resp, err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Fatalf("dry run sent %d reads, want 1", n)
	}
}

func TestBodyIsBounded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		for i := 0; i < (MaxBody/len(chunk))+2; i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	c := &Client{Provider: "p", HTTP: srv.Client(), BaseURL: srv.URL}
	_, err := c.Do(context.Background(), "POST", "/", nil)
	var perr *apierr.Error
	if !errors.As(err, &perr) || perr.Kind != apierr.KindServer || !perr.MayHaveSucceeded || !strings.Contains(err.Error(), "larger than 4 MiB") {
		t.Fatalf("err = %v", err)
	}
}

func TestConnectionRefusedIsNetworkAndNotSent(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	c := &Client{Provider: "p", HTTP: &http.Client{}, BaseURL: "http://" + addr}
	_, err = c.Do(context.Background(), "POST", "/", nil)
	var perr *apierr.Error
	if !errors.As(err, &perr) || perr.Kind != apierr.KindNetwork || perr.MayHaveSucceeded {
		t.Fatalf("err = %v (%+v)", err, perr)
	}
	if strings.Contains(err.Error(), "may have been created") {
		t.Errorf("refused connection claims a possible creation: %v", err)
	}
}

func TestTimeoutAfterSendingMayHaveSucceeded(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	c := &Client{Provider: "p", HTTP: srv.Client(), BaseURL: srv.URL}
	_, err := c.Do(ctx, "POST", "/", map[string]string{"name": "acme"})
	var perr *apierr.Error
	if !errors.As(err, &perr) || perr.Kind != apierr.KindNetwork || !perr.MayHaveSucceeded {
		t.Fatalf("err = %v", err)
	}
	// The client does not know what the request was for: the provider tags
	// the operation (apierr.WithOp), so the wording here stays generic.
	if err.Error() != "p: timed out waiting for the API; the request was sent, so it may have taken effect: check before retrying" {
		t.Errorf("message = %q", err.Error())
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{"Bearer abc": "Bearer ***", "Token a b": "Token ***", "abc": "***", "": "***"} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExcerpt(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"<html>\n  <b>hi</b>\n</html>", 100, "<html> <b>hi</b> </html>"},
		{"abcdef", 3, "abc…"},
		{"\x1b[31mred\x07", 100, "[31mred"},
		{"ok\xff\xfe", 100, "ok\uFFFD"},
		{"ééééé", 2, "éé…"},
	}
	for _, tt := range tests {
		if got := Excerpt([]byte(tt.in), tt.n); got != tt.want {
			t.Errorf("Excerpt(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
