package sandbox

import (
	"net/http"
	"strings"
	"testing"
)

// fillState makes a state file holding n Qovery organizations of the
// token "x", as POST /_sandbox/seed would.
func fillState(b *testing.B, path string, n int) {
	b.Helper()
	if err := New(Options{StatePath: path}).Seed(Seed{Provider: providerQovery, Count: n, Prefix: "bench-", Token: "x"}); err != nil {
		b.Fatal(err)
	}
}

func benchDo(b *testing.B, url, method, path, body string) int {
	req, _ := http.NewRequest(method, url+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Token x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
