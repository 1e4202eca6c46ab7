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

# JSON: valid, probabilities within [0, 1], both scenarios, the levers raise P(hte_count 2025).
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
hte = [i for i in p["indicators"] if i["id"] == "hte_count"][0]["scenarios"]
t = d["tornado"]
print(names, len(p["indicators"]), hte[0]["p_meet"] < hte[1]["p_meet"], t["output"], t["year"],
      len(t["parameters"]) == len(p["uncertain"]))
PY
echo "['baseline', 'both'] 15 True rd_intensity 2025 True" >"$TMP/want.txt"
expect_same "$TMP/check.txt" "$TMP/want.txt" "json content"

for f in md text html; do
    run "$BIN" run $S --samples 1000 --format $f
    expect_code 0 "--format $f"
done
run "$BIN" run $S --samples 1000 --format csv --out "$TMP/csv"
expect_code 0 "--format csv --out"
checks=$((checks + 1))
head -n 1 "$TMP/csv/wuwei_uncertainty_probabilities.csv" | grep -q '^id,year,scenario,target,direction,p_meet,' ||
    fail_check "probabilities CSV header"
checks=$((checks + 1))
[ "$(wc -l <"$TMP/csv/wuwei_uncertainty_probabilities.csv")" -eq 31 ] || fail_check "30 CSV rows (15 indicators x 2 scenarios)"

# --set pins an uncertain parameter: it is no longer sampled and the report says so.
run "$BIN" run $S --samples 1000 --set gdp_growth=0.06
expect_code 0 "--set an uncertain parameter"
expect_out "Fixed by scenario baseline (not sampled): gdp_growth." "the pinned parameter is named"

run "$BIN" run $S --samples 0
expect_code 2 "--samples 0 is a usage error"
finish
