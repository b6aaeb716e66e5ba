package progress

import (
	"bytes"
	"strings"
	"testing"
)

func TestEnabled(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tt := range []struct {
		mode string
		tty  bool
		env  map[string]string
		want bool
	}{
		{"", true, nil, true},
		{"", false, nil, false},                                             // piped stderr
		{"", true, map[string]string{"CI": "true"}, false},                  // CI
		{"always", false, map[string]string{"CI": "true"}, true},            // asked for
		{"never", true, nil, false},                                         // turned off
		{"", true, map[string]string{"ORGCTL_PROGRESS": "never"}, false},    // from the environment
		{"auto", true, map[string]string{"ORGCTL_PROGRESS": "never"}, true}, // the flag wins
	} {
		got, err := Enabled(tt.mode, tt.tty, env(tt.env))
		if err != nil || got != tt.want {
			t.Errorf("Enabled(%q, %v, %v) = %v, %v; want %v", tt.mode, tt.tty, tt.env, got, err, tt.want)
		}
	}
	if _, err := Enabled("sometimes", true, env(nil)); err == nil || !strings.Contains(err.Error(), "auto, always or never") {
		t.Errorf("bad mode: %v", err)
	}
}

func TestLineDrawsAndClears(t *testing.T) {
	var buf bytes.Buffer
	l := New(&buf, "creating", 4)
	l.Add(1)
	if !strings.Contains(buf.String(), "creating 1/4 (25%)") {
		t.Errorf("first draw %q", buf.String())
	}
	l.Clear()
	if !strings.HasSuffix(buf.String(), "\r\x1b[K") {
		t.Errorf("clear %q", buf.String())
	}
	var nilLine *Line
	nilLine.Add(1) // a disabled line is nil and draws nothing
	nilLine.Finish()
}
