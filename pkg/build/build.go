// Package build says which orgctl this is: the version, commit and date that
// GoReleaser stamps with -ldflags -X, or, for `go install` and `go build`
// binaries, what the Go toolchain recorded in the binary.
package build

import (
	"encoding/json"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
)

// Version, Commit and Date are set with -ldflags -X at release time, e.g.
// -X github.com/orgctl/orgctl/pkg/build.Version=1.2.0.
var (
	Version = ""
	Commit  = ""
	Date    = ""
)

// Info describes the running binary. Commit and Date are empty when
// nothing recorded them.
type Info struct {
	Version   string
	Commit    string
	Date      string
	GoVersion string
	Platform  string
}

// Current is the stamped information, completed from the build information
// the Go toolchain embeds: the module version for `go install pkg@v1.2.0`,
// the VCS revision and commit time for a `go build` in a git checkout.
// It is worked out once: the root command, `version` and every API
// client's User-Agent ask for it, and it cannot change while orgctl runs.
var Current = sync.OnceValue(func() Info {
	bi, _ := debug.ReadBuildInfo()
	return current(Version, Commit, Date, bi)
})

func current(version, commit, date string, bi *debug.BuildInfo) Info {
	info := Info{Version: version, Commit: commit, Date: date,
		GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi != nil {
		if info.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = bi.Main.Version
		}
		var modified bool
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if info.Commit == "" {
					info.Commit = s.Value
				}
			case "vcs.time":
				if info.Date == "" {
					info.Date = s.Value
				}
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if modified && commit == "" && info.Commit != "" {
			info.Commit += "-dirty"
		}
	}
	// GoReleaser's {{.Version}} has no "v"; module versions do.
	info.Version = strings.TrimPrefix(info.Version, "v")
	if info.Version == "" {
		info.Version = "dev"
	}
	return info
}

// MarshalJSON writes unknown fields as null, as orgctl's other JSON does.
func (i Info) MarshalJSON() ([]byte, error) {
	orNull := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	return json.Marshal(struct {
		Version   string  `json:"version"`
		Commit    *string `json:"commit"`
		Date      *string `json:"date"`
		GoVersion string  `json:"go_version"`
		Platform  string  `json:"platform"`
	}{i.Version, orNull(i.Commit), orNull(i.Date), i.GoVersion, i.Platform})
}

// String is the one line `orgctl version` and `orgctl --version` print.
func (i Info) String() string { return "orgctl version " + i.Details() }

// Details is the version and what it was built from, the part of String
// after "orgctl version ".
func (i Info) Details() string {
	var b strings.Builder
	b.WriteString(i.Version + " (")
	if i.Commit != "" {
		b.WriteString("commit " + short(i.Commit) + ", ")
	}
	if i.Date != "" {
		b.WriteString("built " + i.Date + ", ")
	}
	b.WriteString(i.GoVersion + " " + i.Platform + ")")
	return b.String()
}

// short abbreviates a full git hash as git does by default.
func short(commit string) string {
	hash, dirty := strings.CutSuffix(commit, "-dirty")
	if len(hash) == 40 {
		hash = hash[:7]
	}
	if dirty {
		hash += "-dirty"
	}
	return hash
}

// UserAgent is sent with every API request.
func UserAgent() string { return "orgctl/" + Current().Version }
