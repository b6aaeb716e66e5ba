package sandbox

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

// clock is a settable Options.Now.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestQoveryEdit(t *testing.T) {
	c := &clock{fixedNow()}
	s := New(Options{Now: c.now})
	created := do(t, s, "POST", "/organization", "Token a", `{"name":"Acme","plan":"TEAM_2025","description":"old","website_url":"https://a.io","admin_emails":["a@a.io"]}`)
	other := do(t, s, "POST", "/organization", "Token a", `{"name":"Other","plan":"FREE"}`)
	var org struct{ ID, Owner string }
	_ = json.Unmarshal([]byte(created.body), &org)
	var otherOrg struct{ ID string }
	_ = json.Unmarshal([]byte(other.body), &otherOrg)
	path := "/organization/" + org.ID

	c.t = c.t.Add(time.Hour)
	a := do(t, s, "PUT", path, "Token a", `{"name":"acme-2","plan":"ENTERPRISE_2025","description":"new","admin_emails":["b@a.io"]}`)
	want := `{"id":"ID","created_at":"2025-08-14T19:58:00Z","updated_at":"2025-08-14T20:58:00Z","name":"acme-2","plan":"ENTERPRISE_2025",` +
		`"description":"new","website_url":null,"repository":null,"logo_url":null,"icon_url":null,"admin_emails":["b@a.io"],` +
		`"owner":"OWNER","billing_deployment_restriction":null,"organization_plan":{"plan":"ENTERPRISE_2025","audit_logs_retention_in_days":365}}`
	if got := placeholders(t, a.body, org.ID, org.Owner, uuidV4, uuidV4); a.status != 200 || got != want {
		t.Errorf("PUT: %d\n got %s\nwant %s", a.status, got, want)
	}
	if g := do(t, s, "GET", path, "Token a", ""); g.body != a.body {
		t.Errorf("GET after PUT: %s", g.body)
	}
	if n := do(t, s, "POST", "/organization", "Token a", `{"name":"ACME","plan":"FREE"}`); n.status != 201 {
		t.Errorf("the old name must be free again: %d %s", n.status, n.body)
	}

	tests := []struct {
		name, path, auth, body string
		status                 int
		detail                 string
	}{
		{"no name", path, "Token a", `{"plan":"FREE"}`, 400, "name is required"},
		{"no plan", path, "Token a", `{"name":"x"}`, 400, "plan is required"},
		{"unknown plan", path, "Token a", `{"name":"x","plan":"GOLD"}`, 400, `plan "GOLD" is invalid: must be one of ` + strings.Join(qoveryPlans, ", ")},
		{"name of another, other case", path, "Token a", `{"name":"OTHER","plan":"FREE"}`, 409, `an organization named "OTHER" already exists`},
		{"no such organization", "/organization/" + uuid(), "Token a", `{"name":"x","plan":"FREE"}`, 404, ""},
		{"someone else's", path, "Token b", `{"name":"x","plan":"FREE"}`, 403, "you are not a member of this organization"},
		{"no credentials", path, "", `{"name":"x","plan":"FREE"}`, 401, ""},
		{"not JSON", path, "Token a", `{`, 400, "the request body is truncated JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := do(t, s, "GET", path, "Token a", "").body
			a := do(t, s, "PUT", tt.path, tt.auth, tt.body)
			if a.status != tt.status || (tt.detail != "" && a.body != problem(tt.status, tt.detail)) {
				t.Errorf("answer %d %s", a.status, a.body)
			}
			if after := do(t, s, "GET", path, "Token a", "").body; after != before {
				t.Errorf("a refused PUT changed the organization: %s", after)
			}
		})
	}
	// Renaming to its own name in another case is not a conflict.
	if a := do(t, s, "PUT", "/organization/"+otherOrg.ID, "Token a", `{"name":"other","plan":"FREE"}`); a.status != 200 || !strings.Contains(a.body, `"name":"other"`) {
		t.Errorf("rename in another case: %d %s", a.status, a.body)
	}
	if a := do(t, s, "PATCH", path, "Token a", `{}`); a.status != 405 || a.header.Get("Allow") != "GET, PUT, DELETE" {
		t.Errorf("PATCH: %d %v", a.status, a.header)
	}
}

func TestVertraUpdate(t *testing.T) {
	for _, method := range []string{"PATCH", "PUT"} {
		t.Run(method, func(t *testing.T) {
			c := &clock{fixedNow()}
			s := New(Options{Now: c.now})
			var env struct{ Response vertraOrganization }
			_ = json.Unmarshal([]byte(do(t, s, "POST", "/v1/organizations", "Bearer a", `{"name":"acme","description":"old","tags":["x"]}`).body), &env)
			do(t, s, "POST", "/v1/organizations", "Bearer a", `{"name":"other"}`)
			org := env.Response
			path := "/v1/organizations/" + org.ID

			c.t = c.t.Add(time.Minute)
			a := do(t, s, method, path, "Bearer a", `{"description":"new"}`)
			want := `{"status":"success","response":{"id":"ID","name":"acme","description":"new","tags":["x"],"owner_id":"OWNER",` +
				`"members":[{"user_id":"OWNER","role":"owner","joined_at":"2025-08-14T19:58:00Z"}],` +
				`"created_at":"2025-08-14T19:58:00Z","updated_at":"2025-08-14T19:59:00Z"}}`
			if got := placeholders(t, a.body, org.ID, org.OwnerID, vertraID, snowflakeID); a.status != 200 || got != want {
				t.Errorf("update: %d\n got %s\nwant %s", a.status, got, want)
			}
			a = do(t, s, method, path, "Bearer a", `{"name":"ACME-2","tags":[]}`)
			if a.status != 200 || !strings.Contains(a.body, `"name":"ACME-2","description":"new","tags":[]`) {
				t.Errorf("rename: %d %s", a.status, a.body)
			}
			g := do(t, s, "GET", path, "Bearer a", "")
			if !strings.Contains(g.body, `"name":"ACME-2","description":"new","tags":[],"owner_id":"`+org.OwnerID+`","plan_id":1,"members":[`) ||
				!strings.Contains(g.body, `"applications":[],"databases":[],"created_at"`) {
				t.Errorf("get after update: %s", g.body)
			}

			const taken = `{"status":"error","code":"ORGANIZATION_NAME_ALREADY_EXISTS"}`
			tests := []struct {
				name, path, auth, body string
				status                 int
				want                   string
			}{
				{"name too long", path, "Bearer a", `{"name":"` + strings.Repeat("n", 51) + `"}`, 400, vertraCodeBody("NAME_TOO_LONG", "name is 51 characters long: at most 50", "name")},
				{"description too long", path, "Bearer a", `{"description":"` + strings.Repeat("d", 201) + `"}`, 400, vertraCodeBody("DESCRIPTION_TOO_LONG", "description is 201 characters long: at most 200", "description")},
				{"tag too long", path, "Bearer a", `{"tags":["` + strings.Repeat("é", 21) + `"]}`, 400, vertraCodeBody("TAG_TOO_LONG", `tag \"`+strings.Repeat("é", 21)+`\" is 21 characters long: at most 20`, "tags.0")},
				{"name not a string", path, "Bearer a", `{"name":1}`, 400, vertraCodeBody("NAME_MUST_BE_A_STRING", "name must be a string (found a number)", "name")},
				{"tags not an array", path, "Bearer a", `{"tags":"x"}`, 400, vertraCodeBody("TAGS_MUST_BE_AN_ARRAY", "tags must be an array of strings (found a string)", "tags")},
				{"blank name", path, "Bearer a", `{"name":" "}`, 400, vertraInvalidBody("name must not be blank", "name")},
				{"nothing to change", path, "Bearer a", `{"unknown":1}`, 400, vertraInvalidBody("give at least one of name, description and tags", "")},
				{"name taken, other case", path, "Bearer a", `{"name":"OTHER"}`, 400, taken},
				{"no such organization", "/v1/organizations/org_0000000000000000", "Bearer a", `{"name":"x"}`, 404, `{"status":"error","code":"ORGANIZATION_NOT_FOUND"}`},
				{"someone else's", path, "Bearer b", `{"name":"x"}`, 403, `{"status":"error","code":"NOT_ORGANIZATION_MEMBER"}`},
				{"no credentials", path, "", `{"name":"x"}`, 403, `{"status":"error","code":"UNAUTHORIZED"}`},
			}
			for _, tt := range tests {
				before := do(t, s, "GET", path, "Bearer a", "").body
				if a := do(t, s, method, tt.path, tt.auth, tt.body); a.status != tt.status || a.body != tt.want {
					t.Errorf("%s: %d %s\nwant %d %s", tt.name, a.status, a.body, tt.status, tt.want)
				}
				if after := do(t, s, "GET", path, "Bearer a", "").body; after != before {
					t.Errorf("%s: a refused update changed the organization: %s", tt.name, after)
				}
			}
		})
	}
}

func TestVertraLists(t *testing.T) {
	s := New(Options{Now: fixedNow})
	do(t, s, "POST", "/v1/organizations", "Bearer a", `{"name":"acme"}`)
	do(t, s, "POST", "/v1/organizations", "Bearer b", `{"name":"theirs"}`)
	owner := snowflake("a")
	for _, path := range []string{"/v1/organizations/all/@me", "/v1/organizations/all/" + owner} {
		a := do(t, s, "GET", path, "Bearer a", "")
		var env struct {
			Status   string
			Response []map[string]any
		}
		if err := json.Unmarshal([]byte(a.body), &env); err != nil || a.status != 200 || env.Status != "success" || len(env.Response) != 1 {
			t.Fatalf("%s: %d %s", path, a.status, a.body)
		}
		o := env.Response[0]
		if o["name"] != "acme" || o["plan_id"] != float64(1) || o["applications"] == nil || o["databases"] == nil {
			t.Errorf("%s: item %v lacks getall.mdx's fields", path, o)
		}
	}
	if a := do(t, s, "GET", "/v1/organizations/all/123", "Bearer a", ""); a.status != 404 || a.body != `{"status":"error","code":"USER_NOT_FOUND"}` {
		t.Errorf("another user's list: %d %s", a.status, a.body)
	}
	// The path getall.mdx replaced (57957c2 → 9b9caf7) is gone.
	if a := do(t, s, "GET", "/v1/users/@me/organizations", "Bearer a", ""); a.status != 404 || !strings.Contains(a.body, `"code":"NOT_FOUND"`) {
		t.Errorf("the old list path: %d %s", a.status, a.body)
	}
}

func TestWorkspaceFullView(t *testing.T) {
	s := New(Options{VertraAPI: "workspaces", Now: fixedNow})
	a := do(t, s, "POST", "/v1/workspaces", "Bearer a", `{"name":"Acme"}`)
	var env struct{ Response map[string]json.RawMessage }
	if err := json.Unmarshal([]byte(a.body), &env); err != nil || a.status != 201 {
		t.Fatalf("create: %d %s", a.status, a.body)
	}
	var ws struct {
		ID          string `json:"id"`
		Owner       string `json:"owner_id"`
		Frozen      *bool
		IsOwner     bool `json:"is_owner"`
		OwnerPlanID int  `json:"owner_plan_id"`
		Permissions []string
		Members     []struct {
			UserID   string `json:"user_id"`
			RoleID   string `json:"role_id"`
			RoleName string `json:"role_name"`
		}
		Roles []struct {
			ID, Name     string
			WorkspaceID  string `json:"workspace_id"`
			Preset       string
			Permissions  []string
			MembersCount int `json:"members_count"`
		}
		ResourceOrganization struct {
			Scope       string
			UserID      string `json:"user_id"`
			WorkspaceID string `json:"workspace_id"`
		} `json:"resource_organization"`
	}
	raw, _ := json.Marshal(env.Response)
	if err := json.Unmarshal(raw, &ws); err != nil {
		t.Fatal(err)
	}
	owner := snowflake("a")
	if ws.Owner != owner || ws.Frozen == nil || *ws.Frozen || !ws.IsOwner || ws.OwnerPlanID != 5 || len(ws.Permissions) != 18 {
		t.Errorf("workspace: %s", raw)
	}
	for _, k := range []string{"applications", "databases"} {
		if string(env.Response[k]) != "[]" {
			t.Errorf("%s = %s, want []", k, env.Response[k])
		}
	}
	var names []string
	for _, r := range ws.Roles {
		names = append(names, r.Name+"/"+r.Preset)
		if r.WorkspaceID != ws.ID || !uuidV4.MatchString(r.ID) {
			t.Errorf("role %+v", r)
		}
	}
	if !slices.Equal(names, []string{"Admin/admin", "Developer/developer", "Operator/operator", "Viewer/viewer"}) ||
		slices.Contains(ws.Roles[0].Permissions, "snapshots:manage") || len(ws.Roles[0].Permissions) != 17 || len(ws.Roles[3].Permissions) != 5 {
		t.Errorf("seed roles: %+v", ws.Roles)
	}
	if len(ws.Members) != 1 || ws.Members[0].UserID != owner || ws.Members[0].RoleID != ws.Roles[0].ID || ws.Roles[0].MembersCount != 1 {
		t.Errorf("the owner must be the one member: %+v", ws.Members)
	}
	if ro := ws.ResourceOrganization; ro.Scope != "workspace" || ro.UserID != owner || ro.WorkspaceID != ws.ID {
		t.Errorf("resource_organization %+v", ro)
	}
	if g := do(t, s, "GET", "/v1/workspaces/"+ws.ID, "Bearer a", ""); g.body != a.body {
		t.Errorf("get answers another view than create:\n%s\n%s", g.body, a.body)
	}
	l := do(t, s, "GET", "/v1/workspaces", "Bearer a", "")
	want := `{"response":[{"id":"` + ws.ID + `","name":"Acme","description":null,"owner_id":"` + owner + `","owner":{"display_name":"sandbox user ` + owner[:6] +
		`"},"members_count":1,"deleted_at":null,"frozen":false,"created_at":"2025-08-14T19:58:00Z","updated_at":"2025-08-14T19:58:00Z"}]}`
	if l.body != want {
		t.Errorf("list\n got %s\nwant %s", l.body, want)
	}
}

func TestWorkspaceUpdate(t *testing.T) {
	c := &clock{fixedNow()}
	s := New(Options{VertraAPI: "workspaces", Now: c.now})
	var env struct{ Response struct{ ID string } }
	_ = json.Unmarshal([]byte(do(t, s, "POST", "/v1/workspaces", "Bearer a", `{"name":"Acme","description":"old"}`).body), &env)
	do(t, s, "POST", "/v1/workspaces", "Bearer a", `{"name":"Other"}`)
	path := "/v1/workspaces/" + env.Response.ID

	c.t = c.t.Add(time.Second)
	a := do(t, s, "PUT", path, "Bearer a", `{"name":"acme-2"}`)
	if a.status != 200 || !strings.Contains(a.body, `"name":"acme-2","description":"old"`) || !strings.Contains(a.body, `"updated_at":"2025-08-14T19:58:01Z","members":[`) {
		t.Errorf("update: %d %s", a.status, a.body)
	}
	if g := do(t, s, "GET", path, "Bearer a", ""); g.body != a.body {
		t.Errorf("get after update: %s", g.body)
	}
	tests := []struct {
		name, auth, body string
		status           int
		want             string
	}{
		{"nothing", "Bearer a", `{}`, 400, `{"code":"VALIDATION_ERROR","message":"give at least one of name and description"}`},
		{"name too long", "Bearer a", `{"name":"` + strings.Repeat("n", 51) + `"}`, 400, `{"code":"VALIDATION_ERROR","message":"name must be 1-50 characters","details":{"path":"name"}}`},
		{"description too long", "Bearer a", `{"description":"` + strings.Repeat("d", 201) + `"}`, 400, `{"code":"VALIDATION_ERROR","message":"description must be at most 200 characters","details":{"path":"description"}}`},
		{"name taken", "Bearer a", `{"name":"OTHER"}`, 409, `{"code":"WORKSPACE_NAME_ALREADY_EXISTS","message":"another active workspace of yours already has this name"}`},
		{"someone else's", "Bearer b", `{"name":"x"}`, 404, `{"code":"WORKSPACE_NOT_FOUND","message":"workspace doesn't exist or is already deleted"}`},
	}
	for _, tt := range tests {
		if a := do(t, s, "PUT", path, tt.auth, tt.body); a.status != tt.status || a.body != tt.want {
			t.Errorf("%s: %d %s", tt.name, a.status, a.body)
		}
	}
	if a := do(t, s, "PATCH", path, "Bearer a", `{}`); a.status != 405 || a.header.Get("Allow") != "GET, PUT, DELETE" {
		t.Errorf("PATCH: %d %v", a.status, a.header)
	}
}
