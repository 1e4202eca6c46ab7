# tests/cli/test_xlsx_out.sh — xlsx output and CSV's byte order mark.
# Each workbook (progress, a comparison, a Monte Carlo bundle, the county tables) is opened with
# openpyxl (Debian's /usr/bin/python3 with python3-openpyxl; missing = FAIL) and compared with the
# JSON of the same run by tests/cli/xlsx_check.py: sheets, frozen header, number formats, status
# fills, values. LibreOffice (soffice --headless --convert-to csv) reads the progress book once
# and must show the same numbers. Two runs give byte-identical workbooks.
. tests/cli/lib.sh
PY=/usr/bin/python3
CHECK="$ROOT/tests/cli/xlsx_check.py"

checks=$((checks + 1))
"$PY" -c "import openpyxl" 2>/dev/null || fail_check "python3-openpyxl is missing (Debian: apt-get install python3-openpyxl)"
checks=$((checks + 1))
command -v soffice >/dev/null 2>&1 || fail_check "soffice is missing (Debian: apt-get install libreoffice-calc-nogui)"

xlsx_case() {   # kind, description, tuiyan args... (writes $TMP/<kind>/x and $TMP/<kind>/j)
    kind=$1 what=$2
    shift 2
    run "$BIN" "$@" --format xlsx --out "$TMP/$kind/x" --quiet
    expect_code 0 "$what --format xlsx"
    run "$BIN" "$@" --format json --out "$TMP/$kind/j" --quiet
    expect_code 0 "$what --format json"
}

xlsx_case progress "progress" progress
checks=$((checks + 1))
"$PY" "$CHECK" progress "$TMP/progress/x/progress.xlsx" "$TMP/progress/j/progress.json" >"$TMP/check" 2>&1 ||
    fail_check "progress workbook against the JSON: $(head -c 2000 "$TMP/check")"

xlsx_case compare "a comparison" run scenarios/wuwei_combined.lua
checks=$((checks + 1))
"$PY" "$CHECK" compare "$TMP/compare/x/wuwei_combined.xlsx" "$TMP/compare/j/wuwei_combined.json" >"$TMP/check" 2>&1 ||
    fail_check "comparison workbook against the JSON: $(head -c 2000 "$TMP/check")"

xlsx_case mc "a Monte Carlo bundle" run scenarios/wuwei_uncertainty.lua --samples 400
checks=$((checks + 1))
"$PY" "$CHECK" mc "$TMP/mc/x/wuwei_uncertainty.xlsx" "$TMP/mc/j/wuwei_uncertainty.json" >"$TMP/check" 2>&1 ||
    fail_check "Monte Carlo workbook against the JSON: $(head -c 2000 "$TMP/check")"

xlsx_case county "the county tables" run examples/regions_wuwei.lua
checks=$((checks + 1))
"$PY" "$CHECK" county "$TMP/county/x/regions_wuwei.xlsx" "$TMP/county/j/regions_wuwei.json" >"$TMP/check" 2>&1 ||
    fail_check "county workbook against the JSON: $(head -c 2000 "$TMP/check")"

# LibreOffice, once (slow): its CSV of the progress book shows the JSON's numbers, rounded as
# the number formats say.
mkdir -p "$TMP/lo" "$TMP/lohome"
checks=$((checks + 1))
HOME="$TMP/lohome" timeout 180 soffice --headless --norestore \
    "-env:UserInstallation=file://$TMP/lohome/profile" \
    --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1' --outdir "$TMP/lo" \
    "$TMP/progress/x/progress.xlsx" >"$TMP/lo.log" 2>&1
if [ -s "$TMP/lo/progress.csv" ]; then
    "$PY" "$CHECK" progress "$TMP/progress/x/progress.xlsx" "$TMP/progress/j/progress.json" "$TMP/lo/progress.csv" \
        >"$TMP/check" 2>&1 || fail_check "LibreOffice shows other numbers: $(head -c 2000 "$TMP/check")"
else
    fail_check "soffice --convert-to csv wrote nothing: $(head -c 1000 "$TMP/lo.log")"
fi

# Deterministic: a second run gives the same bytes (and the zip's dates are fixed).
run "$BIN" progress --format xlsx --out "$TMP/again" --quiet
expect_code 0 "progress --format xlsx, again"
checks=$((checks + 1))
cmp -s "$TMP/progress/x/progress.xlsx" "$TMP/again/progress.xlsx" || fail_check "two runs gave different xlsx bytes"
run "$BIN" run scenarios/wuwei_combined.lua --format xlsx --out "$TMP/again2" --quiet
checks=$((checks + 1))
cmp -s "$TMP/compare/x/wuwei_combined.xlsx" "$TMP/again2/wuwei_combined.xlsx" || fail_check "two comparison runs gave different xlsx bytes"
checks=$((checks + 1))
"$PY" - "$TMP/again/progress.xlsx" >"$TMP/check" 2>&1 <<'PY' || fail_check "zip entries or created time not fixed: $(cat "$TMP/check")"
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
dates = {i.date_time for i in z.infolist()}
assert dates == {(1980, 1, 1, 0, 0, 0)}, dates
core = z.read("docProps/core.xml").decode()
assert "<dcterms:created xsi:type=\"dcterms:W3CDTF\">1980-01-01T00:00:00Z" in core, core
PY
SOURCE_DATE_EPOCH=1700000000 run "$BIN" progress --format xlsx --out "$TMP/sde" --quiet
checks=$((checks + 1))
unzip -p "$TMP/sde/progress.xlsx" docProps/core.xml 2>/dev/null | grep -q "2023-11-14T22:13:20Z" ||
    fail_check "SOURCE_DATE_EPOCH is not the workbook's created time"

# A workbook is binary: to a terminal it is a usage error with a hint.
run "$BIN" progress --format xlsx
expect_code 2 "xlsx without --out"
expect_err "give --out DIR" "xlsx without --out says what to do"
checks=$((checks + 1))
[ -s "$TMP/out" ] && fail_check "xlsx without --out printed something"
printf 'tuiyan.report.emit(tuiyan.plan.load():progress(), "p", "xlsx")\n' >"$TMP/emit.lua"
run "$BIN" run "$TMP/emit.lua"
expect_code 2 "emit(obj, name, \"xlsx\") without --out"
printf 'tuiyan.report.write(tuiyan.plan.load():progress(), arg[1])\n' >"$TMP/write.lua"
run "$BIN" run "$TMP/write.lua" "$TMP/w.xlsx"
expect_code 0 "report.write(obj, \"x.xlsx\")"
checks=$((checks + 1))
cmp -s "$TMP/w.xlsx" "$TMP/progress/x/progress.xlsx" || fail_check "report.write(obj, \"x.xlsx\") is not the same workbook"

# CSV: a UTF-8 BOM by default (stdout and files), none with --no-bom.
BOM=$(printf '\357\273\277')
run "$BIN" progress --format csv
checks=$((checks + 1))
head -c 3 "$TMP/out" | grep -q "^$BOM" || fail_check "CSV on stdout has no BOM"
run "$BIN" progress --format csv --no-bom
checks=$((checks + 1))
head -n 1 "$TMP/out" | grep -q "^id,name,unit," || fail_check "--no-bom: CSV does not start with its header"
run "$BIN" progress --format csv --out "$TMP/csv" --quiet
checks=$((checks + 1))
head -n 1 "$TMP/csv/progress.csv" | grep -q "^${BOM}id,name,unit," || fail_check "CSV file has no BOM"
run "$BIN" progress --format csv --no-bom --out "$TMP/csv2" --quiet
checks=$((checks + 1))
head -n 1 "$TMP/csv2/progress.csv" | grep -q "^id,name,unit," || fail_check "--no-bom: CSV file has a BOM"
# tuiyan's own reader takes a CSV with the BOM back (a county's plan.csv is written with one)
run "$BIN" run examples/regions_wuwei.lua --format csv --out "$TMP/csv3" --quiet
expect_code 0 "bundle CSV"
checks=$((checks + 1))
for f in "$TMP"/csv3/*.csv; do head -c 3 "$f" | grep -q "^$BOM" || fail_check "$f has no BOM"; done
# The CSV numbers are rounded to their display precision, never 2.6499999999999986.
run "$BIN" progress --format csv --no-bom
expect_out "sci_progress_contribution,科技进步贡献率,%,up,2021,55.35,2021,55.35,2022,58,0.048,2.65," "CSV numbers at display precision"
finish
