package root

import (
	"context"
	"testing"

	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/iostreams"
)

// BenchmarkHelp is `orgctl --help` in process: the factory, the whole
// command tree and the help text, the work a start-up does after init.
func BenchmarkHelp(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		ios, _, _, _ := iostreams.Test()
		if code := Run(context.Background(), ios, []string{"--help"}); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}

// BenchmarkTree builds the command tree alone.
func BenchmarkTree(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		ios, _, _, _ := iostreams.Test()
		_ = NewCmdRoot(cmdutil.New(ios))
	}
}
