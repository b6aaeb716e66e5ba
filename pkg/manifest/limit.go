package manifest

import (
	"bytes"
	"fmt"
	"io"
)

// limitReader enforces the size limits while counting lines, so that the
// JSON reader, which only knows byte offsets, can say on which line an
// entry starts.
type limitReader struct {
	r       io.Reader
	max     int64 // total bytes
	maxLine int64 // bytes without a newline (CSV); 0: no limit
	maxMark int64 // bytes since mark (one JSON entry); 0: no limit

	off      int64   // bytes read so far
	lineLen  int64   // bytes since the last newline
	mark     int64   // offset where the current entry starts
	newlines []int64 // offsets of newlines not yet passed by lineAt
	lines    int     // newlines before newlines[0]
}

func (l *limitReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	chunk := p[:n]
	for len(chunk) > 0 {
		i := bytes.IndexByte(chunk, '\n')
		if i < 0 {
			l.lineLen += int64(len(chunk))
			break
		}
		l.newlines = append(l.newlines, l.off+int64(n-len(chunk)+i))
		l.lineLen = 0
		chunk = chunk[i+1:]
	}
	l.off += int64(n)
	switch {
	case l.off > l.max:
		return n, fmt.Errorf("the manifest is larger than %s", size(l.max))
	case l.maxLine > 0 && l.lineLen > l.maxLine:
		return n, fmt.Errorf("line %d is longer than %s", l.lineAt(l.off), size(l.maxLine))
	case l.maxMark > 0 && l.off-l.mark > l.maxMark+64<<10: // + what the decoder reads ahead
		return n, fmt.Errorf("the entry at line %d is larger than %s", l.lineAt(l.mark), size(l.maxMark))
	}
	return n, err
}

// lineAt returns the 1-based line of byte offset off. Offsets asked for
// must not decrease: the newlines before them are forgotten.
func (l *limitReader) lineAt(off int64) int {
	k := 0
	for k < len(l.newlines) && l.newlines[k] < off {
		k++
	}
	l.lines += k
	l.newlines = l.newlines[k:]
	return l.lines + 1
}

func size(n int64) string {
	if n >= 1<<30 {
		return fmt.Sprintf("%d GiB", n>>30)
	}
	return fmt.Sprintf("%d MiB", n>>20)
}
