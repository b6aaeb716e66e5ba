package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// MaxItem bounds one member of a streamed JSON object, and one element of
// its list: far more than any organization takes (a few hundred bytes to a
// few KiB), far less than memory. An enormous item fails the read; it is
// never held whole.
const MaxItem = 1 << 20

// ErrItemTooLarge ends a streamed read at an item larger than MaxItem.
var ErrItemTooLarge = fmt.Errorf("an item of the list is larger than %d KiB", MaxItem>>10)

// ErrNoList is returned by ReadList for a JSON object without the list.
var ErrNoList = errors.New("no list in the response")

// ReadList walks the JSON object r holds as it arrives: each element of the
// array under key is decoded into a T of its own and handed to item, one at
// a time; every other member is handed whole to field (nil: skipped). An
// item or field error ends the walk and is returned as it is.
func ReadList[T any](r io.Reader, key string, field func(name string, value json.RawMessage) error, item func(*T) error) error {
	lim := &itemLimit{r: r}
	dec := json.NewDecoder(lim)
	next := func() { lim.limit = lim.read + MaxItem } // what may be read for the next value
	next()
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	found := false
	for dec.More() {
		next()
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		name, _ := tok.(string)
		if name != key {
			var value json.RawMessage
			if err := dec.Decode(&value); err != nil {
				return err
			}
			if field != nil {
				if err := field(name, value); err != nil {
					return err
				}
			}
			continue
		}
		if t, err := dec.Token(); err != nil || t != json.Delim('[') {
			return errOr(err, ErrNoList) // null or another type: no list
		}
		found = true
		for dec.More() {
			next()
			v := new(T)
			if err := dec.Decode(v); err != nil {
				return err
			}
			if err := item(v); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil { // ]
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // }
		return err
	}
	if !found {
		return ErrNoList
	}
	return nil
}

func expectDelim(dec *json.Decoder, d json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if t != d {
		return fmt.Errorf("expected %q, found %v", d, t)
	}
	return nil
}

func errOr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// itemLimit fails a read past limit, which ReadList moves on at every
// value: the decoder's buffer then never holds more than one item (and what
// it read ahead within the same allowance).
type itemLimit struct {
	r           io.Reader
	read, limit int64
}

func (l *itemLimit) Read(p []byte) (int, error) {
	room := l.limit - l.read
	if room <= 0 {
		return 0, ErrItemTooLarge
	}
	if int64(len(p)) > room {
		p = p[:room]
	}
	n, err := l.r.Read(p)
	l.read += int64(n)
	return n, err
}
