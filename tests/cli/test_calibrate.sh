#!/bin/sh
# test_calibrate.sh BIN — tuiyan calibrate through the command line: the example plan's fit
# (parameters, standard errors, residuals), the same bytes twice, --out writing the report and
# fit.json (and nothing on a failed run), html with charts, csv and svg needing --out, the
# uncertainty scenario drawing the fitted parameters, and each bad input with its exit code:
# an unknown parameter (with a did-you-mean), LO >= HI, bad --years, too few actuals, an unknown
# model, a broken fit file.
. tests/cli/lib.sh

PLAN="$ROOT/examples/plans/illustrative_history.csv"
cd "$TMP" || exit 1

run "$BIN" calibrate wuwei "$PLAN" --param sme_exit_rate=0..0.3 --param sme_new=0..60 --years 2016-2021
expect_code 0 "calibrate two parameters on the example plan"
expect_out "Fitted parameters, fitted from $PLAN years 2016–2021" "the title names the plan and the years"
expect_out "sme_exit_rate" "the fitted parameter is listed"
expect_out "Residuals" "the residuals follow"
expect_out "科技型中小企业                                  2021" "a residual per indicator-year"
expect_out "converged" "the report says whether the fit converged"
cp "$TMP/out" first.txt
run "$BIN" calibrate wuwei "$PLAN" --param sme_exit_rate=0..0.3 --param sme_new=0..60 --years 2016-2021
expect_same first.txt "$TMP/out" "two runs print the same bytes"

# JSON: the fit file; the estimate within its bounds, a standard error, 60 indicator-years.
run "$BIN" calibrate wuwei "$PLAN" --format json
expect_code 0 "calibrate --format json (the model's default parameters)"
cp "$TMP/out" fit1.json
checks=$((checks + 1))
python3 - fit1.json "$PLAN" <<'EOF' || fail_check "the fit file's content"
import hashlib, json, sys
f = json.load(open(sys.argv[1]))
assert f["plan_sha256"] == hashlib.sha256(open(sys.argv[2], "rb").read()).hexdigest(), f["plan_sha256"]
assert f["kind"] == "tuiyan calibration" and f["years"] == [2016, 2021] and f["start"] == 2016, f
assert f["observations"] == 12 * 5, f["observations"]          # 12 model indicators x 2017-2021
assert len(f["residuals"]) == f["observations"]
assert f["converged"] is True
names = [p["name"] for p in f["params"]]
assert names == sorted(names) and "sme_exit_rate" in names, names
for p in f["params"]:
    assert p["lo"] <= p["estimate"] <= p["hi"], p
    assert (p["se"] is None) == (p["state"] != "free"), p
for r in f["residuals"]:
    assert abs(r["rel"] - (r["fitted"] - r["actual"]) / r["actual"]) < 1e-12, r
EOF
run "$BIN" calibrate wuwei "$PLAN" --format json
expect_same fit1.json "$TMP/out" "JSON twice: the same bytes"
# ... and as a machine without FMA (glibc's other exp/log/pow; see test_determinism.sh)
GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX2,-FMA "$BIN" calibrate wuwei "$PLAN" --format json >nofma.json 2>/dev/null
expect_same fit1.json nofma.json "the fit file as a machine without FMA"

# --out: the report and fit.json; html has one chart per indicator.
run "$BIN" calibrate wuwei "$PLAN" --format html --out res
expect_code 0 "calibrate --format html --out"
checks=$((checks + 1))
[ -f res/calibrate.html ] && [ -f res/fit.json ] || fail_check "--out writes calibrate.html and fit.json"
checks=$((checks + 1))
[ "$(grep -o '<svg' res/calibrate.html | wc -l)" -eq 12 ] || fail_check "one chart of fitted against actual per fitted indicator (12)"
expect_same fit1.json res/fit.json "fit.json is the JSON report"
run "$BIN" calibrate wuwei "$PLAN" --format csv
expect_code 2 "csv without --out"
expect_err "give --out DIR" "csv needs --out"
run "$BIN" calibrate wuwei "$PLAN" --format csv --out csv
checks=$((checks + 1))
[ -f csv/calibrate_params.csv ] && [ -f csv/calibrate_residuals.csv ] || fail_check "csv: one file per table"

# xlsx: a parameters sheet and a residuals sheet (read by openpyxl, Debian's python3-openpyxl).
run "$BIN" calibrate wuwei "$PLAN" --format xlsx --out xl
expect_code 0 "calibrate --format xlsx --out"
checks=$((checks + 1))
/usr/bin/python3 - xl/calibrate.xlsx fit1.json <<'EOF' || fail_check "the workbook's sheets hold the fit"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
f = json.load(open(sys.argv[2]))
assert wb.sheetnames == ["parameters", "residuals"], wb.sheetnames
ps = [r for r in wb["parameters"].iter_rows(values_only=True) if r[0] in {p["name"] for p in f["params"]}]
assert len(ps) == len(f["params"]), ps
est = {p["name"]: p["estimate"] for p in f["params"]}
for r in ps: assert abs(r[1] - est[r[0]]) <= 1e-12 * abs(est[r[0]]), (r, est[r[0]])
rows = [r for r in wb["residuals"].iter_rows(values_only=True) if isinstance(r[2], int)]
assert len(rows) == f["observations"], len(rows)
EOF

# The uncertainty scenario on the fitted parameters.
run "$BIN" run "$ROOT/scenarios/wuwei_uncertainty.lua" res/fit.json --samples 200
expect_code 0 "the uncertainty scenario runs on fit.json"
expect_out "parameters fitted from $PLAN years 2016–2021" "its title says the parameters are fitted"
expect_out "sme_new ~ normal(mean" "sme_new drawn from a normal around its estimate"
expect_out "fitted from $PLAN years 2016–2021: " "the draw is labelled with where it was fitted"
expect_out "judgements, not estimates from data, except those fitted from a plan's actuals" "the assumptions heading says some are fitted"

# A model of one's own, from a file: y = a + b (year - 2016) through points on y = 10 + 2 t
# exactly, so the fit is a = 10, b = 2 with no residual left.
cat >toy.lua <<'EOF'
local M = tuiyan.model
local m = M.new{ name = "toy", first_year = 2016, last_year = 2021 }
m:param("a", 1, { unit = "1" })
m:param("b", 0, { unit = "1" })
m:aux("y", m.v.a + m.v.b * (M.year() - 2016), { unit = "1", indicator = "y" })
return m
EOF
printf 'id,name,unit,actual_2016,actual_2017,actual_2018,actual_2019\ny,y,1,10,12,14,16\n' >toy.csv
run "$BIN" calibrate toy.lua toy.csv --param a=-100..100 --param b=-100..100 --format json
expect_code 0 "a model from a file"
checks=$((checks + 1))
python3 -c "
import json, sys
f = json.load(open(sys.argv[1]))
p = {x['name']: x['estimate'] for x in f['params']}
assert abs(p['a'] - 10) < 1e-6 and abs(p['b'] - 2) < 1e-6 and f['objective'] < 1e-16, f
" "$TMP/out" || fail_check "the file model's fit is a = 10, b = 2"
printf 'return 42\n' >notamodel.lua
run "$BIN" calibrate notamodel.lua toy.csv --param a=0..1
expect_code 2 "a file that returns no model"
expect_err "notamodel.lua returns neither a model nor a table with build()" "the file is named"

# The correlated draws in sample ranges: two shards merged give the unsharded run's bytes.
"$BIN" run "$ROOT/scenarios/wuwei_uncertainty.lua" res/fit.json --samples 10000 --format json --out full --quiet 2>/dev/null
"$BIN" run "$ROOT/scenarios/wuwei_uncertainty.lua" res/fit.json --samples 10000 --samples-range 0..8192 --format json --out s1 --quiet 2>/dev/null
"$BIN" run "$ROOT/scenarios/wuwei_uncertainty.lua" res/fit.json --samples 10000 --samples-range 8192..10000 --format json --out s2 --quiet 2>/dev/null
run "$BIN" merge s1 s2 --out merged --quiet
expect_code 0 "merge the two sample ranges of the run on the fit"
expect_same full/wuwei_uncertainty.json merged/wuwei_uncertainty.json "sample ranges on the fit merge into the whole run"

# --weight: hte_count's weight 0 leaves its five indicator-years out; 3 triples their share.
run "$BIN" calibrate wuwei "$PLAN" --weight hte_count=0 --weight tech_smes=3 --format json
expect_code 0 "calibrate with --weight"
checks=$((checks + 1))
python3 -c "
import json, sys
f = json.load(open(sys.argv[1]))
assert f['observations'] == 55, f['observations']
ids = {r['id'] for r in f['residuals']}
assert 'hte_count' not in ids, ids
assert all(r['weight'] == 3 for r in f['residuals'] if r['id'] == 'tech_smes')
" "$TMP/out" || fail_check "--weight leaves out and weighs indicators"
run "$BIN" calibrate wuwei "$PLAN" --weight hte_cnt=1
expect_code 2 "a weight on an unknown indicator"
expect_err "weights: 'hte_cnt' is not an indicator of model wuwei" "the indicator is named"
run "$BIN" calibrate wuwei "$PLAN" --weight hte_count=-1
expect_code 2 "a negative weight"
expect_err "--weight hte_count: '-1' is not a number >= 0" "the option is named"

# Bad inputs.
run "$BIN" calibrate wuwei "$PLAN" --param sme_exit_rat=0..1
expect_code 2 "an unknown parameter"
expect_err "no parameter named 'sme_exit_rat' in model wuwei; did you mean 'sme_exit_rate'?" "named, with a did-you-mean"
run "$BIN" calibrate wuwei "$PLAN" --param sme_exit_rate=0.5..0.1
expect_code 2 "LO above HI"
expect_err "--param sme_exit_rate=0.5..0.1: the lower bound must be below the upper" "the option is named"
run "$BIN" calibrate wuwei "$PLAN" --param sme_exit_rate=0..x
expect_code 2 "a bound that is not a number"
run "$BIN" calibrate wuwei "$PLAN" --years 2021-2016
expect_code 2 "years backwards"
expect_err "--years 2021-2016" "the option is named"
run "$BIN" calibrate wuwei "$PLAN" --years 2016
expect_code 2 "--years not A-B"
MANY="--param sme_exit_rate=0..0.3 --param sme_new=0..60 --param hte_direct=0..20 --param patents_per_rd=1..20 --param turnover_rd_elasticity=0..4 --param new_product_elasticity=0..3 --param personnel_elasticity=0..3 --param sme_promotion_rate=0..1 --param prov_promotion_rate=0..1 --param prov_new_direct=0..20 --param hte_renewal_rate=0..1 --param gdp_growth=0..1"
run "$BIN" calibrate wuwei "$PLAN" --years 2020-2021 $MANY
expect_code 3 "too few actuals for twelve parameters"
expect_err "calibrate $PLAN: 12 indicator-years of actuals in 2020–2021 after the start year; fitting 12 parameters needs more than that" "the plan's shortfall is named"
run "$BIN" calibrate wuwei "$ROOT/stdlib/data/wuwei_2021_2025.csv"
expect_code 3 "the Wuwei plan: one year of actuals"
run "$BIN" calibrate nosuchmodel "$PLAN"
expect_code 2 "an unknown model"
expect_err "no standard model named 'nosuchmodel'" "the model is named"
run "$BIN" calibrate wuwei
expect_code 2 "no plan"
run "$BIN" calibrate wuwei "$PLAN" --out failed --years 2020-2021 $MANY
expect_code 3 "a failed fit"
checks=$((checks + 1))
[ -e failed ] && fail_check "a failed run writes nothing"
printf '{"kind": "tuiyan calibration", "version": 1, "label": "x", "params": []}' > bad.json
run "$BIN" run "$ROOT/scenarios/wuwei_uncertainty.lua" bad.json --samples 10
expect_code 3 "a fit file with no parameters"
expect_err "bad.json: \"params\" must list the fitted parameters" "the file is named"

finish
