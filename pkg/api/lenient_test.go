package api

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

type lenientOrg struct {
	ID     StrictString `json:"id"`
	Name   StrictString `json:"name"`
	PlanID *int         `json:"plan_id"`
	Tags   []string     `json:"tags"`
	Plan   *struct {
		Plan string `json:"plan"`
		Days *int   `json:"days"`
	} `json:"organization_plan"`
	Members []struct {
		UserID string `json:"user_id"`
		Role   string `json:"role"`
	} `json:"members"`
	CreatedAt string `json:"created_at"`
}

// TestLenientDropsOnlyTheMemberOfTheWrongType: each member of the wrong
// type is left empty, everything else decodes; id and name of the wrong
// type fail.
func TestLenientDropsOnlyTheMemberOfTheWrongType(t *testing.T) {
	seven := 7
	for _, tt := range []struct {
		body string
		want lenientOrg
		err  error
	}{
		{`{"id":"a","name":"n","plan_id":"1","tags":["x"],"created_at":5}`,
			lenientOrg{ID: "a", Name: "n", Tags: []string{"x"}}, nil},
		{`{"id":"a","name":"n","plan_id":1,"tags":"x"}`,
			lenientOrg{ID: "a", Name: "n", PlanID: ptrTo(1)}, nil},
		{`{"id":"a","name":"n","tags":["x",5,"y",null]}`,
			lenientOrg{ID: "a", Name: "n", Tags: []string{"x", "y", ""}}, nil},
		{`{"id":"a","name":"n","organization_plan":"TEAM"}`, lenientOrg{ID: "a", Name: "n"}, nil},
		{`{"id":"a","name":"n","organization_plan":{"plan":"TEAM","days":"7"}}`,
			lenientOrg{ID: "a", Name: "n", Plan: &struct {
				Plan string `json:"plan"`
				Days *int   `json:"days"`
			}{Plan: "TEAM"}}, nil},
		{`{"id":"a","name":"n","organization_plan":{"plan":"TEAM","days":7}}`,
			lenientOrg{ID: "a", Name: "n", Plan: &struct {
				Plan string `json:"plan"`
				Days *int   `json:"days"`
			}{Plan: "TEAM", Days: &seven}}, nil},
		{`{"id":"a","name":"n","members":{"u1":"owner"}}`, lenientOrg{ID: "a", Name: "n"}, nil},
		{`{"id":"a","name":"n","members":[{"user_id":"u","role":7},"x"]}`,
			lenientOrg{ID: "a", Name: "n", Members: []struct {
				UserID string `json:"user_id"`
				Role   string `json:"role"`
			}{{UserID: "u"}}}, nil},
		{`{"id":"a","NAME":"n","Plan_ID":"x"}`, lenientOrg{ID: "a", Name: "n"}, nil},
		{`{"id":5,"name":"n"}`, lenientOrg{}, ErrNotText},
		{`{"id":"a","name":["n"],"plan_id":"1"}`, lenientOrg{}, ErrNotText},
		{`{"id":"a","plan_id":"1","name":false}`, lenientOrg{}, ErrNotText},
	} {
		var got lenientOrg
		err := Lenient([]byte(tt.body), &got)
		if !errors.Is(err, tt.err) || tt.err == nil && !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %+v, %v\nwant %+v, %v", tt.body, got, err, tt.want, tt.err)
		}
	}
	var got lenientOrg
	if err := Lenient([]byte(`{"id":"a",`), &got); err == nil || strings.Contains(err.Error(), "type") {
		t.Errorf("invalid JSON: err %v", err)
	}
}

func ptrTo[T any](v T) *T { return &v }

// TestReadListDecodesADriftedItemAgainFromItsBytes: whatever the reads'
// sizes, an item with a member of the wrong type is decoded again from its
// own bytes, and the items around it are untouched.
func TestReadListDecodesADriftedItemAgainFromItsBytes(t *testing.T) {
	body := `{"before":{"x":1},"results":[ {"id":"a","name":"A"} ,` + "\n" +
		`{"id":"b","name":{"drift":true}}, {"id":"c","name":"C"},{"name":7,"id":"d"}],"after":[1]}`
	for _, r := range map[string]func() io.Reader{
		"whole":       func() io.Reader { return strings.NewReader(body) },
		"byte a read": func() io.Reader { return iotest.OneByteReader(strings.NewReader(body)) },
		"half a read": func() io.Reader { return iotest.HalfReader(strings.NewReader(body)) },
	} {
		var got []string
		err := ReadList(r(), "results", nil, func(it *item) error {
			got = append(got, it.ID+"/"+it.Name)
			return nil
		})
		if err != nil || strings.Join(got, " ") != "a/A b/ c/C d/" {
			t.Errorf("items %q, err %v", got, err)
		}
	}
}
