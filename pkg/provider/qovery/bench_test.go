package qovery

import (
	"net/http"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/api"
)

// Response decoding, per answer shape: go test -bench . -benchmem
// ./pkg/provider/... (docs/performance.md quotes the figures).

func BenchmarkQoveryDecodeCreate(b *testing.B) {
	resp := &api.Response{Status: http.StatusCreated, Body: []byte(created)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeCreate(resp, "acme"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkQoveryDecodeConflict(b *testing.B) {
	resp := &api.Response{Status: http.StatusConflict, Body: []byte(`{"type":"about:blank","title":"Conflict","status":409,"detail":"name is already taken"}`)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeCreate(resp, "acme"); err == nil {
			b.Fatal("no error")
		}
	}
}

func BenchmarkQoveryDecodeList100(b *testing.B) {
	resp := &api.Response{Status: http.StatusOK, Body: []byte(`{"results":[` + strings.TrimSuffix(strings.Repeat(created+",", 100), ",") + `]}`)}
	b.ReportAllocs()
	for b.Loop() {
		if orgs, err := decodeList(resp); err != nil || len(orgs) != 100 {
			b.Fatal(err)
		}
	}
}
