package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/orgctl/orgctl/pkg/provider"
)

func TestExitCode(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, 0},
		{errors.New("boom"), 1},
		{Usage(errors.New("bad flag")), 2},
		{fmt.Errorf("unknown flag: --nope"), 2},
		{fmt.Errorf(`unknown command "x" for "orgctl"`), 2},
		{&AuthError{Err: errors.New("no token")}, 3},
		{&provider.Error{Kind: provider.KindInvalid}, 2},
		{&provider.Error{Kind: provider.KindAuth}, 3},
		{&provider.Error{Kind: provider.KindConflict}, 4},
		{fmt.Errorf("wrapped: %w", &provider.Error{Kind: provider.KindPlan}), 5},
		{&provider.Error{Kind: provider.KindServer}, 6},
		{&provider.Error{Kind: provider.KindNetwork}, 6},
		{&provider.Error{Kind: provider.KindNetwork, Err: context.Canceled}, 130},
		{&provider.Error{Kind: provider.KindUnknown}, 1},
	}
	for _, tt := range tests {
		if got := ExitCode(tt.err); got != tt.want {
			t.Errorf("ExitCode(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

func TestMostSevere(t *testing.T) {
	for _, tt := range []struct {
		codes []int
		want  int
	}{
		{nil, 0},
		{[]int{4, 4, 2}, 4},
		{[]int{2, 1}, 2},
		{[]int{4, 6, 5}, 6},
		{[]int{7, 3, 6}, 3},
		{[]int{1, 130, 3}, 130},
	} {
		if got := MostSevere(tt.codes...); got != tt.want {
			t.Errorf("MostSevere(%v) = %d, want %d", tt.codes, got, tt.want)
		}
	}
	if got := ExitCode(&CodeError{Code: 5, Err: errors.New("x")}); got != 5 {
		t.Errorf("CodeError exit = %d", got)
	}
}

func TestParseRate(t *testing.T) {
	for in, want := range map[string][2]int64{"30/m": {30, int64(time.Minute)}, "5/s": {5, int64(time.Second)}, " 1000/h ": {1000, int64(time.Hour)}} {
		n, per, err := ParseRate(in)
		if err != nil || int64(n) != want[0] || int64(per) != want[1] {
			t.Errorf("ParseRate(%q) = %d, %s, %v", in, n, per, err)
		}
	}
	for _, bad := range []string{"", "30", "30/d", "0/s", "-1/s", "x/s", "/s"} {
		if _, _, err := ParseRate(bad); err == nil {
			t.Errorf("ParseRate(%q) accepted", bad)
		}
	}
}

// TestEveryExitCodeIsDocumented: `orgctl help exit-codes` is built from
// ExitCodes, so a code missing there is missing from the help and man page.
func TestEveryExitCodeIsDocumented(t *testing.T) {
	documented := map[int]bool{}
	for _, c := range ExitCodes {
		if documented[c.Code] {
			t.Errorf("exit code %d is documented twice", c.Code)
		}
		documented[c.Code] = true
	}
	for _, code := range append([]int{ExitOK, ExitChanges, ExitHangup, ExitBrokenPipe, ExitTerminated}, severity...) {
		if !documented[code] {
			t.Errorf("exit code %d is not in ExitCodes", code)
		}
	}
}
