package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"unicode/utf8"
)

// APIs drift faster than releases: a provider may start sending a number as
// a string, null for a list, an object for an array. orgctl needs an
// organization's id and name; anything else it only shows. So a member
// whose value has the wrong type for its field is dropped (left at its zero
// value), and the organization is still listed, shown and deleted. An id or
// name of the wrong type (StrictString) still fails.

// ErrNotText is what a StrictString member that is not a JSON string (nor
// null) fails the decoding with.
var ErrNotText = errors.New("an organization's id or name is not a string")

// StrictString is a member an answer must give as a JSON string (an id, a
// name): any other type fails the decoding with ErrNotText, where Lenient
// drops a non-essential member of the wrong type. null leaves it empty,
// which the caller checks as a missing value.
type StrictString string

// UnmarshalJSON implements json.Unmarshaler.
func (s *StrictString) UnmarshalJSON(b []byte) error {
	switch {
	case string(b) == "null":
		return nil
	case len(b) < 2 || b[0] != '"':
		return ErrNotText
	}
	// The common id or name has no escapes: no second decoding for it.
	if v := b[1 : len(b)-1]; bytes.IndexByte(v, '\\') < 0 && utf8.Valid(v) {
		*s = StrictString(v)
		return nil
	}
	return json.Unmarshal(b, (*string)(s))
}

// Lenient decodes data into v, a pointer, as json.Unmarshal does, except
// that a member whose value has the wrong type for its field is left at
// its zero value: inside nested objects too, and an array element of the
// wrong type is dropped. Invalid JSON, and an error of a field's own
// UnmarshalJSON (StrictString's), are returned. The common case costs one
// json.Unmarshal; only an answer with a type mismatch is walked again,
// member by member.
func Lenient(data []byte, v any) error {
	err := json.Unmarshal(data, v)
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return err
	}
	rv := reflect.ValueOf(v).Elem()
	rv.SetZero() // json.Unmarshal may have left a pointer to a zero value
	_, err = lenient(data, rv)
	return err
}

// lenient decodes data into v, which it may change only when data fits:
// ok is false when data is of the wrong type for v as a whole.
func lenient(data []byte, v reflect.Value) (ok bool, err error) {
	p := reflect.New(v.Type())
	err = json.Unmarshal(data, p.Interface())
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		v.Set(p.Elem())
		return true, nil
	case !errors.As(err, &te):
		return false, err
	}
	// Something inside does not fit: keep what does, member by member.
	switch v.Kind() {
	case reflect.Struct:
		var members map[string]json.RawMessage
		if json.Unmarshal(data, &members) != nil {
			return false, nil // not an object
		}
		for name, raw := range members {
			f, found := fieldByJSONName(v, name)
			if !found {
				continue
			}
			if _, err := lenient(raw, f); err != nil {
				return false, err
			}
		}
		return true, nil
	case reflect.Slice:
		var items []json.RawMessage
		if json.Unmarshal(data, &items) != nil {
			return false, nil // not an array
		}
		s := reflect.MakeSlice(v.Type(), 0, len(items))
		for _, raw := range items {
			e := reflect.New(v.Type().Elem()).Elem()
			ok, err := lenient(raw, e)
			if err != nil {
				return false, err
			}
			if ok {
				s = reflect.Append(s, e)
			}
		}
		v.Set(s)
		return true, nil
	case reflect.Pointer:
		if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
			return true, nil
		}
		e := reflect.New(v.Type().Elem())
		ok, err := lenient(data, e.Elem())
		if ok && err == nil {
			v.Set(e)
		}
		return ok, err
	}
	return false, nil // a scalar, map or array of the wrong type: dropped
}

// fieldByJSONName finds the struct field encoding/json would decode the
// member name into: its tag's name, or the field's, exactly or else
// ignoring case. Unexported and embedded fields are not looked at (the
// types Lenient decodes have none).
func fieldByJSONName(v reflect.Value, name string) (reflect.Value, bool) {
	t := v.Type()
	fold := -1
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() || sf.Anonymous {
			continue
		}
		key, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		switch key {
		case "-":
			continue
		case "":
			key = sf.Name
		}
		if key == name {
			return v.Field(i), true
		}
		if fold < 0 && strings.EqualFold(key, name) {
			fold = i
		}
	}
	if fold >= 0 {
		return v.Field(fold), true
	}
	return reflect.Value{}, false
}
