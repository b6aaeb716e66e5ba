package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"testing"

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
