package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

type item struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// countingReader counts the bytes a decoder has taken from it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// generated is a list of n items under "results", produced as it is read,
// never held whole.
func generated(n int, tail string) io.Reader {
	var parts []io.Reader
	parts = append(parts, strings.NewReader(`{"count":`+fmt.Sprint(n)+`,"results":[`))
	parts = append(parts, &itemsReader{n: n})
	parts = append(parts, strings.NewReader(`]`+tail+`}`))
	return io.MultiReader(parts...)
}

type itemsReader struct {
	i, n int
	buf  []byte
}

func (r *itemsReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.i == r.n {
			return 0, io.EOF
		}
		sep := ","
		if r.i == 0 {
			sep = ""
		}
		r.buf = fmt.Appendf(nil, `%s{"id":"id-%d","name":"org-%d","description":"%s"}`, sep, r.i, r.i, strings.Repeat("d", 200))
		r.i++
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

func TestReadListHandsEachItemOnAsItArrives(t *testing.T) {
	const n = 50000 // about 12 MiB, three times MaxBody
	src := &countingReader{r: generated(n, `,"next":null`)}
	var got, firstAt int
	fields := map[string]string{}
	err := ReadList(src, "results", func(name string, v json.RawMessage) error {
		fields[name] = string(v)
		return nil
	}, func(it *item) error {
		if got == 0 {
			firstAt = src.n
		}
		if it.ID != fmt.Sprintf("id-%d", got) {
			return fmt.Errorf("item %d is %+v", got, it)
		}
		got++
		return nil
	})
	if err != nil || got != n {
		t.Fatalf("read %d items, err %v", got, err)
	}
	// The first item is handed on after a few KiB, not after the list.
	if firstAt > 64<<10 {
		t.Errorf("%d bytes were read before the first item was handed on", firstAt)
	}
	if fields["count"] != "50000" || fields["next"] != "null" {
		t.Errorf("other members: %v", fields)
	}
}

func TestReadListStopsAtAnEnormousItemWithoutHoldingIt(t *testing.T) {
	huge := io.MultiReader(strings.NewReader(`{"results":[{"id":"a"},{"id":"b","name":"`), endless('x'))
	src := &countingReader{r: huge}
	n := 0
	err := ReadList(src, "results", nil, func(*item) error { n++; return nil })
	if !errors.Is(err, ErrItemTooLarge) || n != 1 {
		t.Fatalf("err %v after %d items", err, n)
	}
	if src.n > 2*MaxItem {
		t.Errorf("read %d bytes for one item; the bound is %d", src.n, MaxItem)
	}
}

func TestReadListStopsAtEndlessWhiteSpace(t *testing.T) {
	src := &countingReader{r: io.MultiReader(strings.NewReader(`{"results":[`), endless(' '))}
	err := ReadList(src, "results", nil, func(*item) error { return nil })
	if !errors.Is(err, ErrItemTooLarge) || src.n > 2*MaxItem {
		t.Fatalf("err %v after %d bytes", err, src.n)
	}
}

func TestReadListShapes(t *testing.T) {
	stop := errors.New("stop")
	for _, tt := range []struct {
		body string
		want error // nil: no error; otherwise errors.Is, or any error for a syntax error (errSyntax)
		n    int
	}{
		{`{"results":[]}`, nil, 0},
		{`{"results":[{"id":"a"},{"id":"b"}]}`, nil, 2},
		{`{"other":{"x":[1,2]},"results":[{"id":"a"}]}`, nil, 1},
		{`{"results":null}`, ErrNoList, 0},
		{`{"results":{"id":"a"}}`, ErrNoList, 0},
		{`{}`, ErrNoList, 0},
		{`[]`, errSyntax, 0},
		{`{"results":[{"id":"a"},`, errSyntax, 1},
		{`{"results":[{"id":"a"}`, errSyntax, 1},
		// A member of the wrong type is dropped (Lenient), not the item.
		{`{"results":[{"id":1}]}`, nil, 1},
		{`{"results":[{"id":"a","name":5}, {"id":"b","name":"n"}]}`, nil, 2},
		{`{"results":[{"id":"a","name":{"x":[1]}},{"id":"b"}]}`, nil, 2},
		{`{"results":[{"id":"a"},{"id":"stop"},{"id":"c"}]}`, stop, 1},
	} {
		n := 0
		err := ReadList(strings.NewReader(tt.body), "results", nil, func(it *item) error {
			if it.ID == "stop" {
				return stop
			}
			n++
			return nil
		})
		switch {
		case tt.want == nil && err != nil, tt.want == errSyntax && err == nil,
			tt.want != nil && tt.want != errSyntax && !errors.Is(err, tt.want):
			t.Errorf("%s: err %v, want %v", tt.body, err, tt.want)
		}
		if n != tt.n {
			t.Errorf("%s: %d items, want %d", tt.body, n, tt.n)
		}
	}
}

var errSyntax = errors.New("any syntax error")

// endless repeats one byte forever.
type endless byte

func (e endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(e)
	}
	return len(p), nil
}
