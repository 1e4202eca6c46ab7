#!/bin/sh
# run_all.sh BIN BUILD — every test suite: cmocka unit tests, Lua-level tests, CLI end-to-end
# tests, fault injection, and a brief run of each fuzz target when clang is present.
# Each suite is one line PASS/FAIL; the last line is "N passed, N failed".
# Suites run TUIYAN_TEST_JOBS at a time (default: the number of cores; each suite works in its own
# temporary directory), except those that measure time or drive a terminal, which run alone after.
BIN=$1
BUILD=$2
export TUIYAN_BIN="$BIN" TUIYAN_BUILD="$BUILD"
# The tests' python3 is Debian's (it has python3-openpyxl), not a pyenv or venv shim ahead of it
# on PATH (a pyenv shim costs ~0.4 s a start, and the suites start python hundreds of times).
[ -x /usr/bin/python3 ] && PATH=/usr/bin:$PATH && export PATH
JOBS=${TUIYAN_TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
logdir="$BUILD/test-logs"
mkdir -p "$logdir"
rm -f "$logdir"/*.status
list="$logdir/suites"
: >"$list"
alone="$logdir/suites-alone"
: >"$alone"

# Suites that time latencies (Ctrl-C within 0.5 s, runs killed mid-write) or drive a pty with
# timeouts.
is_alone() {
    case "$1" in
        cli/test_interrupt.sh | cli/test_concurrent.sh | cli/test_repl.sh | cli/*_strace.sh) return 0 ;;
    esac
    return 1
}
add() {   # name, command... (no blanks inside a word)
    name=$1
    if is_alone "$name"; then echo "$*" >>"$alone"; else echo "$*" >>"$list"; fi
}

# The fuzz step first: it is the longest (building the instrumented library), so the other lane
# takes the short suites meanwhile.
if [ -z "${TUIYAN_NO_FUZZ:-}" ] && command -v clang >/dev/null 2>&1 && [ "$BUILD" = build ]; then
    add "fuzz" sh tests/fuzz/run.sh "${FUZZ_SECONDS:-2}"
fi
for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    add "unit/$(basename "$t")" "$t"
done
for t in tests/lua/test_*.lua; do
    [ -f "$t" ] || continue
    add "lua/$(basename "$t")" "$BIN" run "$t"
done
for t in tests/cli/test_*.sh tests/fault/*.sh; do
    [ -f "$t" ] || continue
    add "cli/$(basename "$t")" sh "$t" "$BIN" "$BUILD"
done
xargs -P "$JOBS" -L 1 sh tests/run_suite.sh "$logdir" <"$list"
while read -r line; do
    # shellcheck disable=SC2086 # the words of the line are the command
    sh tests/run_suite.sh "$logdir" $line
done <"$alone"

pass=0
fail=0
failed=""
for f in "$list" "$alone"; do
    while read -r name rest; do
        file=$(echo "$name" | tr '/ ' '__')
        set -- $(cat "$logdir/$file.status" 2>/dev/null || echo "FAIL ?")
        if [ "$1" = PASS ]; then
            pass=$((pass + 1)); echo "PASS $name ($2 s)"
        else
            fail=$((fail + 1)); failed="$failed $name"; echo "FAIL $name ($2 s, log: $logdir/$file.log)"
            tail -n 30 "$logdir/$file.log" | sed 's/^/    /'
        fi
    done <"$f"
done
echo
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
