// Command orgctl creates organizations on cloud platforms.
package main

import (
	"os"

	"github.com/orgctl/orgctl/pkg/cmd/root"
)

func main() { os.Exit(root.Main()) }
