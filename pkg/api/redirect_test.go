package api

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/apierr"
	"github.com/orgctl/orgctl/pkg/internal/testhttp"
)

// redirector answers every request with status and a Location of to+path.
func redirector(t *testing.T, status int, to func() string) *testhttp.Server {
	srv := testhttp.New(t, status, "")
	inner := srv.Config.Handler
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", to()+r.URL.Path)
		inner.ServeHTTP(w, r)
	})
	return srv
}

// A create, update or delete is never redirected, whatever the status and
// wherever it points, even to the same host and port: nothing reaches the
// target, and the error names the Location and exits 6 (KindServer).
func TestWriteIsNeverRedirected(t *testing.T) {
	target := testhttp.New(t, 201, `{"id":"stolen"}`)
	for _, status := range []int{301, 302, 303, 307, 308} {
		for _, method := range []string{"POST", "PUT", "PATCH", "DELETE"} {
			for _, where := range []string{"other port", "other host", "same host:port"} {
				var from *testhttp.Server
				from = redirector(t, status, func() string {
					switch where {
					case "other port":
						return target.URL
					case "other host": // localhost and 127.0.0.1 are two hosts
						return strings.Replace(target.URL, "127.0.0.1", "localhost", 1)
					}
					return from.URL + "/elsewhere"
				})
				var trace bytes.Buffer
				c := &Client{Provider: "p", HTTP: http.DefaultClient, BaseURL: from.URL, Authorization: "Bearer " + secret, Trace: &trace, Retries: 0}
				_, err := c.Do(context.Background(), method, "/organization", map[string]string{"name": "acme"})
				var perr *apierr.Error
				if !errors.As(err, &perr) || perr.Kind != apierr.KindServer || perr.Status != status {
					t.Fatalf("%s %d to %s: err = %#v", method, status, where, err)
				}
				if !strings.Contains(perr.Message, "it was not sent there: a create, update or delete is never redirected") || !strings.Contains(perr.Message, "/organization") {
					t.Errorf("message = %q", perr.Message)
				}
				if !strings.Contains(trace.String(), "redirect to ") || !strings.Contains(trace.String(), "not following") {
					t.Errorf("trace does not show the hop:\n%s", trace.String())
				}
				if n := len(from.Requests()); n != 1 {
					t.Errorf("%s %d: the API saw %d requests", method, status, n)
				}
			}
		}
	}
	if n := len(target.Requests()); n != 0 {
		t.Fatalf("the redirect target received %d requests: %+v", n, target.Requests()[0])
	}
}

// A read follows a redirect on the API's own host and port, with the token.
func TestReadFollowsSameHostPort(t *testing.T) {
	var srv *httptest.Server
	var sawAuth []string
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawAuth = append(sawAuth, r.Header.Get("Authorization"))
		if r.URL.Path == "/old" {
			http.Redirect(w, r, srv.URL+"/new", http.StatusMovedPermanently)
			return
		}
		w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	var trace bytes.Buffer
	c := &Client{Provider: "p", HTTP: http.DefaultClient, BaseURL: srv.URL, Authorization: "Bearer " + secret, Trace: &trace}
	resp, err := c.Do(context.Background(), "GET", "/old", nil)
	if err != nil || resp.Status != 200 {
		t.Fatalf("resp %+v err %v", resp, err)
	}
	if len(sawAuth) != 2 || sawAuth[1] != "Bearer "+secret {
		t.Errorf("Authorization on each hop = %q", sawAuth)
	}
	if want := "* HTTP 301 redirect to " + srv.URL + "/new: following"; !strings.Contains(trace.String(), want) {
		t.Errorf("trace lacks %q:\n%s", want, trace.String())
	}
}

// A read never follows to another port or host (the token would go with
// it) nor from https down to http.
func TestReadRefusesOtherHostPortAndDowngrade(t *testing.T) {
	target := testhttp.New(t, 200, `{"results":[]}`)
	for _, status := range []int{301, 302, 307, 308} {
		for where, to := range map[string]string{
			"other port": target.URL,
			"other host": strings.Replace(target.URL, "127.0.0.1", "localhost", 1),
		} {
			from := redirector(t, status, func() string { return to })
			c := &Client{Provider: "p", HTTP: http.DefaultClient, BaseURL: from.URL, Authorization: "Bearer " + secret}
			_, err := c.Do(context.Background(), "GET", "/organization", nil)
			if err == nil || !strings.Contains(err.Error(), "it was not sent there: a redirect is followed only on the API's own host and port") {
				t.Errorf("GET %d to %s: err = %v", status, where, err)
			}
		}
	}
	if n := len(target.Requests()); n != 0 {
		t.Fatalf("the target received %d requests", n)
	}

	// https to http on the same host and port: a downgrade, refused.
	var tlsSrv *httptest.Server
	tlsSrv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, strings.Replace(tlsSrv.URL, "https://", "http://", 1)+"/plain", http.StatusFound)
	}))
	defer tlsSrv.Close()
	c := &Client{Provider: "p", HTTP: tlsSrv.Client(), BaseURL: tlsSrv.URL, Authorization: "Bearer " + secret}
	_, err := c.Do(context.Background(), "GET", "/organization", nil)
	if err == nil || !strings.Contains(err.Error(), "it would downgrade https to http") {
		t.Errorf("downgrade: err = %v", err)
	}
}

func TestRedirectWithoutLocationIsAnError(t *testing.T) {
	srv := testhttp.New(t, 302, "")
	c := &Client{Provider: "p", HTTP: http.DefaultClient, BaseURL: srv.URL}
	_, err := c.Do(context.Background(), "POST", "/organization", map[string]string{})
	var perr *apierr.Error
	if !errors.As(err, &perr) || perr.Kind != apierr.KindServer || perr.Status != 302 {
		t.Fatalf("err = %#v", err)
	}
}

// TestTraceEscapesHostileHeaders: a raw server puts ESC and bidi
// characters in its status text, bidi and zero-width ones in a header
// (Go refuses controls there), and both in the body; --verbose shows
// them escaped.
func TestTraceEscapesHostileHeaders(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = bufio.NewReader(conn).ReadString('\n')
		body := "{\"message\":\"x\x1b[2J\u202eevil\"}\n\x1b]0;title\x07"
		fmt.Fprintf(conn, "HTTP/1.1 400 Bad\x1b[31m Request\r\nX-Evil: a\u202eb\u200bc\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
	}()
	var trace bytes.Buffer
	c := &Client{Provider: "p", HTTP: http.DefaultClient, BaseURL: "http://" + ln.Addr().String(), Trace: &trace}
	if _, err := c.Do(context.Background(), "GET", "/x", nil); err != nil {
		t.Fatal(err)
	}
	out := trace.String()
	if strings.ContainsAny(out, "\x1b\x07\u202e") {
		t.Fatalf("the trace carries raw controls:\n%q", out)
	}
	for _, want := range []string{`< X-Evil: a\u202eb\u200bc`, `400 Bad\x1b[31m Request`, `x\x1b[2J\u202eevil`, `\x1b]0;title\x07`} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %s:\n%s", want, out)
		}
	}
}
