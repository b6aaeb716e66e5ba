package iostreams

import "testing"

func TestColourFollowsTheEnvironment(t *testing.T) {
	tests := []struct {
		env         map[string]string
		tty         bool
		wantOut     bool
		description string
	}{
		{map[string]string{}, true, true, "terminal"},
		{map[string]string{}, false, false, "piped"},
		{map[string]string{"NO_COLOR": "1"}, true, false, "NO_COLOR"},
		{map[string]string{"CLICOLOR": "0"}, true, false, "CLICOLOR=0"},
		{map[string]string{"TERM": "dumb"}, true, false, "dumb terminal"},
		{map[string]string{"CLICOLOR_FORCE": "1"}, false, true, "forced when piped"},
		{map[string]string{"CLICOLOR_FORCE": "0"}, false, false, "CLICOLOR_FORCE=0"},
		{map[string]string{"CLICOLOR_FORCE": "1", "NO_COLOR": "1"}, false, false, "NO_COLOR beats CLICOLOR_FORCE"},
	}
	for _, tt := range tests {
		getenv := func(k string) string { return tt.env[k] }
		s := &IOStreams{stdoutTTY: tt.tty, stderrTTY: tt.tty, colorOK: envAllowsColor(getenv), forced: envForcesColor(getenv)}
		if got := s.ColorOut(); got != tt.wantOut {
			t.Errorf("%s: ColorOut = %v", tt.description, got)
		}
		s.DisableColor() // --no-color wins over everything
		if s.ColorOut() || s.ColorErr() {
			t.Errorf("%s: colour after DisableColor", tt.description)
		}
	}
}

func TestPalette(t *testing.T) {
	if got := Palette(false).Red("x"); got != "x" {
		t.Errorf("plain = %q", got)
	}
	if got := Palette(true).Red("x"); got != "\x1b[31mx\x1b[0m" {
		t.Errorf("coloured = %q", got)
	}
}
