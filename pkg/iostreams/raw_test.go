package iostreams

import (
	"io"
	"testing"
)

func TestRawOutBypassesTheRedactorInOrder(t *testing.T) {
	ios, _, out, _ := Test()
	ios.AddSecret("s3cret-token")
	io.WriteString(ios.Out, "before s3cret-token s3cr") // the tail may be held back
	io.WriteString(ios.RawOut(), "s3cret-token\n")
	if got := out.String(); got != "before *** s3crs3cret-token\n" {
		t.Errorf("stdout = %q", got)
	}
	io.WriteString(ios.Out, "after s3cret-token\n")
	ios.Flush()
	if got := out.String(); got != "before *** s3crs3cret-token\nafter ***\n" {
		t.Errorf("Out is still redacted: %q", got)
	}
}
