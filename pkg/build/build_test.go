package build

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestCurrent(t *testing.T) {
	vcs := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.time", Value: "2026-11-20T10:00:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}}
	platform := runtime.GOOS + "/" + runtime.GOARCH
	tests := []struct {
		name                  string
		version, commit, date string
		bi                    *debug.BuildInfo
		want                  Info
		line                  string
	}{
		{"stamped by GoReleaser wins", "1.2.0", "abcdef0", "2026-11-25T08:00:00Z", vcs,
			Info{"1.2.0", "abcdef0", "2026-11-25T08:00:00Z", runtime.Version(), platform},
			"orgctl version 1.2.0 (commit abcdef0, built 2026-11-25T08:00:00Z, " + runtime.Version() + " " + platform + ")"},
		{"go install module@version", "", "", "", &debug.BuildInfo{Main: debug.Module{Version: "v1.3.0"}},
			Info{"1.3.0", "", "", runtime.Version(), platform},
			"orgctl version 1.3.0 (" + runtime.Version() + " " + platform + ")"},
		{"go build in a modified checkout", "", "", "", vcs,
			Info{"dev", "0123456789abcdef0123456789abcdef01234567-dirty", "2026-11-20T10:00:00Z", runtime.Version(), platform},
			"orgctl version dev (commit 0123456-dirty, built 2026-11-20T10:00:00Z, " + runtime.Version() + " " + platform + ")"},
		{"no build information", "", "", "", nil,
			Info{"dev", "", "", runtime.Version(), platform},
			"orgctl version dev (" + runtime.Version() + " " + platform + ")"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := current(tt.version, tt.commit, tt.date, tt.bi)
			if got != tt.want {
				t.Errorf("current() = %+v, want %+v", got, tt.want)
			}
			if got.String() != tt.line {
				t.Errorf("String() = %q, want %q", got.String(), tt.line)
			}
		})
	}
}
