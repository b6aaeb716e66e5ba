package create_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orgctl/orgctl/pkg/cmd/root"
	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/internal/testenv"
	"github.com/orgctl/orgctl/pkg/iostreams"
)

// inProcess is a VertraCloud API answering in-process (an http.RoundTripper):
// it checks each request and answers 201, and keeps nothing per request, so
// the heap measured is orgctl's.
type inProcess struct {
	posts, bad atomic.Int64
	limits     http.Header // rate-limit headers to answer with, if any
}

func (s *inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.Method != "POST" || r.URL.Path != "/v1/organizations" || r.Header.Get("Authorization") != "Bearer "+vertraToken ||
		!bytes.HasPrefix(body, []byte(`{"name":"tenant-`)) {
		s.bad.Add(1)
	}
	s.posts.Add(1)
	header := http.Header{"Content-Type": {"application/json"}}
	for k, v := range s.limits {
		header[k] = v
	}
	return &http.Response{StatusCode: 201, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Request: r,
		Header: header, Body: io.NopCloser(strings.NewReader(vertraOK))}, nil
}

// countingWriter is stdout: it counts lines and keeps nothing.
type countingWriter struct{ lines atomic.Int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.lines.Add(int64(bytes.Count(p, []byte("\n"))))
	return len(p), nil
}

// peakHeap runs f while sampling the live heap, and returns the highest
// sample.
func peakHeap(f func()) uint64 {
	// A low GC target keeps the heap near what is live, so the peak
	// measures what the run holds rather than the garbage between cycles.
	defer debug.SetGCPercent(debug.SetGCPercent(20))
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(done)
	return peak.Load()
}

func writeCSV(t testing.TB, n int) string {
	path := filepath.Join(t.TempDir(), "m.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "name,provider,description,tags")
	for i := range n {
		fmt.Fprintf(w, "tenant-%d,vertra,tenant number %d,\"ci,bench\"\n", i, i)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return path
}

// TestBulkMemoryIsFlat: the manifest streams from the file to the workers
// to the printer, so a run four (ten) times as large holds only the
// duplicate check's hash more per entry: the peak heaps of two sizes are
// compared with each other, not with a fixed bound that a buffering reader
// could still fit under. The full sizes take about a minute on a shared
// 2-core machine, so they run with ORGCTL_TEST_LARGE=1 (bench/run.sh sets
// it); by default the sizes are 10,000 and 40,000, and 4,000 and 40,000
// under the race detector.
func TestBulkMemoryIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("sends tens of thousands of requests in-process")
	}
	testenv.Isolate(t)
	t.Setenv("ORGCTL_VERTRA_URL", "https://vertra.invalid") // never dialled: the transport answers
	t.Setenv("ORGCTL_VERTRA_TOKEN", vertraToken)
	small, large := 10_000, 40_000
	switch {
	case os.Getenv("ORGCTL_TEST_LARGE") == "1":
		small, large = 20_000, 200_000
	case raceEnabled:
		small, large = 4_000, 40_000 // the race detector is ~10x slower
	}
	measure := func(n int) uint64 {
		path := writeCSV(t, n)
		srv, out := &inProcess{}, &countingWriter{}
		var code int
		var errOut bytes.Buffer
		peak := peakHeap(func() {
			ios, _, _, _ := iostreams.Test()
			ios.Out, ios.ErrOut = out, &errOut
			f := cmdutil.New(ios)
			f.HTTPClient = func() *http.Client { return &http.Client{Transport: srv} }
			cmd := root.NewCmdRoot(f)
			cmd.SetArgs([]string{"create", "-f", path, "--concurrency", "8", "-o", "json", "--progress", "never"})
			if err := cmd.ExecuteContext(context.Background()); err != nil {
				code = cmdutil.ExitCode(err)
			}
		})
		if code != 0 || srv.posts.Load() != int64(n) || srv.bad.Load() != 0 || out.lines.Load() != int64(n) {
			t.Fatalf("%d entries: exit %d, %d requests (%d bad), %d result lines; stderr %s",
				n, code, srv.posts.Load(), srv.bad.Load(), out.lines.Load(), errOut.String())
		}
		t.Logf("%d entries: peak heap %.1f MiB", n, float64(peak)/(1<<20))
		return peak
	}
	// The duplicate check keeps a 64-bit hash per entry (a slice that grows
	// by doubling: up to 24 bytes an entry at its peak); an entry held costs
	// hundreds of bytes, its fields and their text.
	const maxPerEntry = 64
	perEntry := func(a, b uint64) float64 { return (float64(b) - float64(a)) / float64(large-small) }
	grew := func(a, b uint64) bool { return perEntry(a, b) > maxPerEntry }
	peakSmall, peakLarge := measure(small), measure(large)
	if grew(peakSmall, peakLarge) {
		// A sampled peak moves with when the collector ran, and a loaded
		// machine moves that: measure both again and keep the lower. Memory
		// that grows with the manifest grows in both runs.
		peakSmall, peakLarge = min(peakSmall, measure(small)), min(peakLarge, measure(large))
	}
	if grew(peakSmall, peakLarge) {
		t.Errorf("peak heap grew with the manifest: %.1f MiB for %d entries, %.1f MiB for %d: %.0f bytes an entry, more than %d",
			float64(peakSmall)/(1<<20), small, float64(peakLarge)/(1<<20), large, perEntry(peakSmall, peakLarge), maxPerEntry)
	}
}

// TestBulkPoolFitsConcurrency: with more workers than the old fixed pool
// of 64 idle connections, each worker keeps its connection: none is closed
// (to be dialled again) during the run.
func TestBulkPoolFitsConcurrency(t *testing.T) {
	testenv.Isolate(t)
	var closed atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		time.Sleep(2 * time.Millisecond) // every worker busy at once
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(201)
		_, _ = io.WriteString(w, vertraOK)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateClosed {
			closed.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	t.Setenv("ORGCTL_VERTRA_URL", srv.URL)
	t.Setenv("ORGCTL_VERTRA_TOKEN", vertraToken)
	const n, workers = 1000, 96
	r := run(t, "create", "-f", writeCSV(t, n), "--concurrency", fmt.Sprint(workers), "-o", "json")
	if r.code != 0 || strings.Count(r.out, "\n") != n {
		t.Fatalf("exit %d, %d lines; stderr %s", r.code, strings.Count(r.out, "\n"), r.errOut)
	}
	if got := closed.Load(); got > workers/16 { // 64 idle at most: over 150 closed

		t.Errorf("%d connections closed during a run of %d workers: the pool churns", got, workers)
	}
}
