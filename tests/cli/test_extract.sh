#!/bin/sh
# test_extract.sh BIN [BUILD] — `tuiyan extract`: the draft plan of each example document loads in
# `tuiyan check` and, once a column of actuals is added, in `tuiyan progress`; --out writes the
# same draft as standard output; json, md and xlsx (read by openpyxl); --check against the draft
# itself and against the hand-entered plan; GB18030 and UTF-16 twins and .docx documents (made
# here, and one made by LibreOffice) give the text's draft; broken and hostile .docx are exit 3.
. tests/cli/lib.sh

for doc in wuwei_2022_2025_plan xiangxi_2022_workpoints; do
    src="$ROOT/examples/plans/sources/$doc.txt"
    run "$BIN" extract "$src"
    expect_code 0 "extract $doc"
    cp "$TMP/out" "$TMP/$doc.csv"
    run "$BIN" check "$TMP/$doc.csv"
    expect_code 0 "the draft of $doc passes tuiyan check"
    # a column of actuals: 1 in every row, 否 in a milestone row (获批, 完成, 建成, 通过验收)
    awk 'NR == 1 && /^#/ { print; next }
         !done { print $0 ",actual_2019"; done = 1; next }
         /,(获批|完成|建成|通过验收),/ { print $0 ",否"; next }
         { print $0 ",1" }' "$TMP/$doc.csv" >"$TMP/$doc.filled.csv"
    run "$BIN" progress "$TMP/$doc.filled.csv" --format csv
    expect_code 0 "the draft of $doc with a column of actuals loads in tuiyan progress"
    rows=$(grep -c '' "$TMP/out")
    checks=$((checks + 1))
    [ "$rows" -gt 30 ] || fail_check "progress of the $doc draft has only $rows lines"
    run "$BIN" extract "$src" --out "$TMP/o_$doc" --quiet
    expect_code 0 "extract $doc --out"
    expect_same "$TMP/o_$doc/$doc.csv" "$TMP/$doc.csv" "extract $doc --out writes what standard output shows"
    run "$BIN" extract --check "$src" "$TMP/$doc.csv"
    expect_code 0 "extract --check $doc against its own draft agrees"
    expect_out "0 of them not in the plan" "--check $doc own draft: nothing missing"
done

run "$BIN" extract "$ROOT/examples/plans/sources/xiangxi_2022_workpoints.txt" --format json
expect_code 0 "extract --format json"
expect_out '"cell": "新增30家以上"' "json holds the cells"
run "$BIN" extract "$ROOT/examples/plans/sources/xiangxi_2022_workpoints.txt" --format md
expect_out "## Seen but not normalised" "md has the section of what was not normalised"

# against the hand-entered plan: every cell of the plan is supported by the text
run "$BIN" extract --check "$ROOT/examples/plans/sources/xiangxi_2022_workpoints.txt" "$ROOT/examples/plans/xiangxi_2022.csv"
expect_out "0 targets of the plan not supported by the text" "--check: the hand-entered Xiangxi plan is supported by its text"
expect_code 0 "--check: the hand-entered Xiangxi plan and its text agree"
printf 'id,name,unit,target_2022\nx,某指标,家,77\n' >"$TMP/other.csv"
run "$BIN" extract --check "$ROOT/examples/plans/sources/xiangxi_2022_workpoints.txt" "$TMP/other.csv"
expect_code 1 "--check: a plan lacking the text's targets is exit 1"
expect_out "x 2022 77" "--check names the plan's unsupported target"

# Another encoding: GB18030 and UTF-16 (with its BOM) twins of the Wuwei text made by iconv give
# the same draft byte for byte, with the plan reader's notice on standard error.
W="$ROOT/examples/plans/sources/wuwei_2022_2025_plan.txt"
iconv -f UTF-8 -t GB18030 "$W" >"$TMP/wuwei_gb.txt"
run "$BIN" extract "$TMP/wuwei_gb.txt"
expect_code 0 "a GB18030 text is read"
expect_same "$TMP/out" "$TMP/wuwei_2022_2025_plan.csv" "the GB18030 twin's draft is the UTF-8 text's"
expect_err "wuwei_gb.txt: read as GB18030; save the text as UTF-8" "GB18030: the notice"
{ printf '\377\376'; iconv -f UTF-8 -t UTF-16LE "$W"; } >"$TMP/wuwei_16.txt"
run "$BIN" extract "$TMP/wuwei_16.txt"
expect_code 0 "a UTF-16 text with a BOM is read"
expect_same "$TMP/out" "$TMP/wuwei_2022_2025_plan.csv" "the UTF-16 twin's draft is the UTF-8 text's"
expect_err "read as UTF-16" "UTF-16: the notice"
# a damaged GBK file (a lead byte and then a newline) is in no encoding: exit 3 at its line
printf '\270\337\320\302\274\274\n\270\n' >"$TMP/gbk.txt"
run "$BIN" extract "$TMP/gbk.txt"
expect_code 3 "a damaged GBK text is exit 3"
expect_err "gbk.txt:2: not UTF-8, GB18030 or UTF-16" "a damaged GBK text: file and line"

# Word: a .docx of every line of each text (tests/cli/make_docx.py: runs cut up, line breaks, the
# indicator table as a table, deleted text, field codes and a text box's fallback stating a target
# that is not the text's) gives the text's draft byte for byte.
for doc in wuwei_2022_2025_plan xiangxi_2022_workpoints; do
    /usr/bin/python3 tests/cli/make_docx.py "$ROOT/examples/plans/sources/$doc.txt" "$TMP/$doc.docx"
    run "$BIN" extract "$TMP/$doc.docx"
    expect_code 0 "extract $doc.docx"
    expect_same "$TMP/out" "$TMP/$doc.csv" "the draft of $doc.docx is the text's"
done
# LibreOffice's .docx of the Wuwei text (tests/data/extract/make_docx_fixture.sh: no empty
# paragraphs, a real table): the same draft but for the line numbers
run "$BIN" extract "$ROOT/tests/data/extract/wuwei_2022_2025_plan.docx"
expect_code 0 "extract LibreOffice's docx"
sed -E 's/ line [0-9]+,/,/g' "$TMP/out" >"$TMP/lo.csv"
sed -E 's/ line [0-9]+,/,/g' "$TMP/wuwei_2022_2025_plan.csv" >"$TMP/txt.csv"
expect_same "$TMP/lo.csv" "$TMP/txt.csv" "LibreOffice's docx gives the text's draft (line numbers aside)"
expect_out '¶20 line 20, confidence 0.85' "a docx's line is its paragraph"
# broken and hostile documents: exit 3 naming the file and the part
for kind in notzip nodoc doctype xxe bomb deep badxml; do
    /usr/bin/python3 tests/cli/make_docx.py "$W" "$TMP/h_$kind.docx" --hostile "$kind"
    run "$BIN" extract "$TMP/h_$kind.docx"
    expect_code 3 "a $kind .docx is exit 3"
    case $kind in
        notzip) want="h_notzip.docx: not a .docx document (not a zip archive" ;;
        nodoc) want="h_nodoc.docx: no word/document.xml in the zip" ;;
        doctype|xxe) want="h_$kind.docx: word/document.xml: a DOCTYPE declaration" ;;
        bomb) want="h_bomb.docx: word/document.xml: the part inflates to more than 67108864 bytes" ;;
        deep) want="h_deep.docx: word/document.xml: elements nested deeper than 128" ;;
        badxml) want="h_badxml.docx: word/document.xml: line 1: not well-formed XML" ;;
    esac
    expect_err "$want" "a $kind .docx: file and part"
done
printf '\320\317\021\340\241\261\032\341' >"$TMP/old.doc"
run "$BIN" extract "$TMP/old.doc"
expect_code 3 "a Word 97-2003 .doc is exit 3"
expect_err "old.doc: a Word 97-2003 .doc" "a .doc is named as one"

# --format xlsx: openpyxl reads the workbook (tests/cli/check_draft_xlsx.py): sheet plan = the CSV
# draft, targets = the JSON's targets; with a column of actuals added there, `tuiyan progress`
# on the workbook writes what it writes on the CSV with the same column
for doc in wuwei_2022_2025_plan xiangxi_2022_workpoints; do
    src="$ROOT/examples/plans/sources/$doc.txt"
    run "$BIN" extract "$src" --format xlsx --out "$TMP/x_$doc" --quiet
    expect_code 0 "extract $doc --format xlsx --out"
    "$BIN" extract "$src" --format json --quiet >"$TMP/$doc.json"
    run /usr/bin/python3 tests/cli/check_draft_xlsx.py "$TMP/x_$doc/$doc.xlsx" "$TMP/$doc.csv" "$TMP/$doc.json" \
        "$TMP/$doc.filled.xlsx"
    expect_code 0 "openpyxl reads the $doc workbook: the CSV's rows, the JSON's targets"
    [ "$code" = 0 ] || sed 's/^/    /' "$TMP/out" | head -n 10
    run "$BIN" progress "$TMP/$doc.filled.xlsx" --format csv
    expect_code 0 "the $doc workbook with actuals loads in tuiyan progress"
    cp "$TMP/out" "$TMP/progress_xlsx.csv"
    "$BIN" progress "$TMP/$doc.filled.csv" --format csv >"$TMP/progress_csv.csv" 2>/dev/null
    expect_same "$TMP/progress_xlsx.csv" "$TMP/progress_csv.csv" "progress of the $doc workbook is that of its CSV"
    run "$BIN" extract "$src" --format xlsx --out "$TMP/x2_$doc" --quiet
    expect_same "$TMP/x2_$doc/$doc.xlsx" "$TMP/x_$doc/$doc.xlsx" "the $doc workbook is the same bytes twice"
done
run "$BIN" extract "$W" --format xlsx
expect_code 2 "--format xlsx without --out is a usage error"

run "$BIN" extract
expect_code 2 "extract without a file is a usage error"
finish
