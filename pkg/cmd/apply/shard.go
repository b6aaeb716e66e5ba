package apply

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/orgctl/orgctl/pkg/cmdutil"
	"github.com/orgctl/orgctl/pkg/manifest"
	"github.com/orgctl/orgctl/pkg/plan"
	"github.com/orgctl/orgctl/pkg/shard"
)

// ownShard keeps the part of the whole manifest's plan that belongs to
// shard sh: the actions of the entries whose provider and name (the name the
// organization will have) hash into it, and the deletions of the owned
// organizations whose provider and current name do. The plan's Account
// already left out, or did not count as orphans, the owned organizations no
// entry names that hash into other shards (plan.Options.Orphans).
//
// Planning the whole manifest and then keeping a part, rather than planning
// a part, keeps a run with N shards the same as one run: every shard finds
// the same problems, and an organization an entry of another shard pins by
// id (a rename) is that entry's, never an orphan here.
func ownShard(pl *plan.Plan, sh shard.Shard) *plan.Plan {
	out := &plan.Plan{Orphans: pl.Orphans}
	for _, a := range pl.Actions {
		if sh.Has(a.Provider, a.Name) {
			out.Actions = append(out.Actions, a)
		}
	}
	return out
}

// addShardFlag adds --shard to apply or diff.
func addShardFlag(cmd *cobra.Command, opts *ApplyOptions, what string) {
	cmd.Flags().StringVar(&opts.Shard, "shard", "", what+" (K/N, 1-based), or auto (GitLab's CI_NODE_INDEX/CI_NODE_TOTAL), so the N jobs of a CI matrix split the manifest; with --prune, each deletes the owned organizations that hash into its shard; a pace from the provider's headers is split N ways, --rate is per job")
	cmdutil.MustRegister(cmd, "shard", cmdutil.CompleteValues("auto"))
}

// shardNote says on stderr how much of the manifest the shard has.
func shardNote(sh shard.Shard, entries []manifest.Entry) string {
	n := 0
	for i := range entries {
		if sh.Has(entries[i].Provider, entries[i].Name) {
			n++
		}
	}
	return fmt.Sprintf("Shard %s: %d of the manifest's %s, and the owned organizations that hash into it.", sh, n, count(len(entries), "entry"))
}
