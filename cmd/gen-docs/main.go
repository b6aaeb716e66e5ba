// Command gen-docs regenerates completions/, docs/cli/ and docs/man/ from
// orgctl's command tree: `go run ./cmd/gen-docs` (or `go generate ./...`)
// from the repository root. CI runs it into a temporary directory and fails
// when the committed files differ.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/orgctl/orgctl/pkg/cmd/root"
	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/gendocs"
	"github.com/orgctl/orgctl/pkg/iostreams"
)

//go:generate go run . -root ../..

func main() {
	dir := flag.String("root", ".", "repository root to write completions/ and docs/ under")
	flag.Parse()
	ios, _, _, _ := iostreams.Test() // no terminal: the output must not depend on where it runs
	if err := gendocs.Generate(root.NewCmdRoot(cmdutil.New(ios)), *dir); err != nil {
		fmt.Fprintln(os.Stderr, "gen-docs:", err)
		os.Exit(1)
	}
}
