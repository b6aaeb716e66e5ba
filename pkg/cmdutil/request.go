package cmdutil

import (
	"fmt"
	"sort"

	"github.com/orgctl/orgctl/pkg/api"
	"github.com/orgctl/orgctl/pkg/iostreams"
	"github.com/orgctl/orgctl/pkg/output"
)

// PrintRequest shows a dry run's request: as HTTP-like text for people, as
// an object for scripts.
func PrintRequest(ios *iostreams.IOStreams, format output.Format, e *Exporter, req api.Prepared) error {
	return Print(ios, format, e, req, func(output.View) error { return printHTTP(ios, req) })
}

// printHTTP shows a request as HTTP-like text.
func printHTTP(ios *iostreams.IOStreams, req api.Prepared) error {
	fmt.Fprintf(ios.Out, "%s %s\n", req.Method, req.URL)
	keys := make([]string, 0, len(req.Headers))
	for k := range req.Headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(ios.Out, "%s: %s\n", k, req.Headers[k])
	}
	fmt.Fprintln(ios.Out)
	return output.WriteJSON(ios.Out, req.Body)
}
