package configcmd_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/cmd/root"
	"github.com/orgctl/orgctl/pkg/internal/testenv"
	"github.com/orgctl/orgctl/pkg/iostreams"
	"github.com/orgctl/orgctl/pkg/keyring"
)

const token = "qov_0123456789_secret"

func run(t *testing.T, args ...string) (code int, out, errOut string) {
	t.Helper()
	ios, _, o, e := iostreams.Test()
	code = root.Run(context.Background(), ios, args)
	if strings.Contains(o.String()+e.String(), token) {
		t.Fatalf("a token leaked:\n%s%s", o, e)
	}
	return code, o.String(), e.String()
}

func TestSetGetUnsetListPath(t *testing.T) {
	path := testenv.Isolate(t)
	if code, out, _ := run(t, "config", "path"); code != 0 || out != path+"\n" {
		t.Errorf("path: %d %q", code, out)
	}
	for _, kv := range [][2]string{{"provider", "VertraCloud"}, {"output", "JSON"}, {"qovery.plan", "team_2025"},
		{"vertra.url", "http://127.0.0.1:8080"}, {"vertra.api", "Workspaces"}} {
		if code, _, errOut := run(t, "config", "set", kv[0], kv[1]); code != 0 {
			t.Fatalf("set %s: %d %q", kv[0], code, errOut)
		}
	}
	code, _, errOut := run(t, "config", "set", "qovery.token", token)
	if code != 0 || !strings.Contains(errOut, "prefer orgctl auth login") {
		t.Errorf("set token: %d %q", code, errOut)
	}
	data, _ := os.ReadFile(path)
	want := "provider: vertra\noutput: json\nqovery:\n  plan: TEAM_2025\n  token: " + token + "\nvertra:\n  url: http://127.0.0.1:8080\n  api: workspaces\n"
	if string(data) != want {
		t.Errorf("file:\n%s\nwant\n%s", data, want)
	}
	for key, want := range map[string]string{"provider": "vertra\n", "qovery.token": "qov_…cret\n", "vertra.token": "\n"} {
		if code, out, _ := run(t, "config", "get", key); code != 0 || out != want {
			t.Errorf("get %s: %d %q", key, code, out)
		}
	}
	code, out, _ := run(t, "config", "list", "-o", "table")
	if code != 0 {
		t.Errorf("list: exit %d", code)
	}
	for _, want := range []string{"KEY ", "qovery.token  qov_…cret", "output        table                  flag --output", "vertra.token  -                      default", "config file " + path} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	if code, _, _ := run(t, "config", "unset", "qovery.token"); code != 0 {
		t.Error("unset")
	}
	if code, _, errOut := run(t, "config", "unset", "qovery.token"); code != 0 || !strings.Contains(errOut, "qovery.token is not set in") {
		t.Errorf("second unset: %d %q", code, errOut)
	}
	code, out, _ = run(t, "config", "list")
	if code != 0 || !strings.HasPrefix(out, "[\n  {\n    \"key\": \"provider\",\n    \"value\": \"vertra\",\n    \"source\": \"config file "+path) {
		t.Errorf("list as JSON (output: json in the file): %d\n%s", code, out)
	}
}

func TestInvalidKeysAndValues(t *testing.T) {
	testenv.Isolate(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"set", "colour", "red"}, `error: unknown key "colour": valid keys are provider, output, qovery.token, qovery.url, qovery.plan, vertra.token, vertra.url, vertra.api, auth.storage`},
		{[]string{"get", "qovery"}, `error: unknown key "qovery"`},
		{[]string{"set", "provider", "aws"}, `error: unknown provider "aws": valid values are qovery, vertra, vertracloud`},
		{[]string{"set", "output", "xml"}, `error: unknown output format "xml": use one of table, wide, json, yaml`},
		{[]string{"set", "qovery.plan", "gold"}, `error: qovery.plan "gold" is not a Qovery plan: use one of FREE,`},
		{[]string{"set", "qovery.url", "api.qovery.com"}, `error: invalid qovery.url "api.qovery.com": an absolute https:// URL, e.g. https://api.qovery.com`},
		{[]string{"set", "vertra.url", "http://example.com"}, `error: API URL "http://example.com" uses plain http: only https is allowed, except on loopback`},
		{[]string{"set", "vertra.api", "v2"}, `error: invalid vertra.api "v2": use one of auto, organizations, workspaces`},
		{[]string{"set", "auth.storage", "keyrng"}, `error: invalid auth.storage "keyrng": use one of auto, keyring, file`},
		{[]string{"set", "vertra.token", "a b"}, `error: invalid vertra.token: the token contains white space (at byte 1)`},
		{[]string{"set", "vertra.token", "vtk_abc\x1b[2J"}, `error: invalid vertra.token: the token contains an escape character (at byte 7)`},
		{[]string{"set", "qovery.token", "qov_abc\r\nX: y"}, `error: invalid qovery.token: the token contains a carriage return (at byte 7)`},
		{[]string{"set", "qovery.token", ""}, `error: invalid qovery.token: the token is empty`},
		{[]string{"set", "provider"}, `error: config set needs a key and a value (got 1 arguments)`},
	} {
		code, _, errOut := run(t, append([]string{"config"}, tt.args...)...)
		if code != 2 || !strings.HasPrefix(errOut, tt.want) {
			t.Errorf("%v: %d %q", tt.args, code, errOut)
		}
	}
}

func TestProfiles(t *testing.T) {
	path := testenv.Isolate(t)
	run(t, "config", "set", "provider", "qovery")
	run(t, "config", "set", "qovery.url", "https://staging.example", "--profile", "staging")
	t.Setenv("ORGCTL_PROFILE", "staging")
	if code, out, _ := run(t, "config", "get", "qovery.url"); code != 0 || out != "https://staging.example\n" {
		t.Errorf("get in profile: %d %q", code, out)
	}
	code, out, _ := run(t, "config", "list", "-o", "yaml")
	if code != 0 || !strings.Contains(out, "- key: qovery.url\n  value: https://staging.example\n  source: profile staging ("+path+")\n") ||
		!strings.Contains(out, "- key: provider\n  value: qovery\n  source: config file "+path+"\n") {
		t.Errorf("list:\n%s", out)
	}
	code, _, errOut := run(t, "config", "list", "--profile", "prod")
	if code != 2 || errOut != `error: unknown profile "prod": `+path+" has staging\n" {
		t.Errorf("unknown profile: %d %q", code, errOut)
	}
}

func TestUseProfileAndCurrentProfile(t *testing.T) {
	path := testenv.Isolate(t)
	if code, out, errOut := run(t, "config", "current-profile"); code != 0 || out != "" || errOut != "No profile selected: orgctl uses the top level of the config file.\n" {
		t.Errorf("none: %d %q %q", code, out, errOut)
	}
	code, _, errOut := run(t, "config", "use-profile", "staging")
	if code != 2 || errOut != `error: unknown profile "staging": `+path+` (not created yet) has no profiles; create it with orgctl config set KEY VALUE --profile staging`+"\n" {
		t.Errorf("missing profile: %d %q", code, errOut)
	}
	run(t, "config", "set", "provider", "qovery")
	run(t, "config", "set", "provider", "vertra", "--profile", "Staging")
	if code, _, errOut := run(t, "config", "use-profile", "STAGING"); code != 0 || errOut != "✓ Using profile staging (current_profile in "+path+").\n" {
		t.Fatalf("use-profile: %d %q", code, errOut)
	}
	if data, _ := os.ReadFile(path); !strings.HasSuffix(string(data), "current_profile: staging\n") {
		t.Errorf("file:\n%s", data)
	}
	// Honoured by every command when --profile and ORGCTL_PROFILE are absent.
	if code, out, _ := run(t, "config", "get", "provider"); code != 0 || out != "vertra\n" {
		t.Errorf("get: %d %q", code, out)
	}
	if code, out, _ := run(t, "config", "current-profile", "-o", "json"); code != 0 || out != "{\n  \"profile\": \"staging\",\n  \"source\": \"current_profile in "+path+"\"\n}\n" {
		t.Errorf("current-profile json: %d %q", code, out)
	}
	// config set now writes into the current profile.
	run(t, "config", "set", "output", "yaml")
	if code, out, _ := run(t, "config", "get", "output", "-o", "json"); code != 0 ||
		out != "{\n  \"key\": \"output\",\n  \"value\": \"json\",\n  \"source\": \"flag --output\"\n}\n" {
		t.Errorf("get -o json: %d %q", code, out)
	}
	if code, out, _ := run(t, "config", "get", "output"); code != 0 || out != "yaml\n" {
		t.Errorf("get: output yaml in the file must not change get's plain value: %d %q", code, out)
	}
	// Flag and environment win over current_profile.
	if code, out, _ := run(t, "config", "get", "provider", "--profile", "default-is-not-a-profile"); code != 2 || out != "" {
		t.Errorf("--profile wins: %d %q", code, out)
	}
	t.Setenv("ORGCTL_PROFILE", "nope")
	if code, _, errOut := run(t, "config", "current-profile"); code != 2 || !strings.HasPrefix(errOut, `error: unknown profile "nope": `) {
		t.Errorf("env wins: %d %q", code, errOut)
	}
	t.Setenv("ORGCTL_PROFILE", "")
	if code, _, errOut := run(t, "config", "use-profile", "--clear"); code != 0 || errOut != "✓ No current profile: the top level of "+path+" is used.\n" {
		t.Errorf("--clear: %d %q", code, errOut)
	}
	if code, out, _ := run(t, "config", "get", "provider"); code != 0 || out != "qovery\n" {
		t.Errorf("after --clear: %d %q", code, out)
	}
	// A current_profile naming a profile that is gone says where it came from.
	os.WriteFile(path, []byte("current_profile: gone\nprofiles:\n  a: {}\n"), 0o600)
	if code, _, errOut := run(t, "config", "list"); code != 2 || errOut != `error: unknown profile "gone" (current_profile; change it with orgctl config use-profile): `+path+" has a\n" {
		t.Errorf("stale current_profile: %d %q", code, errOut)
	}
}

func TestListSourceAndWarnings(t *testing.T) {
	path := testenv.Isolate(t)
	t.Setenv("ORGCTL_AUTH_STORAGE", "") // Isolate's, not under test here
	os.MkdirAll(strings.TrimSuffix(path, "/config.yaml"), 0o700)
	os.WriteFile(path, []byte("Qovery:\n  Plan: TEAM\n  tokn: x\n"), 0o600)
	code, out, errOut := run(t, "config", "list", "--jq", `.[] | select(.source != "default") | .key + "=" + .source`)
	if code != 0 || out != "qovery.plan=config file "+path+"\n" {
		t.Errorf("list: %d %q", code, out)
	}
	if errOut != "warning: unknown key qovery.tokn in "+path+": did you mean qovery.token?\n" {
		t.Errorf("stderr %q", errOut)
	}
}

// TestKeyringTokenInListGetAndSet: a token auth login put in the keyring is
// listed masked with source keyring, and a token set in the file under it
// is said to lose.
func TestKeyringTokenInListGetAndSet(t *testing.T) {
	testenv.Isolate(t)
	kr := testenv.Keyring(t)
	if err := kr.Set(keyring.Service, "qovery", token); err != nil {
		t.Fatal(err)
	}
	code, out, _ := run(t, "config", "list", "--jq", `.[] | select(.key == "qovery.token") | .value + " " + .source`)
	if code != 0 || out != "qov_…cret keyring\n" {
		t.Errorf("list: %d %q", code, out)
	}
	if code, out, _ := run(t, "config", "get", "qovery.token"); code != 0 || out != "qov_…cret\n" {
		t.Errorf("get: %d %q", code, out)
	}
	code, _, errOut := run(t, "config", "set", "qovery.token", "qov_other_token_9999")
	if code != 0 || !strings.Contains(errOut, "warning: the token in the keyring (keyring) wins over the file's: orgctl auth logout removes it") {
		t.Errorf("set: %d %q", code, errOut)
	}
}
