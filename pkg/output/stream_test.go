package output

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/iostreams"
	"github.com/orgctl/orgctl/pkg/provider"
)

// A list written one element at a time is byte for byte the document Write
// gives the whole list.
func TestListWriterWritesWhatWriteWrites(t *testing.T) {
	v := *qoveryOrg()
	w := v
	w.Provider, w.Name, w.Description = "vertra", "<b>&co</b>", ptr("line\nbreak")
	w.Members = []provider.Member{{UserID: "u1", Role: "owner", JoinedAt: "x"}}
	for _, f := range []Format{JSON, YAML} {
		for _, orgs := range [][]provider.Organization{{}, {v}, {v, w, v}} {
			var whole, streamed bytes.Buffer
			if err := Write(&whole, f, orgs); err != nil {
				t.Fatal(err)
			}
			l := NewListWriter(&streamed, f)
			for i := range orgs {
				if err := l.Add(&orgs[i]); err != nil {
					t.Fatal(err)
				}
			}
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			if whole.String() != streamed.String() {
				t.Errorf("%s of %d:\nstreamed:\n%s\nwhole:\n%s", f, len(orgs), streamed.String(), whole.String())
			}
		}
	}
}

// A streamed table measures its first page, draws it, then draws each row
// as it comes in the same columns.
func TestOrganizationsTableStreamsAfterItsFirstPage(t *testing.T) {
	var out bytes.Buffer
	table := NewOrganizationsTable(View{Out: &out, Colors: iostreams.Palette(false)}, "qovery")
	org := *qoveryOrg()
	for i := range tablePage - 1 {
		org.Name = fmt.Sprintf("org-%d", i)
		if err := table.Add(&org); err != nil {
			t.Fatal(err)
		}
	}
	if out.Len() != 0 {
		t.Fatalf("drew before the first page was measured: %q", out.String()[:80])
	}
	org.Name = "last-of-the-first-page"
	_ = table.Add(&org)
	lines := strings.Split(out.String(), "\n")
	if len(lines) != tablePage+2 || !strings.HasPrefix(lines[0], "ID        NAME                    PROVIDER") {
		t.Fatalf("first page: %d lines, header %q", len(lines), lines[0])
	}
	org.Name = "after"
	_ = table.Add(&org)
	if err := table.Close(); err != nil {
		t.Fatal(err)
	}
	last := strings.Split(strings.TrimSpace(out.String()), "\n")[tablePage+1]
	if want := "3c90c3cc  after                   qovery    TEAM_2025  2023-11-07T05:31:56Z"; last != want {
		t.Errorf("streamed row %q, want %q", last, want)
	}
}

func TestOrganizationsTableOfAShortList(t *testing.T) {
	var out bytes.Buffer
	table := NewOrganizationsTable(View{Out: &out, Colors: iostreams.Palette(false), Wide: true}, "vertra")
	org := *qoveryOrg()
	org.Provider, org.Tags, org.AdminEmails = "vertra", []string{"ci"}, nil
	_ = table.Add(&org)
	if err := table.Close(); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(out.String(), "\n"); len(lines) != 3 || !strings.Contains(lines[0], "TAGS") || !strings.Contains(lines[1], "acme") {
		t.Errorf("table:\n%s", out.String())
	}
}

// A document whose last member is a streamed list is byte for byte the
// document Write gives it whole.
func TestDocumentWritesWhatWriteWrites(t *testing.T) {
	type summary struct {
		Count int    `json:"count"`
		Note  string `json:"note"`
	}
	type doc struct {
		Summary summary `json:"summary"`
		Items   []any   `json:"items"`
	}
	items := []any{map[string]any{"a": 1, "b": []string{"x"}}, map[string]any{"a": nil, "b": "multi\nline"}, "plain"}
	for _, f := range []Format{JSON, YAML} {
		for _, list := range [][]any{{}, items[:1], items} {
			var whole, streamed bytes.Buffer
			if err := Write(&whole, f, doc{summary{len(list), "n<>&"}, list}); err != nil {
				t.Fatal(err)
			}
			err := Document(&streamed, f, struct {
				Summary summary `json:"summary"`
			}{summary{len(list), "n<>&"}}, "items", func(add func(any) error) error {
				for _, v := range list {
					if err := add(v); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if whole.String() != streamed.String() {
				t.Errorf("%s of %d:\nstreamed:\n%s\nwhole:\n%s", f, len(list), streamed.String(), whole.String())
			}
		}
	}
}
