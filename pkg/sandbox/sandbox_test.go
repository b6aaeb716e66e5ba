package sandbox

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

var fixedNow = func() time.Time { return time.Date(2025, 8, 14, 19, 58, 0, 0, time.UTC) }

type answer struct {
	status int
	body   string
	header http.Header
}

func do(t *testing.T, h http.Handler, method, path, auth, body string) answer {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return answer{rec.Code, rec.Body.String(), rec.Header()}
}

func TestQoveryCreate(t *testing.T) {
	s := New(Options{Now: fixedNow})
	a := do(t, s, "POST", "/organization", "Token qov_x", `{"name":"Acme","plan":"TEAM_2025","description":"d","admin_emails":["a@b.io"],"unknown":1}`)
	if a.status != 201 || a.header.Get("Content-Type") != "application/json" {
		t.Fatalf("answer %d %s", a.status, a.body)
	}
	var org map[string]any
	if err := json.Unmarshal([]byte(a.body), &org); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{
		"name": "Acme", "plan": "TEAM_2025", "description": "d", "website_url": nil, "repository": nil,
		"logo_url": nil, "icon_url": nil, "billing_deployment_restriction": nil,
		"created_at": "2025-08-14T19:58:00Z", "updated_at": "2025-08-14T19:58:00Z",
	} {
		if org[k] != want {
			t.Errorf("%s = %v, want %v", k, org[k], want)
		}
	}
	if id, _ := org["id"].(string); len(id) != 36 || id[14] != '4' {
		t.Errorf("id %q is not a v4 uuid", id)
	}
	if plan := org["organization_plan"].(map[string]any); plan["plan"] != "TEAM_2025" || plan["audit_logs_retention_in_days"] != float64(7) {
		t.Errorf("organization_plan = %v", plan)
	}
	owner := org["owner"].(string)
	b := do(t, s, "POST", "/organization", "Bearer a.b.c", `{"name":"other","plan":"FREE"}`)
	var other map[string]any
	_ = json.Unmarshal([]byte(b.body), &other)
	if other["owner"] == owner || strings.Contains(a.body, "qov_x") {
		t.Errorf("owners must differ by token and never echo it: %v vs %v", other["owner"], owner)
	}
	if orgs := s.Organizations(); len(orgs) != 2 || orgs[0].Provider != "qovery" || orgs[0].Name != "Acme" || string(orgs[0].Raw) != a.body {
		t.Errorf("organizations = %+v", orgs)
	}
}

func TestQoveryErrors(t *testing.T) {
	tests := []struct {
		name, auth, body string
		status           int
		detail           string
	}{
		{"no auth", "", `{"name":"a","plan":"TEAM"}`, 401, "missing or invalid credentials"},
		{"basic auth", "Basic eDp5", `{"name":"a","plan":"TEAM"}`, 401, "missing or invalid credentials"},
		{"empty token", "Token ", `{"name":"a","plan":"TEAM"}`, 401, "missing or invalid credentials"},
		{"wrong token", "Token other", `{"name":"a","plan":"TEAM"}`, 401, "missing or invalid credentials"},
		{"malformed", "Token good", `{"name":`, 400, "invalid request body"},
		{"wrong type", "Token good", `{"name":7,"plan":"TEAM"}`, 400, "invalid request body"},
		{"no name", "Token good", `{"plan":"TEAM"}`, 400, "name is required"},
		{"blank name", "Token good", `{"name":" ","plan":"TEAM"}`, 400, "name is required"},
		{"no plan", "Token good", `{"name":"a"}`, 400, "plan is required"},
		{"lower-case plan", "Token good", `{"name":"a","plan":"team"}`, 400, `plan "team" is invalid`},
		{"taken", "Token good", `{"name":"TAKEN","plan":"TEAM"}`, 409, `an organization named "TAKEN" already exists`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(Options{Token: "good"})
			do(t, s, "POST", "/organization", "Token good", `{"name":"taken","plan":"TEAM"}`)
			a := do(t, s, "POST", "/organization", tt.auth, tt.body)
			var p map[string]any
			if err := json.Unmarshal([]byte(a.body), &p); err != nil {
				t.Fatalf("body %q: %v", a.body, err)
			}
			if a.status != tt.status || p["status"] != float64(tt.status) || p["title"] != http.StatusText(tt.status) ||
				!strings.Contains(p["detail"].(string), tt.detail) || p["message"] != p["detail"] || p["type"] == "" {
				t.Errorf("answer %d %s", a.status, a.body)
			}
			if n := len(s.Organizations()); n != 1 {
				t.Errorf("%d organizations after a failure, want 1", n)
			}
		})
	}
}

func TestVertraCreate(t *testing.T) {
	s := New(Options{Now: fixedNow})
	a := do(t, s, "POST", "/v1/organizations", "Bearer vtk", `{"name":"acme","description":"Acme","tags":["ci"]}`)
	var env struct {
		Status   string
		Response vertraOrganization
	}
	if err := json.Unmarshal([]byte(a.body), &env); err != nil || a.status != 200 || env.Status != "success" {
		t.Fatalf("answer %d %s (%v)", a.status, a.body, err)
	}
	o := env.Response
	if !strings.HasPrefix(o.ID, "org_") || o.Name != "acme" || o.Description != "Acme" || len(o.Tags) != 1 || o.OwnerID == "" ||
		len(o.Members) != 1 || o.Members[0].UserID != o.OwnerID || o.Members[0].Role != "owner" || o.CreatedAt != "2025-08-14T19:58:00Z" {
		t.Errorf("organization = %+v", o)
	}

	a = do(t, s, "POST", "/v1/organizations", "Bearer vtk", `{"name":"defaults"}`)
	if !strings.Contains(a.body, `"description":"I have a description :)"`) || !strings.Contains(a.body, `"tags":["discord","programming","software","technology"]`) {
		t.Errorf("documented defaults missing: %s", a.body)
	}
	a = do(t, s, "POST", "/v1/organizations", "Bearer vtk", `{"name":"no tags","tags":[]}`)
	if !strings.Contains(a.body, `"tags":[]`) {
		t.Errorf("explicit empty tags must stay empty: %s", a.body)
	}
}

func TestVertraErrors(t *testing.T) {
	tests := []struct {
		name, auth, body string
		status           int
		want             string
	}{
		{"no auth", "", `{"name":"a"}`, 403, `{"code":"UNAUTHORIZED","status":"error"}`},
		{"token scheme", "Token vtk", `{"name":"a"}`, 403, `{"code":"UNAUTHORIZED","status":"error"}`},
		{"taken, other case", "Bearer vtk", `{"name":"ÉCOLE"}`, 400, `{"code":"ORGANIZATION_NAME_ALREADY_EXISTS","status":"error"}`},
		{"51 runes", "Bearer vtk", `{"name":"` + strings.Repeat("é", 51) + `"}`, 400, `"code":"INVALID_REQUEST_BODY"`},
		{"no name", "Bearer vtk", `{}`, 400, `{"code":"INVALID_REQUEST_BODY","message":"name is required","status":"error"}`},
		{"tags not strings", "Bearer vtk", `{"name":"x","tags":[1]}`, 400, `"code":"INVALID_REQUEST_BODY"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(Options{})
			do(t, s, "POST", "/v1/organizations", "Bearer vtk", `{"name":"école"}`)
			a := do(t, s, "POST", "/v1/organizations", tt.auth, tt.body)
			if a.status != tt.status || !strings.Contains(a.body, tt.want) {
				t.Errorf("answer %d %s, want %d %s", a.status, a.body, tt.status, tt.want)
			}
			if n := len(s.Organizations()); n != 1 {
				t.Errorf("%d organizations, want 1", n)
			}
		})
	}
	s := New(Options{})
	if a := do(t, s, "POST", "/v1/organizations", "Bearer vtk", `{"name":"`+strings.Repeat("é", 50)+`"}`); a.status != 200 {
		t.Errorf("50 two-byte runes must be accepted: %d %s", a.status, a.body)
	}
}

func TestSameNameOnBothProviders(t *testing.T) {
	s := New(Options{})
	if a := do(t, s, "POST", "/v1/organizations", "Bearer x", `{"name":"acme"}`); a.status != 200 {
		t.Fatal(a.body)
	}
	if a := do(t, s, "POST", "/organization", "Token x", `{"name":"ACME","plan":"TEAM"}`); a.status != 201 {
		t.Errorf("names are per provider: %d %s", a.status, a.body)
	}
}

func TestRoutingErrors(t *testing.T) {
	s := New(Options{})
	if a := do(t, s, "PUT", "/organization", "Token x", ""); a.status != 405 || a.header.Get("Allow") != "GET, POST" || !strings.Contains(a.body, `"status":405`) {
		t.Errorf("PUT /organization: %d %s", a.status, a.body)
	}
	if a := do(t, s, "GET", "/v1/organizations", "Bearer x", ""); a.status != 405 || !strings.Contains(a.body, `"code":"METHOD_NOT_ALLOWED"`) {
		t.Errorf("GET /v1/organizations: %d %s", a.status, a.body)
	}
	if a := do(t, s, "POST", "/v1/nothing", "Bearer x", "{}"); a.status != 404 || !strings.Contains(a.body, `"code":"NOT_FOUND"`) {
		t.Errorf("vertra 404: %d %s", a.status, a.body)
	}
	if a := do(t, s, "POST", "/nothing", "", "{}"); a.status != 404 || !strings.Contains(a.body, `"status":404`) {
		t.Errorf("qovery 404: %d %s", a.status, a.body)
	}
	big := `{"name":"` + strings.Repeat("x", maxBody) + `"}`
	if a := do(t, s, "POST", "/organization", "Token x", big); a.status != 413 {
		t.Errorf("oversized body: %d", a.status)
	}
}

func TestFaults(t *testing.T) {
	html := "<html>down</html>"
	tests := []struct {
		name        string
		fault       Fault
		path, auth  string
		body        string
		status      int
		want        string
		contentType string
	}{
		{"status on qovery", Fault{Status: 503}, "/organization", "Token x", `{"name":"a","plan":"TEAM"}`, 503, `"title":"Service Unavailable"`, "application/json"},
		{"status on vertra", Fault{Status: 500}, "/v1/organizations", "Bearer x", `{"name":"a"}`, 500, `"code":"INTERNAL_SERVER_ERROR"`, "application/json"},
		{"code with its documented status", Fault{Code: "PLAN_RESTRICTED_FEATURE"}, "/v1/organizations", "Bearer x", `{"name":"a"}`, 403, `{"code":"PLAN_RESTRICTED_FEATURE","status":"error"}`, "application/json"},
		{"code with a chosen status", Fault{Code: "RATE_LIMIT_EXCEEDED", Status: 429}, "/v1/organizations", "Bearer x", `{"name":"a"}`, 429, `"code":"RATE_LIMIT_EXCEEDED"`, "application/json"},
		{"raw body", Fault{Status: 502, Body: &html, ContentType: "text/html"}, "/organization", "", ``, 502, html, "text/html"},
		{"raw body defaults to 200", Fault{Body: &html}, "/organization", "", ``, 200, html, "application/json"},
		{"path that does not match", Fault{Status: 503, Path: "/v1/organizations"}, "/organization", "Token x", `{"name":"a","plan":"TEAM"}`, 201, `"name":"a"`, "application/json"},
		{"method that does not match", Fault{Status: 503, Method: "GET"}, "/organization", "Token x", `{"name":"a","plan":"TEAM"}`, 201, `"name":"a"`, "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(Options{Faults: []Fault{tt.fault}})
			a := do(t, s, "POST", tt.path, tt.auth, tt.body)
			if a.status != tt.status || !strings.Contains(a.body, tt.want) || a.header.Get("Content-Type") != tt.contentType {
				t.Errorf("answer %d %q %s", a.status, a.header.Get("Content-Type"), a.body)
			}
			if len(s.Requests()) != 1 {
				t.Errorf("faulted request not recorded")
			}
			if created := len(s.Organizations()) == 1; created != (tt.status == 201) {
				t.Errorf("created = %v after status %d", created, tt.status)
			}
		})
	}
}

func TestFaultTimesAndOrder(t *testing.T) {
	s := New(Options{})
	s.AddFault(Fault{Status: 503, Times: 2})
	s.AddFault(Fault{Status: 500, Times: 1})
	var got []int
	for i := 0; i < 4; i++ {
		got = append(got, do(t, s, "POST", "/organization", "Token x", `{"name":"n`+string(rune('a'+i))+`","plan":"TEAM"}`).status)
	}
	if want := []int{503, 503, 500, 201}; !slices.Equal(got, want) {
		t.Errorf("statuses = %v, want %v", got, want)
	}
	s.AddFault(Fault{Status: 503})
	s.ClearFaults()
	if a := do(t, s, "POST", "/organization", "Token x", `{"name":"z","plan":"TEAM"}`); a.status != 201 {
		t.Errorf("after ClearFaults: %d", a.status)
	}
}

func TestDelayAloneLetsTheRequestThrough(t *testing.T) {
	s := New(Options{Faults: []Fault{{Delay: Duration(30 * time.Millisecond), Times: 1}}})
	start := time.Now()
	a := do(t, s, "POST", "/v1/organizations", "Bearer x", `{"name":"slow"}`)
	if a.status != 200 || time.Since(start) < 30*time.Millisecond {
		t.Errorf("answer %d after %s", a.status, time.Since(start))
	}
}

func TestDelayStopsWhenTheClientLeaves(t *testing.T) {
	s := New(Options{Faults: []Fault{{Delay: Duration(time.Hour)}}})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	req := httptest.NewRequest("POST", "/v1/organizations", strings.NewReader(`{"name":"x"}`)).WithContext(ctx)
	req.Header.Set("Authorization", "Bearer x")
	done := make(chan struct{})
	go func() { s.ServeHTTP(httptest.NewRecorder(), req); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the delay ignored the cancelled request")
	}
	if len(s.Organizations()) != 0 {
		t.Error("an abandoned request created an organization")
	}
}

func TestConcurrentSameNameCreatesOnce(t *testing.T) {
	s := New(Options{})
	srv := httptest.NewServer(s)
	defer srv.Close()
	var wg sync.WaitGroup
	statuses := make(chan int, 50)
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			name := "Race"
			if i%2 == 0 {
				name = "rACE"
			}
			req, _ := http.NewRequest("POST", srv.URL+"/v1/organizations", strings.NewReader(`{"name":"`+name+`"}`))
			req.Header.Set("Authorization", "Bearer x")
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		}(i)
	}
	wg.Wait()
	close(statuses)
	counts := map[int]int{}
	for st := range statuses {
		counts[st]++
	}
	if counts[200] != 1 || counts[400] != 49 || len(s.Organizations()) != 1 || len(s.Requests()) != 50 {
		t.Errorf("statuses %v, %d organizations, %d requests", counts, len(s.Organizations()), len(s.Requests()))
	}
}

func TestAdminEndpoints(t *testing.T) {
	s := New(Options{})
	if a := do(t, s, "GET", "/_sandbox/organizations", "", ""); a.status != 200 || strings.TrimSpace(a.body) != "[]" {
		t.Errorf("empty list: %d %q", a.status, a.body)
	}
	do(t, s, "POST", "/v1/organizations", "Bearer secret-token", `{"name":"acme"}`)
	a := do(t, s, "GET", "/_sandbox/requests", "", "")
	if a.status != 200 || strings.Contains(a.body, "secret-token") || !strings.Contains(a.body, `"Authorization":["Bearer ***"]`) ||
		!strings.Contains(a.body, `"body":"{\"name\":\"acme\"}"`) {
		t.Errorf("requests: %s", a.body)
	}
	if a := do(t, s, "GET", "/_sandbox/organizations", "", ""); !strings.Contains(a.body, `"provider":"vertra"`) || !strings.Contains(a.body, `"name":"acme"`) {
		t.Errorf("organizations: %s", a.body)
	}
	if a := do(t, s, "POST", "/_sandbox/faults", "", `{"status":503,"times":1}`); a.status != 204 {
		t.Errorf("add fault: %d %s", a.status, a.body)
	}
	if a := do(t, s, "POST", "/_sandbox/faults", "", `status=abc`); a.status != 400 || !strings.Contains(a.body, "fault status") {
		t.Errorf("bad fault: %d %s", a.status, a.body)
	}
	if a := do(t, s, "POST", "/v1/organizations", "Bearer x", `{"name":"b"}`); a.status != 503 {
		t.Errorf("fault from the admin endpoint not applied: %d", a.status)
	}
	if a := do(t, s, "POST", "/_sandbox/reset", "", ""); a.status != 204 || len(s.Organizations()) != 0 || len(s.Requests()) != 0 {
		t.Errorf("reset: %d", a.status)
	}
	if a := do(t, s, "GET", "/_sandbox/healthz", "", ""); a.status != 200 || a.body != "ok\n" {
		t.Errorf("healthz: %d %q", a.status, a.body)
	}
	if len(s.Requests()) != 0 {
		t.Error("admin requests were recorded as API requests")
	}
}

func TestParseFault(t *testing.T) {
	f, err := ParseFault("status=503, times=2,path=/organization,method=post,delay=150ms,code=X,content_type=text/plain")
	if err != nil {
		t.Fatal(err)
	}
	want := Fault{Status: 503, Times: 2, Path: "/organization", Method: "POST", Delay: Duration(150 * time.Millisecond), Code: "X", ContentType: "text/plain"}
	if f.Status != want.Status || f.Times != want.Times || f.Path != want.Path || f.Method != want.Method || f.Delay != want.Delay || f.Code != want.Code || f.ContentType != want.ContentType {
		t.Errorf("compact = %+v", f)
	}
	f, err = ParseFault(`{"status":502,"body":"<html>","delay":"1s","times":1}`)
	if err != nil || f.Status != 502 || f.Body == nil || *f.Body != "<html>" || f.Delay != Duration(time.Second) || f.Times != 1 {
		t.Errorf("json = %+v, %v", f, err)
	}
	for in, wantErr := range map[string]string{
		"status=99":           "not an HTTP status",
		"times=-1,status=500": "times must not be negative",
		"bogus=1":             `unknown fault key "bogus"`,
		"status":              "is not key=value",
		"delay=soon":          "fault delay",
		"path=/x":             "needs a status, code, body or delay",
		`{"stats":500}`:       "invalid fault JSON",
	} {
		if _, err := ParseFault(in); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("ParseFault(%q) = %v, want %q", in, err, wantErr)
		}
	}
}

func TestStartAndListenAndServe(t *testing.T) {
	r, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(r.URL + "/_sandbox/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(r.URL + "/_sandbox/healthz"); err == nil {
		t.Error("still serving after Close")
	}

	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- ListenAndServe(ctx, "127.0.0.1:0", Options{}, func(u string) { urls <- u }) }()
	u := <-urls
	resp, err = http.Get(u + "/_sandbox/healthz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "ok\n" {
		t.Errorf("healthz = %q", b)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("ListenAndServe = %v after cancel", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ListenAndServe did not stop")
	}
}

func TestLogNamesRequestsWithoutTokens(t *testing.T) {
	var log strings.Builder
	s := New(Options{Log: &log})
	do(t, s, "POST", "/v1/organizations", "Bearer very-secret", `{"name":"a"}`)
	if got := log.String(); !strings.HasPrefix(got, "POST /v1/organizations -> 200 (") || strings.Contains(got, "very-secret") {
		t.Errorf("log = %q", got)
	}
}

func TestRetryAfterResetAndDripFaults(t *testing.T) {
	s := New(Options{Faults: []Fault{{Code: "RATE_LIMIT_EXCEEDED", Status: 429, RetryAfter: 7, Times: 1}}})
	a := do(t, s, "POST", "/v1/organizations", "Bearer x", `{"name":"a"}`)
	if a.status != 429 || a.header.Get("Retry-After") != "7" || !strings.Contains(a.body, `"details":{"retry_after":7}`) {
		t.Errorf("429: %d %q %s", a.status, a.header.Get("Retry-After"), a.body)
	}

	srv := httptest.NewServer(New(Options{Faults: []Fault{{Reset: true, Times: 1}, {Drip: Duration(5 * time.Millisecond), Status: 200, Body: ptr("abcdef")}}}))
	defer srv.Close()
	post := func() (*http.Response, error) {
		req, _ := http.NewRequest("POST", srv.URL+"/v1/organizations", strings.NewReader(`{"name":"a"}`))
		req.Header.Set("Authorization", "Bearer x")
		return srv.Client().Do(req)
	}
	if resp, err := post(); err == nil {
		resp.Body.Close()
		t.Fatalf("reset fault answered %d", resp.StatusCode)
	}
	start := time.Now()
	resp, err := post()
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "abcdef" || time.Since(start) < 25*time.Millisecond {
		t.Errorf("drip: %q after %s", body, time.Since(start))
	}
}

func ptr(s string) *string { return &s }

func TestReadAndDeleteRespectOwners(t *testing.T) {
	s := New(Options{})
	var q map[string]any
	_ = json.Unmarshal([]byte(do(t, s, "POST", "/organization", "Token alice", `{"name":"a","plan":"TEAM"}`).body), &q)
	var v struct{ Response map[string]any }
	_ = json.Unmarshal([]byte(do(t, s, "POST", "/v1/organizations", "Bearer alice", `{"name":"a"}`).body), &v)
	qid, vid := q["id"].(string), v.Response["id"].(string)

	tests := []struct {
		method, path, auth string
		status             int
		want               string
	}{
		{"GET", "/organization", "Token alice", 200, `"results":[{"id":"` + qid},
		{"GET", "/organization", "Token bob", 200, `{"results":[]}`},
		{"GET", "/organization/" + qid, "Token bob", 403, `"status":403`},
		{"GET", "/organization/nope", "Token bob", 404, `"status":404`},
		{"DELETE", "/organization/" + qid, "Token bob", 403, `"status":403`},
		{"GET", "/v1/users/@me/organizations", "Bearer alice", 200, `{"response":[{"id":"` + vid},
		{"GET", "/v1/users/12345/organizations", "Bearer alice", 404, `"code":"USER_NOT_FOUND"`},
		{"GET", "/v1/organizations/" + vid, "Bearer bob", 403, `"code":"NOT_ORGANIZATION_MEMBER"`},
		{"GET", "/v1/organizations/nope", "Bearer bob", 404, `"code":"ORGANIZATION_NOT_FOUND"`},
		{"DELETE", "/v1/organizations/" + vid, "Bearer bob", 404, `"code":"ORGANIZATION_NOT_FOUND"`},
		{"DELETE", "/v1/organizations/" + vid, "Bearer alice", 200, `{"message":"ORGANIZATION_DELETED","status":"success"}`},
		{"DELETE", "/organization/" + qid, "Token alice", 204, ``},
		{"GET", "/v1/workspaces", "Bearer alice", 404, `"code":"NOT_FOUND"`}, // not served by default
	}
	for _, tt := range tests {
		if a := do(t, s, tt.method, tt.path, tt.auth, ""); a.status != tt.status || !strings.Contains(a.body, tt.want) {
			t.Errorf("%s %s as %s: %d %s", tt.method, tt.path, tt.auth, a.status, a.body)
		}
	}
	if n := len(s.Organizations()); n != 0 {
		t.Errorf("%d organizations left", n)
	}
	// A deleted name is free again.
	if a := do(t, s, "POST", "/v1/organizations", "Bearer bob", `{"name":"A"}`); a.status != 200 {
		t.Errorf("re-create after delete: %d %s", a.status, a.body)
	}
}

func TestWorkspaces(t *testing.T) {
	s := New(Options{VertraAPI: "workspaces"})
	if a := do(t, s, "POST", "/v1/organizations", "Bearer x", `{"name":"a"}`); a.status != 404 {
		t.Errorf("organizations must be gone: %d %s", a.status, a.body)
	}
	a := do(t, s, "POST", "/v1/workspaces", "Bearer x", `{"name":"Acme","description":"d"}`)
	var ws struct{ Response map[string]any }
	if err := json.Unmarshal([]byte(a.body), &ws); err != nil || a.status != 201 || strings.Contains(a.body, `"status"`) {
		t.Fatalf("create: %d %s", a.status, a.body)
	}
	id := ws.Response["id"].(string)
	if ws.Response["name"] != "Acme" || ws.Response["description"] != "d" || ws.Response["members_count"] != float64(1) || ws.Response["deleted_at"] != nil {
		t.Errorf("workspace = %v", ws.Response)
	}
	tests := []struct {
		method, path, auth, body string
		status                   int
		want                     string
	}{
		{"POST", "/v1/workspaces", "", `{"name":"b"}`, 401, `"code":"AUTH_TOKEN_MISSING"`},
		{"POST", "/v1/workspaces", "Bearer x", `{"name":"ACME"}`, 409, `"code":"WORKSPACE_NAME_ALREADY_EXISTS"`},
		{"POST", "/v1/workspaces", "Bearer y", `{"name":"ACME"}`, 201, `"name":"ACME"`}, // unique per owner
		{"POST", "/v1/workspaces", "Bearer x", `{"name":"c","description":"` + strings.Repeat("d", 201) + `"}`, 400, `"code":"VALIDATION_ERROR"`},
		{"GET", "/v1/workspaces", "Bearer x", ``, 200, `{"response":[{"id":"` + id},
		{"GET", "/v1/workspaces/" + id, "Bearer y", ``, 404, `"code":"WORKSPACE_NOT_FOUND"`},
		{"GET", "/v1/workspaces/" + id, "Bearer x", ``, 200, `"response":{"id":"` + id},
		{"DELETE", "/v1/workspaces/" + id, "Bearer x", ``, 204, ``},
		{"DELETE", "/v1/workspaces/" + id, "Bearer x", ``, 404, `"code":"WORKSPACE_NOT_FOUND"`},
	}
	for _, tt := range tests {
		if a := do(t, s, tt.method, tt.path, tt.auth, tt.body); a.status != tt.status || !strings.Contains(a.body, tt.want) {
			t.Errorf("%s %s: %d %s", tt.method, tt.path, a.status, a.body)
		}
	}
}

func TestRateLimit(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := New(Options{RateLimit: &RateLimit{N: 2, Per: time.Minute}, Now: func() time.Time { return now }})
	var got []int
	for i := 0; i < 3; i++ {
		got = append(got, do(t, s, "POST", "/v1/organizations", "Bearer a", `{"name":"n`+string(rune('a'+i))+`"}`).status)
	}
	a := do(t, s, "POST", "/v1/organizations", "Bearer a", `{"name":"z"}`)
	if !slices.Equal(got, []int{200, 200, 429}) || a.status != 429 {
		t.Fatalf("statuses %v then %d", got, a.status)
	}
	if a.header.Get("Retry-After") != "60" || a.header.Get("x-ratelimit-remaining") != "0" || a.header.Get("x-ratelimit-limit") != "2" ||
		!strings.Contains(a.body, `"code":"RATE_LIMIT_EXCEEDED"`) || !strings.Contains(a.body, `"retry_after":60`) {
		t.Errorf("429: %v %s", a.header, a.body)
	}
	if b := do(t, s, "POST", "/v1/organizations", "Bearer other", `{"name":"o"}`); b.status != 200 || b.header.Get("x-ratelimit-remaining") != "1" {
		t.Errorf("another token has its own window: %d %v", b.status, b.header)
	}
	if q := do(t, s, "GET", "/organization", "Token a", ``); q.status != 200 {
		t.Errorf("qovery, other credential: %d", q.status)
	}
	now = now.Add(time.Minute) // a new window
	if c := do(t, s, "POST", "/v1/organizations", "Bearer a", `{"name":"late"}`); c.status != 200 {
		t.Errorf("after the window: %d %s", c.status, c.body)
	}
	if n := len(s.Organizations()); n != 4 {
		t.Errorf("%d organizations, want 4 (rate-limited requests create nothing)", n)
	}
}
