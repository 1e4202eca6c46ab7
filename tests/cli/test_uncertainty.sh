#!/bin/sh
# test_uncertainty.sh BIN — scenarios/wuwei_uncertainty.lua end to end: byte-identical on a second
# run and with another thread count, --seed and --samples honoured, every format, --set fixing an
# uncertain parameter, and the numbers' sanity (probabilities in [0, 1], the levers help).
. tests/cli/lib.sh
S=scenarios/wuwei_uncertainty.lua

run "$BIN" run $S --samples 10000 --seed 1
expect_code 0 "uncertainty run"
cp "$TMP/out" "$TMP/first.txt"
run "$BIN" run $S --samples 10000 --seed 1
expect_same "$TMP/out" "$TMP/first.txt" "a second run"
TUIYAN_THREADS=3 "$BIN" run $S --samples 10000 --seed 1 >"$TMP/threads.txt" 2>"$TMP/err"
expect_same "$TMP/threads.txt" "$TMP/first.txt" "three threads"
expect_out "10000 samples, seed 1, simple random sampling; quantiles exact." "method note"
expect_out "hte_rd_per_firm ~ triangular(0.018, 0.025, 0.03): judgement, not data:" "assumptions listed"
expect_out "Sensitivity of 全社会研发经费支出占地区生产总值的比重 (%) in 2025 under baseline" "tornado title"

# The default (no --samples / --seed) is 10,000 samples, seed 1.
run "$BIN" run $S
expect_same "$TMP/out" "$TMP/first.txt" "defaults are --samples 10000 --seed 1"

run "$BIN" run $S --samples 2000 --seed 2
expect_code 0 "another seed"
expect_out "2000 samples, seed 2" "--samples and --seed reach the run"
checks=$((checks + 1))
cmp -s "$TMP/out" "$TMP/first.txt" && fail_check "--seed 2 gives the same output as seed 1"

# The text table shows 2025 (the target year); the years behind the fans are named.
expect_out "The table shows 2025; the charts (--format html or svg), CSV and JSON have every year summarised (2021–2025)." "table years note"
checks=$((checks + 1))
rows=$(grep -cE ' 20[0-9][0-9]  +[^ ]+  +baseline ' "$TMP/first.txt")
rows2025=$(grep -cE ' 2025  +[^ ]+  +baseline ' "$TMP/first.txt")
[ "$rows" -eq 15 ] && [ "$rows2025" -eq 15 ] ||
    fail_check "the text table should have 15 baseline rows, all of 2025: $rows rows, $rows2025 of 2025"

# JSON: valid, probabilities within [0, 1], both scenarios, the levers raise P(hte_count 2025),
# every year 2021-2025 summarised for each of the 15 indicators.
run "$BIN" run $S --samples 4000 --format json
expect_code 0 "json"
python3 - "$TMP/out" >"$TMP/check.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
p = d["probabilities"]
assert p["samples"] == 4000 and p["seed"] == 1, (p["samples"], p["seed"])
names = [s["name"] for s in p["scenarios"]]
ps = [s["p_meet"] for i in p["indicators"] for s in i["scenarios"] if s["p_meet"] is not None]
assert all(0 <= x <= 1 for x in ps), ps
hte = [i for i in p["indicators"] if i["id"] == "hte_count" and i["year"] == 2025][0]["scenarios"]
years = sorted({i["year"] for i in p["indicators"]})
ids = {i["id"] for i in p["indicators"]}
t = d["tornado"]
print(names, len(ids), len(p["indicators"]), years, hte[0]["p_meet"] < hte[1]["p_meet"], t["output"], t["year"],
      len(t["parameters"]) == len(p["uncertain"]))
PY
echo "['baseline', 'both'] 15 75 [2021, 2022, 2023, 2024, 2025] True rd_intensity 2025 True" >"$TMP/want.txt"
expect_same "$TMP/check.txt" "$TMP/want.txt" "json content"

for f in md text html; do
    run "$BIN" run $S --samples 1000 --format $f
    expect_code 0 "--format $f"
done
run "$BIN" run $S --samples 1000 --format csv --out "$TMP/csv"
expect_code 0 "--format csv --out"
checks=$((checks + 1))
head -n 1 "$TMP/csv/wuwei_uncertainty_probabilities.csv" | grep -q "^$(printf '\357\273\277')id,year,scenario,target,direction,p_meet," ||
    fail_check "probabilities CSV header"
checks=$((checks + 1))
[ "$(wc -l <"$TMP/csv/wuwei_uncertainty_probabilities.csv")" -eq 151 ] ||
    fail_check "150 CSV rows (15 indicators x 5 years x 2 scenarios)"

# HTML and SVG: byte-identical on a second run (the charts hold no run-dependent bytes; the HTML
# footer's date is SOURCE_DATE_EPOCH's, so two runs either side of midnight agree too).
SOURCE_DATE_EPOCH=1700000000
export SOURCE_DATE_EPOCH
for f in html svg; do
    run "$BIN" run $S --samples 2000 --format $f --out "$TMP/${f}1" --quiet
    expect_code 0 "--format $f --out"
    run "$BIN" run $S --samples 2000 --format $f --out "$TMP/${f}2" --quiet
    for g in "$TMP/${f}1"/wuwei_uncertainty*; do
        expect_same "$g" "$TMP/${f}2/$(basename "$g")" "$(basename "$g") on a second run"
    done
done
checks=$((checks + 1))
n=$(ls "$TMP/svg1"/*.svg 2>/dev/null | wc -l)
[ "$n" -eq 16 ] || fail_check "--format svg: expected 16 SVG files (15 fans + the tornado), found $n"
run "$BIN" run $S --samples 500 --format svg
expect_out "wuwei_uncertainty_tornado_rd_intensity.svg  龙卷风图 Sensitivity" "--format svg without --out lists the charts"

# --set pins an uncertain parameter: it is no longer sampled and the report says so.
run "$BIN" run $S --samples 1000 --set gdp_growth=0.06
expect_code 0 "--set an uncertain parameter"
expect_out "Fixed by scenario baseline (not sampled): gdp_growth = 0.06 (--set; default 0.055)." "the pinned parameter is named, with its value"

run "$BIN" run $S --samples 0
expect_code 2 "--samples 0 is a usage error"
finish
