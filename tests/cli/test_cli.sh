#!/bin/sh
# test_cli.sh BIN — the command line as issue 14 found it (its "Why", CLI): `run --help` and
# `progress -h` were "unknown option"; `help keygen|pack|verify|list` had no text; `help nonsense`
# exited 0; `help progress` omitted formats progress writes; `progress --format svg` exited 2 with
# the text table as its error; no "did you mean"; `tuiyan --quiet progress` was refused; the
# package commands had a parser of their own. Expected texts are written here from the issue and
# the README, not taken from the code under test.
. tests/cli/lib.sh

# Every command has its help three ways, the same text, exit 0, starting with its usage.
for c in run progress merge check extract keygen pack verify install list remove repl help version; do
    run "$BIN" "$c" --help
    expect_code 0 "$c --help"
    cp "$TMP/out" "$TMP/help1"
    checks=$((checks + 1))
    head -1 "$TMP/help1" | grep -q "^tuiyan $c" || fail_check "$c --help starts with its usage: $(head -1 "$TMP/help1")"
    checks=$((checks + 1))
    grep -q '^  -h, --help' "$TMP/help1" || fail_check "$c --help lists -h, --help among its options"
    run "$BIN" "$c" -h
    expect_code 0 "$c -h"
    expect_same "$TMP/out" "$TMP/help1" "$c -h is $c --help"
    run "$BIN" help "$c"
    expect_code 0 "help $c"
    expect_same "$TMP/out" "$TMP/help1" "tuiyan help $c is $c --help"
done
# -h after other words, and not when it is an option's value or after --
run "$BIN" progress tests/data/plans/multi_year.csv --format json -h
expect_code 0 "progress PLAN --format json -h shows the help"
expect_out "tuiyan progress [PLAN]" "the help, not a report"
run "$BIN" run --help
expect_out "--set NAME=VALUE" "run --help lists --set"
expect_out "--samples N" "run --help lists --samples"

# The help of an installed package's scenario: its scenarios, from its own manifest
# (examples/county_package/package/tuiyan-package.json), and a misspelt scenario's did-you-mean.
P=$TMP/pk; mkdir -p "$P"
export XDG_CONFIG_HOME="$P/config" XDG_DATA_HOME="$P/data"
checks=$((checks + 1))
(cd "$P" && "$BIN" keygen city --quiet && "$BIN" pack "$ROOT/examples/county_package/package" -o p.tpkg --key city.key --quiet &&
    "$BIN" install p.tpkg --trust city.pub --quiet) >"$TMP/out" 2>&1 || fail_check "install the example package: $(cat "$TMP/out")"
run "$BIN" run wuwei_counties:progress --help
expect_code 0 "run NAME:SCENARIO --help"
expect_out "tuiyan run wuwei_counties:SCENARIO" "the package's own usage line"
expect_out "wuwei_counties 1.0.0 — 县区科技指标进度" "the package's version and description"
expect_out "  progress             scenarios/progress.lua" "the package's scenarios"
cp "$TMP/out" "$TMP/pkhelp"
run "$BIN" run wuwei_counties:progress -h
expect_same "$TMP/out" "$TMP/pkhelp" "run NAME:SCENARIO -h is --help"
run "$BIN" run wuwei_counties:progres --data "$ROOT/examples/data/counties"
expect_code 2 "a misspelt scenario"
expect_err "has no scenario 'progres'; did you mean 'progress'?" "scenario: did you mean"
unset XDG_CONFIG_HOME XDG_DATA_HOME

# Unknown topics: exit 2 on stderr, with the topic meant when there is one.
run "$BIN" help nonsense
expect_code 2 "help nonsense"
expect_err "no help on 'nonsense'" "help nonsense says so"
checks=$((checks + 1))
[ -s "$TMP/out" ] && fail_check "help nonsense writes nothing on stdout: $(head -1 "$TMP/out")"
run "$BIN" help progres
expect_code 2 "help progres"
expect_err "did you mean 'progress'?" "help progres: did you mean"
run "$BIN" help tuiyan.plan.lod
expect_code 2 "help tuiyan.plan.lod"
expect_err "did you mean 'tuiyan.plan.load'?" "help of a misspelt Lua name"
run "$BIN" help targets
expect_code 0 "help targets (a topic)"

# The formats progress's help lists: the README's list for progress (text, csv, json, md, html,
# xlsx), each one written.
run "$BIN" help progress
expect_out "text, csv, json, md, html or xlsx" "help progress lists the formats progress writes"
fmts=$(grep -- '--format FMT' "$TMP/out" | sed 's/.*--format FMT *//; s/ (.*//; s/,//g; s/ or / /')
checks=$((checks + 1))
[ "$fmts" = "text csv json md html xlsx" ] || fail_check "progress's formats read from its help: '$fmts'"
for f in $fmts; do
    ext=$f; [ "$f" = text ] && ext=txt
    rm -rf "$TMP/fmt"
    run "$BIN" progress tests/data/plans/multi_year.csv --format "$f" --out "$TMP/fmt" --quiet
    expect_code 0 "progress --format $f (listed by its help)"
    checks=$((checks + 1))
    [ -s "$TMP/fmt/progress.$ext" ] || fail_check "progress --format $f wrote progress.$ext"
done
# A format a command does not write: exit 2, one line naming the command and its formats, never
# the report itself as the message.
run "$BIN" progress --format svg
expect_code 2 "progress --format svg"
expect_err "progress writes text, csv, json, md, html or xlsx, not svg" "progress --format svg says what progress writes"
checks=$((checks + 1))
[ "$(wc -l < "$TMP/err")" -eq 1 ] || fail_check "progress --format svg: one line of error, got $(wc -l < "$TMP/err")"
checks=$((checks + 1))
grep -q "指标\|indicator" "$TMP/err" && fail_check "progress --format svg prints the table as its error"
checks=$((checks + 1))
[ -s "$TMP/out" ] && fail_check "progress --format svg writes nothing on stdout"
run "$BIN" progress --format jsn
expect_code 2 "progress --format jsn"
expect_err "not jsn; did you mean 'json'?" "a misspelt format"
# In a script, an object that cannot take the run's format is named by its kind.
printf 'tuiyan.report.emit(tuiyan.plan.load():progress(), "progress")\n' > "$TMP/emit.lua"
run "$BIN" run "$TMP/emit.lua" --format svg
expect_code 2 "a Progress emitted as svg"
expect_err "a Progress cannot be written as svg (it can be: text, csv, json, md, html, xlsx)" "the object's kind and its formats"
checks=$((checks + 1))
grep -q "指标" "$TMP/err" && fail_check "the emitted object's text is the error message"

# Did you mean: commands, options (the main commands and the package commands alike).
run "$BIN" progres
expect_code 2 "a misspelt command"
expect_err "unknown command 'progres'; did you mean 'progress'?" "command: did you mean"
run "$BIN" chekc x.csv
expect_err "did you mean 'check'?" "a swap of two letters"
run "$BIN" progress --fromat json
expect_code 2 "a misspelt option"
expect_err "unknown option --fromat; did you mean '--format'?" "option: did you mean"
run "$BIN" verify --trsut city.pub p.tpkg
expect_code 2 "a misspelt package option"
expect_err "unknown option --trsut; did you mean '--trust'?" "package option: did you mean"
run "$BIN" nonsense
expect_code 2 "an unknown command"
checks=$((checks + 1))
grep -q "did you mean" "$TMP/err" && fail_check "nothing is close to 'nonsense': $(cat "$TMP/err")"

# An option the command does not take is refused with the command's name.
run "$BIN" progress --samples 100
expect_code 2 "progress --samples"
expect_err "progress does not take --samples" "progress does not take --samples"
run "$BIN" pack dir --samples 100
expect_code 2 "pack --samples"
expect_err "pack does not take --samples" "the package commands parse the same way"
run "$BIN" keygen k --trust city.pub
expect_err "keygen does not take --trust" "keygen does not take --trust"
run "$BIN" list extra
expect_code 2 "list takes no arguments"

# Options before the command are the command's own.
"$BIN" progress --format json --quiet > "$TMP/after.json" 2>&1
run "$BIN" --quiet progress --format json
expect_code 0 "tuiyan --quiet progress"
expect_same "$TMP/out" "$TMP/after.json" "tuiyan --quiet progress --format json = progress --format json --quiet"
run "$BIN" --format json progress
expect_code 0 "tuiyan --format json progress"
expect_same "$TMP/out" "$TMP/after.json" "tuiyan --format json progress = progress --format json"
run "$BIN" --samples 10 progress
expect_code 2 "an option before a command that does not take it"
expect_err "progress does not take --samples" "named with the command"
run "$BIN" --quiet
expect_code 2 "options and no command"
run "$BIN" --fromat json progress
expect_err "did you mean '--format'?" "a misspelt option before the command"

finish
