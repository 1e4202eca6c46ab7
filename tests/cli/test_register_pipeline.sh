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

# tuiyan register pipeline: the hand register's pooled counts (worked by hand in
# tests/lua/test_register_pipeline.lua), Wilson intervals computed here from the formula, and the
# projection's mean (5.4375, summed by hand there); every format; csv needs --out.
run "$BIN" register pipeline tests/data/registers/hand_pipeline.csv --format json
expect_code 0 "register pipeline --format json"
checks=$((checks + 1))
python3 - "$TMP/out" <<'PY' || fail_check "register pipeline: the hand register's rates and projection"
import json, math, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
rows, pooled, rid = d["rates"]["rows"], {}, None
for r in rows:
    rid = r["rate_id"] or rid
    if r["year"] == "pooled":
        pooled[rid] = r
want = {"promotion": (2, 10), "pool_exit": (1, 10), "hte_exit": (1, 8), "renewal": (1, 2)}
z = 1.959963984540054   # the normal's 97.5 % point
for rid, (k, n) in want.items():
    r = pooled[rid]
    assert (r["k"], r["n"]) == (k, n), (rid, r)
    p = k / n
    c = (p + z * z / (2 * n)) / (1 + z * z / n)
    h = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert abs(r["rate"] - p) < 1e-12 and abs(r["lo"] - (c - h)) < 1e-9 and abs(r["hi"] - (c + h)) < 1e-9, (rid, r, c - h, c + h)
proj = d["projection"]["rows"][0]
assert proj["year"] == 2025 and abs(proj["mean"] - 5.4375) < 1e-12, proj
PY
for f in text md html; do
    run "$BIN" register pipeline tests/data/registers/hand_pipeline.csv --format "$f"
    expect_code 0 "register pipeline --format $f"
done
run "$BIN" register pipeline tests/data/registers/hand_pipeline.csv --format csv
expect_code 2 "register pipeline --format csv without --out"
run "$BIN" register pipeline tests/data/registers/hand_pipeline.csv --format csv --out "$TMP/pl" --quiet
expect_code 0 "register pipeline --format csv --out"
checks=$((checks + 1))
[ "$(ls "$TMP/pl" | grep -c '\.csv$')" = 3 ] || fail_check "register pipeline csv: rates, bands and projection ($(ls "$TMP/pl" | tr '\n' ' '))"
run "$BIN" register pipeline tests/data/registers/hand_hte.csv
expect_code 3 "register pipeline on a register without hte_certified"
expect_err "needs hte_certified" "register pipeline says what the register lacks"
run "$BIN" register nonsense tests/data/registers/hand_pipeline.csv
expect_code 2 "an unknown register command"
expect_err "register pipeline FILE" "the unknown-command message names pipeline"

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
