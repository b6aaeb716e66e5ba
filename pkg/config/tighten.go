package config

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// TightenDir makes the config file's directory private (0700) when others
// may read or search it and it is orgctl's own (named orgctl or .orgctl,
// as the default one is): a listing shows what orgctl keeps, and a later
// file written there less carefully would be exposed. Another directory (a
// home, a project, /tmp) is not orgctl's to change: it gets a warning, as
// does one chmod fails on. A missing directory is created 0700 by the
// writer. Windows has no such mode bits.
func TightenDir(path string) (note, warning string) {
	if runtime.GOOS == "windows" {
		return "", ""
	}
	target, err := resolve(path)
	if err != nil {
		return "", ""
	}
	dir := filepath.Dir(target)
	info, err := os.Stat(dir)
	if err != nil || info.Mode().Perm()&0o077 == 0 {
		return "", ""
	}
	mode := info.Mode().Perm()
	if base := filepath.Base(dir); base != "orgctl" && base != ".orgctl" {
		return "", fmt.Sprintf("config directory %s is open to other users (mode %04o): run chmod 700 %s", dir, mode, dir)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return "", fmt.Sprintf("config directory %s is open to other users (mode %04o) and could not be made private (%v): run chmod 700 %s", dir, mode, err, dir)
	}
	return fmt.Sprintf("config directory %s was open to other users (mode %04o): now 0700", dir, mode), ""
}
