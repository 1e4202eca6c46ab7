#!/bin/sh
# publish_strace.sh BIN BUILD — a run's results are published all or nothing: `tuiyan run --out`
# with two results (and its manifest) under strace fault injection. A failure while the new files
# are written (write or fsync of any of them) leaves every old result byte-identical and no temp
# file behind, and the run exits 6. Fails without a usable strace (a skip would pass unnoticed;
# tools/deps.sh test and .ci/run install it).
set -u
BIN=${1:-./tuiyan}
case "$BIN" in /*) ;; *) BIN="$(pwd)/$BIN" ;; esac
if ! command -v strace >/dev/null 2>&1; then
    echo "FAIL: strace not available (apt-get install strace, or run tools/deps.sh test as root)"; exit 1
fi
if ! strace -f -qq -o /dev/null true >/dev/null 2>&1; then
    echo "FAIL: strace cannot trace processes here (ptrace not permitted)"; exit 1
fi
# LeakSanitizer cannot run under ptrace and then fails the process (exit 1): under `make asan`
# the leak check is left to the other suites.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tuiyan-publish-XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT INT TERM
cd "$WORK" || exit 1
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

cat >two.lua <<'LUA'
local v = tonumber(arg[1])
tuiyan.report.emit(tuiyan.tabular.new{ columns = { { key = "a", title = "a" } } }:add{ a = v }, "a")
tuiyan.report.emit(tuiyan.tabular.new{ columns = { { key = "b", title = "b" } } }:add{ b = v }, "b")
LUA
"$BIN" run two.lua 1 --format csv --out out --quiet || { echo "FAIL: cannot publish at all"; exit 1; }
cp out/a.csv a.old; cp out/b.csv b.old; cp out/manifest.json m.old

# Three temps are written and synced (a, b, the manifest) before the first rename.
for inject in "write:error=ENOSPC:when=1" "write:error=ENOSPC:when=2" "fsync:error=EIO:when=1" \
        "fsync:error=EIO:when=2" "fsync:error=EIO:when=3"; do
    call=${inject%%:*}
    strace -f -qq -o /dev/null -e trace="$call" -e inject="$inject" \
        "$BIN" run two.lua 2 --format csv --out out --quiet --force 2>err.txt
    rc=$?
    [ "$rc" = 6 ] || fail "$inject: exit $rc, expected 6 ($(head -n 2 err.txt))"
    cmp -s out/a.csv a.old || fail "$inject: a.csv changed"
    cmp -s out/b.csv b.old || fail "$inject: b.csv changed"
    # the old manifest is removed before publishing (it must never describe other files); it
    # is either gone or the old one, never a new one beside old results
    [ ! -e out/manifest.json ] || cmp -s out/manifest.json m.old || fail "$inject: a new manifest beside old results"
    [ -z "$(ls -A out | grep '\.tmp\.')" ] || fail "$inject: temp files left: $(ls -A out)"
    [ "$failures" -gt 0 ] || echo "ok: $inject -> exit 6, old results intact, no temp"
done

# Control: without a fault both results are replaced.
"$BIN" run two.lua 3 --format csv --out out --quiet --force || fail "no fault: run failed"
grep -q '^3' out/a.csv && grep -q '^3' out/b.csv || fail "no fault: results not replaced"
[ "$failures" -eq 0 ] && echo "publish faults: all passed"
[ "$failures" -eq 0 ]
