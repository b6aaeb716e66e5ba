// Package build holds the version stamped into the binary at release time.
package build

import "runtime/debug"

// Version, Commit and Date are set with -ldflags -X by GoReleaser.
var (
	Version = ""
	Commit  = ""
	Date    = ""
)

// UserAgent is sent with every API request.
func UserAgent() string { return "orgctl/" + CurrentVersion() }

// CurrentVersion is the stamped version, else the module version that
// `go install` recorded, else "dev".
func CurrentVersion() string {
	if Version != "" {
		return Version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}
