# tests/cli/lib.sh — helpers for CLI tests. Source it; BIN is the tuiyan binary.
# Each check prints what failed and counts; finish() exits non-zero if any check failed.
BIN=${1:-./tuiyan}
case "$BIN" in /*) ;; *) BIN="$(pwd)/$BIN" ;; esac
ROOT=$(pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
checks=0
failures=0

fail_check() {
    failures=$((failures + 1))
    echo "FAIL: $*"
}

# run CMD...: runs with stdout/stderr captured in $TMP/out, $TMP/err and status in $code
run() {
    "$@" >"$TMP/out" 2>"$TMP/err"
    code=$?
}

expect_code() {   # want, description
    checks=$((checks + 1))
    if [ "$code" != "$1" ]; then
        fail_check "$2: exit code $code, expected $1"
        sed 's/^/    stderr: /' "$TMP/err" | head -n 10
    fi
}

expect_err() {    # fixed text expected in stderr, description
    checks=$((checks + 1))
    grep -qF -- "$1" "$TMP/err" || { fail_check "$2: stderr lacks '$1'"; sed 's/^/    stderr: /' "$TMP/err" | head -n 10; }
}

expect_out() {    # fixed text expected in stdout, description
    checks=$((checks + 1))
    grep -qF -- "$1" "$TMP/out" || { fail_check "$2: stdout lacks '$1'"; head -n 10 "$TMP/out" | sed 's/^/    stdout: /'; }
}

expect_same() {   # file_a file_b description
    checks=$((checks + 1))
    cmp -s "$1" "$2" || { fail_check "$3: $1 and $2 differ"; diff "$1" "$2" | head -n 20; }
}

finish() {
    echo "$((checks - failures)) passed, $failures failed"
    [ "$failures" -eq 0 ]
}
