package vertra

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/orgctl/orgctl/pkg/api"
	"github.com/orgctl/orgctl/pkg/provider"
	"github.com/orgctl/orgctl/pkg/provider/providertest"
)

func FuzzDecodeCreate(f *testing.F) {
	f.Add(200, []byte(created))
	f.Add(201, []byte(`{"response":{"id":"ws1"}}`))
	f.Add(403, []byte(`{"status":"error","code":"UNAUTHORIZED"}`))
	f.Add(403, []byte(`{"status":"error","code":"PLAN_RESTRICTED_FEATURE","message":"\u0007"}`))
	f.Add(400, []byte(`{"status":"error","code":"ORGANIZATION_NAME_ALREADY_EXISTS"}`))
	f.Add(429, []byte(`{"code":"RATE_LIMIT_EXCEEDED","details":{"retry_after":3}}`))
	f.Add(200, []byte(`{"status":"error"}`))
	f.Add(200, []byte(`{"status":"success","response":{"id":"x","members":[null],"tags":[1]}}`))
	f.Add(502, []byte("<html>\xff</html>"))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		gen := APIOrganizations
		if status%2 == 1 {
			gen = APIWorkspaces // odd statuses exercise the workspaces decoding too
		}
		org, err := decodeOne(&api.Response{Status: status, Body: body}, gen, "acme")
		perr := providertest.CheckDecoded(t, provider.Vertra, org, err)
		if perr == nil {
			if gen == APIOrganizations && (org.Tags == nil || org.Members == nil) {
				t.Fatalf("organization without tags or members lists: %+v", org)
			}
			return
		}
		if perr.Code == CodeNameConflict && perr.Kind != provider.KindConflict {
			t.Fatalf("code %s mapped to kind %v", perr.Code, perr.Kind)
		}
	})
}

func FuzzValidate(f *testing.F) {
	f.Add("acme", "ci,prod")
	f.Add(strings.Repeat("é", 51), "")
	f.Add("a\u2028b", " ")
	f.Fuzz(func(t *testing.T, name, tags string) {
		spec := provider.CreateSpec{Name: name, Tags: strings.Split(tags, ",")}
		if _, err := Validate(&spec); err != nil {
			return
		}
		if n := utf8.RuneCountInString(spec.Name); n == 0 || n > MaxNameLength || strings.TrimSpace(spec.Name) != spec.Name ||
			strings.IndexFunc(spec.Name, unicode.IsControl) >= 0 {
			t.Fatalf("accepted name %q", spec.Name)
		}
		seen := map[string]bool{}
		for _, tag := range spec.Tags {
			if seen[tag] || strings.TrimSpace(tag) == "" {
				t.Fatalf("accepted tags %q", spec.Tags)
			}
			seen[tag] = true
		}
	})
}
