package manifest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// jsonEntries reads a JSON array of objects, or objects one after another
// (NDJSON, JSON Lines), token by token: only the current entry is held.
func jsonEntries(in io.Reader, lim *limitReader) func() (Entry, error) {
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
				return readObject(dec, lim, &index)
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
		return readObject(dec, lim, &index)
	}
}

// readObject reads the fields of an object whose { was just read.
func readObject(dec *json.Decoder, lim *limitReader, index *int) (Entry, error) {
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
		values, null, err := jsonValues(dec)
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
func jsonValues(dec *json.Decoder) (values []string, null bool, err error) {
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
			s, ok := text(tok)
			if !ok {
				return nil, false, errors.New("expected text in the list")
			}
			values = append(values, s)
		}
		_, err = dec.Token() // ]
		return values, false, err
	}
	s, _ := text(tok)
	return []string{s}, false, nil
}

func text(tok json.Token) (string, bool) {
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
