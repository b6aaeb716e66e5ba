package api

import (
	"bytes"
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
// item or field error ends the walk and is returned as it is. An element
// with a member of the wrong type for T is decoded again from its bytes by
// Lenient, so one drifted field does not fail the whole list.
func ReadList[T any](r io.Reader, key string, field func(name string, value json.RawMessage) error, item func(*T) error) error {
	lim := &itemLimit{r: r}
	dec := json.NewDecoder(lim)
	next := func() { // what may be read for the next value, and kept of it
		lim.limit = lim.read + MaxItem
		lim.keepFrom(dec.InputOffset())
	}
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
			start := dec.InputOffset()
			if err := dec.Decode(v); err != nil {
				var te *json.UnmarshalTypeError
				if !errors.As(err, &te) {
					return err
				}
				*v = *new(T)
				if err := Lenient(lim.since(start, dec.InputOffset()), v); err != nil {
					return err
				}
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
// it read ahead within the same allowance). It keeps the bytes read since
// the current value began (as bounded), for Lenient to decode again.
type itemLimit struct {
	r           io.Reader
	read, limit int64
	kept        []byte // what was read from offset keptAt on
	keptAt      int64
}

// keepFrom drops what was read before offset off.
func (l *itemLimit) keepFrom(off int64) {
	if d := off - l.keptAt; d > 0 {
		l.kept = l.kept[:copy(l.kept, l.kept[d:])]
		l.keptAt = off
	}
}

// since returns what lies between two offsets of the input, past the
// white space and comma that separate values.
func (l *itemLimit) since(from, to int64) []byte {
	return bytes.TrimLeft(l.kept[from-l.keptAt:to-l.keptAt], " \t\r\n,")
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
	l.kept = append(l.kept, p[:n]...)
	l.read += int64(n)
	return n, err
}
