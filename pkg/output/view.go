package output

import (
	"io"

	"github.com/orgctl/orgctl/pkg/iostreams"
	"github.com/orgctl/orgctl/pkg/tableprinter"
)

// View is how a table is drawn for people: where, in which colours, fitted
// to which width (0 when piped: nothing is shortened), with -o wide's extra
// columns or not, with a header row or not (--no-headers).
type View struct {
	Out       io.Writer
	Colors    *iostreams.Colors
	Width     int
	Wide      bool
	NoHeaders bool
}

// NewView is the view of stdout for format f (table or wide).
func NewView(ios *iostreams.IOStreams, f Format, noHeaders bool) View {
	v := View{Out: ios.Out, Colors: ios.OutColors(), Wide: f == Wide, NoHeaders: noHeaders}
	if ios.IsStdoutTTY() {
		v.Width = ios.TerminalWidth()
	}
	return v
}

// Table starts a table with a bold header row.
func (v View) Table(header ...string) *tableprinter.Table {
	t := tableprinter.New(v.Out, tableprinter.Options{Width: v.Width, Header: v.Colors.Bold, NoHeaders: v.NoHeaders})
	if len(header) > 0 {
		t.AddHeader(header...)
	}
	return t
}
