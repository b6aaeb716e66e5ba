package e2e

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLinkerPrunesUnusedMethods keeps the release binary small: once any
// reachable code calls reflect.Value.Method or MethodByName (the standard
// text/template does, and so does a cobra usage or version template), the
// linker must keep every exported method of every type, about 2.4 MiB
// here. Only the symbols of the binary the other tests run can tell.
func TestLinkerPrunesUnusedMethods(t *testing.T) {
	out, err := exec.Command("go", "tool", "nm", binary).Output()
	if err != nil {
		t.Fatalf("go tool nm: %v", err)
	}
	for line := range strings.Lines(string(out)) {
		fields := strings.Fields(line)
		if len(fields) == 3 && (fields[2] == "reflect.Value.Method" || fields[2] == "reflect.Value.MethodByName") {
			t.Errorf("the binary links %s: something calls methods by reflection (text/template instead of pkg/template/text?), so unused methods are no longer pruned", fields[2])
		}
	}
}
