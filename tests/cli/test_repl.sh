#!/bin/sh
# test_repl.sh BIN — the REPL: through a pipe (golden transcript, expressions print, multi-line
# statements, errors on stderr and the exit code, no prompt or echo) and through a pseudo-terminal
# (tests/cli/repl_pty.py: completion, multi-line, Ctrl-C, Ctrl-D, history).
. tests/cli/lib.sh

# The README transcript and the issue's one-liners.
printf 'p = tuiyan.plan.load()\np:progress():get("rd_intensity", 2025).required_change\n' | "$BIN" >"$TMP/out" 2>"$TMP/err"
code=$?
expect_code 0 "README transcript"
checks=$((checks + 1))
[ "$(cat "$TMP/out")" = "0.176" ] || fail_check "README transcript: expected 0.176, got '$(cat "$TMP/out")'"
printf 'function f(x)\n return x*2\nend\nf(21)\n' | "$BIN" >"$TMP/out" 2>"$TMP/err"
code=$?
expect_code 0 "multi-line function"
checks=$((checks + 1))
[ "$(cat "$TMP/out")" = "42" ] || fail_check "multi-line function: expected 42, got '$(cat "$TMP/out")'"
checks=$((checks + 1))
[ -s "$TMP/err" ] && fail_check "a clean pipe session writes nothing on stderr: $(cat "$TMP/err")"

# A longer session against its golden transcript: no banner, no prompt, no echo.
"$BIN" <tests/cli/golden/repl_session.in >"$TMP/session.out" 2>"$TMP/err"
code=$?
expect_code 0 "golden session"
expect_same "$TMP/session.out" tests/cli/golden/repl_session.out "golden REPL session"
# The REPL takes LC_CTYPE from the environment (UTF-8 input for readline), never LC_NUMERIC: under
# a real decimal-comma locale its numbers are printed as in C.
. "$ROOT/tests/cli/locales.sh"
require_locales
LANG=zh_CN.UTF-8 LC_ALL=de_DE.UTF-8 TZ=Asia/Shanghai "$BIN" <tests/cli/golden/repl_session.in >"$TMP/session2.out" 2>&1
expect_same "$TMP/session2.out" tests/cli/golden/repl_session.out "golden session under another locale"

# Errors go to stderr, the session goes on, the exit code is the first error's.
printf 'error("boom")\n1 + 1\n' | "$BIN" >"$TMP/out" 2>"$TMP/err"
code=$?
expect_code 1 "a Lua error in a pipe session"
expect_err "stdin:1: boom" "the error message"
expect_out "2" "the session goes on after an error"
checks=$((checks + 1))
grep -q "repl.lua\|xpcall" "$TMP/err" && fail_check "the traceback shows the REPL's own frames: $(cat "$TMP/err")"
printf 'assert(tuiyan.plan.load("tests/data/plans/bad/hex.csv"))\n' | "$BIN" >"$TMP/out" 2>"$TMP/err"
code=$?
expect_code 3 "bad data in a pipe session"
expect_err 'tests/data/plans/bad/hex.csv:2:4: expected a number, found "0x10"' "bad data message"
printf 'x = = 1\n' | "$BIN" >"$TMP/out" 2>"$TMP/err"
code=$?
expect_code 1 "a syntax error"
expect_err "stdin:1: unexpected symbol near '='" "syntax error message"
printf 'for i = 1, 3 do\n' | "$BIN" >"$TMP/out" 2>"$TMP/err"
code=$?
expect_code 1 "input ends inside a statement"
expect_err "incomplete statement at end of input" "incomplete statement message"
printf 'help(tuiyan.plan.load)\nhelp("Plan:actual")\nhelp()\n' | "$BIN" >"$TMP/out" 2>"$TMP/err"
code=$?
expect_code 0 "help in a pipe session"
expect_out "load([path]) -> Plan | nil, err." "help(function)"
expect_out "actual(id, year) -> the actual value" "help(name of a C method)"
expect_out "modules (tuiyan.<name>):" "help() overview"
printf 'p = tuiyan.plan.load("tests/data/plans/multi_year.csv")\np\n' | "$BIN" >"$TMP/out" 2>"$TMP/err"
expect_out "年需增 req/yr" "a plan prints as its progress table"
run "$BIN" repl extra
expect_code 2 "repl takes no arguments"

# Through a pseudo-terminal: readline, completion, Ctrl-C, history.
checks=$((checks + 1))
TUIYAN_ROOT="$ROOT" python3 tests/cli/repl_pty.py "$BIN" "$TMP" >"$TMP/pty.log" 2>&1 ||
    { fail_check "REPL through a pty:"; sed 's/^/    /' "$TMP/pty.log"; }

finish
