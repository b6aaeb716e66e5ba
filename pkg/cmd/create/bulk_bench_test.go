package create_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/orgctl/orgctl/pkg/cmd/root"
	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/internal/testenv"
	"github.com/orgctl/orgctl/pkg/iostreams"
)

// BenchmarkBulkCreate is orgctl's own work in `create -f` of 2,000
// entries, -o json, 8 workers, against an API answering in-process (no
// sockets): reading, checking, pacing, sending through the API client,
// decoding and printing. "unlimited" answers without rate-limit headers, so
// the run is as fast as orgctl's CPU; "sandbox" with the sandbox's (and
// VertraCloud API keys') 1,000,000 a minute, so the pacer spaces requests
// about 61 µs apart. Per entry: ns/entry, and B/op and allocs/op divided
// by 2,000.
func BenchmarkBulkCreate(b *testing.B) {
	testenv.Isolate(b)
	b.Setenv("ORGCTL_VERTRA_URL", "https://vertra.invalid") // never dialled: the transport answers
	b.Setenv("ORGCTL_VERTRA_TOKEN", vertraToken)
	const n = 2000
	path := writeCSV(b, n)
	for _, bc := range []struct {
		name   string
		limits http.Header
	}{{"unlimited", nil}, {"sandbox", sandboxLimits}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				srv, out := &inProcess{limits: bc.limits}, &countingWriter{}
				ios, _, _, _ := iostreams.Test()
				var errOut bytes.Buffer
				ios.Out, ios.ErrOut = out, &errOut
				f := cmdutil.New(ios)
				f.HTTPClient = func() *http.Client { return &http.Client{Transport: srv} }
				cmd := root.NewCmdRoot(f)
				cmd.SetArgs([]string{"create", "-f", path, "--concurrency", "8", "-o", "json", "--progress", "never"})
				if err := cmd.ExecuteContext(context.Background()); err != nil || out.lines.Load() != n {
					b.Fatalf("%v, %d lines: %s", err, out.lines.Load(), errOut.String())
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/entry")
		})
	}
}

// sandboxLimits are the headers `orgctl sandbox serve` answers with by default.
var sandboxLimits = http.Header{"X-Ratelimit-Limit": {"1000000"}, "X-Ratelimit-Remaining": {"999999"}, "X-Ratelimit-Reset": {"60"}}
