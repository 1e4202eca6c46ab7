#!/bin/sh
# test_progress_reference.sh BIN [BUILD] — targets as written (docs/targets.md): tuiyan's
# `progress --format json` against the independent reference tests/progress_reference.py, on
# hand-written plans for each bug of issue 11 (with statuses worked out by hand in
# tests/data/plans/targets/EXPECT, checked on both) and on generated plans covering every shape
# x direction x as-of year x missing-actual pattern (tests/gen_target_plans.py).
. tests/cli/lib.sh
REF=tests/progress_reference.py
CMP=tests/cli/progress_compare.py
DATA=tests/data/plans/targets

# compare_with_reference PLAN ASOF LABEL: tuiyan's JSON and the reference's, field by field.
compare_with_reference() {
    run "$BIN" progress "$1" --as-of "$2" --format json </dev/null
    expect_code 0 "$3: tuiyan progress"
    [ "$code" = 0 ] || return 1
    cp "$TMP/out" "$TMP/tuiyan.json"
    checks=$((checks + 1))
    if ! python3 "$REF" "$1" --as-of "$2" >"$TMP/ref.json" 2>"$TMP/ref.err"; then
        fail_check "$3: the reference failed: $(cat "$TMP/ref.err")"
        return 1
    fi
    checks=$((checks + 1))
    python3 "$CMP" compare "$3" "$TMP/tuiyan.json" "$TMP/ref.json" 1e-9 >"$TMP/diff" ||
        { fail_check "$3: tuiyan and the reference differ in $(wc -l <"$TMP/diff") fields";
          head -n 40 "$TMP/diff" | sed 's/^/    /'; }
    checks=$((checks + 1))
    grep -q 'NaN\|nan\|Infinity\|inf' "$TMP/tuiyan.json" && fail_check "$3: JSON contains NaN or inf"
    return 0
}

# 1. Hand-written plans, one per bug of issue 11: the expected values (worked out by hand) hold
#    for the reference and for tuiyan, and the two agree on everything else.
grep -v '^#' "$DATA/EXPECT" | cut -d'|' -f1,2 | sort -u >"$TMP/pairs"
while IFS='|' read -r file asof; do
    checks=$((checks + 1))
    if python3 "$REF" "$DATA/$file" --as-of "$asof" </dev/null >"$TMP/ref.json" 2>"$TMP/ref.err"; then
        python3 "$CMP" expect reference "$TMP/ref.json" "$asof" "$DATA/EXPECT" "$file" >"$TMP/diff" ||
            { fail_check "the reference misses hand-worked values"; sed 's/^/    /' "$TMP/diff"; }
    else
        fail_check "reference on $file: $(cat "$TMP/ref.err")"
    fi
    if compare_with_reference "$DATA/$file" "$asof" "$file as of $asof"; then
        checks=$((checks + 1))
        python3 "$CMP" expect tuiyan "$TMP/tuiyan.json" "$asof" "$DATA/EXPECT" "$file" >"$TMP/diff" ||
            { fail_check "tuiyan misses hand-worked values"; sed 's/^/    /' "$TMP/diff"; }
    fi
done <"$TMP/pairs"

# 2. Generated plans: every shape x direction x missing-actual pattern, as of every year from
#    before the earliest target year to after the latest; the generator is deterministic.
python3 tests/gen_target_plans.py "$TMP/gen" >"$TMP/gen.log"
python3 tests/gen_target_plans.py "$TMP/gen2" >/dev/null
checks=$((checks + 1))
[ "$(ls "$TMP/gen"/*.csv 2>/dev/null | wc -l)" -ge 4 ] || fail_check "the generator wrote no plans"
for f in "$TMP/gen"/*.csv; do
    expect_same "$f" "$TMP/gen2/$(basename "$f")" "generator is deterministic"
done
for f in "$TMP/gen"/*.csv; do
    for asof in 2021 2022 2023 2024 2025; do
        compare_with_reference "$f" "$asof" "$(basename "$f") as of $asof"
    done
done
# Every status of the contract occurs in the generated reports (else the plans cover too little).
for asof in 2021 2022 2023 2024 2025; do
    for f in "$TMP/gen"/*.csv; do python3 "$REF" "$f" --as-of "$asof"; done
done | grep -o '"status": "[a-z_]*"' | sort -u >"$TMP/statuses"
for s in achieved exceeded on_track behind stalled regressing no_trend missed no_data pending overdue; do
    checks=$((checks + 1))
    grep -q "\"$s\"" "$TMP/statuses" || fail_check "no generated target has status $s"
done

# 3. Target cells that cannot be read: exit 3 with file:line:col; both implementations refuse.
while IFS='|' read -r name header row where; do
    printf '%s\n%s\n' "$header" "$row" >"$TMP/$name.csv"
    run "$BIN" progress "$TMP/$name.csv" --as-of 2023 --format json </dev/null
    expect_code 3 "bad target cell: $name"
    [ -n "$where" ] && expect_err "$name.csv$where" "bad target cell $name: the place"
    checks=$((checks + 1))
    python3 "$REF" "$TMP/$name.csv" --as-of 2023 >/dev/null 2>&1
    [ $? = 3 ] || fail_check "the reference accepts the bad target cell $name"
done <<'EOF'
wrong_unit|id,name,unit,actual_2022,target_2025|rev,营业收入,万元,10,120亿元|:2:5
gibberish|id,name,unit,actual_2022,target_2025|rev,营业收入,万元,10,很多|:2:5
window_end|id,name,unit,measure,actual_2022,target_2025|n,新增,家,flow,3,+300@2022..2024|:2:6
unknown_benchmark|id,name,unit,actual_2022,target_2025|g,增速,%,8,高于province_avg|
EOF
printf 'id,name,unit,flow_of,actual_2021,actual_2022,target_2025\nt,总量,家,,10,12,20\nn,新增,家,t,1,2,3\n' >"$TMP/flow_of_typed.csv"
run "$BIN" progress "$TMP/flow_of_typed.csv" --as-of 2023
expect_code 3 "a flow_of row with typed actuals"
checks=$((checks + 1))
python3 "$REF" "$TMP/flow_of_typed.csv" --as-of 2023 >/dev/null 2>&1
[ $? = 3 ] || fail_check "the reference accepts a flow_of row with typed actuals"

finish
