package output

import (
	"bytes"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/iostreams"
	"github.com/orgctl/orgctl/pkg/provider"
)

func ptr[T any](v T) *T { return &v }

func qoveryOrg() *provider.Organization {
	return &provider.Organization{
		Provider: "qovery", ID: "3c90c3cc", Name: "acme", Description: ptr("Acme"), Plan: ptr("TEAM_2025"),
		Owner: "owner-1", AdminEmails: []string{"ops@acme.io"}, BillingDeploymentRestriction: ptr("NO_CREDIT_CARD"),
		AuditLogsRetentionInDays: ptr(30), CreatedAt: "2023-11-07T05:31:56Z", UpdatedAt: "2023-11-07T05:31:57Z",
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"": Table, "table": Table, "Wide": Wide, "JSON": JSON, " yaml ": YAML} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil || err.Error() != `unknown output format "xml": use one of table, wide, json, yaml` {
		t.Errorf("err = %v", err)
	}
}

func TestJSONHasEveryKeyInOrder(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, JSON, qoveryOrg()); err != nil {
		t.Fatal(err)
	}
	want := `{
  "provider": "qovery",
  "id": "3c90c3cc",
  "name": "acme",
  "description": "Acme",
  "plan": "TEAM_2025",
  "tags": null,
  "owner": "owner-1",
  "owner_plan_id": null,
  "members": null,
  "roles": null,
  "is_owner": null,
  "frozen": null,
  "applications": null,
  "databases": null,
  "website_url": null,
  "repository": null,
  "logo_url": null,
  "icon_url": null,
  "admin_emails": [
    "ops@acme.io"
  ],
  "billing_deployment_restriction": "NO_CREDIT_CARD",
  "audit_logs_retention_in_days": 30,
  "created_at": "2023-11-07T05:31:56Z",
  "updated_at": "2023-11-07T05:31:57Z"
}
`
	if buf.String() != want {
		t.Errorf("json =\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestYAMLMatchesJSONSchema(t *testing.T) {
	var buf bytes.Buffer
	org := &provider.Organization{Provider: "vertra", ID: "org1", Name: "a: b", Tags: []string{"ci"},
		Members: []provider.Member{{UserID: "1", Role: "owner", JoinedAt: "2025-08-14T19:58:00Z"}}}
	if err := Write(&buf, YAML, org); err != nil {
		t.Fatal(err)
	}
	want := `provider: vertra
id: org1
name: 'a: b'
description: null
plan: null
tags:
  - ci
owner: ""
owner_plan_id: null
members:
  - user_id: "1"
    role: owner
    display_name: null
    email: null
    joined_at: "2025-08-14T19:58:00Z"
    expires_at: null
roles: null
is_owner: null
frozen: null
applications: null
databases: null
website_url: null
repository: null
logo_url: null
icon_url: null
admin_emails: null
billing_deployment_restriction: null
audit_logs_retention_in_days: null
created_at: ""
updated_at: ""
`
	if buf.String() != want {
		t.Errorf("yaml =\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestTable(t *testing.T) {
	var buf bytes.Buffer
	if err := OrganizationTable(View{Out: &buf, Colors: iostreams.Palette(false)}, qoveryOrg()); err != nil {
		t.Fatal(err)
	}
	want := `ID:            3c90c3cc
Name:          acme
Provider:      qovery
Plan:          TEAM_2025
Description:   Acme
Owner:         owner-1
Admin emails:  ops@acme.io
Billing:       NO_CREDIT_CARD
Audit logs:    30 days
Created:       2023-11-07T05:31:56Z
Updated:       2023-11-07T05:31:57Z
`
	if buf.String() != want {
		t.Errorf("table =\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestTableShowsAWorkspacesMembersAndRoles(t *testing.T) {
	var buf bytes.Buffer
	org := &provider.Organization{Provider: "vertra", ID: "ws1", Name: "acme", Owner: "42", OwnerPlanID: ptr(5),
		Members: []provider.Member{{UserID: "42", Role: "Admin", DisplayName: ptr("Alice"), Email: ptr("alice@acme.io")}, {UserID: "7", Role: "Viewer"}},
		Roles:   []provider.Role{{Name: "Admin", Permissions: []string{"apps:read", "apps:manage"}}, {Name: "Viewer", Permissions: []string{"apps:read"}}},
		IsOwner: ptr(true), Frozen: ptr(true), Applications: []provider.Resource{{ID: "a1"}}, Databases: []provider.Resource{},
		CreatedAt: "2026-09-01T12:00:00Z",
	}
	if err := OrganizationTable(View{Out: &buf, Colors: iostreams.Palette(false)}, org); err != nil {
		t.Fatal(err)
	}
	want := `ID:            ws1
Name:          acme
Provider:      vertra
Owner:         42
Owner plan:    5
Members:       Alice <alice@acme.io> (Admin), 7 (Viewer)
Roles:         Admin (2 permissions), Viewer (1 permissions)
Yours:         yes
Frozen:        yes: the owner's plan lapsed, writes are refused
Applications:  1
Databases:     0
Created:       2026-09-01T12:00:00Z
`
	if buf.String() != want {
		t.Errorf("table =\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestTableColourAndHostileText(t *testing.T) {
	var buf bytes.Buffer
	org := qoveryOrg()
	org.Name = "evil\x1b[2Jname"
	if err := OrganizationTable(View{Out: &buf, Colors: iostreams.Palette(true)}, org); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "\x1b[2J") {
		t.Errorf("a control sequence from the API reached the terminal: %q", out)
	}
	if !strings.Contains(out, "\x1b[1mID:\x1b[22m") || !strings.Contains(out, "\x1b[31mNO_CREDIT_CARD\x1b[0m") {
		t.Errorf("expected bold keys and a red billing restriction: %q", out)
	}
}
