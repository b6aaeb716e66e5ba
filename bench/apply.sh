#!/usr/bin/env bash
# Measures `orgctl diff` and `orgctl apply` (docs/apply.md) against the
# sandbox on loopback, on one machine in one run:
#   seed   apply of N organizations (half Qovery, half VertraCloud) on an
#          empty account;
#   plan   diff of the same N with DRIFT % of the descriptions edited: wall
#          time and peak RSS, median (min-max) of RUNS runs; baseline: the
#          two `orgctl list -o json` that read the same organizations;
#   apply  of that drift: wall time, peak RSS, and the writes the sandbox
#          logged, which must equal the changes (N*DRIFT/100);
#   re-run apply right after: 0 writes.
# Needs bash 5, jq and GNU time (/usr/bin/time; Debian: apt-get install time).
# Usage: bench/apply.sh   (env: N=10000 DRIFT=10 RUNS=5 CONCURRENCY=8)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-10000}"
DRIFT="${DRIFT:-10}"
RUNS="${RUNS:-5}"
CONCURRENCY="${CONCURRENCY:-8}"
command -v /usr/bin/time >/dev/null || { echo "bench needs GNU time (Debian: apt-get install time)" >&2; exit 1; }

work=$(mktemp -d)
trap 'kill "${sandbox_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/orgctl" ./cmd/orgctl

log="$work/sandbox.log" # one line per API request: "METHOD /path -> status (duration)"
"$work/orgctl" sandbox serve --addr 127.0.0.1:0 2>"$log" &
sandbox_pid=$!
for _ in $(seq 50); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log" | head -1 || true)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "the sandbox did not start" >&2; exit 1; }
export ORGCTL_QOVERY_URL="$url" ORGCTL_QOVERY_TOKEN=bench-token ORGCTL_VERTRA_URL="$url" ORGCTL_VERTRA_TOKEN=bench-token

# manifest EDITED: N entries, every (100/DRIFT)th description "edited" when EDITED=1.
manifest() {
  awk -v n="$N" -v every=$((100 / DRIFT)) -v edited="$1" 'BEGIN {
    print "prune: {match: \"^bench-\"}"
    print "organizations:"
    for (i = 0; i < n; i++) {
      p = (i % 2) ? "vertra" : "qovery"
      d = (edited && int(i / 2) % every == 0) ? "edited" : "tenant" # both providers drift
      plan = (p == "qovery") ? ", plan: TEAM_2025" : ""
      printf "  - {name: bench-%05d, provider: %s, description: %s%s}\n", i, p, d, plan
    }
  }'
}
manifest 0 >"$work/base.yaml"
manifest 1 >"$work/drift.yaml"

# measure CMD...: runs it under GNU time; prints "seconds maxrss_kib exit".
measure() {
  local code=0
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$work/out" 2>"$work/err" || code=$?
  echo "$(cat "$work/time" | tail -1) $code"
}
# writes FROM: the non-GET requests the sandbox logged after line FROM.
writes() { tail -n +$(($1 + 1)) "$log" | grep -c -E '^(POST|PUT|PATCH|DELETE) ' || true; }
reads() { tail -n +$(($1 + 1)) "$log" | grep -c -E '^GET ' || true; }
lines() { wc -l <"$log"; }
stats() { sort -n | awk '{a[NR]=$1} END {m=(NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2); printf "%.3f (%.3f-%.3f)", m, a[1], a[NR]}'; }

echo "machine: $(nproc) cores, $(uname -m), $(go version | cut -d' ' -f3); N=$N, drift $DRIFT %, concurrency $CONCURRENCY, $RUNS runs"

from=$(lines)
read -r s rss code < <(measure "$work/orgctl" apply -f "$work/base.yaml" --concurrency "$CONCURRENCY")
[ "$code" = 0 ] || { cat "$work/err" >&2; exit 1; }
printf 'seed   apply of %d creates: %.2f s, peak RSS %d MiB, %d writes\n' "$N" "$s" $((rss / 1024)) "$(writes "$from")"

: >"$work/plan.s"; : >"$work/plan.rss"; : >"$work/list.s"
for _ in $(seq "$RUNS"); do
  read -r s rss code < <(measure "$work/orgctl" diff -f "$work/drift.yaml" -o json)
  [ "$code" = 8 ] || { echo "diff exited $code, want 8" >&2; cat "$work/err" >&2; exit 1; }
  echo "$s" >>"$work/plan.s"; echo $((rss / 1024)) >>"$work/plan.rss"
  updates=$(jq '.summary.update' "$work/out")
  read -r q _ _ < <(measure "$work/orgctl" list --provider qovery -o json)
  read -r v _ _ < <(measure "$work/orgctl" list --provider vertra -o json)
  awk -v q="$q" -v v="$v" 'BEGIN { print q + v }' >>"$work/list.s"
done
printf 'plan   diff, %s updates planned: %s s, peak RSS %s MiB; baseline: the two lists %s s\n' \
  "$updates" "$(stats <"$work/plan.s")" "$(stats <"$work/plan.rss")" "$(stats <"$work/list.s")"

from=$(lines)
read -r s rss code < <(measure "$work/orgctl" apply -f "$work/drift.yaml" --concurrency "$CONCURRENCY")
[ "$code" = 0 ] || { cat "$work/err" >&2; exit 1; }
w=$(writes "$from"); r=$(reads "$from")
printf 'apply  of the drift: %.2f s, peak RSS %d MiB; writes %d (changes: %d), reads %d\n' "$s" $((rss / 1024)) "$w" $((N * DRIFT / 100)) "$r"

from=$(lines)
read -r s rss code < <(measure "$work/orgctl" apply -f "$work/drift.yaml")
printf 're-run apply: %.2f s, exit %s, writes %d: %s\n' "$s" "$code" "$(writes "$from")" "$(cat "$work/err")"
