package manifest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"testing"
)

// FuzzJSONReader checks the JSON reader, which walks each entry's bytes
// itself, against the token-by-token reader it replaced (kept below as the
// reference): on any input both read the same entries, or both refuse it.
func FuzzJSONReader(f *testing.F) {
	for _, seed := range []string{
		jsonManifest,
		`[{"name":"a","tags":["x","y"],"description":null}]`,
		"{\"name\": \"a\"}\n{\"name\": \"b\", \"plan\": 12.5e3}\n",
		`[{"name":"a\\"b\u00e9","tags":"p, q"},{"name":true}]`,
		`[{"name":{"x":1}}]`, `[{"name":[1,null]}]`, `[1]`, `"hello"`, `[{"name":"a"}] x`,
		`[ { "name" : "a" , "tags" : [ "x" , "y" ] } , { "nme" : "b" } ]`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, gotErr := readAll(data, jsonEntries)
		want, wantErr := readAll(data, func(in *bufio.Reader, lim *limitReader) func() (Entry, error) { return tokenEntries(in, lim) })
		if (gotErr != nil) != (wantErr != nil) {
			t.Fatalf("%q: error %v, the token reader's %v", data, gotErr, wantErr)
		}
		if gotErr == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: read %+v, the token reader %+v", data, got, want)
		}
	})
}

func readAll(data []byte, entries func(*bufio.Reader, *limitReader) func() (Entry, error)) ([]Entry, error) {
	lim := &limitReader{r: bytes.NewReader(data), max: MaxSize}
	next := entries(bufio.NewReaderSize(lim, 64<<10), lim)
	var all []Entry
	for {
		e, err := next()
		if err == io.EOF {
			return all, nil
		}
		if err != nil {
			return nil, err
		}
		all = append(all, e)
	}
}

// The reader before: token by token through json.Decoder.Token.

// jsonEntries reads a JSON array of objects, or objects one after another
// (NDJSON, JSON Lines), token by token: only the current entry is held.
func tokenEntries(in io.Reader, lim *limitReader) func() (Entry, error) {
	dec := json.NewDecoder(in)
	dec.UseNumber() // a number is text, as in YAML: "name": 123 is "123"
	inArray, started, index := false, false, 0
	return func() (Entry, error) {
		if !started {
			started = true
			tok, err := dec.Token()
			if err == io.EOF {
				return Entry{}, fmt.Errorf("the manifest is empty")
			}
			if err != nil {
				return Entry{}, jsonError(err, lim)
			}
			if tok == json.Delim('[') {
				inArray = true
			} else if tok != json.Delim('{') {
				return Entry{}, fmt.Errorf("line %d: the manifest must be a JSON array of objects, or objects one per line", lim.lineAt(dec.InputOffset()))
			} else {
				return tokenObject(dec, lim, &index)
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
		tok, err := dec.Token()
		if err != nil {
			if err == io.EOF && !inArray {
				return Entry{}, io.EOF
			}
			return Entry{}, jsonError(err, lim)
		}
		if tok != json.Delim('{') {
			index++
			return Entry{}, fmt.Errorf("entry %d (line %d): must be an object of fields", index, lim.lineAt(dec.InputOffset()))
		}
		return tokenObject(dec, lim, &index)
	}
}

// readObject reads the fields of an object whose { was just read.
func tokenObject(dec *json.Decoder, lim *limitReader, index *int) (Entry, error) {
	*index++
	lim.mark = dec.InputOffset()
	lim.maxMark = MaxEntrySize
	e := Entry{Index: *index, Line: lim.lineAt(dec.InputOffset() - 1)}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return Entry{}, jsonError(err, lim)
		}
		key, _ := tok.(string)
		values, null, err := tokenValues(dec)
		if err != nil {
			return Entry{}, fmt.Errorf("%s: %s: %w", e.Where(), key, jsonError(err, lim))
		}
		if null {
			continue // "description": null is left out, as if absent; "" clears
		}
		if err := e.set(key, values); err != nil {
			return Entry{}, fmt.Errorf("%s: %s: %w", e.Where(), key, err)
		}
	}
	if _, err := dec.Token(); err != nil { // the closing }
		return Entry{}, jsonError(err, lim)
	}
	return e, nil
}

// jsonValues reads a scalar or an array of scalars as text.
func tokenValues(dec *json.Decoder) (values []string, null bool, err error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, false, err
	}
	switch v := tok.(type) {
	case nil:
		return nil, true, nil
	case json.Delim:
		if v != '[' {
			return nil, false, errors.New("expected text or a list of text")
		}
		values = []string{}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return nil, false, err
			}
			s, ok := tokenText(tok)
			if !ok {
				return nil, false, errors.New("expected text in the list")
			}
			values = append(values, s)
		}
		_, err = dec.Token() // ]
		return values, false, err
	}
	s, _ := tokenText(tok)
	return []string{s}, false, nil
}

func tokenText(tok json.Token) (string, bool) {
	switch v := tok.(type) {
	case string:
		return v, true
	case json.Number:
		return string(v), true
	case bool:
		if v {
			return "true", true
		}
		return "false", true
	}
	return "", false
}
