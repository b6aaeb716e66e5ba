package export

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

type org struct {
	ID   string   `json:"id"`
	Name string   `json:"name"`
	Tags []string `json:"tags"`
	Days *int     `json:"days"`
}

func orgs() []org {
	d := 30
	return []org{{ID: "o1", Name: "acme", Tags: []string{"ci", "prod"}, Days: &d}, {ID: "o2", Name: "日本語"}}
}

func run(t *testing.T, jq, tmpl string, v any, env Env) string {
	t.Helper()
	e, err := New(jq, tmpl)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := e.Write(&buf, v, env); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestJQStringsRawOthersJSONOnePerLine(t *testing.T) {
	for expr, want := range map[string]string{
		".[].name":                        "acme\n日本語\n",
		".[0]":                            `{"days":30,"id":"o1","name":"acme","tags":["ci","prod"]}` + "\n",
		".[].tags":                        "[\"ci\",\"prod\"]\nnull\n",
		".[0].days, length":               "30\n2\n",
		"map(.id) | join(\",\")":          "o1,o2\n",
		".[] | select(.name == \"none\")": "",
		"halt":                            "",
	} {
		if got := run(t, expr, "", orgs(), Env{}); got != want {
			t.Errorf("--jq %q =\n%q\nwant\n%q", expr, got, want)
		}
	}
}

func TestJQMistakes(t *testing.T) {
	if _, err := New(".[", ""); err == nil || !strings.HasPrefix(err.Error(), `invalid jq expression ".[": `) {
		t.Errorf("parse error = %v", err)
	}
	if _, err := New("nosuchfunc(1)", ""); err == nil || !strings.Contains(err.Error(), "nosuchfunc") {
		t.Errorf("compile error = %v", err)
	}
	e, _ := New(".name", "")
	err := e.Write(&bytes.Buffer{}, orgs(), Env{})
	if err == nil || !strings.HasPrefix(err.Error(), "--jq: expected an object but got: array (") {
		t.Errorf("run error = %v", err)
	}
}

func TestJQCannotReadTheEnvironment(t *testing.T) {
	t.Setenv("ORGCTL_QOVERY_TOKEN", "qov_secret")
	if got := run(t, "$ENV, env", "", orgs(), Env{}); got != "{}\n{}\n" {
		t.Errorf("the environment leaked: %q", got)
	}
}

func TestTemplate(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct{ tmpl, want string }{
		{`{{range .}}{{.id}} {{.name}}{{"\n"}}{{end}}`, "o1 acme\no2 日本語\n"},
		{`{{range .}}{{tablerow .id .name (join "," .tags)}}{{end}}`, "o1  acme    ci,prod\no2  日本語  \n"},
		{`{{range .}}{{tablerow .name}}{{end}}{{tablerender}}---{{"\n"}}{{tablerow "x" "y"}}`, "acme\n日本語\n---\nx  y\n"},
		{`{{json (index . 0).tags}}`, `["ci","prod"]`},
		{`{{(index . 0).days}} {{pluck "name" . | join ", "}}`, "30 acme, 日本語"},
		{`{{truncate 3 "abcdef"}} {{truncate 10 "abc"}}`, "ab… abc"},
		{`{{timeago "2026-11-25T09:00:00Z"}}, {{timeago "2026-11-25T11:59:30Z"}}, {{timeago "2025-11-20T12:00:00Z"}}`, "3 hours ago, just now, 1 year ago"},
		{`{{timefmt "2006-01-02" "2026-11-25T09:00:00Z"}}`, "2026-11-25"},
		{`{{color "red" "no colour when piped"}}`, "no colour when piped"},
	} {
		if got := run(t, "", tt.tmpl, orgs(), Env{Now: now}); got != tt.want {
			t.Errorf("--template %s =\n%q\nwant\n%q", tt.tmpl, got, tt.want)
		}
	}
	if got := run(t, "", `{{color "green+b" "ok"}}`, nil, Env{Color: true}); got != "\x1b[32;1mok\x1b[0;22m" {
		t.Errorf("color = %q", got)
	}
}

func TestTemplateOnEachJQResult(t *testing.T) {
	if got := run(t, ".[]", `{{.name}}={{.id}}{{"\n"}}`, orgs(), Env{}); got != "acme=o1\n日本語=o2\n" {
		t.Errorf("got %q", got)
	}
}

func TestTemplateMistakes(t *testing.T) {
	if _, err := New("", "{{range .}"); err == nil || !strings.HasPrefix(err.Error(), "invalid template: ") {
		t.Errorf("parse error = %v", err)
	}
	e, _ := New("", `{{timeago .}}`)
	if err := e.Write(&bytes.Buffer{}, "yesterday", Env{}); err == nil || !strings.Contains(err.Error(), `timeago: "yesterday" is not an RFC 3339 time`) {
		t.Errorf("run error = %v", err)
	}
}

func TestOnATerminalServerStringsCannotDriveIt(t *testing.T) {
	hostile := []org{{ID: "o1", Name: "evil\x1b[2J\u202ename", Tags: []string{"\x07"}}}
	for _, tt := range []struct {
		jq, tmpl string
		env      Env
		want     string
	}{
		{".[0].name, .[0].tags[0]", "", Env{Terminal: true}, `evil\x1b[2J\u202ename` + "\n" + `\x07` + "\n"},
		{"", `{{range .}}{{.name}}{{"\n"}}{{end}}`, Env{Terminal: true}, `evil\x1b[2J\u202ename` + "\n"},
		{".[0].name", "", Env{}, "evil\x1b[2J\u202ename\n"}, // piped: the bytes as they are
	} {
		if got := run(t, tt.jq, tt.tmpl, hostile, tt.env); got != tt.want {
			t.Errorf("jq %q template %q terminal %v = %q, want %q", tt.jq, tt.tmpl, tt.env.Terminal, got, tt.want)
		}
	}
}
