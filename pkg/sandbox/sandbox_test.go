package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
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

// problem is the exact Qovery error body for status and detail.
func problem(status int, detail string) string {
	d := strings.ReplaceAll(detail, `"`, `\"`)
	return fmt.Sprintf(`{"type":"about:blank","title":"%s","status":%d,"detail":"%s","message":"%s"}`, http.StatusText(status), status, d, d)
}

// vertraInvalidBody is the exact VertraCloud body for an invalid request.
func vertraInvalidBody(message, path string) string {
	return vertraCodeBody("VALIDATION_ERROR", message, path)
}

// vertraCodeBody is the exact organizations-generation error body for code.
func vertraCodeBody(code, message, path string) string {
	if path == "" {
		return `{"status":"error","code":"` + code + `","message":"` + message + `"}`
	}
	return `{"status":"error","code":"` + code + `","message":"` + message + `","details":{"path":"` + path + `"}}`
}

var (
	uuidV4      = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	vertraID    = regexp.MustCompile(`^org_[0-9a-f]{16}$`)
	snowflakeID = regexp.MustCompile(`^[1-9][0-9]{0,18}$`)
)

// placeholders replaces the generated values of a body by ID and OWNER,
// after checking their form, so that the rest can be compared exactly.
func placeholders(t *testing.T, body, id, owner string, idForm, ownerForm *regexp.Regexp) string {
	t.Helper()
	if !idForm.MatchString(id) || !ownerForm.MatchString(owner) {
		t.Errorf("id %q or owner %q has the wrong form", id, owner)
	}
	return strings.ReplaceAll(strings.ReplaceAll(body, `"`+id+`"`, `"ID"`), `"`+owner+`"`, `"OWNER"`)
}

func TestQoveryCreate(t *testing.T) {
	s := New(Options{Now: fixedNow})
	a := do(t, s, "POST", "/organization", "Token qov_x", `{"name":"Acme","plan":"TEAM_2025","description":"d <b>","admin_emails":["a@b.io"],"unknown":1}`)
	var org struct{ ID, Owner string }
	if err := json.Unmarshal([]byte(a.body), &org); err != nil || a.status != 201 || a.header.Get("Content-Type") != "application/json" {
		t.Fatalf("answer %d %q %s (%v)", a.status, a.header.Get("Content-Type"), a.body, err)
	}
	want := `{"id":"ID","created_at":"2025-08-14T19:58:00Z","updated_at":"2025-08-14T19:58:00Z","name":"Acme","plan":"TEAM_2025",` +
		`"description":"d <b>","website_url":null,"repository":null,"logo_url":null,"icon_url":null,"admin_emails":["a@b.io"],` +
		`"owner":"OWNER","billing_deployment_restriction":null,"organization_plan":{"plan":"TEAM_2025","audit_logs_retention_in_days":7}}`
	if got := placeholders(t, a.body, org.ID, org.Owner, uuidV4, uuidV4); got != want {
		t.Errorf("body\n got %s\nwant %s", got, want)
	}
	if strings.Contains(a.body, "qov_x") {
		t.Error("the token is echoed")
	}

	// Every field given; admin_emails omitted answers [].
	b := do(t, s, "POST", "/organization", "Token qov_x", `{"name":"full","plan":"FREE","description":"","website_url":"https://a.io","repository":"r","logo_url":"l","icon_url":"i"}`)
	var full map[string]any
	_ = json.Unmarshal([]byte(b.body), &full)
	for k, v := range map[string]any{"description": "", "website_url": "https://a.io", "repository": "r", "logo_url": "l", "icon_url": "i", "owner": org.Owner} {
		if full[k] != v {
			t.Errorf("%s = %v, want %v (same token, same owner)", k, full[k], v)
		}
	}
	if !strings.Contains(b.body, `"admin_emails":[]`) {
		t.Errorf("omitted admin_emails must answer []: %s", b.body)
	}
	c := do(t, s, "POST", "/organization", "Bearer a.b.c", `{"name":"other","plan":"FREE"}`)
	if c.status != 201 || strings.Contains(c.body, org.Owner) {
		t.Errorf("a JWT must be accepted, and another token owns another id: %d %s", c.status, c.body)
	}
	if orgs := s.Organizations(); len(orgs) != 3 || orgs[0].Provider != "qovery" || orgs[0].ID != org.ID || orgs[0].Name != "Acme" || string(orgs[0].Raw) != a.body {
		t.Errorf("organizations = %+v", orgs)
	}
}

func TestQoveryPlans(t *testing.T) {
	// The retention table is the sandbox's own; the plans are the API's.
	retention := map[string]float64{"FREE": 7, "TEAM": 7, "TEAM_YEARLY": 7, "USER_2025": 7, "TEAM_2025": 7,
		"PROFESSIONAL": 30, "BUSINESS": 30, "BUSINESS_2025": 30, "ENTERPRISE": 365, "ENTERPRISE_YEARLY": 365, "ENTERPRISE_2025": 365}
	s := New(Options{BillingRestriction: "NO_CREDIT_CARD"})
	for plan, days := range retention {
		a := do(t, s, "POST", "/organization", "Token x", `{"name":"`+plan+`","plan":"`+plan+`"}`)
		var org struct {
			Billing *string `json:"billing_deployment_restriction"`
			Plan    struct {
				Plan string  `json:"plan"`
				Days float64 `json:"audit_logs_retention_in_days"`
			} `json:"organization_plan"`
		}
		if err := json.Unmarshal([]byte(a.body), &org); err != nil || a.status != 201 {
			t.Fatalf("%s: %d %s", plan, a.status, a.body)
		}
		if org.Plan.Plan != plan || org.Plan.Days != days || org.Billing == nil || *org.Billing != "NO_CREDIT_CARD" {
			t.Errorf("%s: %s", plan, a.body)
		}
	}
}

func TestQoveryErrors(t *testing.T) {
	const authDetail = "missing or invalid credentials: send 'Authorization: Token <api token>' or 'Bearer <jwt>'"
	plans := "FREE, TEAM, TEAM_YEARLY, ENTERPRISE, ENTERPRISE_YEARLY, PROFESSIONAL, BUSINESS, USER_2025, TEAM_2025, BUSINESS_2025, ENTERPRISE_2025"
	tests := []struct {
		name, auth, body string
		status           int
		detail           string
	}{
		{"no credentials", "", `{"name":"a","plan":"TEAM"}`, 401, authDetail},
		{"basic scheme", "Basic eDp5", `{"name":"a","plan":"TEAM"}`, 401, authDetail},
		{"lower-case scheme", "token good", `{"name":"a","plan":"TEAM"}`, 401, authDetail},
		{"empty token", "Token ", `{"name":"a","plan":"TEAM"}`, 401, authDetail},
		{"scheme alone", "Bearer", `{"name":"a","plan":"TEAM"}`, 401, authDetail},
		{"not the configured token", "Token other", `{"name":"a","plan":"TEAM"}`, 401, authDetail},
		{"empty body", "Token good", ``, 400, "the request body is empty: send a JSON object"},
		{"truncated", "Token good", `{"name":`, 400, "the request body is truncated JSON"},
		{"not JSON", "Token good", `{name:"a"}`, 400, "the request body is not valid JSON: invalid character 'n' looking for beginning of object key string (byte 2)"},
		{"not an object", "Token good", `[]`, 400, "the request body must be a JSON object, not an array"},
		{"trailing data", "Token good", `{"name":"a","plan":"TEAM"} {}`, 400, "the request body has data after the JSON object"},
		{"name not a string", "Token good", `{"name":7,"plan":"TEAM"}`, 400, "name must be a string (found a number)"},
		{"admin_emails not an array", "Token good", `{"name":"a","plan":"TEAM","admin_emails":"a@b.io"}`, 400, "admin_emails must be an array of strings (found a string)"},
		{"admin_emails not strings", "Token good", `{"name":"a","plan":"TEAM","admin_emails":[1]}`, 400, "admin_emails must be an array of strings (found a number)"},
		{"no name", "Token good", `{"plan":"TEAM"}`, 400, "name is required"},
		{"null name", "Token good", `{"name":null,"plan":"TEAM"}`, 400, "name is required"},
		{"blank name", "Token good", `{"name":" \t","plan":"TEAM"}`, 400, "name is required"},
		{"no plan", "Token good", `{"name":"a"}`, 400, "plan is required"},
		{"lower-case plan", "Token good", `{"name":"a","plan":"team"}`, 400, `plan "team" is invalid: must be one of ` + plans},
		{"taken", "Token good", `{"name":"taken","plan":"TEAM"}`, 409, `an organization named "taken" already exists`},
		{"taken, other case", "Bearer good", `{"name":"TAKEN","plan":"FREE"}`, 409, `an organization named "TAKEN" already exists`},
		{"taken, other case, non-ASCII", "Token good", `{"name":"ÉCOLE","plan":"FREE"}`, 409, `an organization named "ÉCOLE" already exists`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(Options{Token: "good"})
			do(t, s, "POST", "/organization", "Token good", `{"name":"taken","plan":"TEAM"}`)
			do(t, s, "POST", "/organization", "Token good", `{"name":"école","plan":"TEAM"}`)
			a := do(t, s, "POST", "/organization", tt.auth, tt.body)
			if want := problem(tt.status, tt.detail); a.status != tt.status || a.body != want || a.header.Get("Content-Type") != "application/json" {
				t.Errorf("answer %d %s\nwant   %d %s", a.status, a.body, tt.status, want)
			}
			if n := len(s.Organizations()); n != 2 {
				t.Errorf("%d organizations after a failure, want 2", n)
			}
		})
	}
}

func TestVertraCreate(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"every field", `{"name":"acme","description":"Acme & co","tags":["ci"],"unknown":true}`,
			`"name":"acme","description":"Acme & co","tags":["ci"]`},
		{"documented defaults", `{"name":"defaults"}`,
			`"name":"defaults","description":"I have a description :)","tags":["discord","programming","software","technology"]`},
		{"null means default", `{"name":"nulls","description":null,"tags":null}`,
			`"name":"nulls","description":"I have a description :)","tags":["discord","programming","software","technology"]`},
		{"explicit empty values stay", `{"name":"empty","description":"","tags":[]}`,
			`"name":"empty","description":"","tags":[]`},
	}
	s := New(Options{Now: fixedNow})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, s, "POST", "/v1/organizations", "Bearer vtk", tt.body)
			var env struct{ Response vertraOrganization }
			if err := json.Unmarshal([]byte(a.body), &env); err != nil || a.status != 201 || a.header.Get("Content-Type") != "application/json" {
				t.Fatalf("answer %d %s (%v)", a.status, a.body, err)
			}
			want := `{"status":"success","response":{"id":"ID",` + tt.want + `,"owner_id":"OWNER",` +
				`"members":[{"user_id":"OWNER","role":"owner","joined_at":"2025-08-14T19:58:00Z"}],` +
				`"created_at":"2025-08-14T19:58:00Z","updated_at":"2025-08-14T19:58:00Z"}}`
			if got := placeholders(t, a.body, env.Response.ID, env.Response.OwnerID, vertraID, snowflakeID); got != want {
				t.Errorf("body\n got %s\nwant %s", got, want)
			}
		})
	}
	orgs := s.Organizations()
	if len(orgs) != len(tests) || orgs[0].Provider != "vertra" || orgs[0].Name != "acme" || orgs[0].Owner != orgs[1].Owner {
		t.Errorf("organizations = %+v", orgs)
	}
}

func TestVertraNameLength(t *testing.T) {
	tests := []struct {
		name, value string
		status      int
	}{
		{"50 two-byte runes", strings.Repeat("é", 50), 201},
		{"50 four-byte runes", strings.Repeat("😀", 50), 201},
		{"51 two-byte runes", strings.Repeat("é", 51), 400},
		{"51 four-byte runes", strings.Repeat("😀", 51), 400},
		{"51 ASCII", strings.Repeat("a", 51), 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, New(Options{}), "POST", "/v1/organizations", "Bearer x", `{"name":"`+tt.value+`"}`)
			if a.status != tt.status {
				t.Errorf("answer %d %s", a.status, a.body)
			}
			if want := `{"status":"error","code":"VALIDATION_ERROR","message":"name is 51 characters long: at most 50","details":{"path":"name"}}`; tt.status == 400 && a.body != want {
				t.Errorf("body %s, want %s", a.body, want)
			}
		})
	}
}

func TestVertraErrors(t *testing.T) {
	const unauthorized = `{"status":"error","code":"UNAUTHORIZED"}`
	const taken = `{"status":"error","code":"ORGANIZATION_NAME_ALREADY_EXISTS"}`
	tests := []struct {
		name, auth, body string
		status           int
		want             string
	}{
		{"no credentials", "", `{"name":"a"}`, 403, unauthorized},
		{"Token scheme", "Token vtk", `{"name":"a"}`, 403, unauthorized},
		{"lower-case scheme", "bearer vtk", `{"name":"a"}`, 403, unauthorized},
		{"empty token", "Bearer ", `{"name":"a"}`, 403, unauthorized},
		{"not the configured token", "Bearer other", `{"name":"a"}`, 403, unauthorized},
		{"taken", "Bearer vtk", `{"name":"école"}`, 400, taken},
		{"taken, other case", "Bearer vtk", `{"name":"ÉCOLE"}`, 400, taken},
		{"no name", "Bearer vtk", `{}`, 400, vertraInvalidBody("name is required", "name")},
		{"blank name", "Bearer vtk", `{"name":"  "}`, 400, vertraInvalidBody("name must not be blank", "name")},
		{"name not a string", "Bearer vtk", `{"name":["a"]}`, 400, vertraInvalidBody("name must be a string (found an array)", "name")},
		{"description not a string", "Bearer vtk", `{"name":"x","description":5}`, 400, vertraInvalidBody("description must be a string (found a number)", "description")},
		{"tags not strings", "Bearer vtk", `{"name":"x","tags":[1]}`, 400, vertraInvalidBody("tags must be an array of strings (found a number)", "tags")},
		{"tags not an array", "Bearer vtk", `{"name":"x","tags":"ci"}`, 400, vertraInvalidBody("tags must be an array of strings (found a string)", "tags")},
		{"description too long", "Bearer vtk", `{"name":"x","description":"` + strings.Repeat("é", 201) + `"}`, 400, vertraInvalidBody("description is 201 characters long: at most 200", "description")},
		{"tag too long", "Bearer vtk", `{"name":"x","tags":["ok","` + strings.Repeat("t", 21) + `"]}`, 400, vertraInvalidBody(`tag \"ttttttttttttttttttttt\" is 21 characters long: at most 20`, "tags.1")},
		{"truncated", "Bearer vtk", `{"name":"x"`, 400, vertraInvalidBody("the request body is truncated JSON", "")},
		{"not an object", "Bearer vtk", `"acme"`, 400, vertraInvalidBody("the request body must be a JSON object, not a string", "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(Options{Token: "vtk"})
			do(t, s, "POST", "/v1/organizations", "Bearer vtk", `{"name":"école"}`)
			a := do(t, s, "POST", "/v1/organizations", tt.auth, tt.body)
			if a.status != tt.status || a.body != tt.want || a.header.Get("Content-Type") != "application/json" {
				t.Errorf("answer %d %s\nwant   %d %s", a.status, a.body, tt.status, tt.want)
			}
			if n := len(s.Organizations()); n != 1 {
				t.Errorf("%d organizations, want 1", n)
			}
		})
	}
}

func TestSameNameOnBothProviders(t *testing.T) {
	s := New(Options{})
	if a := do(t, s, "POST", "/v1/organizations", "Bearer x", `{"name":"acme"}`); a.status != 201 {
		t.Fatal(a.body)
	}
	if a := do(t, s, "POST", "/organization", "Token x", `{"name":"ACME","plan":"TEAM"}`); a.status != 201 {
		t.Errorf("names are per provider: %d %s", a.status, a.body)
	}
}

func TestRoutingErrors(t *testing.T) {
	big := `{"name":"` + strings.Repeat("x", maxBody) + `"}`
	tests := []struct {
		method, path, auth, body string
		status                   int
		allow, want              string
	}{
		{"PUT", "/organization", "Token x", "", 405, "GET, POST", problem(405, "method PUT not allowed")},
		{"GET", "/v1/organizations", "Bearer x", "", 405, "POST", `{"status":"error","code":"METHOD_NOT_ALLOWED","message":"method GET not allowed"}`},
		{"POST", "/v1/nothing", "Bearer x", "{}", 404, "", `{"status":"error","code":"NOT_FOUND","message":"no such endpoint: /v1/nothing"}`},
		{"POST", "/nothing", "", "{}", 404, "", problem(404, "no such endpoint: /nothing")},
		{"POST", "/organization", "Token x", big, 413, "", problem(413, "request body larger than 1 MiB")},
		{"POST", "/v1/organizations", "Bearer x", big, 413, "", `{"status":"error","code":"PAYLOAD_TOO_LARGE","message":"request body larger than 1 MiB"}`},
	}
	for _, tt := range tests {
		s := New(Options{})
		a := do(t, s, tt.method, tt.path, tt.auth, tt.body)
		if a.status != tt.status || a.body != tt.want || a.header.Get("Allow") != tt.allow || a.header.Get("Content-Type") != "application/json" {
			t.Errorf("%s %s: %d %q %s\nwant %d %q %s", tt.method, tt.path, a.status, a.header.Get("Allow"), a.body, tt.status, tt.allow, tt.want)
		}
		if len(s.Organizations()) != 0 || len(s.Requests()) != 1 {
			t.Errorf("%s %s: %d organizations, %d requests", tt.method, tt.path, len(s.Organizations()), len(s.Requests()))
		}
	}
}

func TestFaults(t *testing.T) {
	html, broken := "<html>down</html>", `{"status":"succ`
	tests := []struct {
		name        string
		fault       Fault
		path, auth  string
		body        string
		status      int
		want        string // exact body; "" when the API answers
		contentType string
	}{
		{"status on qovery", Fault{Status: 503}, "/organization", "Token x", `{"name":"a","plan":"TEAM"}`, 503, problem(503, "Service Unavailable"), "application/json"},
		{"status on vertra", Fault{Status: 500}, "/v1/organizations", "Bearer x", `{"name":"a"}`, 500, `{"status":"error","code":"INTERNAL_SERVER_ERROR"}`, "application/json"},
		{"status without a text", Fault{Status: 599}, "/v1/organizations", "Bearer x", `{"name":"a"}`, 599, `{"status":"error","code":"HTTP_599"}`, "application/json"},
		{"documented code", Fault{Code: "PLAN_RESTRICTED_FEATURE"}, "/v1/organizations", "Bearer x", `{"name":"a"}`, 403, `{"status":"error","code":"PLAN_RESTRICTED_FEATURE"}`, "application/json"},
		{"documented code, other page", Fault{Code: "RATE_LIMIT_EXCEEDED"}, "/v1/organizations", "Bearer x", `{"name":"a"}`, 429, `{"status":"error","code":"RATE_LIMIT_EXCEEDED"}`, "application/json"},
		{"undocumented code", Fault{Code: "SOMETHING_NEW"}, "/v1/organizations", "Bearer x", `{"name":"a"}`, 400, `{"status":"error","code":"SOMETHING_NEW"}`, "application/json"},
		{"code with a chosen status", Fault{Code: "PLAN_RESTRICTED_FEATURE", Status: 402}, "/v1/organizations", "Bearer x", `{"name":"a"}`, 402, `{"status":"error","code":"PLAN_RESTRICTED_FEATURE"}`, "application/json"},
		{"code on qovery", Fault{Code: "PLAN_RESTRICTED_FEATURE"}, "/organization", "Token x", `{"name":"a","plan":"TEAM"}`, 400, problem(400, "PLAN_RESTRICTED_FEATURE: fault injected by the sandbox"), "application/json"},
		{"code on workspaces", Fault{Code: "PLAN_RESTRICTED_FEATURE"}, "/v1/workspaces", "Bearer x", `{"name":"a"}`, 403, `{"code":"PLAN_RESTRICTED_FEATURE","message":"fault injected by the sandbox"}`, "application/json"},
		{"HTML body", Fault{Status: 502, Body: &html, ContentType: "text/html"}, "/organization", "", ``, 502, html, "text/html"},
		{"malformed JSON body, 200 by default", Fault{Body: &broken}, "/v1/organizations", "Bearer x", `{"name":"a"}`, 200, broken, "application/json"},
		{"other path", Fault{Status: 503, Path: "/v1/organizations"}, "/organization", "Token x", `{"name":"a","plan":"TEAM"}`, 201, "", "application/json"},
		{"other method", Fault{Status: 503, Method: "GET"}, "/organization", "Token x", `{"name":"a","plan":"TEAM"}`, 201, "", "application/json"},
		{"same method, other case", Fault{Status: 503, Method: "post", Path: "/organization"}, "/organization", "Token x", `{"name":"a","plan":"TEAM"}`, 503, problem(503, "Service Unavailable"), "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(Options{VertraAPI: "both", Faults: []Fault{tt.fault}})
			a := do(t, s, "POST", tt.path, tt.auth, tt.body)
			if a.status != tt.status || (tt.want != "" && a.body != tt.want) || a.header.Get("Content-Type") != tt.contentType {
				t.Errorf("answer %d %q %s\nwant   %d %q %s", a.status, a.header.Get("Content-Type"), a.body, tt.status, tt.contentType, tt.want)
			}
			if reqs := s.Requests(); len(reqs) != 1 || string(reqs[0].Body) != tt.body {
				t.Errorf("requests = %+v", reqs)
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
	s.AddFault(Fault{Status: 502, Path: "/v1/organizations"}) // every one, until cleared
	var got []int
	for i := range 4 {
		got = append(got, do(t, s, "POST", "/organization", "Token x", fmt.Sprintf(`{"name":"n%d","plan":"TEAM"}`, i)).status)
	}
	if want := []int{503, 503, 500, 201}; !slices.Equal(got, want) {
		t.Errorf("statuses = %v, want %v", got, want)
	}
	s.mu.Lock()
	left := slices.Clone(s.faults)
	s.mu.Unlock()
	if len(left) != 1 || left[0].Status != 502 {
		t.Errorf("faults left = %+v, want only the unlimited one", left)
	}
	for range 2 {
		if a := do(t, s, "POST", "/v1/organizations", "Bearer x", `{"name":"v"}`); a.status != 502 {
			t.Errorf("unlimited fault: %d", a.status)
		}
	}
	s.ClearFaults()
	if a := do(t, s, "POST", "/v1/organizations", "Bearer x", `{"name":"v"}`); a.status != 201 {
		t.Errorf("after ClearFaults: %d", a.status)
	}
}

func TestDelayFault(t *testing.T) {
	const delay = 150 * time.Millisecond
	s := New(Options{Faults: []Fault{{Delay: Duration(delay), Times: 1}}})
	timed := func(name string) (int, time.Duration) {
		start := time.Now()
		a := do(t, s, "POST", "/v1/organizations", "Bearer x", `{"name":"`+name+`"}`)
		return a.status, time.Since(start)
	}
	if status, took := timed("slow"); status != 201 || took < delay {
		t.Errorf("delayed request: %d after %s", status, took)
	}
	if status, took := timed("fast"); status != 201 || took >= delay {
		t.Errorf("the delay applies once: %d after %s", status, took)
	}
	if len(s.Organizations()) != 2 {
		t.Error("a delay alone must let the request through")
	}

	s = New(Options{Faults: []Fault{{Delay: Duration(delay), Status: 504}}})
	if status, took := timed("x"); status != 504 || took < delay {
		t.Errorf("delay then status: %d after %s", status, took)
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

// The name check and the insert are one step: of many concurrent creations
// of one name, in any case, exactly one succeeds.
func TestConcurrentSameNameCreatesOnce(t *testing.T) {
	tests := []struct {
		path, auth, body string
		created, taken   int
	}{
		{"/organization", "Token x", `{"name":"%s","plan":"TEAM"}`, 201, 409},
		{"/v1/organizations", "Bearer x", `{"name":"%s"}`, 201, 400},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			s := New(Options{})
			srv := httptest.NewServer(s)
			defer srv.Close()
			var wg sync.WaitGroup
			statuses := make(chan int, 50)
			for i := range 50 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					name := []string{"Race", "rACE", "race"}[i%3]
					req, _ := http.NewRequest("POST", srv.URL+tt.path, strings.NewReader(fmt.Sprintf(tt.body, name)))
					req.Header.Set("Authorization", tt.auth)
					resp, err := srv.Client().Do(req)
					if err != nil {
						t.Error(err)
						return
					}
					resp.Body.Close()
					statuses <- resp.StatusCode
				}()
			}
			wg.Wait()
			close(statuses)
			counts := map[int]int{}
			for st := range statuses {
				counts[st]++
			}
			if counts[tt.created] != 1 || counts[tt.taken] != 49 || len(s.Organizations()) != 1 || len(s.Requests()) != 50 {
				t.Errorf("statuses %v, %d organizations, %d requests", counts, len(s.Organizations()), len(s.Requests()))
			}
		})
	}
}

func TestAdminEndpoints(t *testing.T) {
	s := New(Options{})
	for _, path := range []string{"/_sandbox/organizations", "/_sandbox/requests"} {
		if a := do(t, s, "GET", path, "", ""); a.status != 200 || a.body != "[]" || a.header.Get("Content-Type") != "application/json" {
			t.Errorf("empty %s: %d %q", path, a.status, a.body)
		}
	}
	do(t, s, "POST", "/v1/organizations", "Bearer secret-token", `{"name":"acme"}`)
	do(t, s, "POST", "/organization", "Token other-secret", `{"name":"acme","plan":"TEAM"}`)

	a := do(t, s, "GET", "/_sandbox/requests", "", "")
	if a.status != 200 || strings.Contains(a.body, "secret") || !strings.Contains(a.body, `"Authorization":["Bearer ***"]`) ||
		!strings.Contains(a.body, `"Authorization":["Token ***"]`) || !strings.Contains(a.body, `"body":"{\"name\":\"acme\"}"`) {
		t.Errorf("requests: %s", a.body)
	}
	var reqs []Request // what a Go script reads back
	if err := json.Unmarshal([]byte(a.body), &reqs); err != nil || len(reqs) != 2 || reqs[0].Method != "POST" ||
		reqs[0].Path != "/v1/organizations" || string(reqs[0].Body) != `{"name":"acme"}` || reqs[1].Header.Get("Authorization") != "Token ***" {
		t.Errorf("decoded requests = %+v (%v)", reqs, err)
	}
	if s.Requests()[0].Header.Get("Authorization") != "Bearer secret-token" {
		t.Error("Requests() must keep the real header for in-process tests")
	}

	a = do(t, s, "GET", "/_sandbox/organizations", "", "")
	var orgs []Organization
	if err := json.Unmarshal([]byte(a.body), &orgs); err != nil || len(orgs) != 2 || orgs[0].Provider != "vertra" || orgs[1].Provider != "qovery" ||
		orgs[0].Name != "acme" || !strings.Contains(string(orgs[0].Raw), `"id":"`+orgs[0].ID+`"`) {
		t.Errorf("organizations: %s (%v)", a.body, err)
	}

	for _, f := range []string{`{"status":503,"times":1}`, `status=502,times=1`} {
		if a := do(t, s, "POST", "/_sandbox/faults", "", f); a.status != 204 || a.body != "" {
			t.Errorf("add fault %s: %d %s", f, a.status, a.body)
		}
	}
	if a := do(t, s, "POST", "/_sandbox/faults", "", `status=abc`); a.status != 400 || !strings.Contains(a.body, "fault status") {
		t.Errorf("bad fault: %d %s", a.status, a.body)
	}
	for _, want := range []int{503, 502, 201} {
		if a := do(t, s, "POST", "/v1/organizations", "Bearer x", `{"name":"b"}`); a.status != want {
			t.Errorf("status %d, want %d", a.status, want)
		}
	}
	do(t, s, "POST", "/_sandbox/faults", "", `{"status":503}`)
	if a := do(t, s, "DELETE", "/_sandbox/faults", "", ""); a.status != 204 {
		t.Errorf("delete faults: %d", a.status)
	}
	if a := do(t, s, "POST", "/v1/organizations", "Bearer x", `{"name":"c"}`); a.status != 201 {
		t.Errorf("after DELETE /_sandbox/faults: %d", a.status)
	}

	do(t, s, "POST", "/_sandbox/faults", "", `{"status":503}`)
	if a := do(t, s, "POST", "/_sandbox/reset", "", ""); a.status != 204 || len(s.Organizations()) != 0 || len(s.Requests()) != 0 {
		t.Errorf("reset: %d", a.status)
	}
	if a := do(t, s, "POST", "/v1/organizations", "Bearer x", `{"name":"acme"}`); a.status != 201 {
		t.Errorf("reset must clear faults and free names: %d", a.status)
	}
	if a := do(t, s, "GET", "/_sandbox/healthz", "", ""); a.status != 200 || a.body != "ok\n" {
		t.Errorf("healthz: %d %q", a.status, a.body)
	}
	if n := len(s.Requests()); n != 1 {
		t.Errorf("%d requests recorded since the reset, want 1 (admin requests are not recorded)", n)
	}
}

func TestParseFault(t *testing.T) {
	body := "<html>"
	valid := []struct {
		in   string
		want Fault
	}{
		{"status=503, times=2,path=/organization,method=post,delay=150ms,code=X,content_type=text/plain",
			Fault{Status: 503, Times: 2, Path: "/organization", Method: "POST", Delay: Duration(150 * time.Millisecond), Code: "X", ContentType: "text/plain"}},
		{"delay=2s", Fault{Delay: Duration(2 * time.Second)}},
		{"code=PLAN_RESTRICTED_FEATURE,times=1", Fault{Code: "PLAN_RESTRICTED_FEATURE", Times: 1}},
		{"retry_after=3,status=429,drip=10ms,reset=false", Fault{RetryAfter: 3, Status: 429, Drip: Duration(10 * time.Millisecond)}},
		{`{"status":502,"body":"<html>","content_type":"text/html","delay":"1s","times":1}`,
			Fault{Status: 502, Body: &body, ContentType: "text/html", Delay: Duration(time.Second), Times: 1}},
		{` {"method":"POST","path":"/v1/organizations","code":"X","delay":250000000} `,
			Fault{Method: "POST", Path: "/v1/organizations", Code: "X", Delay: Duration(250 * time.Millisecond)}},
	}
	for _, tt := range valid {
		got, err := ParseFault(tt.in)
		gotBody, wantBody := "", ""
		if got.Body != nil {
			gotBody = *got.Body
		}
		if tt.want.Body != nil {
			wantBody = *tt.want.Body
		}
		got.Body, tt.want.Body = nil, nil
		if err != nil || got != tt.want || gotBody != wantBody {
			t.Errorf("ParseFault(%q) = %+v %q, %v; want %+v %q", tt.in, got, gotBody, err, tt.want, wantBody)
		}
	}
	invalid := map[string]string{
		"status=99":                 "not an HTTP status",
		"status=600":                "not an HTTP status",
		"times=-1,status=500":       "times must not be negative",
		"delay=-1s":                 "must not be negative",
		"bogus=1":                   `unknown fault key "bogus"`,
		"body=x":                    "body only in JSON form",
		"status":                    "is not key=value",
		"status=":                   "is not key=value",
		"":                          "is not key=value",
		"status=500,":               "is not key=value",
		"delay=soon":                "fault delay",
		"times=many,status=500":     "fault times",
		"path=/x":                   "needs a status, code, body or delay",
		`{"stats":500}`:             "invalid fault JSON",
		`{"status":"500"}`:          "invalid fault JSON",
		`{"delay":"soon"}`:          "invalid fault JSON",
		`{"status":500`:             "invalid fault JSON",
		`{"status":500} {}`:         "data after the object",
		`{"path":"/organization"}`:  "needs a status, code, body or delay",
		`{"status":503,"times":-2}`: "times must not be negative",
	}
	for in, wantErr := range invalid {
		if _, err := ParseFault(in); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("ParseFault(%q) = %v, want an error containing %q", in, err, wantErr)
		}
	}
}

func TestDurationJSON(t *testing.T) {
	b, err := json.Marshal(Fault{Delay: Duration(250 * time.Millisecond), Status: 503})
	if err != nil || string(b) != `{"status":503,"delay":"250ms"}` {
		t.Errorf("marshal = %s, %v", b, err)
	}
}

func TestStartAndClose(t *testing.T) {
	r, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.URL, "http://127.0.0.1:") || r.Server == nil {
		t.Errorf("Running = %+v", r)
	}
	req, _ := http.NewRequest("POST", r.URL+"/v1/organizations", strings.NewReader(`{"name":"acme"}`))
	req.Header.Set("Authorization", "Bearer x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 || len(r.Server.Organizations()) != 1 {
		t.Errorf("create through Start: %d", resp.StatusCode)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if resp, err := http.Get(r.URL + "/_sandbox/healthz"); err == nil {
		resp.Body.Close()
		t.Error("still serving after Close")
	}
}

func TestListenAndServeStopsWhenTheContextEnds(t *testing.T) {
	defer func(g time.Duration) { shutdownGrace = g }(shutdownGrace)
	shutdownGrace = 100 * time.Millisecond

	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	opts := Options{Faults: []Fault{{Path: "/v1/organizations", Delay: Duration(time.Hour)}}}
	go func() { done <- ListenAndServe(ctx, "127.0.0.1:0", opts, func(u string) { urls <- u }) }()
	u := <-urls
	resp, err := http.Get(u + "/_sandbox/healthz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "ok\n" {
		t.Errorf("healthz = %q", b)
	}

	// A request stuck in a delay must not keep the server from stopping.
	stuck := make(chan error, 1)
	go func() {
		resp, err := http.Post(u+"/v1/organizations", "application/json", strings.NewReader(`{"name":"x"}`))
		if err == nil {
			resp.Body.Close()
		}
		stuck <- err
	}()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		resp, err := http.Get(u + "/_sandbox/requests")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != "[]" || time.Now().After(deadline) {
			break
		}
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
	if err := <-stuck; err == nil {
		t.Error("the stuck request got an answer")
	}
	if _, err := http.Get(u + "/_sandbox/healthz"); err == nil {
		t.Error("still serving after the context ended")
	}
}

func TestListenAndServeBadAddress(t *testing.T) {
	called := false
	if err := ListenAndServe(context.Background(), "127.0.0.1:-1", Options{}, func(string) { called = true }); err == nil || called {
		t.Errorf("err = %v, ready called = %v", err, called)
	}
}

func TestLogNamesRequestsWithoutTokens(t *testing.T) {
	var log strings.Builder
	s := New(Options{Log: &log})
	do(t, s, "POST", "/v1/organizations", "Bearer very-secret", `{"name":"a"}`)
	do(t, s, "POST", "/organization", "Token very-secret", `{}`)
	do(t, s, "GET", "/_sandbox/requests", "", "")
	lines := strings.Split(strings.TrimSuffix(log.String(), "\n"), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "POST /v1/organizations -> 201 (") ||
		!strings.HasPrefix(lines[1], "POST /organization -> 400 (") || strings.Contains(log.String(), "very-secret") {
		t.Errorf("log = %q", log.String())
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
		{"GET", "/v1/organizations/all/@me", "Bearer alice", 200, `{"status":"success","response":[{"id":"` + vid},
		{"GET", "/v1/organizations/all/12345", "Bearer alice", 404, `"code":"USER_NOT_FOUND"`},
		{"GET", "/v1/organizations/" + vid, "Bearer bob", 403, `"code":"NOT_ORGANIZATION_MEMBER"`},
		{"GET", "/v1/organizations/nope", "Bearer bob", 404, `"code":"ORGANIZATION_NOT_FOUND"`},
		{"DELETE", "/v1/organizations/" + vid, "Bearer bob", 404, `"code":"ORGANIZATION_NOT_FOUND"`},
		{"DELETE", "/v1/organizations/" + vid, "Bearer alice", 200, `{"status":"success","message":"ORGANIZATION_DELETED"}`},
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
	if a := do(t, s, "POST", "/v1/organizations", "Bearer bob", `{"name":"A"}`); a.status != 201 {
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
		{"POST", "/v1/workspaces", "Bearer x", `{"name":"c","description":"` + strings.Repeat("d", 201) + `"}`, 400, `{"code":"VALIDATION_ERROR","message":"description must be at most 200 characters","details":{"path":"description"}}`},
		{"POST", "/v1/workspaces", "Bearer x", `{"name":5}`, 400, `{"code":"VALIDATION_ERROR","message":"name must be a string (found a number)","details":{"path":"name"}}`},
		{"GET", "/v1/workspaces", "Bearer x", ``, 200, `{"response":[{"id":"` + id},
		{"GET", "/v1/workspaces/" + id, "Bearer y", ``, 404, `"code":"WORKSPACE_NOT_FOUND"`},
		{"GET", "/v1/workspaces/" + id, "Bearer x", ``, 200, `"response":{"id":"` + id},
		{"DELETE", "/v1/workspaces/" + id, "Bearer x", ``, 200, `{"response":null}`},
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
	if !slices.Equal(got, []int{201, 201, 429}) || a.status != 429 {
		t.Fatalf("statuses %v then %d", got, a.status)
	}
	if a.header.Get("Retry-After") != "60" || a.header.Get("x-ratelimit-remaining") != "0" || a.header.Get("x-ratelimit-limit") != "2" ||
		!strings.Contains(a.body, `"code":"RATE_LIMIT_EXCEEDED"`) || !strings.Contains(a.body, `"retry_after":60`) {
		t.Errorf("429: %v %s", a.header, a.body)
	}
	if b := do(t, s, "POST", "/v1/organizations", "Bearer other", `{"name":"o"}`); b.status != 201 || b.header.Get("x-ratelimit-remaining") != "1" {
		t.Errorf("another token has its own window: %d %v", b.status, b.header)
	}
	if q := do(t, s, "GET", "/organization", "Token a", ``); q.status != 200 {
		t.Errorf("qovery, other credential: %d", q.status)
	}
	now = now.Add(time.Minute) // a new window
	if c := do(t, s, "POST", "/v1/organizations", "Bearer a", `{"name":"late"}`); c.status != 201 {
		t.Errorf("after the window: %d %s", c.status, c.body)
	}
	if n := len(s.Organizations()); n != 4 {
		t.Errorf("%d organizations, want 4 (rate-limited requests create nothing)", n)
	}
}
