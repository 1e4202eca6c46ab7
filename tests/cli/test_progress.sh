#!/bin/sh
# test_progress.sh BIN — `tuiyan progress`: the default plan, every format, agreement with an
# independent implementation of DOMAIN §2, bad plan files (exit 3 with line:col), outputs.
. tests/cli/lib.sh

# The default plan: all 15 Wuwei indicators, required change and rate for each target year.
run "$BIN" progress
expect_code 0 "progress on the embedded plan"
grep -v "^#" stdlib/data/wuwei_2021_2025.csv | tail -n +2 | cut -d, -f2 | while read -r name; do
    grep -qF -- "$name" "$TMP/out" || echo "$name" >>"$TMP/missing"
done
checks=$((checks + 1))
[ -s "$TMP/missing" ] && fail_check "indicators missing from the report: $(cat "$TMP/missing")"
expect_out "年需增 req/yr" "required change column"
expect_out "需增速 req rate" "required rate column"
cp "$TMP/out" "$TMP/default.txt"
expect_same "$TMP/default.txt" tests/cli/golden/progress_default.txt "golden text report"

# JSON: the contract, and numbers equal to the independent reference within 1e-9.
for asof in 2021 2022 2023; do
    run "$BIN" progress tests/data/plans/multi_year.csv --as-of $asof --format json
    expect_code 0 "json as of $asof"
    cp "$TMP/out" "$TMP/tuiyan_$asof.json"
    python3 tests/progress_reference.py tests/data/plans/multi_year.csv --as-of $asof >"$TMP/ref_$asof.json"
    checks=$((checks + 1))
    python3 tests/cli/progress_compare.py compare "as of $asof" "$TMP/tuiyan_$asof.json" "$TMP/ref_$asof.json" 1e-9 ||
        fail_check "as of $asof: tuiyan and the reference implementation differ"
done
run "$BIN" progress --format json
python3 tests/progress_reference.py stdlib/data/wuwei_2021_2025.csv --as-of 2021 >"$TMP/ref_default.json"
checks=$((checks + 1))
python3 tests/cli/progress_compare.py compare "default plan" "$TMP/out" "$TMP/ref_default.json" 1e-9 ||
    fail_check "default plan: tuiyan and the reference implementation differ"
checks=$((checks + 1))
grep -q 'NaN\|nan\|inf' "$TMP/out" && fail_check "JSON contains NaN or inf"

# The same plan as JSON gives the same report.
python3 - "$TMP/plan.json" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open("tests/data/plans/multi_year.csv", encoding="utf-8")))
inds = []
for r in rows:
    ind = {k: r[k] for k in ("id", "name", "unit", "direction", "trend")}
    for kind in ("actual", "target"):
        ind[kind] = {k.split("_")[1]: float(v) for k, v in r.items() if k.startswith(kind + "_") and v}
    inds.append(ind)
json.dump({"indicators": inds}, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
PY
run "$BIN" progress "$TMP/plan.json" --as-of 2022 --format json
expect_code 0 "JSON plan"
checks=$((checks + 1))
python3 tests/cli/compare_json.py "$TMP/out" "$TMP/tuiyan_2022.json" 0 || fail_check "JSON plan differs from CSV plan"

# Every format works; CSV has one header and one row per indicator x target.
for f in text csv md json; do
    run "$BIN" progress --format $f
    expect_code 0 "format $f"
done
run "$BIN" progress --format csv
checks=$((checks + 1))
[ "$(wc -l <"$TMP/out")" -eq 31 ] || fail_check "csv: expected 31 lines (header + 15 x 2 targets), got $(wc -l <"$TMP/out")"

# Bad plan files: exit 3, the place and the reason.
while IFS='|' read -r file want; do
    run "$BIN" progress "tests/data/plans/bad/$file"
    expect_code 3 "bad plan $file"
    expect_err "$want" "bad plan $file"
done <tests/data/plans/bad/EXPECT
while IFS='|' read -r file want; do
    run "$BIN" progress "tests/data/plans/bad_json/$file"
    expect_code 3 "bad JSON plan $file"
    expect_err "$want" "bad JSON plan $file"
done <tests/data/plans/bad_json/EXPECT
run "$BIN" progress tests/data/plans/bad/gbk.csv
expect_err "save as CSV UTF-8" "GBK hint says how to fix it"

# Usage errors: exit 2.
run "$BIN" progress --format xml
expect_code 2 "unknown format"
run "$BIN" progress --as-of 20x1
expect_code 2 "bad --as-of"
run "$BIN" progress "$TMP/nope.csv"
expect_code 2 "missing plan file"
expect_err "nope.csv" "missing file named"
run "$BIN" progress --bogus
expect_code 2 "unknown option"
run "$BIN" frobnicate
expect_code 2 "unknown command"

# Outputs: written atomically into --out; refused over an input; existing needs --force.
run "$BIN" progress --out "$TMP/res" --format json
expect_code 0 "--out"
checks=$((checks + 1))
[ -f "$TMP/res/progress.json" ] || fail_check "--out did not write progress.json"
run "$BIN" progress --out "$TMP/res" --format json
expect_code 2 "existing output without --force"
expect_err "use --force" "existing output message"
run "$BIN" progress --out "$TMP/res" --format json --force
expect_code 0 "existing output with --force"
cp tests/data/plans/multi_year.csv "$TMP/in/" 2>/dev/null || { mkdir -p "$TMP/in"; cp tests/data/plans/multi_year.csv "$TMP/in/progress.csv"; }
run "$BIN" progress "$TMP/in/progress.csv" --out "$TMP/in" --format csv --force
expect_code 2 "output over the input"
expect_err "is an input" "overwrite-input message"
checks=$((checks + 1))
cmp -s "$TMP/in/progress.csv" tests/data/plans/multi_year.csv || fail_check "the input was modified"
printf 'x' >"$TMP/afile"
run "$BIN" progress --out "$TMP/afile/sub"
expect_code 6 "output directory cannot be created"
# A failure after the temp file was created: a 512-byte file size limit (SIGXFSZ ignored, as
# the shell passes it on, so the write fails with EFBIG) stops the write half-way: exit 6. Its
# temp, and every temp of the runs above, must be gone. Temps are made beside their target
# (.<name>.tmp.<pid>.<n> in the --out folder), so the whole tree is searched: an earlier version
# listed only $TMP itself, where no temp is ever made, and no run above made one to leave.
mkdir -p "$TMP/res_fsize"
run sh -c 'trap "" XFSZ; ulimit -f 1; exec "$0" progress --out "$1" --format json' "$BIN" "$TMP/res_fsize"
expect_code 6 "a write stopped by the file size limit"
checks=$((checks + 1))
left=$(find "$TMP" -name '*.tmp.*')
[ -z "$left" ] || fail_check "temp files left behind: $left"

# Determinism: byte-identical under other LANG / TZ, with real locales (require_locales fails
# the test when they are missing, instead of comparing C with C). tuiyan never adopts the
# environment's LC_NUMERIC (no setlocale(LC_ALL, "")): the text report, whose numbers are
# printf-formatted, would show decimal commas under de_DE if it did.
. "$ROOT/tests/cli/locales.sh"
require_locales
LANG=zh_CN.UTF-8 TZ=Asia/Shanghai "$BIN" progress tests/data/plans/multi_year.csv --as-of 2022 --format json >"$TMP/a.json"
LANG=C TZ=UTC LC_ALL=C "$BIN" progress tests/data/plans/multi_year.csv --as-of 2022 --format json >"$TMP/b.json"
expect_same "$TMP/a.json" "$TMP/b.json" "LANG/TZ independence"
LC_ALL=de_DE.UTF-8 "$BIN" progress --format csv >"$TMP/c.csv"
"$BIN" progress --format csv >"$TMP/d.csv"
expect_same "$TMP/c.csv" "$TMP/d.csv" "decimal comma locale does not leak"
LC_ALL=de_DE.UTF-8 LANG=de_DE.UTF-8 "$BIN" progress >"$TMP/c.txt"
LC_ALL=C "$BIN" progress >"$TMP/d.txt"
expect_same "$TMP/c.txt" "$TMP/d.txt" "the text report ignores the environment's decimal comma"
# With the decimal-comma locale really in force in the process (a trusted script may set it),
# the machine outputs still read back: numbers are written with '.' and round-trip.
cat >"$TMP/comma.lua" <<'LUA'
assert(os.setlocale("de_DE.UTF-8", "numeric"), "de_DE.UTF-8 cannot be set")
assert(string.format("%.1f", 0.5) == "0,5", "the decimal comma is not in force")
tuiyan.report.emit(tuiyan.plan.load("tests/data/plans/multi_year.csv"):progress{ as_of = 2022 }, "progress")
LUA
for f in csv json; do
    "$BIN" run "$TMP/comma.lua" --format $f >"$TMP/comma.$f"
    "$BIN" progress tests/data/plans/multi_year.csv --as-of 2022 --format $f >"$TMP/plain.$f"
    expect_same "$TMP/comma.$f" "$TMP/plain.$f" "$f under a decimal-comma LC_NUMERIC in force"
done

# A plan with targets but no actuals: a data problem, not a crash; --as-of makes it a report.
printf 'id,name,unit,target_2025\nrd,R,%%,1.5\n' >"$TMP/noact.csv"
run "$BIN" progress "$TMP/noact.csv"
expect_code 3 "a plan without actuals"
expect_err "noact.csv: no actual value in any row, so no year to measure progress at; add actuals or give --as-of YEAR" "says what to do"
checks=$((checks + 1))
grep -q "traceback" "$TMP/err" && fail_check "a traceback for a data problem"
run "$BIN" progress "$TMP/noact.csv" --as-of 2022
expect_code 0 "the same plan with --as-of"
expect_out "no_data" "reported as no data"

finish
