#!/bin/sh
# test_register_pipeline.sh BIN — the pool feeds the plan (issue 16 item 4) through the binary:
# the example script runs and prints its key lines; the generator reproduces the example register;
# rates recovered from a large SYNTHETIC register made from KNOWN rates lie within their intervals;
# over 40 smaller registers (40 seeds) the 95 % intervals hold the known rates about 95 % of the
# time. The counts themselves are worked by hand in tests/lua/test_register_pipeline.lua.
. tests/cli/lib.sh
GEN="$ROOT/tools/gen_register.py"
EXAMPLE="$ROOT/examples/data/registers/wuwei_pipeline_SYNTHETIC.csv"

run "$BIN" run examples/register_pipeline.lua
expect_code 0 "the example script runs"
expect_out "Pipeline rates — register examples/data/registers/wuwei_pipeline_SYNTHETIC.csv, 2022–2024" "the rates table names the register"
expect_out "Certification the next year by criteria unmet" "the bands table"
expect_out "  hte_renewal_rate     0.8333   was 0.75" "the renewal rate estimated in place of the judgement"
expect_out "estimated from the register  model" "the model run with the estimated rates"
expect_out "P(达标)" "the probability of meeting the target"
expect_out "The register projected to 2025, firm by firm" "the register projected beside the model"

cd "$TMP" || exit 1
python3 "$GEN" --pipeline --firms 110 --certified 0.55 --promotion 0.2 --renewal 0.85 --seed 7 >example.csv
expect_same example.csv "$EXAMPLE" "the generator reproduces the example register byte for byte"

# The script each register is judged by: for every rate, whether its interval holds the known rate.
# Prints "id k n lo hi hit" a line.
cat >judge.lua <<'EOF'
local known = { promotion = tonumber(arg[2]), pool_exit = tonumber(arg[3]), hte_exit = tonumber(arg[4]),
  renewal = tonumber(arg[5]), entry = tonumber(arg[6]) }
local P = assert(assert(tuiyan.register.load(arg[1])):pipeline())
for _, id in ipairs{ "promotion", "pool_exit", "hte_exit", "renewal", "entry" } do
  local r = P.rates[id]
  print(id, r.k, r.n or r.years, r.lo, r.hi, (r.lo <= known[id] and known[id] <= r.hi) and 1 or 0)
end
EOF

# One large register: every rate within its interval, and within 0.02 (entries: 2 a year) of it. Its
# high-tech exit rate is high (8 %) so that a renewal rate counting the due firms that left, (1 − e)r,
# is told from r.
python3 "$GEN" --pipeline --firms 3000 --years 2018-2024 --seed 11 --promotion 0.15 --pool-exit 0.05 \
    --hte-exit 0.08 --renewal 0.8 --entry 40 >big.csv
run "$BIN" run judge.lua big.csv 0.15 0.05 0.08 0.8 40
expect_code 0 "the large register is read and judged"
cp "$TMP/out" big.txt
checks=$((checks + 1))
awk '$6 != 1 { print "  interval misses:", $0; bad = 1 } END { exit bad }' big.txt || fail_check "a rate of the large register outside its interval"
checks=$((checks + 1))
awk 'BEGIN { t["promotion"] = 0.15; t["pool_exit"] = 0.05; t["hte_exit"] = 0.08; t["renewal"] = 0.8; t["entry"] = 40 }
     { est = $2 / $3; tol = ($1 == "entry") ? 2 : 0.02
       d = est - t[$1]; if (d < 0) d = -d; if (d > tol) { print "  far off:", $0; bad = 1 } } END { exit bad }' big.txt \
    || fail_check "a rate of the large register far from the rate it was made with"
checks=$((checks + 1))
[ "$(wc -l <big.txt)" -eq 5 ] || fail_check "five rates judged on the large register"

# Coverage: 40 registers of 400 firms over 2020–2024, 5 intervals each (200); nominal 95 %. With
# 200 intervals a coverage below 90 % or at 100 % would be far outside chance (sd about 1.5 points).
: >all.txt
seed=1
while [ $seed -le 40 ]; do
    python3 "$GEN" --pipeline --firms 400 --years 2020-2024 --seed $seed >r.csv
    "$BIN" run judge.lua r.csv 0.15 0.05 0.03 0.8 12 >>all.txt 2>&1
    seed=$((seed + 1))
done
checks=$((checks + 1))
cov=$(awk '$6 == 1 { h++ } NF == 6 { n++ } END { printf "%d %d", h, n }' all.txt)
echo "coverage of the 95 % intervals over 40 SYNTHETIC registers: $cov (held, judged)"
set -- $cov
[ "$2" -eq 200 ] && [ $(($1 * 100)) -ge $((90 * $2)) ] && [ "$1" -lt "$2" ] \
    || fail_check "coverage $1 of $2: not about the nominal 95 %"
finish
