package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
)

// bodyError is an invalid request body, worded for API users: it ends up
// in the error bodies. Field names the offending field, when there is one.
type bodyError struct {
	Field   string
	Message string
}

func (e *bodyError) Error() string { return e.Message }

// details is VALIDATION_ERROR's details object: {"path": field}.
func (e *bodyError) details() map[string]any {
	if e.Field == "" {
		return nil
	}
	return map[string]any{"path": e.Field}
}

// decodeStrict decodes one JSON object; wrong types and trailing data are
// errors, unknown fields are ignored as the real APIs do.
func decodeStrict(r *http.Request, v any) *bodyError {
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(v); err != nil {
		return describeJSONError(err, v)
	}
	if _, err := dec.Token(); err != io.EOF {
		return &bodyError{Message: "the request body has data after the JSON object"}
	}
	return nil
}

// describeJSONError says what is wrong with a body decoded into v, without
// naming Go types.
func describeJSONError(err error, v any) *bodyError {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return &bodyError{Message: "the request body is empty: send a JSON object"}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &bodyError{Message: "the request body is truncated JSON"}
	case errors.As(err, &syntax):
		return &bodyError{Message: fmt.Sprintf("the request body is not valid JSON: %v (byte %d)", syntax, syntax.Offset)}
	case errors.As(err, &typ) && typ.Field == "":
		return &bodyError{Message: "the request body must be a JSON object, not " + article(typ.Value)}
	case errors.As(err, &typ):
		return &bodyError{Field: typ.Field, Message: fmt.Sprintf("%s must be %s (found %s)", typ.Field, fieldShape(v, typ.Field), article(typ.Value))}
	}
	return &bodyError{Message: err.Error()}
}

// fieldShape names the JSON form of the field of *v tagged name. The
// request fields are all strings or arrays of strings.
func fieldShape(v any, name string) string {
	t := reflect.TypeOf(v).Elem()
	for i := range t.NumField() {
		f := t.Field(i)
		if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag == name {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Slice {
				return "an array of strings"
			}
		}
	}
	return "a string"
}

func article(jsonType string) string {
	switch jsonType {
	case "array", "object":
		return "an " + jsonType
	case "number", "string", "bool":
		return "a " + jsonType
	}
	return jsonType
}
