#!/usr/bin/env bash
# Measures orgctl against a large account (issue 19's table, quoted in
# docs/performance.md), on the sandbox over loopback, in one run:
#   list    `list -o json` of M organizations: wall time and peak RSS;
#           baseline: curl of the same answer piped to `jq length`;
#   lookup  `get NAME` and `create --if-not-exists` of the last of M: peak RSS;
#   plan    `diff -f` of N entries (DRIFT % edited) against the M: wall time
#           and peak RSS; baseline: the list alone, read whole and kept
#           nowhere (`get` of a name that is not there);
#   saved   `diff --out` of the same, and `apply --dry-run PLAN` (the
#           staleness check): wall time and peak RSS;
#   apply   `apply -f` of N creates from CSV on an empty account: peak RSS;
#   create  `create -f` of the same N at concurrency 8 and 32: organizations/s;
#   shards  SHARDS jobs of one N-entry manifest at once (`--shard K/SHARDS`)
#           against a sandbox limited to LIMIT requests/s: names created once,
#           429 answers, and the rate reached against the limit.
# Each timed row runs RUNS times, its baseline alternating with it; figures
# are medians (min-max).
# Needs bash, curl, jq and GNU time (Debian: apt-get install time jq curl).
# LIMIT is below what one machine creates unpaced (about 8,000/s on 2 cores
# with the sandbox beside it), so that the pace, not the CPU, is measured.
# Usage: bench/scale.sh   (env: M=1000000 N=100000 DRIFT=10 RUNS=3 SHARDS=4 LIMIT=4000)
set -euo pipefail
cd "$(dirname "$0")/.."
M="${M:-1000000}"
N="${N:-100000}"
DRIFT="${DRIFT:-10}"
RUNS="${RUNS:-3}"
SHARDS="${SHARDS:-4}"
LIMIT="${LIMIT:-4000}"
for tool in /usr/bin/time curl jq; do
  command -v "$tool" >/dev/null || { echo "bench needs $tool (Debian: apt-get install time curl jq)" >&2; exit 1; }
done

work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/orgctl" ./cmd/orgctl
token=bench-token
export ORGCTL_VERTRA_TOKEN=$token ORGCTL_QOVERY_TOKEN=$token

# sandbox NAME [FLAGS...]: starts `orgctl sandbox serve`; sets $url and
# logs its requests ("METHOD /path -> status (duration)") to $work/NAME.log.
sandbox() {
  local name=$1; shift
  "$work/orgctl" sandbox serve --addr 127.0.0.1:0 "$@" 2>"$work/$name.log" &
  pids+=($!)
  url=""
  for _ in $(seq 100); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/$name.log" | head -1 || true)
    [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || { echo "the sandbox did not start" >&2; cat "$work/$name.log" >&2; exit 1; }
  export ORGCTL_VERTRA_URL=$url ORGCTL_QOVERY_URL=$url
}

# measure CMD...: runs it under GNU time; prints "seconds maxrss_kib exit".
measure() {
  local code=0
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$work/out" 2>"$work/err" || code=$?
  echo "$(tail -1 "$work/time") $code"
}
# measure_sh SCRIPT: the same for a shell pipeline.
measure_sh() { measure bash -o pipefail -c "$1"; }
stats() { sort -n | awk '{a[NR]=$1} END {m=(NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2); printf "%.2f (%.2f-%.2f)", m, a[1], a[NR]}'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mib() { awk '{printf "%.1f\n", $1 / 1024}'; }
ratio() { awk -v a="$(median <"$1")" -v b="$(median <"$2")" 'BEGIN {printf "%.2fx", a / b}'; }
fail() { echo "$1" >&2; cat "$work/err" >&2; exit 1; }
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN {print b - a}'; }

echo "machine: $(nproc) cores, $(uname -m), $(go version | cut -d' ' -f3); M=$M N=$N DRIFT=$DRIFT RUNS=$RUNS SHARDS=$SHARDS LIMIT=$LIMIT/s"

# --- an account of M VertraCloud organizations, acct-0000000 ... -----------
sandbox account
start=$(date +%s.%N)
curl -sf -X POST "$url/_sandbox/seed" -d "{\"provider\":\"vertra\",\"count\":$M,\"prefix\":\"acct-\",\"token\":\"$token\"}" >/dev/null
printf 'seed      %d organizations in %.1f s\n' "$M" "$(since "$start")"
last=$(printf 'acct-%07d' $((M - 1)))

: >"$work/list.s"; : >"$work/list.rss"; : >"$work/curl.s"
for _ in $(seq "$RUNS"); do
  read -r s rss code < <(measure "$work/orgctl" list --provider vertra -o json)
  [ "$code" = 0 ] || fail "list exited $code"
  echo "$s" >>"$work/list.s"; echo "$rss" >>"$work/list.rss"
  read -r s _ code < <(measure_sh "curl -sf -H 'Authorization: Bearer $token' '$url/v1/organizations/all/@me' | jq '.response | length'")
  [ "$code" = 0 ] && [ "$(cat "$work/out")" = "$M" ] || fail "curl | jq gave $(cat "$work/out")"
  echo "$s" >>"$work/curl.s"
done
printf 'list      -o json of %d: %s s, peak RSS %s MiB; curl | jq length: %s s; ratio %s\n' \
  "$M" "$(stats <"$work/list.s")" "$(mib <"$work/list.rss" | stats)" "$(stats <"$work/curl.s")" "$(ratio "$work/list.s" "$work/curl.s")"

: >"$work/get.rss"; : >"$work/once.rss"
for _ in $(seq "$RUNS"); do
  read -r _ rss code < <(measure "$work/orgctl" get "$last" --provider vertra)
  [ "$code" = 0 ] || fail "get exited $code"
  echo "$rss" >>"$work/get.rss"
  read -r _ rss code < <(measure "$work/orgctl" create --provider vertra --name "$last" --if-not-exists -o json)
  [ "$code" = 0 ] && grep -q '"created": false' "$work/out" || fail "create --if-not-exists exited $code"
  echo "$rss" >>"$work/once.rss"
done
printf 'lookup    of the last of %d: get peak RSS %s MiB; create --if-not-exists %s MiB\n' \
  "$M" "$(mib <"$work/get.rss" | stats)" "$(mib <"$work/once.rss" | stats)"

awk -v n="$N" -v every=$((100 / DRIFT)) 'BEGIN {
  print "name,provider,description"
  for (i = 0; i < n; i++) printf "acct-%07d,vertra,%s\n", i, (i % every == 0) ? "edited" : ""
}' >"$work/drift.csv"
: >"$work/diff.s"; : >"$work/diff.rss"; : >"$work/lists.s"
for _ in $(seq "$RUNS"); do
  read -r s rss code < <(measure "$work/orgctl" diff -f "$work/drift.csv" -o json)
  [ "$code" = 8 ] || fail "diff exited $code, want 8"
  echo "$s" >>"$work/diff.s"; echo "$rss" >>"$work/diff.rss"
  updates=$(jq '.summary.update' "$work/out")
  read -r s _ code < <(measure "$work/orgctl" get absent-name --provider vertra)
  [ "$code" = 7 ] || fail "get of an absent name exited $code, want 7"
  echo "$s" >>"$work/lists.s"
done
printf 'plan      diff of %d entries (%s updates) against %d: %s s, peak RSS %s MiB; the list alone: %s s; ratio %s\n' \
  "$N" "$updates" "$M" "$(stats <"$work/diff.s")" "$(mib <"$work/diff.rss" | stats)" "$(stats <"$work/lists.s")" "$(ratio "$work/diff.s" "$work/lists.s")"

# A saved plan: written by diff --out, then checked against the account by
# apply --dry-run PLAN (everything apply PLAN does before its first write).
: >"$work/out.s"; : >"$work/out.rss"; : >"$work/check.s"; : >"$work/check.rss"
for _ in $(seq "$RUNS"); do
  read -r s rss code < <(measure "$work/orgctl" diff -f "$work/drift.csv" --out "$work/plan.json")
  [ "$code" = 8 ] || fail "diff --out exited $code, want 8"
  echo "$s" >>"$work/out.s"; echo "$rss" >>"$work/out.rss"
  read -r s rss code < <(measure "$work/orgctl" apply --dry-run "$work/plan.json" -o json)
  [ "$code" = 8 ] || fail "apply --dry-run PLAN exited $code, want 8"
  echo "$s" >>"$work/check.s"; echo "$rss" >>"$work/check.rss"
done
printf 'saved     diff --out of %d against %d: %s s, peak RSS %s MiB (plan %s MiB); apply --dry-run PLAN: %s s, peak RSS %s MiB\n' \
  "$N" "$M" "$(stats <"$work/out.s")" "$(mib <"$work/out.rss" | stats)" "$(awk -v b="$(stat -c %s "$work/plan.json")" 'BEGIN { printf "%.1f", b / 1048576 }')" \
  "$(stats <"$work/check.s")" "$(mib <"$work/check.rss" | stats)"
kill "${pids[@]}" 2>/dev/null || true; pids=()

# --- an empty account -------------------------------------------------------
awk -v n="$N" 'BEGIN { print "name,provider"; for (i = 0; i < n; i++) printf "new-%07d,vertra\n", i }' >"$work/new.csv"
: >"$work/apply.s"; : >"$work/apply.rss"
for _ in $(seq "$RUNS"); do
  sandbox empty
  read -r s rss code < <(measure "$work/orgctl" apply -f "$work/new.csv")
  [ "$code" = 0 ] || fail "apply exited $code"
  echo "$s" >>"$work/apply.s"; echo "$rss" >>"$work/apply.rss"
  kill "${pids[@]}" 2>/dev/null || true; pids=()
done
printf 'apply     of %d creates from CSV on an empty account: %s s, peak RSS %s MiB\n' "$N" "$(stats <"$work/apply.s")" "$(mib <"$work/apply.rss" | stats)"

for c in 8 32; do
  : >"$work/bulk.rate"; : >"$work/bulk.rss"
  for _ in $(seq "$RUNS"); do
    sandbox empty
    read -r s rss code < <(measure "$work/orgctl" create -f "$work/new.csv" --concurrency "$c" -o json)
    [ "$code" = 0 ] || fail "create -f exited $code"
    awk -v n="$N" -v s="$s" 'BEGIN {printf "%.0f\n", n / s}' >>"$work/bulk.rate"; echo "$rss" >>"$work/bulk.rss"
    kill "${pids[@]}" 2>/dev/null || true; pids=()
  done
  printf 'create    -f of %d from CSV at concurrency %d: %s organizations/s, peak RSS %s MiB\n' \
    "$N" "$c" "$(stats <"$work/bulk.rate" | sed 's/\.00//g')" "$(mib <"$work/bulk.rss" | stats)"
done

# --- shards: one token, one limit ------------------------------------------
sandbox shards --rate-limit "$LIMIT/s"
start=$(date +%s.%N)
shard_pids=()
for k in $(seq "$SHARDS"); do
  "$work/orgctl" create -f "$work/new.csv" --shard "$k/$SHARDS" -o json >"$work/shard$k.out" 2>"$work/shard$k.err" &
  shard_pids+=($!)
done
for p in "${shard_pids[@]}"; do wait "$p" || fail "a shard failed: $(cat "$work"/shard*.err)"; done
took=$(since "$start")
made=$(curl -sf "$url/_sandbox/organizations" | jq 'length')
unique=$(curl -sf "$url/_sandbox/organizations" | jq '[.[].name | ascii_downcase] | unique | length')
limited=$(grep -c ' -> 429 ' "$work/shards.log" || true)
printf 'shards    %d jobs of %d entries at %s/s: %.1f s, %d organizations (%d names), %d x 429, %.1f %% of the limit\n' \
  "$SHARDS" "$N" "$LIMIT" "$took" "$made" "$unique" "$limited" "$(awk -v n="$N" -v t="$took" -v l="$LIMIT" 'BEGIN {print 100 * n / t / l}')"
