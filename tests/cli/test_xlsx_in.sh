# tests/cli/test_xlsx_in.sh — plans read from .xlsx, and CSV as Excel saves it on Chinese Windows.
# tests/cli/make_xlsx.py (Debian's /usr/bin/python3 with python3-openpyxl; missing = FAIL) writes
# one plan three ways — plan.xlsx (Chinese headers, a merged title, shared, rich and inline
# strings, numbers, a percentage cell, a date, a boolean, a formula's saved value), its UTF-8 CSV
# twin with Excel's trailing empty columns, a GB18030 twin and a UTF-16 twin — and `tuiyan
# progress` must give byte-identical JSON for all of them; a second sheet chosen with #Sheet2
# against its own CSV; then broken and hostile workbooks, each exit 3 with its place or reason.
. tests/cli/lib.sh
PY=/usr/bin/python3
D="$TMP/x"

checks=$((checks + 1))
if ! "$PY" -c "import openpyxl" 2>/dev/null; then
    fail_check "python3-openpyxl is missing (Debian: apt-get install python3-openpyxl)"
    finish
    exit 1
fi
checks=$((checks + 1))
"$PY" "$ROOT/tests/cli/make_xlsx.py" "$D" >"$TMP/make" 2>&1 || fail_check "make_xlsx.py failed: $(head -c 2000 "$TMP/make")"

# The same plan, four files: the same JSON, byte for byte.
for f in plan.xlsx plan_utf8.csv plan_gbk.csv plan_utf16.csv; do
    run "$BIN" progress "$D/$f" --format json
    expect_code 0 "progress $f"
    cp "$TMP/out" "$TMP/$f.json"
done
expect_same "$TMP/plan_utf8.csv.json" "$TMP/plan.xlsx.json" "xlsx and UTF-8 CSV"
expect_same "$TMP/plan_utf8.csv.json" "$TMP/plan_gbk.csv.json" "GB18030 CSV and UTF-8 CSV"
expect_same "$TMP/plan_utf8.csv.json" "$TMP/plan_utf16.csv.json" "UTF-16 CSV and UTF-8 CSV"

# What the cells must have been read as (the JSON is the same for all four, so a wrong reading
# in the shared rules would pass the comparison above).
checks=$((checks + 1))
"$PY" - "$TMP/plan.xlsx.json" >"$TMP/values" 2>&1 <<'EOF' || fail_check "values read from the workbook: $(cat "$TMP/values")"
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
ind = {i["id"]: i for i in doc["indicators"]}
want = {"hte_count": 59, "rd_spend": 141000, "rd_intensity": 0.62, "contract": 14.1}
bad = []
assert doc["title"] == "示例市科技创新指标 2021—2025", doc["title"]
assert doc["base_year"] == 2021, doc["base_year"]
for k, v in want.items():
    got = ind[k]["latest"]["value"]
    if got != v: bad.append("%s latest %r, expected %r" % (k, got, v))
if ind["rd_spend"]["name"] != "研发经费": bad.append("rich text name %r" % ind["rd_spend"]["name"])
for k in ("park", "platform"):
    st = [t["status"] for t in ind[k]["targets"]]
    if st != ["achieved"]: bad.append("%s (a date / TRUE in 2021) statuses %r" % (k, st))
if bad: sys.exit("; ".join(bad))
EOF

run "$BIN" progress "$D/plan_gbk.csv" --format json
expect_err "read as GB18030; save as CSV UTF-8 to silence this" "GBK notice"
run "$BIN" progress "$D/plan_utf8.csv" --format json
checks=$((checks + 1))
[ ! -s "$TMP/err" ] || fail_check "UTF-8 CSV: no notice expected, got $(cat "$TMP/err")"

# Sheets: the first by default, another by name.
run "$BIN" progress "$D/plan.xlsx#指标" --format json
expect_code 0 "plan.xlsx#指标"
expect_same "$TMP/out" "$TMP/plan.xlsx.json" "#指标 is the first sheet"
run "$BIN" progress "$D/plan.xlsx#Sheet2" --format json
expect_code 0 "plan.xlsx#Sheet2"
cp "$TMP/out" "$TMP/s2x.json"
run "$BIN" progress "$D/sheet2.csv" --format json
expect_same "$TMP/out" "$TMP/s2x.json" "second sheet and its CSV"
run "$BIN" progress "$D/plan.xlsx#Nope"
expect_code 3 "sheet not found"
expect_err 'no sheet "Nope" in the workbook; its sheets: "指标", "Sheet2"' "sheet not found"

# In Lua: load and parse give the same plan.
printf 'local p = assert(tuiyan.plan.load(arg[1] .. "#Sheet2"))\nlocal f = io.open(arg[1], "rb")\nlocal q = assert(tuiyan.plan.parse(f:read("a"), "x.xlsx#Sheet2", "xlsx"))\nprint(p:actual("hte_count", 2021), q:actual("hte_count", 2021))\n' >"$TMP/lp.lua"
run "$BIN" run "$TMP/lp.lua" "$D/plan.xlsx"
expect_code 0 "load and parse an xlsx in Lua"
expect_out "30.0	30.0" "load and parse an xlsx in Lua"

# A batch run's manifest lists the workbook a #Sheet was read from, with its SHA-256.
run "$BIN" run "$TMP/lp.lua" "$D/plan.xlsx" --out "$TMP/lpout" --quiet
expect_code 0 "a batch run reading a workbook"
checks=$((checks + 1))
grep -q "\"path\": \"$D/plan.xlsx\"" "$TMP/lpout/manifest.json" && grep -q "$(sha256sum "$D/plan.xlsx" | cut -c1-64)" "$TMP/lpout/manifest.json" \
    || fail_check "the manifest lacks plan.xlsx and its SHA-256: $(grep -A2 plan.xlsx "$TMP/lpout/manifest.json")"

# A package run in the sandbox on a county's data given as a workbook (--data DIR/plan.xlsx) and
# as GBK CSV (the converters are opened before the sandbox is entered).
mkdir -p "$TMP/pkg/scenarios" "$TMP/county" "$TMP/home"
cp "$D/plan.xlsx" "$D/plan_gbk.csv" "$TMP/county/"
cat >"$TMP/pkg/tuiyan-package.json" <<'EOF'
{"format": 1, "name": "xlsx_county", "version": "1.0.0", "publisher": "test", "description": "county data as xlsx",
 "min_tuiyan": "0.1.0", "expires": "2099-12-31", "scenarios": {"show": "scenarios/show.lua"}}
EOF
cat >"$TMP/pkg/scenarios/show.lua" <<'EOF'
local p = assert(tuiyan.plan.load("plan.xlsx"))
local q = assert(tuiyan.plan.load("plan.xlsx#Sheet2"))
print("rd_spend", p:actual("rd_spend", 2021), "sheet2", q:actual("hte_count", 2021))
print("gbk", assert(tuiyan.plan.load("plan_gbk.csv")):actual("rd_spend", 2021))
local r, err = tuiyan.plan.load("plan.xlsx#Nope")
print("nope", r == nil, tostring(err))
EOF
(
    cd "$TMP/home" && export HOME="$TMP/home" XDG_CONFIG_HOME="$TMP/home/config" XDG_DATA_HOME="$TMP/home/data"
    "$BIN" keygen k >/dev/null 2>&1 && "$BIN" pack "$TMP/pkg" -o x.tpkg --key k.key >/dev/null 2>&1 \
        && "$BIN" install x.tpkg --trust k.pub >/dev/null 2>&1 \
        && "$BIN" run xlsx_county:show --data "$TMP/county" --quiet
) >"$TMP/out" 2>"$TMP/err"
code=$?
expect_code 0 "a package on county data in xlsx"
expect_out "rd_spend	141000.0	sheet2	30.0" "a package on county data in xlsx"
expect_out "gbk	141000.0" "a package on county data in GBK CSV (iconv in the sandbox)"
# The reader's notice goes to the run's log: the sandbox's standard error is /dev/null (or, under
# ASan, a file it may not grow: writing there once killed the run with SIGXFSZ).
expect_out "tuiyan: plan_gbk.csv: read as GB18030" "a package on GBK data: the notice in the run's log"
expect_out 'nope	true	plan.xlsx: no sheet "Nope"' "a package on county data in xlsx: a missing sheet"

# Broken and hostile workbooks: exit 3, the cell or the part, never a crash.
B="$D/bad"
bad() {   # file, expected text, description
    run "$BIN" progress "$B/$1"
    expect_code 3 "$3"
    expect_err "$2" "$3"
}
bad bad_number.xlsx 'bad_number.xlsx:Sheet1!D7: expected a number, found "abc"' "a bad number at D7"
bad formula_unsaved.xlsx 'formula_unsaved.xlsx:Sheet1!D7: a formula without a saved value' "a formula without its value"
bad merged_header.xlsx 'merged_header.xlsx:Sheet1!D1: the header "2021年" is merged over D1:E1' "a merged header"
bad bomb.xlsx 'xl/worksheets/sheet1.xml: the part inflates to more than 67108864 bytes' "a zip bomb"
bad doctype.xlsx 'xl/sharedStrings.xml: a DOCTYPE declaration' "DOCTYPE with entities"
bad deep.xlsx 'nested deeper than 64' "deep XML"
bad not_a_zip.xlsx 'not an xlsx workbook (not a zip archive' "not a zip"
bad no_shared_strings.xlsx 'no_shared_strings.xlsx:Sheet1!A1: a shared string (0) but the workbook has no xl/sharedStrings.xml' "missing sharedStrings"
bad no_workbook.xlsx 'the part xl/workbook.xml is missing' "missing workbook part"
bad far_column.xlsx 'far_column.xlsx:Sheet1!XFD3: a cell beyond column 4096' "too many columns"

# CSV: grouping only where declared; an Excel trailing column with data is still an error.
printf 'id,name,unit,actual_2021\nx,甲,万元,"141,000"\n' >"$TMP/nogroup.csv"
run "$BIN" progress "$TMP/nogroup.csv"
expect_code 3 "grouping not declared"
expect_err 'nogroup.csv:2:4:' "grouping not declared"
printf '# grouping: 2021年\n指标代码,指标名称,单位,2021年\nx,甲,万元,"141,000"\n' >"$TMP/group.csv"
run "$BIN" progress "$TMP/group.csv" --format csv --no-bom
expect_code 0 "grouping declared"
expect_out "x,甲,万元,up,2021,141000" "grouping declared"
printf '# grouping: 2022年\nid,name,unit,actual_2021\nx,甲,万元,1\n' >"$TMP/group_bad.csv"
run "$BIN" progress "$TMP/group_bad.csv"
expect_code 3 "grouping of a missing column"
expect_err 'group_bad.csv:1:13: # grouping: no column "2022年" in the header' "grouping of a missing column"
printf 'id,name,unit,actual_2021,,\nx,甲,%%,1,,5\n' >"$TMP/trail.csv"
run "$BIN" progress "$TMP/trail.csv"
expect_code 3 "a trailing column with data"
expect_err 'trail.csv:1:5: empty column name in the header (column 5), and line 2 has data' "a trailing column with data"
printf 'id,指标名称,name,unit\nx,甲,乙,1\n' >"$TMP/alias_dup.csv"
run "$BIN" progress "$TMP/alias_dup.csv"
expect_code 3 "an alias and its name"
expect_err 'alias_dup.csv:1:3: column "name" is name, and so is column 2 ("指标名称")' "an alias and its name"

# tuiyan check reads workbooks and GBK CSV alike.
run "$BIN" check "$D/plan.xlsx" "$D/plan_gbk.csv" "$D/plan_utf8.csv"
expect_code 0 "check the good files"
run "$BIN" check "$B/bad_number.xlsx"
expect_code 3 "check a bad workbook"
expect_out 'bad_number.xlsx:Sheet1!D7: expected a number, found "abc"' "check a bad workbook"

finish
