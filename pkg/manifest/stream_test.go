package manifest

import (
	"fmt"
	"io"
	"strings"
	"testing"
)

// countingReader counts the bytes taken from it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// manifestOf is n entries in format, about 8 MiB of them.
func manifestOf(format string, n int) string {
	var b strings.Builder
	switch format {
	case CSV:
		b.WriteString("name,provider,description\n")
		for i := range n {
			fmt.Fprintf(&b, "org-%d,vertra,%s\n", i, strings.Repeat("d", 60))
		}
	case NDJSON:
		for i := range n {
			fmt.Fprintf(&b, `{"name":"org-%d","provider":"vertra","description":"%s"}`+"\n", i, strings.Repeat("d", 60))
		}
	case JSON:
		b.WriteString("[\n")
		for i := range n {
			if i > 0 {
				b.WriteString(",\n")
			}
			fmt.Fprintf(&b, `{"name":"org-%d","provider":"vertra","description":"%s"}`, i, strings.Repeat("d", 60))
		}
		b.WriteString("\n]\n")
	}
	return b.String()
}

// A streamed manifest hands its first entry on after reading a buffer's
// worth, not the file: a reader that read the whole file first would pass
// every other test.
func TestManifestsStreamTheirEntries(t *testing.T) {
	const n = 100000
	for _, format := range []string{CSV, NDJSON, JSON} {
		src := &countingReader{r: strings.NewReader(manifestOf(format, n))}
		m, err := NewReader(src, format)
		if err != nil {
			t.Fatal(err)
		}
		e, err := m.Next()
		if err != nil || e.Name != "org-0" {
			t.Fatalf("%s: first entry %+v, %v", format, e, err)
		}
		if src.n > 256<<10 {
			t.Errorf("%s: %d bytes read before the first entry, of %d", format, src.n, len(manifestOf(format, n)))
		}
		count := 1
		for ; ; count++ {
			if _, err := m.Next(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("%s: entry %d: %v", format, count+1, err)
			}
		}
		if count != n {
			t.Errorf("%s: %d entries, want %d", format, count, n)
		}
	}
}

// ParseDocument reads those formats through the same stream, so it never
// holds the file as well as the entries: it asks for no more than a buffer
// at a time.
func TestParseDocumentReadsListsAsAStream(t *testing.T) {
	for _, format := range []string{CSV, NDJSON, JSON} {
		src := &largestRead{r: strings.NewReader(manifestOf(format, 20000))}
		doc, err := ParseDocument(src, "")
		if err != nil || len(doc.Entries) != 20000 || doc.Entries[19999].Name != "org-19999" {
			t.Fatalf("%s: %d entries, %v", format, len(doc.Entries), err)
		}
		if src.max > 64<<10 {
			t.Errorf("%s: a read of %d bytes: the file was read whole", format, src.max)
		}
	}
}

// largestRead records the largest read asked of it (io.ReadAll asks for
// ever larger ones).
type largestRead struct {
	r   io.Reader
	max int
}

func (l *largestRead) Read(p []byte) (int, error) {
	l.max = max(l.max, len(p))
	return l.r.Read(p)
}
