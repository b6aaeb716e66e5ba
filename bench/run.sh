#!/usr/bin/env bash
# Measures orgctl against its sandbox on loopback, with curl doing the same
# requests as the baseline, in one run on one machine:
#   (a) one `orgctl create` process vs one curl POST of the same body
#       (median wall time of RUNS runs each, and the ratio);
#   (b) `orgctl create -f` of N entries at concurrency 1, 8 and 32
#       (organizations/s, peak RSS) vs a shell loop of curl over the first
#       500 entries, scaled up.
# Needs bash 5, curl and GNU time (/usr/bin/time; Debian: apt-get install time).
# Usage: bench/run.sh [RUNS=15] [N=10000]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-15}"
N="${N:-10000}"
for tool in curl /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench needs $tool (Debian: apt-get install curl time)" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'kill "${sandbox_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/orgctl" ./cmd/orgctl

"$work/orgctl" sandbox serve --addr 127.0.0.1:0 2>"$work/sandbox.log" &
sandbox_pid=$!
for _ in $(seq 50); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/sandbox.log" | head -1 || true)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "the sandbox did not start" >&2; exit 1; }
export ORGCTL_VERTRA_URL="$url" ORGCTL_VERTRA_TOKEN=bench-token
reset() { curl -s -X POST "$url/_sandbox/reset" >/dev/null; }

# now_us prints the time in microseconds without forking (bash 5).
now_us() { local t=${EPOCHREALTIME/./}; echo "$t"; }
calc() { awk "BEGIN { print $1 }"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "machine: $(nproc) cores, $(uname -m), $(go version | cut -d' ' -f3)"
echo

# (a) one process vs one curl, same body.
reset
: >"$work/orgctl.us"; : >"$work/curl.us"
for i in $(seq "$RUNS"); do
  t0=$(now_us)
  "$work/orgctl" create --provider vertra --name "single-o-$i" --description bench -o json >/dev/null
  t1=$(now_us)
  curl -sf -X POST "$url/v1/organizations" -H "Authorization: Bearer $ORGCTL_VERTRA_TOKEN" \
    -H 'Content-Type: application/json' -H 'Accept: application/json' \
    -d "{\"name\":\"single-c-$i\",\"description\":\"bench\"}" >/dev/null
  t2=$(now_us)
  echo $((t1 - t0)) >>"$work/orgctl.us"
  echo $((t2 - t1)) >>"$work/curl.us"
done
o=$(median <"$work/orgctl.us"); c=$(median <"$work/curl.us")
printf '(a) single create, median of %d runs\n' "$RUNS"
printf '    %-22s %8.2f ms\n' "orgctl create" "$(calc "$o/1000")" "curl POST" "$(calc "$c/1000")"
printf '    %-22s %8.2fx\n\n' "ratio orgctl / curl" "$(calc "$o/$c")"

# (b) bulk.
{ echo "name,provider,description"; for i in $(seq "$N"); do echo "tenant-$i,vertra,bench"; done; } >"$work/m.csv"
printf '(b) bulk create of %d organizations\n' "$N"
printf '    %-22s %10s %12s %10s\n' "run" "seconds" "orgs/s" "peak RSS"
for conc in 1 8 32; do
  reset
  /usr/bin/time -f '%e %M' -o "$work/time" "$work/orgctl" create -f "$work/m.csv" --concurrency "$conc" -o json >/dev/null 2>"$work/bulk.err" ||
    { cat "$work/bulk.err" >&2; exit 1; }
  read -r secs rss <"$work/time"
  created=$(curl -s "$url/_sandbox/organizations" | grep -o '"provider"' | wc -l)
  [ "$created" -eq "$N" ] || { echo "sandbox holds $created organizations, want $N" >&2; exit 1; }
  printf '    %-22s %10.2f %12.0f %7.1f MiB\n' "orgctl -c $conc" "$secs" "$(calc "$N/$secs")" "$(calc "$rss/1024")"
done
reset
loop=500
t0=$(now_us)
for i in $(seq "$loop"); do
  curl -sf -X POST "$url/v1/organizations" -H "Authorization: Bearer $ORGCTL_VERTRA_TOKEN" \
    -H 'Content-Type: application/json' -d "{\"name\":\"tenant-$i\",\"description\":\"bench\"}" >/dev/null
done
t1=$(now_us)
secs=$(calc "($t1-$t0)/1000000")
printf '    %-22s %10.2f %12.0f %10s\n' "curl loop (500, scaled)" "$(calc "$secs*$N/$loop")" "$(calc "$loop/$secs")" "-"
