package apply_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/sandbox"
)

// idOf is the sandbox's id of the organization named name on prov.
func idOf(t *testing.T, sb *sandbox.Running, prov, name string) string {
	t.Helper()
	for _, o := range sb.Server.Organizations() {
		if o.Provider == prov && o.Name == name {
			return o.ID
		}
	}
	t.Fatalf("no %s organization %q in the sandbox", prov, name)
	return ""
}

// TestApplyExitCodeIsTheMostSevereFailure: an apply whose changes fail
// exits with the code of its most severe failure (docs/exit-codes.md), not
// a fixed one. Each failure is the server's answer to one change; the
// other changes of the run still go through.
func TestApplyExitCodeIsTheMostSevereFailure(t *testing.T) {
	// Each fault fails the change to one organization, with the exit code
	// its answer maps to.
	type failure struct {
		name  string // the manifest entry it fails
		fault func(t *testing.T, sb *sandbox.Running) sandbox.Fault
		code  int
	}
	var (
		auth = failure{"v-auth", func(t *testing.T, sb *sandbox.Running) sandbox.Fault {
			return sandbox.Fault{Method: http.MethodPut, Path: "/v1/organizations/" + idOf(t, sb, "vertra", "v-auth"), Code: "UNAUTHORIZED"}
		}, 3}
		exists = failure{"q-exists", func(*testing.T, *sandbox.Running) sandbox.Fault {
			return sandbox.Fault{Method: http.MethodPost, Path: "/organization", Status: http.StatusConflict}
		}, 4}
		planLimit = failure{"v-plan", func(*testing.T, *sandbox.Running) sandbox.Fault {
			return sandbox.Fault{Method: http.MethodPost, Path: "/v1/organizations", Code: "PLAN_RESTRICTED_FEATURE"}
		}, 5}
		notFound = failure{"q-gone", func(t *testing.T, sb *sandbox.Running) sandbox.Fault {
			return sandbox.Fault{Method: http.MethodPut, Path: "/organization/" + idOf(t, sb, "qovery", "q-gone"), Status: http.StatusNotFound}
		}, 7}
	)
	// The manifest changes every organization: two creates and two
	// updates, plus one update that always succeeds.
	const manifest = `- {name: q-exists, provider: qovery, plan: TEAM_2025}
- {name: v-plan, provider: vertra}
- {name: v-auth, provider: vertra, description: new}
- {name: q-gone, provider: qovery, description: new}
- {name: v-fine, provider: vertra, description: new}
`
	for _, tt := range []struct {
		name     string
		failures []failure
		want     int
	}{
		{"authentication alone: 3", []failure{auth}, 3},
		{"conflict alone: 4", []failure{exists}, 4},
		{"plan alone: 5", []failure{planLimit}, 5},
		{"not found alone: 7", []failure{notFound}, 7},
		{"conflict and not found: 4", []failure{notFound, exists}, 4},
		{"plan, conflict and not found: 5", []failure{notFound, exists, planLimit}, 5},
		{"all four: authentication, 3", []failure{notFound, exists, planLimit, auth}, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sb := sandboxed(t)
			seed(t, sb, "vertra", `{"name":"v-auth","description":"old"}`)
			seed(t, sb, "vertra", `{"name":"v-fine","description":"old"}`)
			seed(t, sb, "qovery", `{"name":"q-gone","plan":"TEAM_2025","description":"old"}`)
			wantCodes := map[string]int{}
			for _, f := range tt.failures {
				sb.Server.AddFault(f.fault(t, sb))
				wantCodes[f.name] = f.code
			}
			r := run(t, "", false, "--retries", "0", "apply", "-f", write(t, "m.yaml", manifest), "-o", "json")
			if r.code != tt.want {
				t.Errorf("exit %d, want %d\nstderr: %s", r.code, tt.want, r.errOut)
			}
			if !strings.Contains(r.errOut, "error: "+strconv.Itoa(len(tt.failures))+" of 5 changes failed\n") {
				t.Errorf("stderr does not say how many failed:\n%s", r.errOut)
			}
			// Each result says its own outcome: the failed ones their own
			// code, the others done.
			gotCodes := map[string]int{}
			var done []string
			for _, line := range strings.Split(strings.TrimSpace(r.out), "\n") {
				var res struct {
					Name, Status string
					Error        *struct {
						ExitCode int `json:"exit_code"`
					}
				}
				if err := json.Unmarshal([]byte(line), &res); err != nil {
					t.Fatalf("result %q: %v", line, err)
				}
				if res.Status == "failed" {
					gotCodes[res.Name] = res.Error.ExitCode
				} else {
					done = append(done, res.Name)
				}
			}
			if !reflect.DeepEqual(gotCodes, wantCodes) {
				t.Errorf("failed results %v, want %v", gotCodes, wantCodes)
			}
			if len(done) != 5-len(tt.failures) || !slices.Contains(done, "v-fine") {
				t.Errorf("done %v", done)
			}
		})
	}
}
