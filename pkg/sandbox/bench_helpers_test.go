package sandbox

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// fillState writes a state file holding n Qovery organizations.
func fillState(b *testing.B, path string, n int) {
	b.Helper()
	orgs := make([]Organization, 0, n)
	now := time.Now().UTC().Format(time.RFC3339)
	for i := range n {
		org := qoveryOrganization{ID: uuid(), CreatedAt: now, UpdatedAt: now, Name: fmt.Sprintf("bench-%07d", i), Plan: "FREE",
			AdminEmails: []string{}, Owner: ownerUUID("x"), OrganizationPlan: qoveryPlan{Plan: "FREE", AuditLogsRetentionInDays: 7}}
		orgs = append(orgs, Organization{Provider: providerQovery, ID: org.ID, Name: org.Name, Owner: org.Owner, Raw: marshal(org)})
	}
	if _, err := writeState(path, orgs); err != nil {
		b.Fatal(err)
	}
}

func benchPost(b *testing.B, url, path, body string) int {
	req, _ := http.NewRequest("POST", url+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Token x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
