package planfile

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// FuzzRead: a plan is a file from somewhere else (a CI artifact). Read
// and Each must refuse what they cannot check, never panic; and what they
// accept must survive Write unchanged, digest and all.
func FuzzRead(f *testing.F) {
	good := sealed(sample(true))
	f.Add(good)
	var doc map[string]any
	_ = json.Unmarshal(good, &doc)
	sorted, _ := json.Marshal(doc)
	f.Add(sorted)
	f.Add([]byte(strings.Replace(string(good), `"prune": true`, `"prune": false`, 1)))
	f.Add([]byte(`{"kind":"orgctl-plan","format_version":1,"actions":[]}`))
	f.Add([]byte(`{"actions":[{"action":"update","changes":[{"field":"tags","new":[1]}]}]}`))
	f.Add([]byte("organizations: []\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := Read(bytes.NewReader(b))
		if err != nil {
			return
		}
		if err := d.Load(); err != nil {
			return // a rule broken, or a summary that does not count
		}
		var out bytes.Buffer
		again := *d
		if err := encode(&out, &again); err != nil {
			t.Fatalf("an accepted plan does not encode: %v", err)
		}
		back, err := Read(bytes.NewReader(out.Bytes()))
		if err == nil {
			err = back.Load()
		}
		if err != nil {
			t.Fatalf("an accepted plan, written again, is refused: %v\n%s", err, out.Bytes())
		}
		if !reflect.DeepEqual(back.Actions, d.Actions) || back.Digest != d.Digest {
			t.Fatalf("written again, the plan reads back otherwise:\n%+v\n%+v", back.Actions, d.Actions)
		}
	})
}
