package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// The contract test: every answer the sandbox gives, success or error, on
// every route it serves, validated against the providers' own references:
// testdata/qovery-organizations.yaml (copied from Qovery's openapi.yaml) and
// testdata/vertracloud.yaml (transcribed from VertraCloud's docs and
// api-types; both name their sources). A drift on either side fails it.

type contract struct {
	doc    *openapi3.T
	router routers.Router
	seen   map[string]bool // "METHOD /path" of the operations answered 2xx
}

func loadContract(t *testing.T, file string) *contract {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(file)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("%s is not a valid OpenAPI document: %v", file, err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &contract{doc: doc, router: router, seen: map[string]bool{}}
}

// check validates one exchange against the contract.
func (c *contract) check(t *testing.T, req *http.Request, status int, header http.Header, body []byte) {
	t.Helper()
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		t.Errorf("%s %s: no such operation in the reference: %v", req.Method, req.URL.Path, err)
		return
	}
	if status/100 == 2 {
		c.seen[req.Method+" "+route.Path] = true
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header,
		Body: io.NopCloser(bytes.NewReader(body)), Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("%s %s -> %d breaks the contract: %v\nbody: %s", req.Method, req.URL.Path, status, err, body)
	}
}

// exchange is one request of the script and the status it must get.
type exchange struct {
	method, path, auth, body string
	status                   int
}

func TestContract(t *testing.T) {
	qovery := loadContract(t, "testdata/qovery-organizations.yaml")
	vertra := loadContract(t, "testdata/vertracloud.yaml")
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s := New(Options{VertraAPI: "both", Now: func() time.Time { return now }, Quota: 1000})

	// Ids come from earlier answers: {q} the Qovery organization, {v} the
	// VertraCloud one, {w} the workspace.
	ids := map[string]string{}
	long := strings.Repeat("x", 201)
	script := []exchange{
		{"POST", "/organization", "Token a", `{"name":"acme","plan":"TEAM_2025","description":"d","admin_emails":["a@b.io"]}`, 201},
		{"POST", "/organization", "Token a", `{"name":"other","plan":"FREE"}`, 201},
		{"POST", "/organization", "Token a", `{"name":"ACME","plan":"FREE"}`, 409},
		{"POST", "/organization", "Token a", `{"name":"x","plan":"GOLD"}`, 400},
		{"POST", "/organization", "", `{"name":"x","plan":"FREE"}`, 401},
		{"GET", "/organization", "Token a", ``, 200},
		{"GET", "/organization/{q}", "Token a", ``, 200},
		{"GET", "/organization/{q}", "Token b", ``, 403},
		{"GET", "/organization/" + uuid(), "Token a", ``, 404},
		{"PUT", "/organization/{q}", "Token a", `{"name":"acme-2","plan":"ENTERPRISE_2025","website_url":"https://a.io"}`, 200},
		{"PUT", "/organization/{q}", "Token a", `{"name":"other","plan":"FREE"}`, 409},
		{"PUT", "/organization/{q}", "Token a", `{"name":"x"}`, 400},
		{"DELETE", "/organization/{q}", "Token a", ``, 204},

		{"POST", "/v1/organizations", "Bearer a", `{"name":"acme","tags":["ci"]}`, 201},
		{"POST", "/v1/organizations", "Bearer a", `{"name":"other"}`, 201},
		{"POST", "/v1/organizations", "Bearer a", `{"name":"ACME"}`, 400},
		{"POST", "/v1/organizations", "Bearer a", `{"name":"x","description":"` + long + `"}`, 400},
		{"POST", "/v1/organizations", "Bearer a", `{"name":5}`, 400},
		{"POST", "/v1/organizations", "", `{"name":"x"}`, 403},
		{"GET", "/v1/organizations/{v}", "Bearer a", ``, 200},
		{"GET", "/v1/organizations/{v}", "Bearer b", ``, 403},
		{"GET", "/v1/organizations/org_0000000000000000", "Bearer a", ``, 404},
		{"PATCH", "/v1/organizations/{v}", "Bearer a", `{"description":"new"}`, 200},
		{"PUT", "/v1/organizations/{v}", "Bearer a", `{"tags":["a","b"]}`, 200},
		{"PATCH", "/v1/organizations/{v}", "Bearer a", `{"tags":["` + strings.Repeat("t", 21) + `"]}`, 400},
		{"PUT", "/v1/organizations/{v}", "Bearer a", `{"name":"OTHER"}`, 400},
		{"PATCH", "/v1/organizations/{v}", "Bearer b", `{"name":"x"}`, 403},
		{"GET", "/v1/organizations/all/@me", "Bearer a", ``, 200},
		{"GET", "/v1/organizations/all/42", "Bearer a", ``, 404},
		{"DELETE", "/v1/organizations/{v}", "Bearer a", ``, 200},
		{"DELETE", "/v1/organizations/{v}", "Bearer a", ``, 404},

		{"POST", "/v1/workspaces", "Bearer a", `{"name":"Acme","description":"d"}`, 201},
		{"POST", "/v1/workspaces", "Bearer a", `{"name":"Other"}`, 201},
		{"POST", "/v1/workspaces", "Bearer a", `{"name":"ACME"}`, 409},
		{"POST", "/v1/workspaces", "Bearer a", `{"name":"x","description":"` + long + `"}`, 400},
		{"POST", "/v1/workspaces", "", `{"name":"x"}`, 401},
		{"GET", "/v1/workspaces", "Bearer a", ``, 200},
		{"GET", "/v1/workspaces/{w}", "Bearer a", ``, 200},
		{"GET", "/v1/workspaces/{w}", "Bearer b", ``, 404},
		{"PUT", "/v1/workspaces/{w}", "Bearer a", `{"description":"new"}`, 200},
		{"PUT", "/v1/workspaces/{w}", "Bearer a", `{}`, 400},
		{"PUT", "/v1/workspaces/{w}", "Bearer a", `{"name":"other"}`, 409},
		{"DELETE", "/v1/workspaces/{w}", "Bearer a", ``, 200},
		{"DELETE", "/v1/workspaces/{w}", "Bearer a", ``, 404},
	}
	idField := regexp.MustCompile(`^\{"(?:status":"success","response":\{"|response":\{"|)id":"([^"]+)"`)
	for _, ex := range script {
		path := ex.path
		for k, v := range ids {
			path = strings.ReplaceAll(path, "{"+k+"}", v)
		}
		req := httptest.NewRequest(ex.method, "http://sandbox.test"+path, strings.NewReader(ex.body))
		if ex.auth != "" {
			req.Header.Set("Authorization", ex.auth)
		}
		if ex.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		body := rec.Body.Bytes()
		if rec.Code != ex.status {
			t.Errorf("%s %s: %d, want %d: %s", ex.method, path, rec.Code, ex.status, body)
		}
		if ex.method == "POST" && rec.Code == 201 && !strings.Contains(string(body), `"name":"other"`) && !strings.Contains(string(body), `"name":"Other"`) {
			key := map[string]string{"/organization": "q", "/v1/organizations": "v", "/v1/workspaces": "w"}[ex.path]
			if m := idField.FindSubmatch(body); m != nil {
				ids[key] = string(m[1])
			}
		}
		c := vertra
		if !isVertra(path) {
			c = qovery
		}
		req.Body = io.NopCloser(strings.NewReader(ex.body))
		c.check(t, req, rec.Code, rec.Header(), body)
		if !isVertra(path) {
			for h := range rec.Header() {
				if strings.HasPrefix(strings.ToLower(h), "x-ratelimit") || strings.HasPrefix(strings.ToLower(h), "x-quota") {
					t.Errorf("%s %s: a Qovery answer carries %s", ex.method, path, h)
				}
			}
		}
	}

	// The 429s of both layers, on both VertraCloud generations.
	limited := New(Options{VertraAPI: "both", RateLimit: &RateLimit{N: 1, Per: time.Minute}, Quota: 2, Now: func() time.Time { return now }})
	for _, path := range []string{"/v1/organizations", "/v1/workspaces"} {
		for i, want := range []int{201, 429} {
			req := httptest.NewRequest("POST", "http://sandbox.test"+path, strings.NewReader(`{"name":"n`+string(rune('a'+i))+`"}`))
			req.Header.Set("Authorization", "Bearer "+path) // one account per path
			rec := httptest.NewRecorder()
			limited.ServeHTTP(rec, req)
			if rec.Code != want {
				t.Errorf("%s: %d, want %d", path, rec.Code, want)
			}
			vertra.check(t, req, rec.Code, rec.Header(), rec.Body.Bytes())
		}
	}
	now = now.Add(time.Minute)
	req := httptest.NewRequest("POST", "http://sandbox.test/v1/organizations", strings.NewReader(`{"name":"nc"}`))
	req.Header.Set("Authorization", "Bearer /v1/organizations")
	rec := httptest.NewRecorder()
	limited.ServeHTTP(rec, req) // the quota of 2 is spent: 1 created, then this one
	rec = httptest.NewRecorder()
	req = httptest.NewRequest("POST", "http://sandbox.test/v1/organizations", strings.NewReader(`{"name":"nd"}`))
	req.Header.Set("Authorization", "Bearer /v1/organizations")
	now = now.Add(time.Minute)
	limited.ServeHTTP(rec, req)
	var quota struct{ Code string }
	_ = json.Unmarshal(rec.Body.Bytes(), &quota)
	if rec.Code != 429 || quota.Code != "DAILY_QUOTA_EXCEEDED" {
		t.Errorf("over the quota: %d %s", rec.Code, rec.Body)
	}
	vertra.check(t, req, rec.Code, rec.Header(), rec.Body.Bytes())

	// Every route the sandbox serves is an operation of a reference, and
	// every operation was answered with a success at least once.
	param := regexp.MustCompile(`\{[^}]+\}`)
	norm := func(route string) string { return param.ReplaceAllString(route, "{}") }
	var operations []string
	for _, c := range []*contract{qovery, vertra} {
		for path, item := range c.doc.Paths.Map() {
			for method := range item.Operations() {
				op := method + " " + path
				operations = append(operations, norm(op))
				if !c.seen[op] {
					t.Errorf("the script never got a success from %s", op)
				}
			}
		}
	}
	for _, route := range s.Routes() {
		if !slices.Contains(operations, norm(route)) {
			t.Errorf("the sandbox serves %s, which no reference documents", route)
		}
	}
}
