package qovery

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/orgctl/orgctl/pkg/api"
	"github.com/orgctl/orgctl/pkg/internal/testhttp"
	"github.com/orgctl/orgctl/pkg/provider"
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

// BenchmarkQoveryList100 reads a list of 100 as List does: streamed over
// loopback, one organization at a time.
func BenchmarkQoveryList100(b *testing.B) {
	srv := testhttp.New(b, http.StatusOK, `{"results":[`+strings.TrimSuffix(strings.Repeat(created+",", 100), ",")+`]}`)
	p := newProvider(srv, "Token x")
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		if err := p.List(context.Background(), func(*provider.Organization) error { n++; return nil }); err != nil || n != 100 {
			b.Fatal(err, n)
		}
	}
}
