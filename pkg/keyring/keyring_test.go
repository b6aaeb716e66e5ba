package keyring

import (
	"errors"
	"runtime"
	"testing"
	"time"

	zk "github.com/zalando/go-keyring"
)

// blocking never answers, as a keyring waiting on an unlock prompt.
type blocking struct{ release chan struct{} }

func (b blocking) Get(string, string) (string, error) { <-b.release; return "late", nil }
func (b blocking) Set(string, string, string) error   { <-b.release; return nil }
func (b blocking) Delete(string, string) error        { <-b.release; return nil }

func TestTimeoutBoundsEveryCall(t *testing.T) {
	b := blocking{make(chan struct{})}
	defer close(b.release)
	s := WithTimeout(b, 50*time.Millisecond)
	calls := map[string]func() error{
		"get":    func() error { _, err := s.Get(Service, "vertra"); return err },
		"set":    func() error { return s.Set(Service, "vertra", "secret") },
		"delete": func() error { return s.Delete(Service, "vertra") },
	}
	for name, call := range calls {
		start := time.Now()
		err := call()
		var te *TimeoutError
		if !errors.As(err, &te) || time.Since(start) > 2*time.Second {
			t.Errorf("%s: %v after %s, want a TimeoutError after 50ms", name, err, time.Since(start))
		}
	}
}

// TestSystemThroughTheLibrarysMock: go-keyring's own mock stands in for the
// OS keyring; not-found stays ErrNotFound, other failures are Unavailable.
func TestSystemThroughTheLibrarysMock(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent") // past reachable; the mock answers
	zk.MockInit()
	s := WithTimeout(system{}, time.Second)
	if _, err := s.Get(Service, "vertra"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get of nothing: %v", err)
	}
	if err := s.Set(Service, "vertra", "tok"); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Get(Service, "vertra"); v != "tok" || err != nil {
		t.Fatalf("get = %q, %v", v, err)
	}
	if err := s.Delete(Service, "vertra"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(Service, "vertra"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	zk.MockInitWithError(errors.New("dbus: no such service"))
	var ue *UnavailableError
	if err := s.Set(Service, "vertra", "tok"); !errors.As(err, &ue) {
		t.Fatalf("set on a failing keyring: %v", err)
	}
}

// TestNoSessionBusIsUnavailableAtOnce: with no session bus, nothing is
// asked (godbus would start a dbus-daemon through dbus-launch).
func TestNoSessionBusIsUnavailableAtOnce(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the session bus check is for the Secret Service")
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	zk.MockInitWithError(errors.New("the library must not be called"))
	_, err := system{}.Get(Service, "vertra")
	var ue *UnavailableError
	if !errors.As(err, &ue) || ue.Err.Error() != "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)" {
		t.Fatalf("err = %v", err)
	}
}
