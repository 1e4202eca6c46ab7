#!/bin/sh
# atomic_strace.sh [BIN] BUILD_DIR — RELIABILITY §C under real system-call failures: runs a tiny
# driver (atomic_driver.c, built here with cc into BUILD_DIR) under strace fault injection and
# checks that a failed write reports TY_EOUTPUT (exit 6), leaves the earlier file byte-identical
# and leaves no temp file; and that a SIGKILL at any step leaves the old or the new file, whole.
# Run from the repo root. Fails when strace is missing or cannot trace here: a fault test that
# cannot inject proves nothing, and a skip would pass unnoticed (tools/deps.sh test and .ci/run
# install strace). tests/run_all.sh passes BIN BUILD; by hand, BUILD_DIR alone is enough.
set -u
if [ $# -ge 2 ]; then BUILD=$2; else BUILD=${1:-build}; fi

if ! command -v strace >/dev/null 2>&1; then
    echo "FAIL: strace not available (apt-get install strace, or run tools/deps.sh test as root)"
    exit 1
fi
if ! strace -f -qq -o /dev/null true >/dev/null 2>&1; then
    echo "FAIL: strace cannot trace processes here (ptrace not permitted)"
    exit 1
fi

mkdir -p "$BUILD" || exit 1
DRIVER=$BUILD/atomic_driver
cc -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O1 -g -Wall -Wextra -Isrc \
    -o "$DRIVER" tests/fault/atomic_driver.c src/io/atomic.c src/core/error.c src/core/alloc.c || {
    echo "FAIL: cannot build $DRIVER"; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tuiyan-fault-XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT INT TERM
TARGET=$WORK/out.csv
OLD="indicator,2021,2025
R&D intensity,2.1,2.5
"
NEW="indicator,2021,2025
R&D intensity,2.1,2.9
"
printf '%s' "$OLD" > "$WORK/old.expected"
printf '%s' "$NEW" > "$WORK/new.expected"
failures=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

temps_left() {
    ls -A "$WORK" | grep -c '\.tmp\.' || true
}

reset_target() {
    rm -f "$WORK"/.out.csv.tmp.* 2>/dev/null
    cp "$WORK/old.expected" "$TARGET"
}

# The driver must fail with 6, the target must be the old file exactly, no temp may remain.
expect_failure() {   # label, strace -e arguments...
    label=$1; shift
    before=$failures
    reset_target
    strace -f -qq -o "$WORK/strace.log" "$@" "$DRIVER" "$TARGET" "$NEW" 2>"$WORK/stderr"
    rc=$?
    if [ "$rc" -ne 6 ]; then
        fail "$label: exit $rc, want 6 (TY_EOUTPUT): $(cat "$WORK/stderr")"
    fi
    cmp -s "$TARGET" "$WORK/old.expected" || fail "$label: target changed"
    [ "$(temps_left)" -eq 0 ] || fail "$label: temp file left: $(ls -A "$WORK" | tr '\n' ' ')"
    if ! grep -q 'INJECTED' "$WORK/strace.log"; then
        fail "$label: nothing was injected (is the system call named differently here?)"
    fi
    [ "$failures" -eq "$before" ] && echo "ok: $label -> exit $rc, target intact, no temp"
}

# Killed part-way: the target must be the old or the new file, whole (a temp may remain: a
# killed process cannot clean up; it is removed here).
expect_whole() {   # label, strace -e arguments...
    label=$1; shift
    reset_target
    strace -f -qq -o "$WORK/strace.log" "$@" "$DRIVER" "$TARGET" "$NEW" 2>/dev/null
    rc=$?
    if cmp -s "$TARGET" "$WORK/old.expected"; then state=old
    elif cmp -s "$TARGET" "$WORK/new.expected"; then state=new
    else state=torn; fail "$label: target is neither the old nor the new file"; fi
    [ "$rc" -ne 0 ] || fail "$label: driver was not killed"
    [ "$state" = torn ] || echo "ok: $label -> killed (exit $rc), target $state and whole"
}

RENAMES=rename,renameat,renameat2
expect_failure "write ENOSPC"   -e trace=write -e inject=write:error=ENOSPC
expect_failure "fsync EIO"      -e trace=fsync -e inject=fsync:error=EIO
expect_failure "rename EIO"     -e trace=$RENAMES -e inject=$RENAMES:error=EIO
expect_failure "rename EACCES"  -e trace=$RENAMES -e inject=$RENAMES:error=EACCES
# close() is also called by the dynamic loader, so fail only the close of the temp file: its
# position among all close calls, from a clean traced run (the run is deterministic).
strace -f -qq -o "$WORK/count.log" -e trace=openat,close "$DRIVER" "$WORK/scratch.csv" "$NEW"
NTH=$(awk '/close\(/ { n++ }
           /openat\(.*\.tmp\./ { sub(/.*= /, ""); fd = $0 }
           fd != "" && $0 ~ ("close\\(" fd "\\)") { print n; exit }' "$WORK/count.log")
rm -f "$WORK/scratch.csv"
if [ -n "$NTH" ]; then
    expect_failure "close EIO" -e trace=close -e inject=close:error=EIO:when="$NTH"
else
    fail "close EIO: could not find the close of the temp file in a traced run"
fi
expect_whole "SIGKILL at write"  -e trace=write -e inject=write:signal=SIGKILL
expect_whole "SIGKILL at fsync"  -e trace=fsync -e inject=fsync:signal=SIGKILL
expect_whole "SIGKILL at rename" -e trace=$RENAMES -e inject=$RENAMES:signal=SIGKILL
expect_whole "SIGKILL at the directory fsync" -e trace=fsync -e inject=fsync:signal=SIGKILL:when=2

# Control: without faults the same driver replaces the file.
reset_target
if "$DRIVER" "$TARGET" "$NEW"; then
    cmp -s "$TARGET" "$WORK/new.expected" || fail "no fault: target not replaced"
    [ "$(temps_left)" -eq 0 ] || fail "no fault: temp file left"
else
    fail "no fault: driver failed"
fi

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "all atomic fault-injection checks passed"
