package qovery

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/orgctl/orgctl/pkg/api"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/provider/providertest"
)

func FuzzDecodeCreate(f *testing.F) {
	f.Add(201, []byte(created))
	f.Add(409, []byte(`{"type":"about:blank","title":"Conflict","status":409,"detail":"taken"}`))
	f.Add(400, []byte(`{"detail":"\u001b[2J"}`))
	f.Add(502, []byte("<html>\xff\xfe</html>"))
	f.Add(201, []byte(``))
	f.Add(200, []byte(`{"id":"x","organization_plan":null,"admin_emails":[null]}`))
	f.Add(302, []byte(`{}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		org, err := decodeCreate(&api.Response{Status: status, Body: body}, "acme")
		providertest.CheckDecoded(t, provider.Qovery, org, err)
	})
}

func FuzzValidate(f *testing.F) {
	f.Add("acme", "team_2025", "ops@acme.io", "https://acme.io")
	f.Add(" a", "FREE", "Ops <o@a.io>", "ftp://x")
	f.Add("\x00", "", "", "http://")
	f.Fuzz(func(t *testing.T, name, plan, email, url string) {
		spec := provider.CreateSpec{Name: name, Plan: plan, AdminEmails: []string{email, email}, WebsiteURL: url}
		if _, err := Validate(&spec); err != nil {
			return
		}
		if strings.TrimSpace(spec.Name) == "" || strings.IndexFunc(spec.Name, unicode.IsControl) >= 0 || !utf8.ValidString(spec.Name) {
			t.Fatalf("accepted name %q", spec.Name)
		}
		if !slices.Contains(Plans, spec.Plan) {
			t.Fatalf("accepted plan %q", spec.Plan)
		}
		if len(spec.AdminEmails) != 1 {
			t.Fatalf("repeated e-mail not dropped: %q", spec.AdminEmails)
		}
	})
}
