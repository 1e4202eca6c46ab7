#!/bin/sh
# test_check.sh BIN — `tuiyan check FILE...`: every problem of every file listed as file:line:col
# (several bad cells of one plan, a syntax error with its column, a model that does not compile,
# a missing module or plan file), the most severe exit code, and nothing run.
. tests/cli/lib.sh

mkdir -p "$TMP/c"
cd "$TMP/c" || exit 1
printf 'id,name,unit,actual_2021,actual_2022,target_2025\nx,名,%%,0x10,5,inf\ny,名2,家,1,2,3\nz,名3,家,1e999,2,无\n' >plan.csv
printf 'local a = 1\nlocal b = = 2\n' >syntax.lua
cat >model.lua <<'LUA'
local M = tuiyan.model
local m = M.new{ name = "demo", first_year = 2021, last_year = 2025 }
m:param("a", 1, { unit = "亿元" })
m:param("b", 2, { unit = "家" })
m:aux("bad", m.v.a + m.v.b, { unit = "亿元" })
return m
LUA
# The marker is the script's first statement, before anything in it can fail, so a check that
# ran the script would leave it (an earlier version wrote it after two failing lines: it could
# never appear, and the test below could never fail).
cat >script.lua <<'LUA'
io.open("ran.marker", "w"):close()
local p = tuiyan.plan.load("missing.csv")
local w = require "nowhere"
LUA
printf '{"a": 01}' >bad.json
printf '{"indicators": [{"id": "x", "name": "n", "unit": "%%", "actual": {"2021": 1e999}}]}' >badplan.json

run "$BIN" check plan.csv syntax.lua model.lua script.lua bad.json badplan.json notes.txt
expect_code 3 "problems of every kind: the most severe code (bad data)"
cat >"$TMP/want" <<'EOF'
plan.csv:2:4: expected a number, found "0x10"
plan.csv:2:6: cannot read target "inf": "inf" is not a number
plan.csv:4:4: "1e999" is out of range
syntax.lua:2:11: unexpected symbol near '='
model.lua:5: unit mismatch in 'bad': cannot add 亿元 (a) and 家 (b)
script.lua:2:29: plan file 'missing.csv' not found
script.lua:3:20: module 'nowhere' not found (no tuiyan module and no file on package.path)
bad.json:1:7: leading zero in number "01" (byte 6)
notes.txt: no such file
EOF
grep -v '^badplan.json' "$TMP/out" >"$TMP/got"
expect_same "$TMP/got" "$TMP/want" "every problem, in file and line order"
expect_out "badplan.json:" "a JSON plan is read as a plan"
expect_err "checked 7 files: 10 problems" "the summary"
checks=$((checks + 1))
[ -e ran.marker ] && fail_check "check ran a script"
# The same script run for real does leave the marker: the check above can fail.
run "$BIN" run script.lua
checks=$((checks + 1))
[ -e ran.marker ] || fail_check "the marker script leaves no marker when run, so the check above proves nothing"
rm -f ran.marker

# Every bad cell of a plan, at the line and column the reader gives it, whatever precedes it on
# the line: quoted fields with commas and doubled quotes, a field spanning two lines, and
# several problems in one row (check once re-split lines by hand and lost its place after a
# quoted field, listing only the first bad cell).
printf 'id,name,unit,note,actual_2021,actual_2022,target_2025\nx,"名, quoted",%%,"a ""b"", c",0x10,abc,inf\n"y","名2\nsecond line",家,,1,2,3\nz,名3,家,"n,1",1e999,2,xx\nbad id,n,,,1,2,3\nx,dup,家,,1,1,1\n' >quoted.csv
run "$BIN" check quoted.csv
expect_code 3 "bad cells after quoted fields"
cat >"$TMP/want" <<'EOF'
quoted.csv:2:5: expected a number, found "0x10"
quoted.csv:2:6: expected a number, found "abc"
quoted.csv:2:7: cannot read target "inf": "inf" is not a number
quoted.csv:5:5: "1e999" is out of range
quoted.csv:5:7: cannot read target "xx": expected a number (100), a comparison (>=100, 100以上, 突破600), a range (3-5), 新增N, 提高N个百分点, 增长N%, 倍增, 前N位, 高于<row id> or 完成
quoted.csv:6:1: invalid indicator id "bad id": expected a letter or _ followed by letters, digits or _
quoted.csv:6:3: empty unit (write 1 for a pure number)
quoted.csv:7:1: duplicate indicator id "x"
EOF
expect_same "$TMP/out" "$TMP/want" "every bad cell, quoted fields before it or not"
# The plan reader is the judge: a problem only it knows (here an unknown column) is listed too.
printf 'id,name,unit,actual_2021,tagret_2025\nx,n,家,abc,1\n' >unknown.csv
run "$BIN" check unknown.csv
expect_code 3 "an unknown column and a bad cell"
expect_out 'unknown.csv:1:5: unknown column "tagret_2025"' "the reader's own problem"
expect_out 'unknown.csv:2:4: expected a number, found "abc"' "and the bad cell"

# A directory named like a plan: a mistake in the command (2) for check and progress alike.
mkdir -p dir.csv
run "$BIN" check dir.csv
expect_code 2 "check: a directory named x.csv"
expect_out "dir.csv: not a regular file" "check says what it is"
run "$BIN" progress dir.csv
expect_code 2 "progress: a directory named x.csv, as check"
expect_err "dir.csv: not a regular file" "progress says what it is"

# The exit code: scripts only -> 1; a missing file only -> 2; script + missing -> 1.
run "$BIN" check syntax.lua
expect_code 1 "a syntax error"
run "$BIN" check nope.csv
expect_code 2 "a missing file"
expect_out "nope.csv: no such file" "missing file message"
run "$BIN" check syntax.lua nope.lua
expect_code 1 "a script error outranks a missing file"
run "$BIN" check
expect_code 2 "no files"
expect_err "check needs at least one file" "usage message"

# A local module a script requires is checked as a module (its model compiled).
mkdir -p lib
cp model.lua lib/mymodel.lua
printf 'package.path = "lib/?.lua;" .. package.path\nlocal m = require "mymodel"\n' >lib/uses.lua
run "$BIN" check lib/uses.lua
expect_code 1 "a model required from a local module"
expect_out "unit mismatch in 'bad'" "the required module's model is compiled"

# All is well: the shipped scenarios, examples, the standard model and the embedded plan.
cd "$ROOT" || exit 1
run "$BIN" check scenarios/*.lua examples/*.lua stdlib/tuiyan/models/wuwei.lua stdlib/data/wuwei_2021_2025.csv tests/data/plans/multi_year.csv
expect_code 0 "the shipped scripts and plans check clean"
checks=$((checks + 1))
[ -s "$TMP/out" ] && fail_check "problems reported for clean files: $(head -n 5 "$TMP/out")"
# A JSON plan: every bad actual or target value, each at its column in the file as it is (a
# value set aside earlier on the same line does not shift the next one's column).
printf '{"name": "t", "indicators": [\n  {"id": "a", "name": "指标", "unit": "%%", "actual": {"2021": "x", "2022": 1, "2023": "12,5"}},\n  {"id": "b", "name": "B", "unit": "%%", "target": {"2025": true}}\n]}\n' >"$TMP/many.json"
run "$BIN" check "$TMP/many.json"
expect_code 3 "a JSON plan with three bad values"
expect_out "many.json:2:61: indicators[0].actual.\"2021\": expected a number or null, found a string" "first"
expect_out "many.json:2:85: indicators[0].actual.\"2023\": expected a number or null, found a string" "second, same line"
expect_out "many.json:3:60: indicators[1].target.\"2025\": expected a number, a target as written (a string) or null, found a boolean" "third"

# A package's scripts require the modules its manifest names, as the sandbox resolves them.
P=examples/county_package
run "$BIN" check $P/package/scenarios/progress.lua $P/package/lib/county.lua $P/package/data/defaults.csv \
    $P/city.lua $P/counties/*/plan.csv
expect_code 0 "the example package and the county data check clean"
mkdir -p "$TMP/pkg/scenarios"
printf '{"format": 1, "name": "p", "modules": {"p.util": "lib/util.lua"}}\n' >"$TMP/pkg/tuiyan-package.json"
printf 'local u = require "p.util"\nlocal v = require "p.nothere"\n' >"$TMP/pkg/scenarios/main.lua"
mkdir -p "$TMP/pkg/lib"
printf 'return {}\n' >"$TMP/pkg/lib/util.lua"
run "$BIN" check "$TMP/pkg/scenarios/main.lua"
expect_code 1 "a package script requiring a module its manifest lacks"
expect_out "main.lua:2:20: module 'p.nothere' not found (not among the modules of $TMP/pkg/tuiyan-package.json)" \
    "names the manifest"
checks=$((checks + 1))
grep -q "p.util" "$TMP/out" && fail_check "a module the manifest names was reported: $(cat "$TMP/out")"
run "$BIN" check --quiet tests/data/plans/multi_year.csv
checks=$((checks + 1))
[ -s "$TMP/err" ] && fail_check "--quiet still printed a summary"

# Every bad plan of the corpus is a data problem with its place.
while IFS='|' read -r file want; do
    run "$BIN" check "tests/data/plans/bad/$file"
    expect_code 3 "check bad plan $file"
    expect_out "$want" "check bad plan $file"
done <tests/data/plans/bad/EXPECT

finish
