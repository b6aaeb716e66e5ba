package sandbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// eachStore runs a test on both stores. reopen closes and opens the store
// again: a restart, for the file store.
func eachStore(t *testing.T, test func(t *testing.T, st orgStore, reopen func() orgStore)) {
	t.Run("memory", func(t *testing.T) {
		st := newMemStore(nil)
		test(t, st, func() orgStore { return st })
	})
	t.Run("file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "sandbox.json")
		st := openTestStore(t, path)
		test(t, st, func() orgStore {
			if err := st.close(); err != nil {
				t.Fatal(err)
			}
			st = openTestStore(t, path)
			return st
		})
		t.Cleanup(func() { st.close() })
	})
}

func openTestStore(t *testing.T, path string) *fileStore {
	t.Helper()
	st, err := openFileStore(path)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func org(provider, id, name, owner string) Organization {
	return Organization{Provider: provider, ID: id, Name: name, Owner: owner, Raw: marshal(map[string]string{"id": id, "name": name})}
}

// listed is the store's organizations in order, as "provider:id:name".
func listed(t *testing.T, st orgStore) string {
	t.Helper()
	orgs, err := allOrgs(st)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, o := range orgs {
		out = append(out, o.Provider+":"+o.ID+":"+o.Name)
	}
	return strings.Join(out, " ")
}

func mustInsert(t *testing.T, st orgStore, o Organization, want bool) {
	t.Helper()
	if ok, err := st.insert(o); err != nil || ok != want {
		t.Fatalf("insert %s %s: %v %v, want %v", o.Provider, o.Name, ok, err, want)
	}
}

func TestStoreNamesAreUniqueCaseInsensitively(t *testing.T) {
	eachStore(t, func(t *testing.T, st orgStore, reopen func() orgStore) {
		mustInsert(t, st, org(providerQovery, "q1", "Acme", "u1"), true)
		mustInsert(t, st, org(providerQovery, "q2", "ACME", "u2"), false) // per provider, whoever owns it
		mustInsert(t, st, org(providerVertra, "v1", "acme", "u1"), true)  // another provider
		mustInsert(t, st, org(providerWorkspace, "w1", "acme", "u1"), true)
		mustInsert(t, st, org(providerWorkspace, "w2", "ACME", "u2"), true) // workspaces: per owner
		mustInsert(t, st, org(providerWorkspace, "w3", "Acme", "u1"), false)
		st = reopen()
		mustInsert(t, st, org(providerVertra, "v2", "ACME", "u9"), false)
		if got, want := listed(t, st), "qovery:q1:Acme vertra:v1:acme vertra-workspace:w1:acme vertra-workspace:w2:ACME"; got != want {
			t.Errorf("listed %s, want %s", got, want)
		}
		if o, ok, err := st.find(providerVertra, "v1"); err != nil || !ok || o.Name != "acme" || o.Owner != "u1" {
			t.Errorf("find: %+v %v %v", o, ok, err)
		}
		if _, ok, err := st.find(providerQovery, "v1"); err != nil || ok {
			t.Errorf("an id is found under its provider only: %v %v", ok, err)
		}
		if st.count() != 4 {
			t.Errorf("count %d", st.count())
		}
	})
}

func TestStoreRenameKeepsTheOrder(t *testing.T) {
	eachStore(t, func(t *testing.T, st orgStore, reopen func() orgStore) {
		for i, name := range []string{"a", "b", "c"} {
			mustInsert(t, st, org(providerVertra, fmt.Sprint(i), name, "u"), true)
		}
		rename := func(id, name string, want bool) {
			t.Helper()
			if ok, err := st.replace(org(providerVertra, id, name, "u")); err != nil || ok != want {
				t.Fatalf("rename %s to %s: %v %v, want %v", id, name, ok, err, want)
			}
		}
		rename("0", "B", false) // taken, whatever the case
		rename("0", "A", true)  // its own name in another case
		rename("0", "a2", true)
		st = reopen()
		rename("0", "a3", true)                                     // a later version replaced again
		rename("9", "z", false)                                     // gone
		mustInsert(t, st, org(providerVertra, "3", "a", "u"), true) // the old names are free
		mustInsert(t, st, org(providerVertra, "4", "A2", "u"), true)
		mustInsert(t, st, org(providerVertra, "5", "A3", "u"), false)
		want := "vertra:0:a3 vertra:1:b vertra:2:c vertra:3:a vertra:4:A2"
		if got := listed(t, st); got != want {
			t.Errorf("listed %s, want %s", got, want)
		}
		st = reopen()
		if got := listed(t, st); got != want {
			t.Errorf("after a restart: %s, want %s", got, want)
		}
		if o, ok, err := st.find(providerVertra, "0"); err != nil || !ok || string(o.Raw) != `{"id":"0","name":"a3"}` {
			t.Errorf("find the renamed: %s %v %v", o.Raw, ok, err)
		}
	})
}

func TestStoreDelete(t *testing.T) {
	eachStore(t, func(t *testing.T, st orgStore, reopen func() orgStore) {
		for i := range 5 {
			mustInsert(t, st, org(providerQovery, fmt.Sprint(i), fmt.Sprint("n", i), "u"), true)
		}
		if ok, err := st.replace(org(providerQovery, "3", "renamed", "u")); !ok || err != nil {
			t.Fatal(ok, err)
		}
		for _, id := range []string{"1", "3", "missing"} {
			if err := st.remove(providerQovery, id); err != nil {
				t.Fatal(err)
			}
		}
		st = reopen()
		if _, ok, err := st.find(providerQovery, "3"); ok || err != nil {
			t.Errorf("a deleted organization is found: %v", err)
		}
		mustInsert(t, st, org(providerQovery, "5", "N1", "u"), true) // its name is free
		mustInsert(t, st, org(providerQovery, "6", "renamed", "u"), true)
		mustInsert(t, st, org(providerQovery, "7", "n3", "u"), true)
		if got, want := listed(t, st), "qovery:0:n0 qovery:2:n2 qovery:4:n4 qovery:5:N1 qovery:6:renamed qovery:7:n3"; got != want {
			t.Errorf("listed %s, want %s", got, want)
		}
		if st.count() != 6 {
			t.Errorf("count %d", st.count())
		}
		if err := st.reset(); err != nil || st.count() != 0 || listed(t, st) != "" {
			t.Errorf("reset: %v, %d left", err, st.count())
		}
		st = reopen()
		mustInsert(t, st, org(providerQovery, "8", "n0", "u"), true)
		if got := listed(t, st); got != "qovery:8:n0" {
			t.Errorf("after reset: %s", got)
		}
	})
}

// Enough organizations to grow the index several times, with deletes
// leaving freed slots behind.
func TestStoreGrows(t *testing.T) {
	eachStore(t, func(t *testing.T, st orgStore, reopen func() orgStore) {
		const n = 1000
		for i := range n {
			mustInsert(t, st, org(providerVertra, fmt.Sprint(i), fmt.Sprint("org-", i), "u"), true)
			if i%3 == 0 {
				if err := st.remove(providerVertra, fmt.Sprint(i)); err != nil {
					t.Fatal(err)
				}
			}
		}
		st = reopen()
		for i := range n {
			_, found, err := st.find(providerVertra, fmt.Sprint(i))
			if err != nil || found == (i%3 == 0) {
				t.Fatalf("find %d: %v %v", i, found, err)
			}
			mustInsert(t, st, org(providerVertra, "x", fmt.Sprint("ORG-", i), "u"), i%3 == 0)
			_ = st.remove(providerVertra, "x")
		}
		page, _, _, err := st.scan(nil, 0, 10, func(o *Organization) bool { return o.ID != "1" })
		if err != nil || len(page) != 10 || page[0].ID != "2" {
			t.Errorf("a filtered page: %d, %v", len(page), err)
		}
	})
}

func TestStoreSeedIsAllOrNothing(t *testing.T) {
	eachStore(t, func(t *testing.T, st orgStore, reopen func() orgStore) {
		mustInsert(t, st, org(providerQovery, "first", "s-3", "u"), true)
		batch := func(n int, prefix string) seedBatch {
			return seedBatch{n: n,
				key: func(i int) string { return nameKey(org(providerQovery, "", fmt.Sprint(prefix, i), "u")) },
				org: func(i int) Organization {
					return org(providerQovery, fmt.Sprint(prefix, "id", i), fmt.Sprint(prefix, i), "u")
				},
			}
		}
		var taken *nameTakenError
		if err := st.seed(batch(5, "S-")); !errors.As(err, &taken) || taken.name != "S-3" {
			t.Fatalf("a seed with a taken name: %v", err)
		}
		if st.count() != 1 {
			t.Fatalf("a refused seed left %d organizations", st.count())
		}
		if err := st.seed(batch(300, "t-")); err != nil {
			t.Fatal(err)
		}
		st = reopen()
		mustInsert(t, st, org(providerQovery, "last", "T-299", "u"), false)
		mustInsert(t, st, org(providerQovery, "last", "t-300", "u"), true)
		if o, ok, err := st.find(providerQovery, "t-id150"); !ok || err != nil || o.Name != "t-150" {
			t.Errorf("find a seeded one: %v %v", ok, err)
		}
		if got := listed(t, st); !strings.HasPrefix(got, "qovery:first:s-3 qovery:t-id0:t-0 qovery:t-id1:t-1 ") || !strings.HasSuffix(got, "qovery:t-id299:t-299 qovery:last:t-300") {
			t.Errorf("listed %s", got)
		}
	})
}

// The index is derived: lost, left unclean by a crash, or behind a log
// that a crash cut in the middle of a line, it is rebuilt from the log.
func TestFileStoreRebuildsItsIndex(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.json")
	st := openTestStore(t, path)
	for i := range 50 {
		mustInsert(t, st, org(providerVertra, fmt.Sprint(i), fmt.Sprint("n", i), "u"), true)
	}
	_, _ = st.replace(org(providerVertra, "7", "seven", "u"))
	_, _ = st.replace(org(providerVertra, "7", "SEVEN!", "u"))
	_ = st.remove(providerVertra, "8")
	want := listed(t, st)
	_ = st.close()

	check := func(what string) {
		t.Helper()
		st := openTestStore(t, path)
		defer st.close()
		if got := listed(t, st); got != want {
			t.Errorf("%s: listed %s, want %s", what, got, want)
		}
		mustInsert(t, st, org(providerVertra, "x", "seven!", "u"), false)
		mustInsert(t, st, org(providerVertra, "x", "seven", "u"), true)
		if err := st.remove(providerVertra, "x"); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Remove(path + ".idx"); err != nil {
		t.Fatal(err)
	}
	check("index lost")

	st = openTestStore(t, path)
	mustInsert(t, st, org(providerVertra, "crash", "crash", "u"), true)
	_ = st.log.Close() // the process dies: the index is never marked clean
	_ = st.idx.Close()
	want += " vertra:crash:crash"
	check("after a crash")

	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	_, _ = f.WriteString(`+{"provider":"vertra","id":"torn","na`)
	f.Close()
	check("a torn last line")
}

// encodeLine splices the raw object in: the line must be what marshalling
// the whole would give.
func TestEncodeLine(t *testing.T) {
	for _, l := range []logLine{
		{Organization: org(providerVertra, "id", `<a & "b">`+"\n\u2028é", "u")},
		{First: 123, Organization: org(providerQovery, "id", "n", "u")},
		{Organization: Organization{Provider: providerQovery, ID: "no raw"}},
	} {
		if got, want := string(encodeLine('+', l)), "+"+string(marshal(l))+"\n"; got != want {
			t.Errorf("encodeLine\n%s, want\n%s", got, want)
		}
	}
}

// decodeLine takes the raw object as it is: it must read what encodeLine
// writes as json would.
func TestDecodeLine(t *testing.T) {
	for _, l := range []logLine{
		{Organization: org(providerVertra, "id", `a","raw":{"x":1},"b`, "u")},
		{First: 123, Organization: org(providerQovery, "id", "n", "u")},
		{Organization: Organization{Provider: providerQovery, ID: "no raw"}},
	} {
		line := encodeLine('+', l)
		got, err := decodeLine(line[:len(line)-1])
		if err != nil || string(marshal(got)) != string(marshal(l)) {
			t.Errorf("decodeLine: %s %v, want %s", marshal(got), err, marshal(l))
		}
	}
}
