package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"testing"
)

// countingStore counts the organizations a list has read from the store.
type countingStore struct {
	orgStore
	read int
}

func (c *countingStore) scan(dst []Organization, cursor uint64, limit int, keep func(*Organization) bool) ([]Organization, uint64, bool, error) {
	orgs, next, done, err := c.orgStore.scan(dst, cursor, limit, keep)
	c.read += len(orgs) - len(dst)
	return orgs, next, done, err
}

// firstWrite notes how many organizations had been read when the answer's
// first bytes were written.
type firstWrite struct {
	*httptest.ResponseRecorder
	store *countingStore
	at    int
}

func (f *firstWrite) Write(p []byte) (int, error) {
	if f.at < 0 {
		f.at = f.store.read
	}
	return f.ResponseRecorder.Write(p)
}

// Each list writes its first organizations before it has read the others
// from the store, and writes the bytes marshalling the whole list would.
func TestListsStream(t *testing.T) {
	const n = 10 * listPage
	var orgs []Organization
	for _, p := range []struct{ provider, owner string }{
		{providerQovery, ownerUUID("k")}, {providerVertra, snowflake("k")}, {providerWorkspace, snowflake("k")},
	} {
		for i := range n {
			name := fmt.Sprintf("%s-%05d", p.provider, i)
			raw := marshal(map[string]string{"id": name, "name": name})
			if p.provider == providerWorkspace {
				raw = marshal(newWorkspace(name, name, nil, p.owner, "2026-01-01T00:00:00Z"))
			}
			orgs = append(orgs, Organization{Provider: p.provider, ID: name, Name: name, Owner: p.owner, Raw: raw})
		}
	}
	items := func(provider string, item func(Organization) []byte) []json.RawMessage {
		var out []json.RawMessage
		for _, o := range orgs {
			if provider == "" || o.Provider == provider {
				out = append(out, item(o))
			}
		}
		return out
	}
	for _, tt := range []struct {
		path, auth string
		want       []byte
	}{
		{"/organization", "Token k", marshal(map[string]any{"results": items(providerQovery, rawItem)})},
		{"/v1/organizations/all/@me", "Bearer k", marshal(struct {
			Status   string            `json:"status"`
			Response []json.RawMessage `json:"response"`
		}{"success", items(providerVertra, rawItem)})},
		{"/v1/workspaces", "Bearer k", marshal(map[string]any{"response": items(providerWorkspace, workspaceItem)})},
		{"/_sandbox/organizations", "", marshal(items("", func(o Organization) []byte { return marshal(o) }))},
	} {
		t.Run(tt.path, func(t *testing.T) {
			s := New(Options{VertraAPI: "both", Organizations: orgs})
			store := &countingStore{orgStore: s.store}
			s.store = store
			w := &firstWrite{ResponseRecorder: httptest.NewRecorder(), store: store, at: -1}
			req := httptest.NewRequest("GET", tt.path, nil)
			req.Header.Set("Authorization", tt.auth)
			s.ServeHTTP(w, req)
			if w.Code != 200 || w.Body.String() != string(tt.want) {
				t.Fatalf("%d, %d bytes, want the %d bytes of the marshalled list", w.Code, w.Body.Len(), len(tt.want))
			}
			if w.at < 0 || w.at >= store.read/2 {
				t.Errorf("first bytes written after reading %d organizations of %d", w.at, store.read)
			}
		})
	}
}

func TestEmptyListsAreArrays(t *testing.T) {
	s := New(Options{VertraAPI: "both"})
	for path, want := range map[string]string{
		"/organization":             `{"results":[]}`,
		"/v1/organizations/all/@me": `{"status":"success","response":[]}`,
		"/v1/workspaces":            `{"response":[]}`,
		"/_sandbox/organizations":   `[]`,
	} {
		auth := "Bearer k"
		if path == "/organization" {
			auth = "Token k"
		}
		if a := do(t, s, "GET", path, auth, ""); a.status != 200 || a.body != want || a.header.Get("Content-Type") != "application/json" {
			t.Errorf("%s: %d %s %v", path, a.status, a.body, a.header)
		}
	}
}
