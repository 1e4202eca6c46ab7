#!/bin/sh
# bench/scale.sh [BIN] — `make bench-scale`: the whole (SYNTHETIC) country, 2,844 county-level units
# × SAMPLES (default 10,000) Monte Carlo samples × 2021–2035, through SHARDS (default 2) shards run
# by GNU parallel and joined by tuiyan merge; then the same job unsharded, for the ratio and for
# the bytes. Reports wall seconds, the peak memory of each process (GNU time's max RSS) and
# whether the merged folder is byte-identical to the unsharded one (SOURCE_DATE_EPOCH set, so
# the manifests too). A measurement: it never fails on a slow time, only on a wrong result.
#   SHARDS=4 SAMPLES=10000 UNSHARDED=0 sh bench/scale.sh ./tuiyan
set -eu
BIN=${1:-./tuiyan}
case "$BIN" in /*) ;; *) BIN="$(pwd)/$BIN" ;; esac
ROOT=$(pwd)
SHARDS=${SHARDS:-2}
SAMPLES=${SAMPLES:-10000}
UNSHARDED=${UNSHARDED:-1}
W=${BENCH_DIR:-$ROOT/build/bench-scale}
export SOURCE_DATE_EPOCH=1700000000
command -v parallel >/dev/null 2>&1 || { echo "bench-scale: GNU parallel is needed (apt-get install parallel)"; exit 1; }
[ -x /usr/bin/time ] || { echo "bench-scale: GNU time is needed (apt-get install time)"; exit 1; }
rm -rf "$W" && mkdir -p "$W/data" "$W/sharded" "$W/unsharded"
cp "$ROOT/examples/scale/national.lua" "$W/data/national.lua"
"$BIN" run "$ROOT/examples/scale/gen_counties.lua" > "$W/data/counties.csv"
units=$(grep -c '^SYN' "$W/data/counties.csv")
echo "bench-scale: $units SYNTHETIC county units × $SAMPLES samples × 2021–2035, $SHARDS shards on $(nproc) cores"

now() { date +%s.%N; }
peak() { sed -n 's/^\tMaximum resident set size (kbytes): //p' "$1"; }

# shards through GNU parallel (one job per core), each under GNU time; then the merge
cd "$W/sharded"
t0=$(now)
seq 1 "$SHARDS" | parallel -j "$(nproc)" /usr/bin/time -v -o "$W/time.{}" "$BIN" run ../data/national.lua \
    --samples "$SAMPLES" --format csv --shard {}/"$SHARDS" --out "$W/shard.{}" --quiet -- ../data/counties.csv
t1=$(now)
dirs=""
for i in $(seq 1 "$SHARDS"); do dirs="$dirs $W/shard.$i"; done
# shellcheck disable=SC2086
/usr/bin/time -v -o "$W/time.merge" "$BIN" merge $dirs --out out --quiet
t2=$(now)
cd "$ROOT"
shard_wall=$(echo "$t1 - $t0" | bc)
merge_wall=$(echo "$t2 - $t1" | bc)
total=$(echo "$t2 - $t0" | bc)
max_kb=0
for i in $(seq 1 "$SHARDS"); do
    kb=$(peak "$W/time.$i")
    printf '  shard %s/%s: peak %.1f MB, %s s CPU\n' "$i" "$SHARDS" "$(echo "$kb / 1024" | bc -l)" \
        "$(sed -n 's/^\tUser time (seconds): //p' "$W/time.$i")"
    [ "$kb" -gt "$max_kb" ] && max_kb=$kb
done
merge_kb=$(peak "$W/time.merge")
printf '  shards: %.1f s wall; merge: %.1f s wall, peak %.1f MB; total %.1f s wall\n' "$shard_wall" "$merge_wall" \
    "$(echo "$merge_kb / 1024" | bc -l)" "$total"
printf '  target: under 40 s wall: %s; peak per shard under 100 MB (%.1f MB): %s\n' \
    "$(echo "$total < 40" | bc | sed 's/1/met/;s/0/NOT met/')" "$(echo "$max_kb / 1024" | bc -l)" \
    "$(echo "$max_kb < 102400" | bc | sed 's/1/met/;s/0/NOT met/')"

if [ "$UNSHARDED" = 1 ]; then
    cd "$W/unsharded"
    t0=$(now)
    /usr/bin/time -v -o "$W/time.unsharded" "$BIN" run ../data/national.lua --samples "$SAMPLES" --format csv \
        --out out --quiet -- ../data/counties.csv
    t1=$(now)
    cd "$ROOT"
    one=$(echo "$t1 - $t0" | bc)
    printf '  unsharded: %.1f s wall, peak %.1f MB; sharded / unsharded wall = %.2f\n' "$one" \
        "$(echo "$(peak "$W/time.unsharded") / 1024" | bc -l)" "$(echo "$total / $one" | bc -l)"
    if diff -r "$W/sharded/out" "$W/unsharded/out" >/dev/null; then
        echo "  merged output: byte-identical to the unsharded run ($(ls "$W/sharded/out" | wc -l) files, manifest included)"
    else
        echo "  merged output: DIFFERS from the unsharded run"
        exit 1
    fi
fi
