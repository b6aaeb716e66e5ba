#!/usr/bin/env bash
# Measures every row of issue 13's table in one run, each beside its
# baseline, against `orgctl sandbox serve` on loopback:
#   (a) single create vs one curl POST of the same body (median, min-max)
#   (b) `orgctl --help` vs a hello-world Go binary (median, min-max)
#   (c) release binary size (linux, -s -w -trimpath, CGO_ENABLED=0)
#   (d) bulk wall time vs a plain Go load loop doing the same POSTs, c=8,
#       BULK_RUNS paired runs
#   (e) peak RSS of create -f (N_BULK CSV entries) and of --dry-run of
#       N_DRY entries per format (YAML: N_YAML, read whole)
#   (f) --rate equal to a 10/s limit, 300 entries: % of the limit, 429s;
#       then the same paced from the headers alone (no --rate)
#   (g) FREE_TIER=1: the free tier's 30/min, paced from headers, over
#       2.5 windows (75 entries, about 2.5 minutes)
# Needs bash 5, curl and GNU time (/usr/bin/time; Debian: apt-get install time).
# Usage: [RUNS=41] [BULK_RUNS=5] [N_BULK=100000] [N_DRY=1000000] [N_YAML=100000] bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-41}"
BULK_RUNS="${BULK_RUNS:-5}"
N_BULK="${N_BULK:-100000}"
N_DRY="${N_DRY:-1000000}"
N_YAML="${N_YAML:-100000}"
for tool in curl /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench needs $tool (Debian: apt-get install curl time)" >&2; exit 1; }
done

work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
# As GoReleaser builds a release (.goreleaser.yaml).
CGO_ENABLED=0 go build -tags nethttpomithttp2 -trimpath -ldflags "-s -w" -o "$work/orgctl" ./cmd/orgctl
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$work/hello" ./bench/hello
go build -o "$work/loadloop" ./bench/loadloop

# serve [flags...]: starts a sandbox, sets $url.
serve() {
  "$work/orgctl" sandbox serve --addr 127.0.0.1:0 --request-log 1000 "$@" 2>"$work/sandbox.log" &
  pids+=($!)
  url=""
  for _ in $(seq 100); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/sandbox.log" | head -1 || true)
    [ -n "$url" ] && break
    sleep 0.05
  done
  [ -n "$url" ] || { echo "the sandbox did not start" >&2; exit 1; }
  export ORGCTL_VERTRA_URL="$url"
}
stop() { kill "${pids[-1]}" 2>/dev/null || true; wait "${pids[-1]}" 2>/dev/null || true; }
export ORGCTL_VERTRA_TOKEN=bench-token ORGCTL_PROGRESS=never
reset() { curl -s -X POST "$url/_sandbox/reset" >/dev/null; }
now_us() { local t=${EPOCHREALTIME/./}; echo "$t"; }
calc() { awk "BEGIN { print $1 }"; }
# stats: median and min-max of numbers on stdin, divided by $1.
stats() { sort -n | awk -v d="$1" '{a[NR]=$1/d} END {m=(NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2); printf "%.2f (%.2f-%.2f)", m, a[1], a[NR]}'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
csv() { { echo "name,provider,description"; for ((i = 1; i <= $2; i++)); do echo "$1-$i,vertra,bench"; done; } ; }

echo "machine: $(nproc) cores, $(uname -m), $(go version | cut -d' ' -f3), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo

serve
# (a) single create vs curl, paired.
: >"$work/o.us"; : >"$work/c.us"
for i in $(seq "$RUNS"); do
  t0=$(now_us)
  "$work/orgctl" create --provider vertra --name "single-o-$i" --description bench -o json >/dev/null
  t1=$(now_us)
  curl -sf -X POST "$url/v1/organizations" -H "Authorization: Bearer $ORGCTL_VERTRA_TOKEN" \
    -H 'Content-Type: application/json' -H 'Accept: application/json' \
    -d "{\"name\":\"single-c-$i\",\"description\":\"bench\"}" >/dev/null
  t2=$(now_us)
  echo $((t1 - t0)) >>"$work/o.us"; echo $((t2 - t1)) >>"$work/c.us"
done
o=$(median <"$work/o.us"); c=$(median <"$work/c.us")
printf '(a) single create, ms, median (min-max) of %d paired runs\n' "$RUNS"
printf '    orgctl create   %s\n    curl POST       %s\n    ratio           %.2fx (target <= 0.5x)\n\n' \
  "$(stats 1000 <"$work/o.us")" "$(stats 1000 <"$work/c.us")" "$(calc "$o/$c")"

# (b) --help vs hello world, paired.
: >"$work/h.us"; : >"$work/w.us"
for _ in $(seq "$RUNS"); do
  t0=$(now_us); "$work/orgctl" --help >/dev/null; t1=$(now_us); "$work/hello" >/dev/null; t2=$(now_us)
  echo $((t1 - t0)) >>"$work/h.us"; echo $((t2 - t1)) >>"$work/w.us"
done
h=$(median <"$work/h.us"); w=$(median <"$work/w.us")
printf '(b) start-up, ms, median (min-max) of %d paired runs\n' "$RUNS"
printf '    orgctl --help   %s\n    hello world     %s\n    ratio           %.2fx (target <= 1.6x)\n\n' \
  "$(stats 1000 <"$work/h.us")" "$(stats 1000 <"$work/w.us")" "$(calc "$h/$w")"

# (c) binary size.
printf '(c) release binary: %.2f MiB (target <= 10 MiB)\n\n' "$(calc "$(stat -c %s "$work/orgctl")/1048576")"

# (d) bulk vs the Go load loop, c=8, 10k and N_BULK: BULK_RUNS paired
# runs each (loop, then orgctl, on a reset sandbox), median ratio.
printf '(d) bulk create vs a Go load loop, c=8, seconds, median (min-max) of %d paired runs\n' "$BULK_RUNS"
for n in 10000 "$N_BULK"; do
  csv "t$n" "$n" >"$work/m$n.csv"
  : >"$work/loop.us"; : >"$work/bulk.us"; : >"$work/ratio"; : >"$work/rss.all"
  for _ in $(seq "$BULK_RUNS"); do
    reset
    t0=$(now_us); "$work/loadloop" -url "$url" -token "$ORGCTL_VERTRA_TOKEN" -c 8 "$work/m$n.csv"; t1=$(now_us)
    reset
    /usr/bin/time -f '%M' -o "$work/rss" "$work/orgctl" create -f "$work/m$n.csv" --concurrency 8 -o json >/dev/null 2>"$work/bulk.err" ||
      { cat "$work/bulk.err" >&2; exit 1; }
    t2=$(now_us)
    echo $((t1 - t0)) >>"$work/loop.us"; echo $((t2 - t1)) >>"$work/bulk.us"
    calc "($t2-$t1)/($t1-$t0)" >>"$work/ratio"; cat "$work/rss" >>"$work/rss.all"
  done
  printf '    %7d entries: loop %s, orgctl %s, ratio %s (target <= 1.15x); peak RSS %.1f MiB\n' "$n" \
    "$(stats 1e6 <"$work/loop.us")" "$(stats 1e6 <"$work/bulk.us")" "$(stats 1 <"$work/ratio")" "$(calc "$(sort -n "$work/rss.all" | tail -1)/1024")"
done
echo "    (peak RSS target for $N_BULK CSV entries: <= 30 MiB)"
echo

# (e) --dry-run peak RSS per format.
printf '(e) create -f --dry-run, peak RSS\n'
awk -F, 'NR>1 {printf "{\"name\":\"%s\",\"provider\":\"vertra\"}\n", $1}' <(csv d "$N_DRY") >"$work/d.ndjson"
csv d "$N_DRY" >"$work/d.csv"
{ echo "["; sed '$!s/$/,/' "$work/d.ndjson"; echo "]"; } >"$work/d.json"
awk -F, 'NR>1 && NR<='"$((N_YAML + 1))"' {printf "- {name: %s, provider: vertra}\n", $1}' "$work/d.csv" >"$work/d.yaml"
for f in d.csv d.ndjson d.json d.yaml; do
  /usr/bin/time -f '%e %M' -o "$work/rss" "$work/orgctl" create -f "$work/$f" --dry-run 2>"$work/dry.err" || { cat "$work/dry.err" >&2; exit 1; }
  read -r secs rss <"$work/rss"
  n=$N_DRY; [ "$f" = d.yaml ] && n=$N_YAML
  printf '    %-9s %8d entries: %6.1f MiB in %.1fs\n' "${f#d.}" "$n" "$(calc "$rss/1024")" "$secs"
done
echo "    (target: <= 64 MiB for CSV, NDJSON and JSON at 1,000,000; YAML is read whole, documented)"
echo
stop

# (f) a 10/s limit: --rate 10/s, then from the headers alone.
printf '(f) a 10/s limit, 300 entries, c=8\n'
csv r 300 >"$work/r.csv"
for how in "--rate 10/s" "headers"; do
  serve --rate-limit 10/s
  args=(); [ "$how" != headers ] && args=(--rate 10/s)
  t0=$(now_us)
  "$work/orgctl" create -f "$work/r.csv" --concurrency 8 "${args[@]}" -o json >/dev/null 2>"$work/rate.err" || true
  t1=$(now_us)
  n429=$(grep -c 'HTTP 429' "$work/rate.err" || true)
  created=$(grep -o 'created [0-9]*' "$work/rate.err" | head -1 | cut -d' ' -f2)
  # 300 requests at 10/s: the first goes at 0, the 300th at 29.9s at best.
  printf '    %-12s %d created in %.2fs: %.1f%% of the limit, %d x 429 (target >= 97%%, 0 x 429)\n' "$how" "$created" \
    "$(calc "($t1-$t0)/1e6")" "$(calc "100*29.9/(($t1-$t0)/1e6)")" "$n429"
  stop
done
echo

if [ "${FREE_TIER:-0}" = 1 ]; then
  printf '(g) the free tier (30/min), 75 entries paced from the headers\n'
  serve --tier free
  csv g 75 >"$work/g.csv"
  t0=$(now_us)
  "$work/orgctl" create -f "$work/g.csv" --concurrency 4 -o json >/dev/null 2>"$work/free.err" || true
  t1=$(now_us)
  printf '    %s; %d x 429; %.1fs: %.1f%% of 30/min\n' "$(grep -o 'created [0-9]*' "$work/free.err" | head -1)" \
    "$(grep -c 'HTTP 429' "$work/free.err" || true)" "$(calc "($t1-$t0)/1e6")" "$(calc "100*(74*2)/(($t1-$t0)/1e6)")"
  stop
fi
