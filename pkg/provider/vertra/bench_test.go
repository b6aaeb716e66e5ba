package vertra

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/api"
	"github.com/orgctl/orgctl/pkg/internal/testhttp"
	"github.com/orgctl/orgctl/pkg/provider"
)

// Response decoding, per answer shape: go test -bench . -benchmem
// ./pkg/provider/... (docs/performance.md quotes the figures).

// workspaceInfo is an APIWorkspaceInfoResponse as create and get answer it
// (vertracloud/api-types payloads/v1/workspace.ts at 1e0867d): the owner,
// the four seed roles, the owner's permissions.
const workspaceInfo = `{"response":{"id":"ws1","name":"acme","description":"Acme","owner_id":"42","owner":{"display_name":"Alice"},
"members_count":1,"deleted_at":null,"frozen":false,"created_at":"2026-09-01T12:00:00Z","updated_at":"2026-09-01T12:00:00Z",
"members":[{"user_id":"42","role_id":"r1","role_name":"Admin","joined_at":"2026-09-01T12:00:00Z","expires_at":null,"user":{"display_name":"Alice","email":"alice@acme.io"}}],
"roles":[{"id":"r1","workspace_id":"ws1","name":"Admin","permissions":["apps:read","apps:manage","members:read","members:manage"],"preset":"admin","position":0,"members_count":1,"created_at":"2026-09-01T12:00:00Z","updated_at":"2026-09-01T12:00:00Z"},
{"id":"r2","workspace_id":"ws1","name":"Developer","permissions":["apps:read","apps:manage"],"preset":"developer","position":1,"members_count":0,"created_at":"2026-09-01T12:00:00Z","updated_at":"2026-09-01T12:00:00Z"},
{"id":"r3","workspace_id":"ws1","name":"Operator","permissions":["apps:read","apps:lifecycle"],"preset":"operator","position":2,"members_count":0,"created_at":"2026-09-01T12:00:00Z","updated_at":"2026-09-01T12:00:00Z"},
{"id":"r4","workspace_id":"ws1","name":"Viewer","permissions":["apps:read"],"preset":"viewer","position":3,"members_count":0,"created_at":"2026-09-01T12:00:00Z","updated_at":"2026-09-01T12:00:00Z"}],
"applications":[],"databases":[],"permissions":["apps:read","apps:manage","members:read","members:manage","roles:manage"],"is_owner":true,"owner_plan_id":5,
"resource_organization":{"scope":"workspace","user_id":"42","workspace_id":"ws1","folders":[],"favorites":[]}}}`

func benchDecodeOne(b *testing.B, gen, body string, status int) {
	resp := &api.Response{Status: status, Body: []byte(body)}
	b.ReportAllocs()
	for b.Loop() {
		_, _ = decodeOne(resp, gen, "acme")
	}
}

func BenchmarkVertraDecodeCreateOrganization(b *testing.B) {
	benchDecodeOne(b, APIOrganizations, created, http.StatusCreated)
}

func BenchmarkVertraDecodeCreateWorkspace(b *testing.B) {
	benchDecodeOne(b, APIWorkspaces, workspaceInfo, http.StatusCreated)
}

func BenchmarkVertraDecodeConflict(b *testing.B) {
	benchDecodeOne(b, APIOrganizations, `{"status":"error","code":"ORGANIZATION_NAME_ALREADY_EXISTS"}`, http.StatusBadRequest)
}

func BenchmarkVertraList100(b *testing.B) {
	items := strings.TrimSuffix(strings.Repeat(created[strings.Index(created, `"response":`)+len(`"response":`):len(created)-1]+",", 100), ",")
	p := newProvider(testhttp.New(b, http.StatusOK, `{"status":"success","response":[`+items+`]}`))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		if err := p.List(context.Background(), func(*provider.Organization) error { n++; return nil }); err != nil || n != 100 {
			b.Fatal(err, n)
		}
	}
}

// BenchmarkVertraCreateRoundTrip is one create as a bulk worker makes it:
// encode, send over loopback, read, decode. Its allocations are the create
// hot path's garbage.
func BenchmarkVertraCreateRoundTrip(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, created)
	}))
	defer srv.Close()
	p := New(&api.Client{Provider: "vertra", HTTP: srv.Client(), BaseURL: srv.URL, Authorization: AuthHeader("vtk"), UserAgent: "orgctl/bench"}, APIOrganizations)
	spec := provider.CreateSpec{Name: "acme", Description: "Acme", Tags: []string{"ci", "prod"}}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Create(ctx, spec); err != nil {
			b.Fatal(err)
		}
	}
}
