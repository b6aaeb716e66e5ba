package sandbox

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A state file of orgctl before the log (version 1, one JSON document) is
// converted on first use: same organizations, same order, still served.
func TestVersion1StateIsConverted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.json")
	v1 := stateV1{Version: 1, Organizations: []Organization{
		org(providerQovery, "q1", "Acme", ownerUUID("orgctl-sandbox-token")),
		org(providerVertra, "v1", "acme", snowflake("orgctl-sandbox-token")),
		org(providerQovery, "q2", "ACME", "u"), // a taken name, dropped as before
		org(providerWorkspace, "w1", "ws", "u"),
	}}
	b, _ := json.Marshal(v1)
	if err := os.WriteFile(path, append(b, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	if n, err := CheckState(path); err != nil || n != 3 {
		t.Fatalf("check: %d, %v", n, err)
	}
	if b, _ := os.ReadFile(path); !strings.HasPrefix(string(b), `{"version":2,`) {
		t.Errorf("not converted: %.40s", b)
	}
	s, err := StartSession(path, Options{VertraAPI: "both"})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(s.Server.Organizations()); got != "qovery:Acme vertra:acme vertra-workspace:ws" {
		t.Errorf("converted: %s", got)
	}
	if st := post(t, s.URL, "POST", "/organization", "Token orgctl-sandbox-token", `{"name":"acme","plan":"FREE"}`); st != 409 {
		t.Errorf("a converted name must stay taken: %d", st)
	}
	if st := post(t, s.URL, "DELETE", "/organization/q1", "Token orgctl-sandbox-token", ""); st != 204 {
		t.Errorf("delete a converted organization: %d", st)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n, err := CheckState(path); err != nil || n != 2 {
		t.Errorf("after: %d, %v", n, err)
	}
}

func TestUnknownStateVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.json")
	if err := os.WriteFile(path, []byte(`{"version":3,"id":"0011223344556677"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := CheckState(path); err == nil || !strings.Contains(err.Error(), "run orgctl sandbox reset") {
		t.Errorf("error %v", err)
	}
}
