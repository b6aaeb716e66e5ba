//go:build unix && !darwin

package keyring

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
)

// reachable refuses early when there is no session bus to reach the Secret
// Service on: godbus would otherwise run dbus-launch, which starts a
// dbus-daemon that outlives orgctl, once per command.
func reachable() error {
	if a := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" && a != "autolaunch:" {
		return nil
	}
	dir := os.Getenv("XDG_RUNTIME_DIR")
	if dir == "" {
		dir = "/run/user/" + strconv.Itoa(os.Getuid())
	}
	for _, name := range []string{"bus", "dbus-session"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return nil
		}
	}
	return &UnavailableError{Err: errors.New("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)")}
}
