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

# compare_with_reference PLAN ASOF LABEL [KEEP]: tuiyan's JSON and the reference's, field by field;
# the reference's report is kept in KEEP when given.
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
    [ -z "${4:-}" ] || cp "$TMP/ref.json" "$4"
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
mkdir -p "$TMP/refs"
for f in "$TMP/gen"/*.csv; do
    for asof in 2021 2022 2023 2024 2025; do
        compare_with_reference "$f" "$asof" "$(basename "$f") as of $asof" "$TMP/refs/gen_$(basename "$f" .csv)_$asof.json"
    done
done
# Every status of the contract occurs in the generated reports (else the plans cover too little).
cat "$TMP/refs"/gen_*.json | grep -o '"status": "[a-z_]*"' | sort -u >"$TMP/statuses"
for s in achieved exceeded on_track behind stalled regressing no_trend missed no_data pending overdue; do
    checks=$((checks + 1))
    grep -q "\"$s\"" "$TMP/statuses" || fail_check "no generated target has status $s"
done

# 2b. Rank targets among peers (--peers/--region): generated plans and peers files (ties, a peer
#     missing a year or the row, one-value peers, fewer peers than N, passed and open targets,
#     declared base years, every trend) through tuiyan and the reference, which ranks from the
#     rules in docs/targets.md (D15 in the reference), field by field including the rank object.
python3 tests/gen_peer_cases.py "$TMP/peers" >/dev/null
for f in "$TMP/peers"/case??.csv; do
    for asof in 2021 2023 2025; do
        label="$(basename "$f") among peers as of $asof"
        run "$BIN" progress "$f" --peers "${f%.csv}_peers.csv" --region 本县 --as-of "$asof" --format json </dev/null
        expect_code 0 "$label: tuiyan progress"
        cp "$TMP/out" "$TMP/tuiyan.json"
        checks=$((checks + 1))
        python3 "$REF" "$f" --peers "${f%.csv}_peers.csv" --region 本县 --as-of "$asof" >"$TMP/ref.json" 2>"$TMP/ref.err" ||
            { fail_check "$label: the reference failed: $(cat "$TMP/ref.err")"; continue; }
        cp "$TMP/ref.json" "$TMP/refs/peers_$(basename "$f" .csv)_$asof.json"
        checks=$((checks + 1))
        python3 "$CMP" compare "$label" "$TMP/tuiyan.json" "$TMP/ref.json" 1e-9 >"$TMP/diff" ||
            { fail_check "$label: tuiyan and the reference differ"; head -n 20 "$TMP/diff" | sed 's/^/    /'; }
    done
done
# The cases reach what they are for: ranked years, values needed, projected ranks and both ends.
cat "$TMP/refs"/peers_*.json | tr -d ' \n' | grep -o '"projected":[0-9.]*,\|"needed":[0-9.]*\|"status":"[a-z_]*"' | sed 's/:.*//' | sort | uniq -c >"$TMP/peer_cover"
for k in projected needed; do
    checks=$((checks + 1))
    grep -q "\"$k\"" "$TMP/peer_cover" || fail_check "no generated peer case has a defined $k"
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

# 4. Parity of the two cell parsers: each cell, alone in the target_2025 column of a one-row plan
#    (unit as given, direction up, no actuals), is accepted by `tuiyan check` and by the reference
#    exactly when the third field says so (1 accepted, 0 refused; written by hand from
#    docs/targets.md). The cells both accept, gathered as the rows of one plan, must then give
#    the same progress JSON (shape, op, value, stretch, window). The same list is in
#    tests/unit/test_target_text.c (target_text_should_accept_exactly_the_parity_cells).
printf 'id,name,unit,target_2025\n' >"$TMP/parity_all.csv"
n=0
while IFS='|' read -r unit cell want; do
    n=$((n + 1))
    printf 'id,name,unit,target_2025\nr,指标,%s,"%s"\n' "$unit" "$cell" >"$TMP/parity.csv"
    "$BIN" check "$TMP/parity.csv" >/dev/null 2>&1
    c_ok=$([ $? = 0 ] && echo 1 || echo 0)
    python3 "$REF" "$TMP/parity.csv" --as-of 2023 >/dev/null 2>&1
    r_ok=$([ $? = 0 ] && echo 1 || echo 0)
    checks=$((checks + 1))
    [ "$c_ok" = "$want" ] ||
        fail_check "parity: tuiyan check $([ "$want" = 1 ] && echo refuses || echo accepts) '$cell' (unit $unit)"
    checks=$((checks + 1))
    [ "$r_ok" = "$want" ] ||
        fail_check "parity: the reference $([ "$want" = 1 ] && echo refuses || echo accepts) '$cell' (unit $unit)"
    [ "$c_ok$r_ok" = 11 ] && printf 'r%d,指标,%s,"%s"\n' "$n" "$unit" "$cell" >>"$TMP/parity_all.csv"
done <<'EOF'
家|達到100家|1
家|達100家|1
家|不低於100|1
家|不少於100|1
1|不高於0.5|1
1|不超過0.5|1
亿元|超過120億元|1
家|高於100|1
1|低於0.5|1
1|0.5以內|1
1|控制在0.5以內|1
家|確保100|1
家|力爭120|1
家|實現100|1
家|確保100家、力爭120家|1
亿元|增長15%|1
%|提高1.5個百分點|1
%|提升1.5百分點|1
%|提昇1.5個百分點|1
吨|減少3%以內|1
亿元|翻兩番|1
位|進入前10名|1
位|位居前3|1
位|位列第1|1
1|通過驗收|1
1|獲批|1
1|掛牌|1
亿元|100億元|1
万元|100萬元|1
个|3-5個|1
户|100戶|1
项|10項|1
億元|100亿元|1
吨|100噸|1
台|10臺|1
1|创立|1
1|創立|1
1|成功验收|1
1|成功驗收|1
1|启动|1
1|啟動|1
1|全覆盖|1
1|實現全覆蓋|1
1|力争获批|1
家|新培育30|1
家|新培育30家以上|1
家|新培育300(2023-2025)|1
家|新培育-30|0
亿元|增长超过0%|1
亿元|>+0%|1
%|>+1.5pp|1
家|突破+600|1
家|>=+30|1
家|+300(2023-2025)|1
家|+300家@2023-2025|1
家|新增300家（2023—2025年）|1
家|新增不少于30家|1
家|新增30家以内|1
家|新增300(2023-2025)以上|1
家|新增300以上(2023-2025)以上|0
家|新增+30|0
家|新增-30|0
%|提升1.5百分点|1
%|+1.5PP|1
%|下降5%以下|1
吨|下降超过5%|1
吨|下降-5%|0
亿元|增长+5%|0
%|下降5%|1
%|降低5%|0
%|提高1.5%|0
亿元|力争增长15%|1
亿元|同比 增长 15 %|1
亿元|增长15％|1
亿元|＋15%|1
家|＞＝600|1
亿元|x0|0
亿元|x-2|0
亿元|x 2|0
位|前3以内|1
位|RANK<=3|1
位|rank≤3|1
位|确保进入前3名|1
位|前2.5位|0
1|实现完成|1
1|确保力争完成|1
家|100力争120|1
家|达到3-5家|1
1|5-5|0
1|100...120|0
1|1e3-2e3|1
家|突破600以上|1
1|控制在0.5|1
1|控制在0.5以上|0
家|不低于100以下|0
家|确保不低于100|1
家|力争突破600|1
家|突破达到600|0
家|100左右|0
1|1,000|0
%|0.9％|1
亿元|0.9%以上|0
万元|120亿元|0
家|新增300(2023-2024)|0
EOF
checks=$((checks + 1))
[ "$(wc -l <"$TMP/parity_all.csv")" -gt 50 ] || fail_check "parity: too few cells accepted by both"
compare_with_reference "$TMP/parity_all.csv" 2023 "parity cells"

finish
