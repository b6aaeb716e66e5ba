package sandbox

import (
	"fmt"
	"strconv"
	"testing"
	"time"
)

func TestDefaultLimitHeaders(t *testing.T) {
	// 20:00 UTC is 17:00 in Fortaleza: the quota resets in 7 hours.
	now := time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC)
	s := New(Options{VertraAPI: "both", Now: func() time.Time { return now }})
	for _, req := range [][3]string{
		{"POST", "/v1/organizations", `{"name":"a"}`},
		{"GET", "/v1/organizations/org_0000000000000000", ``}, // a 404 carries them too
		{"GET", "/v1/workspaces", ``},
	} {
		a := do(t, s, req[0], req[1], "Bearer k", req[2])
		want := map[string]string{"x-ratelimit-limit": "1000000", "x-ratelimit-reset": "60", "x-quota-limit": "100000000", "x-quota-reset": "25200"}
		for k, v := range want {
			if got := a.header.Get(k); got != v {
				t.Errorf("%s %s: %s = %q, want %q", req[0], req[1], k, got, v)
			}
		}
		if a.header.Get("x-ratelimit-remaining") == "" || a.header.Get("x-quota-remaining") == "" {
			t.Errorf("%s %s: no remaining headers: %v", req[0], req[1], a.header)
		}
	}
	a := do(t, s, "GET", "/v1/workspaces", "Bearer k", "")
	if a.header.Get("x-ratelimit-remaining") != "999996" || a.header.Get("x-quota-remaining") != "99999996" {
		t.Errorf("the 4th request: %v", a.header)
	}
	for _, h := range []string{"x-ratelimit-limit", "x-quota-limit"} {
		if q := do(t, s, "GET", "/organization", "Token k", ""); q.header.Get(h) != "" {
			t.Errorf("a Qovery answer carries %s", h)
		}
		if q := do(t, New(Options{RateLimit: &RateLimit{N: 5, Per: time.Second}}), "GET", "/organization", "Token k", ""); q.header.Get(h) != "" {
			t.Errorf("a Qovery answer carries %s under --rate-limit", h)
		}
		if b := do(t, s, "GET", "/v1/workspaces", "", ""); b.status != 401 || b.header.Get(h) != "" {
			t.Errorf("a request without an API key counts: %d %v", b.status, b.header)
		}
	}
}

func TestFreeTier(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s := New(Options{RateLimit: &RateLimit{N: 30, Per: time.Minute}, Quota: 1000, Now: func() time.Time { return now }})
	for i := range 30 {
		if a := do(t, s, "POST", "/v1/organizations", "Bearer k", fmt.Sprintf(`{"name":"o%d"}`, i)); a.status != 201 || a.header.Get("x-ratelimit-remaining") != strconv.Itoa(29-i) {
			t.Fatalf("request %d: %d %v", i+1, a.status, a.header)
		}
	}
	now = now.Add(20 * time.Second)
	a := do(t, s, "POST", "/v1/organizations", "Bearer k", `{"name":"late"}`)
	want := `{"status":"error","code":"RATE_LIMIT_EXCEEDED","message":"rate limit exceeded","details":{"scope":"minute","limit":30,"used":30,"retry_after":40}}`
	if a.status != 429 || a.body != want || a.header.Get("Retry-After") != "40" || a.header.Get("x-ratelimit-remaining") != "0" || a.header.Get("x-quota-remaining") != "970" {
		t.Errorf("31st: %d %s %v", a.status, a.body, a.header)
	}
	now = now.Add(40 * time.Second)
	if a := do(t, s, "POST", "/v1/organizations", "Bearer k", `{"name":"late"}`); a.status != 201 || a.header.Get("x-ratelimit-remaining") != "29" {
		t.Errorf("next minute: %d %v", a.status, a.header)
	}
}

func TestDailyQuota(t *testing.T) {
	// 02:59:59 UTC is 23:59:59 in Fortaleza: one second before the reset.
	now := time.Date(2026, 3, 2, 2, 59, 0, 0, time.UTC)
	s := New(Options{VertraAPI: "workspaces", Quota: 2, Now: func() time.Time { return now }})
	for i := range 2 {
		do(t, s, "POST", "/v1/workspaces", "Bearer k", fmt.Sprintf(`{"name":"w%d"}`, i))
	}
	now = now.Add(59 * time.Second)
	a := do(t, s, "POST", "/v1/workspaces", "Bearer k", `{"name":"w2"}`)
	want := `{"code":"DAILY_QUOTA_EXCEEDED","message":"daily API request quota exceeded","details":{"scope":"day","limit":2,"used":2,"retry_after":1}}`
	if a.status != 429 || a.body != want || a.header.Get("x-quota-remaining") != "0" || a.header.Get("x-quota-reset") != "1" || a.header.Get("Retry-After") != "1" {
		t.Errorf("over the quota: %d %s %v", a.status, a.body, a.header)
	}
	if b := do(t, s, "GET", "/v1/workspaces", "Bearer other", ""); b.status != 200 {
		t.Errorf("another account has its own quota: %d", b.status)
	}
	now = now.Add(time.Second) // midnight in Fortaleza
	if a := do(t, s, "POST", "/v1/workspaces", "Bearer k", `{"name":"w2"}`); a.status != 201 || a.header.Get("x-quota-remaining") != "1" || a.header.Get("x-quota-reset") != "86400" {
		t.Errorf("after midnight: %d %v", a.status, a.header)
	}
}

func TestTierNamed(t *testing.T) {
	if tier, err := TierNamed("FREE"); err != nil || tier.PerMinute != 30 || tier.PerDay != 1000 {
		t.Errorf("free = %+v, %v", tier, err)
	}
	if tier, err := TierNamed("enterprise-32"); err != nil || tier.PerMinute != 480 || tier.PerDay != 864_000 {
		t.Errorf("enterprise-32 = %+v, %v", tier, err)
	}
	if _, err := TierNamed("gold"); err == nil {
		t.Error("an unknown tier is accepted")
	}
}

func TestRequestLogIsARing(t *testing.T) {
	s := New(Options{RequestLog: 3})
	for i := range 5 {
		do(t, s, "GET", fmt.Sprintf("/organization/%d", i), "Token k", "")
	}
	var paths []string
	for _, r := range s.Requests() {
		paths = append(paths, r.Path)
	}
	if fmt.Sprint(paths) != "[/organization/2 /organization/3 /organization/4]" {
		t.Errorf("requests = %v, want the last 3, oldest first", paths)
	}
	_ = s.Reset()
	do(t, s, "GET", "/organization/9", "Token k", "")
	if r := s.Requests(); len(r) != 1 || r[0].Path != "/organization/9" {
		t.Errorf("after reset: %v", r)
	}
}
