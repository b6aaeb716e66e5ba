package api

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orgctl/orgctl/pkg/apierr"
	"github.com/orgctl/orgctl/pkg/internal/testhttp"
)

func TestStreamHandsA2xxBodyOnAndTracesItsStart(t *testing.T) {
	body := `{"results":[{"id":"a","name":"echo ` + secret + `"}]}`
	srv := testhttp.New(t, 200, body)
	var trace bytes.Buffer
	c := &Client{Provider: "p", HTTP: srv.Client(), BaseURL: srv.URL, Authorization: "Token " + secret, UserAgent: "orgctl/test", Trace: &trace}
	var got []byte
	resp, err := c.Stream(context.Background(), "/organization", func(r io.Reader) error {
		var err error
		got, err = io.ReadAll(r)
		return err
	})
	if err != nil || resp.Status != 200 || resp.Body != nil || string(got) != body {
		t.Fatalf("resp %+v err %v got %s", resp, err, got)
	}
	if r := srv.Only(t); r.Method != "GET" || r.Path != "/organization" || r.Header.Get("Authorization") != "Token "+secret {
		t.Errorf("request %s %s %v", r.Method, r.Path, r.Header)
	}
	out := trace.String()
	if strings.Contains(out, secret) {
		t.Fatalf("trace leaks the token:\n%s", out)
	}
	for _, want := range []string{"* GET " + srv.URL + "/organization", `< {"results":[{"id":"a","name":"echo ***"}]}`, "* the body was streamed: " + strconv.Itoa(len(body)) + " bytes read"} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %q:\n%s", want, out)
		}
	}
}

func TestStreamReadsAnErrorAnswerWholeAndNeverCallsRead(t *testing.T) {
	srv := testhttp.New(t, 401, `{"message":"bad token"}`)
	c := &Client{Provider: "p", HTTP: srv.Client(), BaseURL: srv.URL}
	called := false
	resp, err := c.Stream(context.Background(), "/organization", func(io.Reader) error { called = true; return nil })
	if err != nil || called || resp.Status != 401 || string(resp.Body) != `{"message":"bad token"}` {
		t.Fatalf("resp %+v err %v called %v", resp, err, called)
	}
}

// An endless 2xx body ends at the attempt's timeout, as a network error,
// and is not retried: the reader may already have handed items on.
func TestStreamEndsAnEndlessBodyAtTheTimeout(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		_, _ = io.WriteString(w, `{"results":[`)
		for r.Context().Err() == nil {
			if _, err := io.WriteString(w, `{"id":"x"},`); err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	c := &Client{Provider: "p", HTTP: srv.Client(), BaseURL: srv.URL, Timeout: 300 * time.Millisecond, Retries: 3}
	n := 0
	_, err := c.Stream(context.Background(), "/organization", func(r io.Reader) error {
		return ReadList(r, "results", nil, func(*item) error { n++; return nil })
	})
	var perr *apierr.Error
	if !errors.As(err, &perr) || perr.Kind != apierr.KindNetwork || perr.Message != "timed out waiting for the API" {
		t.Fatalf("err = %v", err)
	}
	if n == 0 || requests.Load() != 1 {
		t.Errorf("%d items read, %d requests", n, requests.Load())
	}
}
