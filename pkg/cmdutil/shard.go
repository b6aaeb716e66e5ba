package cmdutil

import (
	"fmt"

	"github.com/orgctl/orgctl/pkg/shard"
)

// ShardFlag reads --shard: "" is the whole manifest, and a mistake is a
// usage error (exit 2) naming the flag.
func ShardFlag(s string, getenv func(string) string) (shard.Shard, error) {
	if s == "" {
		return shard.Shard{}, nil
	}
	sh, err := shard.Parse(s, getenv)
	if err != nil {
		return shard.Shard{}, Usage(fmt.Errorf("--shard %w", err))
	}
	return sh, nil
}
