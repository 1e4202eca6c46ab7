#!/bin/sh
# run_all.sh BIN BUILD — every test suite: cmocka unit tests, Lua-level tests, CLI end-to-end
# tests, fault injection, and a brief run of each fuzz target when clang is present.
# Each suite is one line PASS/FAIL; the last line is "N passed, N failed".
BIN=$1
BUILD=$2
export TUIYAN_BIN="$BIN" TUIYAN_BUILD="$BUILD"
# The tests' python3 is Debian's (it has python3-openpyxl), not a pyenv or venv shim ahead of it
# on PATH (a pyenv shim costs ~0.4 s a start, and the suites start python hundreds of times).
[ -x /usr/bin/python3 ] && PATH=/usr/bin:$PATH && export PATH
pass=0
fail=0
failed=""
logdir="$BUILD/test-logs"
mkdir -p "$logdir"

run_suite() {   # name, command...
    name=$1; shift
    log="$logdir/$(echo "$name" | tr '/ ' '__').log"
    t0=$(date +%s)
    if "$@" >"$log" 2>&1; then
        pass=$((pass + 1)); echo "PASS $name ($(($(date +%s) - t0)) s)"
    else
        fail=$((fail + 1)); failed="$failed $name"; echo "FAIL $name ($(($(date +%s) - t0)) s, log: $log)"
        tail -n 30 "$log" | sed 's/^/    /'
    fi
}

for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    run_suite "unit/$(basename "$t")" "$t"
done
for t in tests/lua/test_*.lua; do
    [ -f "$t" ] || continue
    run_suite "lua/$(basename "$t")" "$BIN" run "$t"
done
for t in tests/cli/test_*.sh tests/fault/*.sh; do
    [ -f "$t" ] || continue
    run_suite "cli/$(basename "$t")" sh "$t" "$BIN" "$BUILD"
done
if [ -z "${TUIYAN_NO_FUZZ:-}" ] && command -v clang >/dev/null 2>&1 && [ "$BUILD" = build ]; then
    run_suite "fuzz" sh tests/fuzz/run.sh "${FUZZ_SECONDS:-2}"
fi
echo
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
