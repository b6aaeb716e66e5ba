package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orgctl/orgctl/pkg/apierr"
	"github.com/orgctl/orgctl/pkg/internal/testhttp"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"3", 3 * time.Second, true},
		{"0", 0, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
	}
	for _, tt := range tests {
		if got, ok := retryAfter(tt.in, now); got != tt.want || ok != tt.ok {
			t.Errorf("retryAfter(%q) = %s, %v; want %s, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestBackoffGrowsWithJitterAndIsCapped(t *testing.T) {
	for attempt := 0; attempt < 40; attempt++ {
		d := backoffBase << min(attempt, 10)
		if d > backoffMax {
			d = backoffMax
		}
		for i := 0; i < 50; i++ {
			if got := Backoff(attempt); got < d/2 || got > d {
				t.Fatalf("Backoff(%d) = %s, want within [%s, %s]", attempt, got, d/2, d)
			}
		}
	}
}

func TestGatePausesEveryWaiter(t *testing.T) {
	var g Gate
	g.PauseFor(80 * time.Millisecond)
	g.PauseFor(10 * time.Millisecond) // never shortens a longer pause
	start := time.Now()
	if err := g.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < 70*time.Millisecond {
		t.Errorf("waited %s, want about 80ms", waited)
	}
	g.PauseFor(time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := g.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait on a cancelled context = %v", err)
	}
}

func TestDoRetriesOnlyWhatWasNotActedOn(t *testing.T) {
	tests := []struct {
		status   int
		requests int
	}{
		{503, 3}, {429, 3}, {500, 1}, {502, 1}, {504, 1}, {409, 1}, {201, 1},
	}
	for _, tt := range tests {
		srv := testhttp.New(t, tt.status, `{}`)
		var notices strings.Builder
		c := &Client{Provider: "p", HTTP: srv.Client(), BaseURL: srv.URL, Retries: 2, Notice: &notices,
			RetryHint: func([]byte) (time.Duration, bool) { return time.Millisecond, true }}
		resp, err := c.Do(context.Background(), "POST", "/", nil)
		if err != nil || resp.Status != tt.status {
			t.Fatalf("status %d: resp %v err %v", tt.status, resp, err)
		}
		if n := len(srv.Requests()); n != tt.requests {
			t.Errorf("status %d: %d requests, want %d", tt.status, n, tt.requests)
		}
		if got := strings.Count(notices.String(), "retrying in 1ms"); got != tt.requests-1 {
			t.Errorf("status %d: notices %q", tt.status, notices.String())
		}
	}
}

func TestDoGivesUpWhenTheWaitPassesTheDeadline(t *testing.T) {
	srv := testhttp.New(t, 429, `{}`)
	var notices strings.Builder
	c := &Client{Provider: "p", HTTP: srv.Client(), BaseURL: srv.URL, Retries: 3, Timeout: time.Second, Notice: &notices,
		RetryHint: func([]byte) (time.Duration, bool) { return time.Minute, true }}
	resp, err := c.Do(context.Background(), "POST", "/", nil)
	if err != nil || resp.Status != 429 || len(srv.Requests()) != 1 {
		t.Fatalf("resp %v err %v requests %d", resp, err, len(srv.Requests()))
	}
	if !strings.Contains(notices.String(), "p: HTTP 429; not retrying: waiting 1m0s would pass the deadline") {
		t.Errorf("notice = %q", notices.String())
	}
}

func TestRetriesStopOnInterrupt(t *testing.T) {
	srv := testhttp.New(t, 503, `{}`)
	ctx, cancel := context.WithCancel(context.Background())
	c := &Client{Provider: "p", HTTP: srv.Client(), BaseURL: srv.URL, Retries: 3,
		RetryHint: func([]byte) (time.Duration, bool) { cancel(); return time.Hour, true }}
	c.Timeout = 2 * time.Hour // so the hour-long hint is within the deadline
	_, err := c.Do(ctx, "POST", "/", nil)
	var perr *apierr.Error
	if !errors.As(err, &perr) || !errors.Is(err, context.Canceled) || len(srv.Requests()) != 1 {
		t.Fatalf("err %v, %d requests", err, len(srv.Requests()))
	}
}
