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
# Objects as an analyst reads them (issue 14): a plan as its title and indicators, a model as its
# elements and assumptions, a scenario as its overrides. Expected lines written from the
# definitions typed here.
printf 'p = tuiyan.plan.load()\np\n' | COLUMNS=200 "$BIN" >"$TMP/out" 2>"$TMP/err"
expect_out "plan 武威市强科技行动 2022—2025 (stdlib/data/wuwei_2021_2025.csv): 15 indicators, actuals 2020–2021" "a plan prints its title"
checks=$((checks + 1))
grep -Eq '^  tech_smes +科技型中小企业 +家 +2021  122 +2022 130, 2025 160$' "$TMP/out" ||
    fail_check "a plan prints each indicator: id, name, unit, latest actual, targets as written: $(grep tech_smes "$TMP/out")"
cat >"$TMP/model.in" <<'LUA'
m = tuiyan.model.new{ name = "toy", first_year = 2021, last_year = 2023 }
local _ = m:param("gdp", 560, { unit = "亿元", assumption = "GDP 2021 of about 560 亿元" })
local _ = m:param("growth", 0.05, { unit = "1" })
local _ = m:aux("gdp_t", tuiyan.model.growth(m.v.gdp, m.v.growth), { unit = "亿元", indicator = "gdp_x" })
m
base = tuiyan.scenario.new{ name = "base", model = m }
fast = base:derive{ name = "fast", set = { growth = 0.08 } }
fast
base
LUA
"$BIN" <"$TMP/model.in" >"$TMP/out" 2>"$TMP/err"
code=$?
expect_code 0 "model and scenarios in a pipe session"
expect_out "model toy, 2021–2023: 3 elements (2 param, 1 aux)" "a model prints its elements by kind"
expect_out "  aux    gdp_t   亿元  growth(gdp, growth)  → gdp_x" "each element with unit, definition and the indicator it feeds"
expect_out "assumptions (not from the source documents" "a model lists its assumptions"
expect_out "  gdp  560 亿元  GDP 2021 of about 560 亿元" "each assumption with its value and note"
expect_out "scenario fast of model toy, from base:" "a scenario names its model and parent"
expect_out "  growth  0.08 (scenario fast)  default 0.05" "a scenario prints its overrides beside the defaults"
expect_out "  no overrides: the model's defaults" "a baseline says it changes nothing"
checks=$((checks + 1))
grep -q "by_name\|loc *=" "$TMP/out" && fail_check "a model prints its internals: $(grep -m1 "by_name\|loc *=" "$TMP/out")"
# A policy as its rules, a city as its regions.
printf 'P = require("tuiyan.policy.wuwei").policy()\nP\nc = tuiyan.regions.new{ name = "武威市", regions = { {"凉州区", tuiyan.plan.load()}, {"民勤县", tuiyan.plan.load()} } }\nc\n' |
    COLUMNS=200 "$BIN" >"$TMP/out" 2>"$TMP/err"
checks=$((checks + 1))
grep -Eq '^  R7a +city +新认定高新技术企业 one-off' "$TMP/out" || fail_check "a policy prints its rules: $(head -3 "$TMP/out")"
expect_out "policy wuwei: " "a policy prints its name"
expect_out "city 武威市: 2 regions: 凉州区, 民勤县" "a city prints its regions"
# A loader's error assigned to a variable is shown at once, with its exit code (3, bad data).
printf 'p = tuiyan.plan.load("tests/data/plans/bad/gbk.csv")\np == nil\n' | "$BIN" >"$TMP/out" 2>"$TMP/err"
code=$?
expect_code 3 "a failed load assigned to a variable"
expect_err "p = nil: tests/data/plans/bad/gbk.csv:2:3: not UTF-8" "the loader's error is shown at once"
expect_out "true" "the variable is still assigned (nil)"
# did you mean: a method, a module field, a global, an indicator id.
printf 'p = tuiyan.plan.load()\np:progres()\ntuiyan.plna.load()\ntuiyn.plan.load()\np:actual("rd_intensty", 2021)\n' |
    "$BIN" >"$TMP/out" 2>"$TMP/err"
expect_err "(method 'progres'); did you mean 'progress'?" "a misspelt method"
expect_err "(field 'plna'); did you mean 'plan'?" "a misspelt module"
expect_err "(global 'tuiyn'); did you mean 'tuiyan'?" "a misspelt global"
expect_err "no indicator 'rd_intensty' in plan stdlib/data/wuwei_2021_2025.csv; did you mean 'rd_intensity'?" "a misspelt indicator id"
run "$BIN" repl extra
expect_code 2 "repl takes no arguments"

# Through a pseudo-terminal: readline, completion, Ctrl-C, history.
checks=$((checks + 1))
TUIYAN_ROOT="$ROOT" python3 tests/cli/repl_pty.py "$BIN" "$TMP" >"$TMP/pty.log" 2>&1 ||
    { fail_check "REPL through a pty:"; sed 's/^/    /' "$TMP/pty.log"; }

finish
