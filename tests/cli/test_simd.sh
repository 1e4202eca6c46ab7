#!/bin/sh
# test_simd.sh BIN — the same bytes whichever build of the evaluator's kernels runs
# (TUIYAN_SIMD=scalar|sse2|avx2|avx512; README "Performance"): every mean, sd, extreme, quantile
# and P(target) of the uncertainty model, both scenarios, 2021-2035, to 17 digits, on 1 and 3
# threads; the uncertainty scenario's JSON; every other scenario and the regions example. The
# scalar build (exp, log and pow one value at a time, no vectorisation) is the reference; a set
# this CPU lacks is named as not compared, and scalar and sse2 run on every x86-64. A bad
# TUIYAN_SIMD is a usage error (exit 2) before anything runs. (Shown to fail with the avx2 build
# allowed FMA contraction, target "avx2,fma" and fp-contract=fast: the 3-thread run differed.)
. tests/cli/lib.sh
export SOURCE_DATE_EPOCH=1700000000

# jobs SET: every job under TUIYAN_SIMD=SET into $TMP/SET
jobs() {
    set=$1
    d="$TMP/$set"
    mkdir -p "$d"
    TUIYAN_SIMD=$set "$BIN" run "$ROOT/tests/cli/all_digits.lua" --samples 10000 --seed 1 >"$d/digits.txt" 2>"$d/err" &&
        TUIYAN_THREADS=3 TUIYAN_SIMD=$set "$BIN" run "$ROOT/tests/cli/all_digits.lua" --samples 5000 --seed 2 \
            >"$d/digits3.txt" 2>>"$d/err" &&
        TUIYAN_SIMD=$set "$BIN" run "$ROOT/scenarios/wuwei_uncertainty.lua" --samples 5000 \
            --format json >"$d/uncertainty.json" 2>>"$d/err" || return 1
    for s in wuwei_combined wuwei_hte wuwei_fiscal wuwei_goalseek wuwei_progress; do
        TUIYAN_SIMD=$set "$BIN" run "$ROOT/scenarios/$s.lua" --format json >"$d/$s.json" 2>>"$d/err" || return 1
    done
    (cd "$ROOT" && TUIYAN_SIMD=$set "$BIN" run examples/regions_wuwei.lua --format json) >"$d/regions.json" 2>>"$d/err"
}

jobs scalar
code=$?
expect_code 0 "every job under TUIYAN_SIMD=scalar"
checks=$((checks + 1))
[ "$(wc -l <"$TMP/scalar/digits.txt")" -eq 450 ] ||
    fail_check "all digits: expected 450 lines, got $(wc -l <"$TMP/scalar/digits.txt")"

compared=0
for set in sse2 avx2 avx512; do
    run env TUIYAN_SIMD=$set "$BIN" run "$ROOT/tests/cli/all_digits.lua" --samples 10
    if [ "$code" = 2 ] && grep -qF "TUIYAN_SIMD=$set: this CPU cannot run it" "$TMP/err"; then
        echo "note: this CPU cannot run the $set kernels: not compared"
        checks=$((checks + 1))
        [ "$set" != sse2 ] || fail_check "sse2 is x86-64's baseline: it must run"
        continue
    fi
    jobs $set
    code=$?
    expect_code 0 "every job under TUIYAN_SIMD=$set"
    for f in digits.txt digits3.txt uncertainty.json wuwei_combined.json wuwei_hte.json \
        wuwei_fiscal.json wuwei_goalseek.json wuwei_progress.json regions.json; do
        expect_same "$TMP/scalar/$f" "$TMP/$set/$f" "$f under $set and under scalar"
    done
    compared=$((compared + 1))
done
echo "compared with scalar: $compared kernel sets"

# Unset and auto are the widest set the CPU has: the same bytes again.
run "$BIN" run "$ROOT/tests/cli/all_digits.lua" --samples 10000 --seed 1
expect_code 0 "TUIYAN_SIMD unset"
expect_same "$TMP/scalar/digits.txt" "$TMP/out" "all digits, TUIYAN_SIMD unset"
run env TUIYAN_SIMD=auto "$BIN" run "$ROOT/tests/cli/all_digits.lua" --samples 10000 --seed 1
expect_same "$TMP/scalar/digits.txt" "$TMP/out" "all digits, TUIYAN_SIMD=auto"

run env TUIYAN_SIMD=avx9000 "$BIN" run "$ROOT/scenarios/wuwei_hte.lua"
expect_code 2 "TUIYAN_SIMD=avx9000"
expect_err "TUIYAN_SIMD=avx9000: not one of scalar, sse2, avx2, avx512, auto" "TUIYAN_SIMD=avx9000"
checks=$((checks + 1))
[ ! -s "$TMP/out" ] || fail_check "TUIYAN_SIMD=avx9000: something ran"

finish
