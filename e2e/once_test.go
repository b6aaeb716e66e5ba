package e2e

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// What the hostile server does with a create whose name is free.
const (
	actOK    = "ok"        // create, answer 201
	act500   = "act+500"   // create, then answer 500
	act502   = "act+502"   // create, then answer an HTML 502 (a gateway)
	act504   = "act+504"   // create, then answer 504
	act503   = "act+503"   // create, then answer 503, which orgctl retries anyway
	old503   = "old+503"   // answer 503 while the name appears, created an hour ago (another's)
	actReset = "act+reset" // create, then reset the connection
	actHang  = "act+hang"  // create, then answer nothing until the client gives up
	fail500  = "500"       // create nothing, answer 500
)

// hostile is a loopback API for both providers, written for these tests and
// not the sandbox: the sandbox's faults never create anything, while this
// server acts and then fails, as a gateway timing out in front of a working
// API does. Like both providers, it keeps names unique case-insensitively,
// and a taken name always gets the provider's conflict answer.
type hostile struct {
	*httptest.Server
	plan func(name string, attempt int) string // what to do with the attempt-th create (0-based) of a free name

	mu       sync.Mutex
	orgs     map[string]hostileOrg // provider + "/" + lower-cased name
	attempts map[string]int        // creates received, by provider + "/" + lower-cased name
	next     int
	readFail int      // when set, GETs answer this status
	log      []string // "METHOD PATH" of every request, in order
}

type hostileOrg struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Plan      string `json:"plan,omitempty"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

func newHostile(t *testing.T, plan func(name string, attempt int) string) *hostile {
	h := &hostile{plan: plan, orgs: map[string]hostileOrg{}, attempts: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /organization", func(w http.ResponseWriter, r *http.Request) { h.create(w, r, "qovery") })
	mux.HandleFunc("POST /v1/organizations", func(w http.ResponseWriter, r *http.Request) { h.create(w, r, "vertra") })
	mux.HandleFunc("GET /organization", func(w http.ResponseWriter, r *http.Request) { h.list(w, "qovery") })
	mux.HandleFunc("GET /v1/organizations/all/@me", func(w http.ResponseWriter, r *http.Request) { h.list(w, "vertra") })
	mux.HandleFunc("GET /organization/{id}", func(w http.ResponseWriter, r *http.Request) { h.get(w, r.PathValue("id")) })
	mux.HandleFunc("PUT /organization/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusGatewayTimeout) // updated or not: the gateway cannot say
	})
	mux.HandleFunc("DELETE /organization/{id}", func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		for k, o := range h.orgs {
			if o.ID == r.PathValue("id") {
				delete(h.orgs, k)
			}
		}
		h.mu.Unlock()
		w.WriteHeader(http.StatusBadGateway) // deleted, then the gateway gave up
	})
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.log = append(h.log, r.Method+" "+r.URL.Path)
		h.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(h.Close)
	return h
}

// requests are the requests received so far, as "METHOD PATH".
func (h *hostile) requests() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.log...)
}

// seed makes an organization that existed long before the run.
func (h *hostile) seed(provider, name string) hostileOrg {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.add(provider, name, time.Now().Add(-time.Hour))
}

func (h *hostile) add(provider, name string, at time.Time) hostileOrg {
	h.next++
	o := hostileOrg{ID: fmt.Sprintf("vertra-%04d", h.next), Name: name, CreatedAt: at.UTC().Format(time.RFC3339Nano)}
	if provider == "qovery" {
		o.ID = fmt.Sprintf("00000000-0000-4000-8000-%012d", h.next) // Qovery ids are uuids
	}
	o.UpdatedAt = o.CreatedAt
	if provider == "qovery" {
		o.Plan = "TEAM"
	}
	h.orgs[provider+"/"+strings.ToLower(name)] = o
	return o
}

func (h *hostile) create(w http.ResponseWriter, r *http.Request, provider string) {
	var body struct{ Name string }
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Name == "" {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	key := provider + "/" + strings.ToLower(body.Name)
	h.mu.Lock()
	attempt := h.attempts[key]
	h.attempts[key]++
	if _, taken := h.orgs[key]; taken {
		h.mu.Unlock()
		if provider == "qovery" {
			writeJSON(w, http.StatusConflict, map[string]any{"status": 409, "title": "Conflict", "detail": "name already used"})
		} else {
			writeJSON(w, http.StatusBadRequest, map[string]any{"status": "error", "code": "ORGANIZATION_NAME_ALREADY_EXISTS"})
		}
		return
	}
	what := h.plan(body.Name, attempt)
	var org hostileOrg
	switch what {
	case fail500:
	case old503:
		org = h.add(provider, body.Name, time.Now().Add(-time.Hour))
	default:
		org = h.add(provider, body.Name, time.Now())
	}
	h.mu.Unlock()

	switch what {
	case actOK:
		if provider == "qovery" {
			writeJSON(w, http.StatusCreated, org)
		} else {
			writeJSON(w, http.StatusCreated, map[string]any{"status": "success", "response": org})
		}
	case act500, fail500:
		writeJSON(w, http.StatusInternalServerError, map[string]any{"status": 500, "title": "Internal Server Error"})
	case act502:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, "<html><h1>502 Bad Gateway</h1></html>")
	case act504:
		w.WriteHeader(http.StatusGatewayTimeout)
	case act503, old503:
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusServiceUnavailable)
	case actReset:
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(err)
		}
		conn.(*net.TCPConn).SetLinger(0) // a reset, not a clean close
		conn.Close()
	case actHang:
		<-r.Context().Done()
	default:
		panic("unknown plan " + what)
	}
}

func (h *hostile) list(w http.ResponseWriter, provider string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.readFail != 0 {
		w.WriteHeader(h.readFail)
		return
	}
	orgs := []hostileOrg{}
	for k, o := range h.orgs {
		if strings.HasPrefix(k, provider+"/") {
			orgs = append(orgs, o)
		}
	}
	if provider == "qovery" {
		writeJSON(w, http.StatusOK, map[string]any{"results": orgs})
	} else {
		writeJSON(w, http.StatusOK, map[string]any{"status": "success", "response": orgs})
	}
}

func (h *hostile) get(w http.ResponseWriter, id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.readFail != 0 {
		w.WriteHeader(h.readFail)
		return
	}
	for _, o := range h.orgs {
		if o.ID == id {
			writeJSON(w, http.StatusOK, o)
			return
		}
	}
	writeJSON(w, http.StatusNotFound, map[string]any{"status": 404, "title": "Not Found"})
}

// exists returns the organization of that name, if any, and how many
// creates of it arrived.
func (h *hostile) exists(provider, name string) (hostileOrg, bool, int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	key := provider + "/" + strings.ToLower(name)
	o, ok := h.orgs[key]
	return o, ok, h.attempts[key]
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func hostileEnv(t *testing.T, h *hostile) []string {
	return env(t, "ORGCTL_QOVERY_URL="+h.URL, "ORGCTL_VERTRA_URL="+h.URL,
		"ORGCTL_QOVERY_TOKEN="+qoveryToken, "ORGCTL_VERTRA_TOKEN="+vertraToken, "ORGCTL_VERTRA_API=organizations")
}

// always answers every first create of a name the same way, and every
// later one with success.
func always(what string) func(string, int) string {
	return func(_ string, attempt int) string {
		if attempt == 0 {
			return what
		}
		return actOK
	}
}

func TestUnknownOutcomeAfterTheServerActed(t *testing.T) {
	const (
		checkQ = "check with `orgctl get acme --provider qovery` before retrying"
		checkV = "check with `orgctl get acme --provider vertra` before retrying"
	)
	tests := []struct {
		name     string
		plan     string
		provider string
		args     []string
		code     int
		stderr   string // exactly
		creates  int    // creates that reached the server
	}{
		{name: "500", plan: act500, provider: "qovery", code: 6, creates: 1,
			stderr: "error: qovery: HTTP 500: Internal Server Error; the request was sent, so the organization may have been created: " + checkQ + "\n"},
		{name: "HTML 502", plan: act502, provider: "vertra", code: 6, creates: 1,
			stderr: "error: vertra: HTTP 502: non-JSON body: <html><h1>502 Bad Gateway</h1></html>; the request was sent, so the organization may have been created: " + checkV + "\n"},
		{name: "empty 504", plan: act504, provider: "qovery", code: 6, creates: 1,
			stderr: "error: qovery: HTTP 504; the request was sent, so the organization may have been created: " + checkQ + "\n"},
		{name: "reset", plan: actReset, provider: "qovery", code: 6, creates: 1,
			stderr: "error: qovery: the connection was closed before a complete answer; the request was sent, so the organization may have been created: " + checkQ + "\n"},
		{name: "timeout", plan: actHang, provider: "vertra", args: []string{"--timeout", "300ms"}, code: 6, creates: 1,
			stderr: "error: vertra: timed out waiting for the API; the request was sent, so the organization may have been created: " + checkV + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHostile(t, always(tt.plan))
			args := append([]string{"create", "--provider", tt.provider, "--name", "acme", "--plan", "TEAM"}, tt.args...)
			if tt.provider == "vertra" {
				args = append([]string{"create", "--provider", tt.provider, "--name", "acme"}, tt.args...)
			}
			r := orgctl(t, hostileEnv(t, h), args...)
			if r.code != tt.code || r.errOut != tt.stderr || r.out != "" {
				t.Errorf("exit %d, want %d\nstderr %q\nwant   %q\nstdout %q", r.code, tt.code, r.errOut, tt.stderr, r.out)
			}
			if _, ok, creates := h.exists(tt.provider, "acme"); !ok || creates != tt.creates {
				t.Errorf("exists %v after %d creates, want %d", ok, creates, tt.creates)
			}
		})
	}
}

// TestPlainCreateRetriedIntoAConflict: a create without --if-not-exists
// that orgctl itself repeated after a 503 (which a proxy may answer after
// the API acted) and that then met its name taken looks the name up: made
// within this run's window, it is reported created by the earlier attempt
// (exit 0); older, exit 4 says so. A first attempt's conflict is not
// looked up.
func TestPlainCreateRetriedIntoAConflict(t *testing.T) {
	const qoveryID, vertraID = "00000000-0000-4000-8000-000000000001", "vertra-0001"
	retried := func(p string) string { return p + ": HTTP 503; retrying in 0s (retry 1 of 3)\n" }
	tests := []struct {
		name, plan, provider string
		seeded               bool
		code                 int
		stdout, stderr       string // exactly; stdout is -o json's id and created_by
		requests             []string
	}{
		{name: "qovery, made by the earlier attempt", plan: act503, provider: "qovery", code: 0,
			stdout:   qoveryID + " earlier_attempt",
			stderr:   retried("qovery") + `Organization "acme" was created on Qovery (id ` + qoveryID + `) by an earlier attempt of this run whose answer was lost.` + "\n",
			requests: []string{"POST /organization", "POST /organization", "GET /organization"}},
		{name: "vertra, made by the earlier attempt", plan: act503, provider: "vertra", code: 0,
			stdout:   vertraID + " earlier_attempt",
			stderr:   retried("vertra") + `Organization "acme" was created on VertraCloud (id ` + vertraID + `) by an earlier attempt of this run whose answer was lost.` + "\n",
			requests: []string{"POST /v1/organizations", "POST /v1/organizations", "GET /v1/organizations/all/@me"}},
		{name: "qovery, created an hour before", plan: old503, provider: "qovery", code: 4,
			stderr:   retried("qovery") + `error: qovery: HTTP 409: an organization named "acme" already exists (name already used); it was created before this run (by its created_at)` + "\n",
			requests: []string{"POST /organization", "POST /organization", "GET /organization"}},
		{name: "vertra, created an hour before", plan: old503, provider: "vertra", code: 4,
			stderr:   retried("vertra") + `error: vertra: HTTP 400 ORGANIZATION_NAME_ALREADY_EXISTS: an organization named "acme" already exists; it was created before this run (by its created_at)` + "\n",
			requests: []string{"POST /v1/organizations", "POST /v1/organizations", "GET /v1/organizations/all/@me"}},
		{name: "a first attempt's conflict is not looked up", plan: act503, provider: "qovery", seeded: true, code: 4,
			stderr:   `error: qovery: HTTP 409: an organization named "acme" already exists (name already used)` + "\n",
			requests: []string{"POST /organization"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHostile(t, always(tt.plan))
			if tt.seeded {
				h.seed(tt.provider, "acme")
			}
			args := []string{"create", "--provider", tt.provider, "--name", "acme", "-o", "json", "--template", "{{.id}} {{.created_by}}"}
			if tt.provider == "qovery" {
				args = append(args, "--plan", "TEAM")
			}
			r := orgctl(t, hostileEnv(t, h), args...)
			if r.code != tt.code || r.errOut != tt.stderr || strings.TrimSpace(r.out) != tt.stdout {
				t.Errorf("exit %d, want %d\nstderr %q\nwant   %q\nstdout %q, want %q", r.code, tt.code, r.errOut, tt.stderr, r.out, tt.stdout)
			}
			if got := h.requests(); strings.Join(got, "\n") != strings.Join(tt.requests, "\n") {
				t.Errorf("requests %q, want %q", got, tt.requests)
			}
			if _, ok, _ := h.exists(tt.provider, "acme"); !ok {
				t.Error("the organization is gone")
			}
		})
	}
}

func TestIfNotExistsMakesAnUnknownOutcomeSafe(t *testing.T) {
	tests := []struct {
		name, plan, provider string
		seeded               bool
		args                 []string
		created              bool
		createdBy            string
		notice               string // the stderr line before the last
		last                 string // the last stderr line
		creates              int
	}{
		{name: "500", plan: act500, provider: "qovery", created: true, createdBy: "earlier_attempt", creates: 2,
			notice: "qovery: acme: HTTP 500; its name is unique, so repeating the create cannot make a second one: retrying in ",
			last:   `Organization "acme" was created on Qovery (id 00000000-0000-4000-8000-000000000001) by an earlier attempt of this run whose answer was lost.`},
		{name: "reset", plan: actReset, provider: "vertra", created: true, createdBy: "earlier_attempt", creates: 2,
			notice: "vertra: acme: the connection was closed before a complete answer; its name is unique, so repeating the create cannot make a second one: retrying in ",
			last:   `Organization "acme" was created on VertraCloud (id vertra-0001) by an earlier attempt of this run whose answer was lost.`},
		{name: "timeout", plan: actHang, provider: "vertra", args: []string{"--timeout", "300ms"}, created: true, createdBy: "earlier_attempt", creates: 2,
			notice: "vertra: acme: timed out waiting for the API; its name is unique",
			last:   `Organization "acme" was created on VertraCloud (id vertra-0001) by an earlier attempt of this run whose answer was lost.`},
		{name: "503 retried into a conflict", plan: act503, provider: "qovery", created: true, createdBy: "earlier_attempt", creates: 2,
			notice: "qovery: HTTP 503; retrying in 0s (retry 1 of 3)",
			last:   `Organization "acme" was created on Qovery (id 00000000-0000-4000-8000-000000000001) by an earlier attempt of this run whose answer was lost.`},
		{name: "a 500 that did not act", plan: fail500, provider: "qovery", created: true, createdBy: "this_run", creates: 2,
			last: "qovery: acme: HTTP 500; its name is unique, so repeating the create cannot make a second one: retrying in "},
		{name: "there before the run", plan: act500, provider: "qovery", seeded: true, created: false, createdBy: "before_run", creates: 1,
			last: `Organization "ACME" already exists on Qovery (id 00000000-0000-4000-8000-000000000001): nothing was created.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHostile(t, always(tt.plan))
			if tt.seeded {
				h.seed(tt.provider, "ACME")
			}
			args := append([]string{"create", "--provider", tt.provider, "--name", "acme", "--if-not-exists", "-o", "json"}, tt.args...)
			if tt.provider == "qovery" {
				args = append(args, "--plan", "TEAM")
			}
			r := orgctl(t, hostileEnv(t, h), args...)
			var org struct {
				ID        string `json:"id"`
				Created   *bool  `json:"created"`
				CreatedBy string `json:"created_by"`
			}
			if err := json.Unmarshal([]byte(r.out), &org); err != nil || r.code != 0 {
				t.Fatalf("exit %d, stdout %q (%v)\nstderr %s", r.code, r.out, err, r.errOut)
			}
			want, ok, creates := h.exists(tt.provider, "acme")
			if !ok || org.ID != want.ID || creates != tt.creates {
				t.Errorf("reported %s, server has %s (exists %v) after %d creates, want %d", org.ID, want.ID, ok, creates, tt.creates)
			}
			if org.Created == nil || *org.Created != tt.created || org.CreatedBy != tt.createdBy {
				t.Errorf("created %v created_by %q, want %v %q", org.Created, org.CreatedBy, tt.created, tt.createdBy)
			}
			lines := strings.Split(strings.TrimSuffix(r.errOut, "\n"), "\n")
			if !strings.HasPrefix(lines[len(lines)-1], tt.last) {
				t.Errorf("last stderr line %q, want %q", lines[len(lines)-1], tt.last)
			}
			if tt.notice != "" && (len(lines) != 2 || !strings.HasPrefix(lines[0], tt.notice)) {
				t.Errorf("stderr %q, want a notice %q then the last line", r.errOut, tt.notice)
			}
		})
	}
}

func TestUnknownOutcomeIsWordedByOperation(t *testing.T) {
	h := newHostile(t, always(actOK))
	org := h.seed("qovery", "acme")
	environ := hostileEnv(t, h)

	r := orgctl(t, environ, "update", "--provider", "qovery", org.ID, "--description", "Acme Corp")
	want := "error: qovery: HTTP 504; the request was sent, so the organization may have been updated: check with `orgctl get " + org.ID + " --provider qovery` before retrying\n"
	if r.code != 6 || r.errOut != want {
		t.Errorf("update: exit %d stderr %q\nwant %q", r.code, r.errOut, want)
	}

	r = orgctl(t, environ, "delete", "--provider", "qovery", org.ID, "--yes")
	want = "error: qovery: HTTP 502; the request was sent, so the organization may have been deleted: check with `orgctl get " + org.ID + " --provider qovery` before retrying\n"
	if r.code != 6 || r.errOut != want {
		t.Errorf("delete: exit %d stderr %q\nwant %q", r.code, r.errOut, want)
	}
	if _, ok, _ := h.exists("qovery", "acme"); ok {
		t.Fatal("the hostile server did not delete")
	}

	h.mu.Lock()
	h.readFail = http.StatusInternalServerError
	h.mu.Unlock()
	for _, args := range [][]string{{"get", "acme"}, {"list"}} {
		r := orgctl(t, environ, append(args, "--provider", "qovery")...)
		if r.code != 6 || r.errOut != "error: qovery: HTTP 500\n" {
			t.Errorf("%s: exit %d stderr %q", args[0], r.code, r.errOut)
		}
	}
}

// TestExactlyOnceInBulk is the proof the design rests on: against a server
// that acts and then fails in every way, 1,000 entries at concurrency 32
// with --skip-existing leave every name existing exactly once, each
// reported with the organization the server holds, and the run exits 0.
func TestExactlyOnceInBulk(t *testing.T) {
	const n = 1000
	// Entry i's first create is answered as modes[i%len(modes)] says; later
	// creates of a name whose first did not act succeed.
	modes := []string{actOK, act500, act502, act504, actReset, act503, "seeded", fail500, actHang}
	mode := func(name string) string {
		var i int
		fmt.Sscanf(name, "t%d", &i)
		return modes[i%len(modes)]
	}
	h := newHostile(t, func(name string, attempt int) string {
		if attempt > 0 {
			return actOK
		}
		return mode(name)
	})
	var manifest strings.Builder
	for i := range n {
		name, provider := fmt.Sprintf("t%04d", i), []string{"qovery", "vertra"}[i%2]
		fmt.Fprintf(&manifest, "- {name: %s, provider: %s}\n", name, provider)
		if mode(name) == "seeded" {
			h.seed(provider, strings.ToUpper(name))
		}
	}
	start := time.Now()
	r := orgctl(t, hostileEnv(t, h), "create", "-f", writeManifest(t, "m.yaml", manifest.String()), "--plan", "TEAM",
		"--concurrency", "32", "--skip-existing", "--timeout", "3s", "-o", "json")
	t.Logf("%d entries in %s", n, time.Since(start).Round(time.Millisecond))
	if r.code != 0 {
		t.Errorf("exit %d\n%s", r.code, tail(r.errOut, 3))
	}

	var wantCreated, wantSkipped int
	seen := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(r.out), "\n") {
		var res struct {
			Name, Provider, Status string
			Organization           *struct {
				ID        string `json:"id"`
				CreatedBy string `json:"created_by"`
			}
			Error *struct {
				ExitCode int `json:"exit_code"`
			}
		}
		if err := json.Unmarshal([]byte(l), &res); err != nil {
			t.Fatalf("not NDJSON: %q", l)
		}
		seen[res.Name] = true
		org, ok, creates := h.exists(res.Provider, res.Name)
		if !ok {
			t.Errorf("%s does not exist", res.Name)
			continue
		}
		m := mode(res.Name)
		switch {
		case m == "seeded":
			wantSkipped++
			// A conflict on a first attempt is skipped without a lookup, as before.
			if res.Status != "skipped" || res.Error == nil || res.Error.ExitCode != 4 || creates != 1 {
				t.Errorf("%s (%s): %s after %d creates: %s", res.Name, m, res.Status, creates, l)
			}
			continue
		case m == actOK || m == fail500:
			wantCreated++
			if res.Status != "created" || res.Organization == nil || res.Organization.CreatedBy != "this_run" {
				t.Errorf("%s (%s): %s", res.Name, m, l)
			}
		default: // acted, then failed: a repeat met the conflict (a loaded machine may time a repeat out too)
			wantCreated++
			if res.Status != "created" || res.Organization == nil || res.Organization.CreatedBy != "earlier_attempt" || creates < 2 || creates > 4 {
				t.Errorf("%s (%s): %s after %d creates: %s", res.Name, m, res.Status, creates, l)
			}
		}
		if res.Organization != nil && res.Organization.ID != org.ID {
			t.Errorf("%s: reported id %s, the server holds %s", res.Name, res.Organization.ID, org.ID)
		}
	}
	if len(seen) != n {
		t.Errorf("%d results for %d entries", len(seen), n)
	}
	h.mu.Lock()
	held := len(h.orgs)
	h.mu.Unlock()
	if held != n {
		t.Errorf("the server holds %d organizations for %d names", held, n)
	}
	summary := fmt.Sprintf("created %d, skipped %d, failed 0 in ", wantCreated, wantSkipped)
	if !strings.Contains(r.errOut, summary) {
		t.Errorf("stderr lacks %q:\n%s", summary, tail(r.errOut, 5))
	}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// TestInterruptBeforeTheRepeatKeepsTheWarning interrupts the wait before a
// repeat: the exit is 130, and the error still says the first attempt may
// have created the organization.
func TestInterruptBeforeTheRepeatKeepsTheWarning(t *testing.T) {
	h := newHostile(t, always(act500))
	cmd := exec.Command(binary, "create", "--provider", "qovery", "--name", "acme", "--plan", "TEAM", "--if-not-exists", "--retries", "10")
	cmd.Env = hostileEnv(t, h)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	if !sc.Scan() || !strings.HasPrefix(sc.Text(), "qovery: acme: HTTP 500; its name is unique, so repeating the create cannot make a second one: retrying in ") {
		t.Fatalf("first stderr line %q", sc.Text())
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	var rest []string
	for sc.Scan() {
		rest = append(rest, sc.Text())
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 130 {
		t.Fatalf("exit = %v, want 130; stderr %q", err, rest)
	}
	want := "error: qovery: HTTP 500: Internal Server Error; the request was sent, so the organization may have been created: check with `orgctl get acme --provider qovery` before retrying; interrupted before repeating the create: context canceled"
	if len(rest) != 1 || rest[0] != want {
		t.Errorf("stderr after the notice %q\nwant %q", rest, want)
	}
	if _, ok, creates := h.exists("qovery", "acme"); !ok || creates != 1 {
		t.Errorf("exists %v after %d creates, want 1", ok, creates)
	}
}

// TestBulkSaysAnUnknownOutcome: without --skip-existing nothing is
// repeated, and each NDJSON line says whether its create may have happened.
func TestBulkSaysAnUnknownOutcome(t *testing.T) {
	h := newHostile(t, func(name string, _ int) string {
		return map[string]string{"t0": act500, "t1": actOK, "t2": actReset}[name]
	})
	h.seed("vertra", "t3")
	manifest := "- {name: t0, provider: qovery}\n- {name: t1, provider: qovery}\n- {name: t2, provider: vertra}\n- {name: t3, provider: vertra}\n"
	r := orgctl(t, hostileEnv(t, h), "create", "-f", writeManifest(t, "m.yaml", manifest), "--plan", "TEAM", "--concurrency", "1", "-o", "json")
	if r.code != 6 || !strings.HasSuffix(r.errOut, "error: 3 of 4 organizations failed\n") {
		t.Errorf("exit %d stderr %q", r.code, r.errOut)
	}
	type errLine struct {
		Name  string
		Error *struct {
			ExitCode         int    `json:"exit_code"`
			Message          string `json:"message"`
			MayHaveSucceeded *bool  `json:"may_have_succeeded"`
		}
	}
	want := map[string]struct {
		code    int
		may     bool
		message string
	}{
		"t0": {6, true, "qovery: HTTP 500: Internal Server Error; the request was sent, so the organization may have been created: check with `orgctl get t0 --provider qovery` before retrying"},
		"t2": {6, true, "vertra: the connection was closed before a complete answer; the request was sent, so the organization may have been created: check with `orgctl get t2 --provider vertra` before retrying"},
		"t3": {4, false, `vertra: HTTP 400 ORGANIZATION_NAME_ALREADY_EXISTS: an organization named "t3" already exists`},
	}
	for _, l := range strings.Split(strings.TrimSpace(r.out), "\n") {
		var got errLine
		if err := json.Unmarshal([]byte(l), &got); err != nil {
			t.Fatalf("not NDJSON: %q", l)
		}
		w, failed := want[got.Name]
		if !failed {
			if got.Error != nil {
				t.Errorf("%s failed: %s", got.Name, l)
			}
			continue
		}
		if got.Error == nil || got.Error.ExitCode != w.code || got.Error.MayHaveSucceeded == nil || *got.Error.MayHaveSucceeded != w.may || got.Error.Message != w.message {
			t.Errorf("%s: %s\nwant exit_code %d, may_have_succeeded %v, message %q", got.Name, l, w.code, w.may, w.message)
		}
	}
	for _, name := range []string{"t0", "t2"} {
		if _, ok, creates := h.exists(map[string]string{"t0": "qovery", "t2": "vertra"}[name], name); !ok || creates != 1 {
			t.Errorf("%s: exists %v after %d creates: nothing is repeated without --skip-existing", name, ok, creates)
		}
	}
}
