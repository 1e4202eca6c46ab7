#!/bin/sh
# bench/run.sh — `make bench`: the standard Wuwei model (stdlib/tuiyan/models/wuwei.lua,
# 2021–2035, baseline, its 34 uncertain parameters, 15 indicators in every year) at 100,000
# samples, timed in one run of this script for tuiyan and its peers on the same drawn samples:
#   tuiyan    (bench/wuwei_bench.lua)    the compiled model, vectorised evaluator, C summaries
#   C scalar  (bench/peer_wuwei.c)       the model written by hand, cc -O2 like tuiyan itself
#   C vector  (bench/peer_wuwei_vec.c)   by hand, structure of arrays over blocks of 256 samples,
#                                        cc -O3 -march=native (libm's pow, as the scalar peer)
#   Lua 5.4   (bench/peer_wuwei.lua)     plain Lua functions, one sample at a time
#   LuaJIT    (the same file)            Debian's luajit
#   numpy     (bench/peer_wuwei.py)      vectorised over samples, Debian's python3-numpy
# tuiyan draws the samples once and writes them (build/bench/inputs.f64) for every peer. The job
# every peer times is the same: evaluate the drawn samples and reduce them to per indicator-year
# means and sds (several runs in one process, medians of CPU seconds and of wall seconds, kept
# apart); bench/compare.py checks they all agree with tuiyan. Each peer's peak memory is of that
# same job: the peer run once more, in a process of its own, with REPS 0 (read or draw the
# samples, evaluate, reduce), under GNU time (max RSS). Then tuiyan's scaling (samples ×10,
# years ×2, elements ×2) and the peak memory of its full analysis at 10× the samples; then plans
# of 100,000 and 1,000,000 rows through `check` and `progress` (bench/plan_rows.py: time and peak
# memory); then SYNTHETIC registers of 100,000 and 1,000,000 firm-years checked against the 高企
# and 科技型中小企业 criteria, and checked and priced under the Wuwei policy (register pay), by
# tuiyan and by numpy on the same numbers (bench/register_rows.py: CPU and wall medians, peak
# memory, agreement of the counts, shortfalls and payments). Prints tables and writes build/bench.json.
# Benchmarks are measurements: nothing here fails on a slow time.
#
#   BENCH_SAMPLES (100000) BENCH_REPS (7) BENCH_LUA_REPS (3) BENCH_SCALE_REPS (3) TUIYAN_BIN
#   BENCH_DIR (build/bench) BENCH_OUT (build/bench.json)
set -eu
BIN=${TUIYAN_BIN:-./tuiyan}
DIR=${BENCH_DIR:-build/bench}
OUT=${BENCH_OUT:-build/bench.json}
SAMPLES=${BENCH_SAMPLES:-100000}
REPS=${BENCH_REPS:-7}
LUA_REPS=${BENCH_LUA_REPS:-3}
SCALE_REPS=${BENCH_SCALE_REPS:-3}
mkdir -p "$DIR"
rm -f "$DIR"/*.json "$DIR"/mem_*.txt "$DIR"/scaling.jsonl

# ---- the peers' tools (Debian packages), installed when we can ----
missing=""
command -v lua5.4 >/dev/null 2>&1 || missing="$missing lua5.4"
command -v luajit >/dev/null 2>&1 || missing="$missing luajit"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
"$PY" -c 'import numpy' >/dev/null 2>&1 || missing="$missing python3-numpy"
[ -x /usr/bin/time ] || missing="$missing time"
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "bench: installing$missing"
        apt-get install -y --no-install-recommends $missing >/dev/null 2>&1 ||
            { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends $missing >/dev/null 2>&1; } ||
            echo "bench: could not install$missing; those peers are skipped"
    else
        echo "bench: missing$missing; run: sudo apt-get install -y$missing (those peers are skipped)"
    fi
    [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
fi

# measure NAME CMD...: runs CMD once, with its peak resident memory in $DIR/mem_NAME.txt (GNU time)
measure() {
    name=$1
    shift
    if [ -x /usr/bin/time ]; then /usr/bin/time -f %M -o "$DIR/mem_$name.txt" "$@" >/dev/null; else "$@" >/dev/null; fi
}

echo "bench: drawing $SAMPLES samples (seed 1) for every peer"
"$BIN" run bench/wuwei_bench.lua export "$DIR" --samples "$SAMPLES" --seed 1

echo "bench: tuiyan ($REPS runs of each job; then each job once for its peak memory)"
"$BIN" run bench/wuwei_bench.lua time "$DIR" "$REPS" --samples "$SAMPLES" --seed 1
measure tuiyan "$BIN" run bench/wuwei_bench.lua once job --samples "$SAMPLES" --seed 1
measure tuiyan_full "$BIN" run bench/wuwei_bench.lua once full --samples "$SAMPLES" --seed 1
measure tuiyan_full_2threads "$BIN" run bench/wuwei_bench.lua once full 2 --samples "$SAMPLES" --seed 1

# peer NAME REPS CMD...: CMD DIR REPS times the job (DIR/NAME.json), CMD DIR 0 runs it once for its memory
peer() {
    name=$1 reps=$2
    shift 2
    "$@" "$DIR" "$reps"
    measure "$name" "$@" "$DIR" 0
}

echo "bench: hand-written C, scalar (-O2)"
cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -o "$DIR/peer_c" bench/peer_wuwei.c -lm
peer c "$REPS" "$DIR/peer_c"

echo "bench: hand-written C, vectorised (-O3 -march=native)"
cc -std=c11 -O3 -march=native -D_POSIX_C_SOURCE=200809L -o "$DIR/peer_c_vec" bench/peer_wuwei_vec.c -lm
peer c_vec "$REPS" "$DIR/peer_c_vec"

if command -v lua5.4 >/dev/null 2>&1; then
    echo "bench: Lua 5.4 ($LUA_REPS runs)"
    peer lua "$LUA_REPS" lua5.4 bench/peer_wuwei.lua
fi
if command -v luajit >/dev/null 2>&1; then
    echo "bench: LuaJIT"
    peer luajit "$REPS" luajit bench/peer_wuwei.lua
fi
if "$PY" -c 'import numpy' >/dev/null 2>&1; then
    echo "bench: numpy"
    peer numpy "$REPS" "$PY" bench/peer_wuwei.py
fi

echo "bench: scaling (the full analysis: base, samples x10, years x2, elements x2)"
for kind in base samples years elements; do
    "$BIN" run bench/wuwei_bench.lua scale "$kind" "$SCALE_REPS" --samples "$SAMPLES" --seed 1 >>"$DIR/scaling.jsonl"
done

echo "bench: peak memory of the full analysis at $((SAMPLES * 10)) samples"
if [ -x /usr/bin/time ]; then
    /usr/bin/time -f %M -o "$DIR/mem_tuiyan_full_x10.txt" \
        "$BIN" run bench/wuwei_bench.lua once full --samples "$((SAMPLES * 10))" --seed 1 >"$DIR/memory.json"
else
    "$BIN" run bench/wuwei_bench.lua once full --samples "$((SAMPLES * 10))" --seed 1 >"$DIR/memory.json"
fi

"$PY" bench/compare.py "$DIR" "$OUT"

echo "bench: reading large plans (100,000 and 1,000,000 rows: check and progress)"
"$PY" bench/plan_rows.py "$BIN" "$DIR" "$OUT"

echo "bench: registers (100,000 and 1,000,000 SYNTHETIC firm-years against both criteria sets and priced under the Wuwei policy, tuiyan and numpy)"
"$PY" bench/register_rows.py "$BIN" "$DIR" "$OUT"
