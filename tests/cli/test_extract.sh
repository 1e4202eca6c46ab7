#!/bin/sh
# test_extract.sh BIN [BUILD] — `tuiyan extract`: the draft plan of each example document loads in
# `tuiyan check` and, once a column of actuals is added, in `tuiyan progress`; --out writes the
# same draft as standard output; json and md; --check against the draft itself and against the
# hand-entered plan; a GBK text is refused with the "save as UTF-8" hint.
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

# GBK: 高新技术企业达到100家 in GBK bytes
printf '\270\337\320\302\274\274\312\365\306\363\322\265\264\357\265\275100\274\322\n' >"$TMP/gbk.txt"
run "$BIN" extract "$TMP/gbk.txt"
expect_code 3 "a GBK text is exit 3"
expect_err "save the text as UTF-8" "a GBK text gets the hint"

run "$BIN" extract
expect_code 2 "extract without a file is a usage error"
finish
