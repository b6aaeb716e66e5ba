package manifest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/orgctl/orgctl/pkg/text"
)

// jsonEntries reads a JSON array of objects, or objects one after another
// (NDJSON, JSON Lines), one entry at a time: only the current entry is
// held. Each entry is read whole in one call (json.Decoder.Token, a call
// and several allocations a token, was eight times slower than CSV).
func jsonEntries(in *bufio.Reader, lim *limitReader) func() (Entry, error) {
	dec := json.NewDecoder(in)
	inArray, started, index := false, false, 0
	return func() (Entry, error) {
		if !started {
			started = true
			switch c, err := firstByte(in); {
			case err == io.EOF:
				return Entry{}, fmt.Errorf("the manifest is empty")
			case err != nil:
				return Entry{}, err
			case c == '[':
				if _, err := dec.Token(); err != nil {
					return Entry{}, jsonError(err, lim)
				}
				inArray = true
			case c != '{':
				return Entry{}, fmt.Errorf("line %d: the manifest must be a JSON array of objects, or objects one per line", lim.lineAt(dec.InputOffset()))
			}
		}
		if inArray && !dec.More() {
			if _, err := dec.Token(); err != nil { // the closing ]
				return Entry{}, jsonError(err, lim)
			}
			if _, err := dec.Token(); err != io.EOF {
				return Entry{}, fmt.Errorf("line %d: unexpected data after the array", lim.lineAt(dec.InputOffset()))
			}
			return Entry{}, io.EOF
		}
		lim.mark, lim.maxMark = dec.InputOffset(), MaxEntrySize
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			if err == io.EOF && !inArray {
				return Entry{}, io.EOF
			}
			return Entry{}, jsonError(err, lim)
		}
		index++
		line := lim.lineAt(dec.InputOffset() - int64(len(raw)))
		if raw[0] != '{' {
			return Entry{}, fmt.Errorf("entry %d (line %d): must be an object of fields", index, line)
		}
		return readObject(raw, index, line)
	}
}

// firstByte is the first byte of in that is not JSON white space, left
// unread.
func firstByte(in *bufio.Reader) (byte, error) {
	for n := 1; ; n++ {
		p, err := in.Peek(n)
		if len(p) < n {
			return 0, err
		}
		switch c := p[n-1]; c {
		case ' ', '\t', '\r', '\n':
		default:
			return c, nil
		}
	}
}

// readObject turns one JSON object (valid: the decoder read it) into an
// entry, key by key in the order they come.
func readObject(raw json.RawMessage, index, line int) (Entry, error) {
	e := Entry{Index: index, Line: line}
	err := members(raw, func(key string, value []byte) error {
		values, null, err := jsonValues(value)
		if err != nil {
			return fmt.Errorf("%s: %s: %w", e.Where(), text.Label(key), err)
		}
		if null {
			return nil // "description": null is left out, as if absent; "" clears
		}
		if err := e.set(key, values); err != nil {
			return fmt.Errorf("%s: %s: %w", e.Where(), text.Label(key), err)
		}
		return nil
	})
	return e, err
}

// jsonValues reads a scalar or an array of scalars as text.
func jsonValues(value []byte) (values []string, null bool, err error) {
	switch value[0] {
	case 'n':
		return nil, true, nil
	case '{':
		return nil, false, errors.New("expected text or a list of text")
	case '[':
		values = []string{}
		err := elements(value, func(item []byte) error {
			s, ok := scalar(item)
			if !ok {
				return errors.New("expected text in the list")
			}
			values = append(values, s)
			return nil
		})
		return values, false, err
	}
	s, _ := scalar(value)
	return []string{s}, false, nil
}

// scalar is a string, number or boolean as text (a number as written: in
// YAML too, "name": 123 is "123"); ok is false for null, arrays and objects.
func scalar(v []byte) (string, bool) {
	switch v[0] {
	case '"':
		if inner := v[1 : len(v)-1]; bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
			return string(inner), true // as written: no escape, nothing to replace
		}
		var s string
		err := json.Unmarshal(v, &s)
		return s, err == nil
	case 't', 'f':
		return string(v), true
	case 'n', '[', '{':
		return "", false
	}
	return string(v), true // a number
}

// The walks below read JSON the decoder has already checked, so they need
// no error paths: they only find where each value ends.

// members calls fn with each key and raw value of an object, in order.
func members(obj []byte, fn func(key string, value []byte) error) error {
	i := skipSpace(obj, 1) // past {
	for obj[i] != '}' {
		end := skipValue(obj, i)
		key, _ := scalar(obj[i:end])
		i = skipSpace(obj, end)
		i = skipSpace(obj, i+1) // past :
		end = skipValue(obj, i)
		if err := fn(key, obj[i:end]); err != nil {
			return err
		}
		i = skipSpace(obj, end)
		if obj[i] == ',' {
			i = skipSpace(obj, i+1)
		}
	}
	return nil
}

// elements calls fn with each raw element of an array, in order.
func elements(arr []byte, fn func(item []byte) error) error {
	i := skipSpace(arr, 1) // past [
	for arr[i] != ']' {
		end := skipValue(arr, i)
		if err := fn(arr[i:end]); err != nil {
			return err
		}
		i = skipSpace(arr, end)
		if arr[i] == ',' {
			i = skipSpace(arr, i+1)
		}
	}
	return nil
}

// skipValue returns the index just past the value that starts at i.
func skipValue(b []byte, i int) int {
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '"':
			for i++; b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
			if depth == 0 {
				return i + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
			if depth < 0 { // the end of the enclosing value: a scalar ended before it
				return i
			}
		case ',', ' ', '\t', '\r', '\n', ':':
			if depth == 0 {
				return i
			}
		}
	}
	return i
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// jsonError adds the line to a syntax error.
func jsonError(err error, lim *limitReader) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Errorf("line %d: %w", lim.lineAt(syn.Offset), err)
	}
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		return errors.New("the manifest ends in the middle of an entry")
	}
	return err
}
