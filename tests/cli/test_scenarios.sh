#!/bin/sh
# test_scenarios.sh BIN — the scenario scripts end to end: every format, --out with all-or-nothing
# publication, --set overrides (and their errors), goal seek meeting its target on a re-run.
. tests/cli/lib.sh

for s in wuwei_combined wuwei_hte wuwei_fiscal wuwei_goalseek; do
    for f in text json md; do
        run "$BIN" run scenarios/$s.lua --format $f
        expect_code 0 "$s --format $f"
    done
    run "$BIN" run scenarios/$s.lua --format csv --out "$TMP/csv_$s"
    expect_code 0 "$s --format csv --out"
    run "$BIN" run scenarios/$s.lua --format json
    checks=$((checks + 1))
    python3 -m json.tool "$TMP/out" >/dev/null 2>&1 || fail_check "$s: --format json is not valid JSON"
done

# The combined comparison: four scenarios, both years, every modelled indicator, and costs.
run "$BIN" run scenarios/wuwei_combined.lua --format json
python3 - "$TMP/out" >"$TMP/check.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
ids = {r["id"] for r in d["indicators"]}
years = {r["year"] for r in d["indicators"]}
names = [s["scenario"] for s in d["indicators"][0]["scenarios"]]
print("ids", len(ids), "years", sorted(years), "scenarios", names)
hte = [r for r in d["indicators"] if r["id"] == "hte_count" and r["year"] == 2025][0]
base = hte["scenarios"][0]["value"]; plus = hte["scenarios"][1]["value"]
print("hte2025 extra", round(plus - base, 6))
cost = {c["scenario"]: c for c in d["costs"]}
r7a = lambda s: [r for r in cost[s]["rules"] if r["id"] == "R7a"][0]["by_year"]
print("R7a extra 2023", round(r7a("hte+10")["2023"] - r7a("baseline")["2023"], 9))
print("R7a extra 2022", round(r7a("hte+10")["2022"] - r7a("baseline")["2022"], 9))
PY
cat >"$TMP/want.txt" <<'EOF2'
ids 15 years [2022, 2025] scenarios ['baseline', 'hte+10', 'fiscal+20%', 'both']
hte2025 extra 25.203965
R7a extra 2023 176.0
R7a extra 2022 0
EOF2
expect_same "$TMP/check.txt" "$TMP/want.txt" "combined comparison content"

# --out: results written only on success, refused over existing without --force.
run "$BIN" run scenarios/wuwei_combined.lua --out "$TMP/res" --format csv
expect_code 0 "--out"
checks=$((checks + 1))
[ -f "$TMP/res/wuwei_combined.csv" ] || fail_check "--out did not write wuwei_combined.csv"
run "$BIN" run scenarios/wuwei_goalseek.lua --out "$TMP/res2" --format csv
checks=$((checks + 1))
[ -f "$TMP/res2/wuwei_goalseek_levers.csv" ] && [ -f "$TMP/res2/wuwei_goalseek_combined.csv" ] || fail_check "goal seek CSV results missing"
run "$BIN" run scenarios/wuwei_goalseek.lua --format csv
expect_code 2 "a bundle as CSV on stdout"
expect_err "CSV needs --out DIR" "bundle CSV message"
cat >"$TMP/half.lua" <<'LUA'
tuiyan.report.emit("first result\n", "first")
error("the second step failed")
LUA
run "$BIN" run "$TMP/half.lua" --out "$TMP/res3"
expect_code 1 "a failing script"
checks=$((checks + 1))
[ -e "$TMP/res3/first.txt" ] && fail_check "a failing script published a partial result"

# An explicit report.write without --out is published when the script succeeds (regression: it
# was once dropped silently).
printf 'tuiyan.report.write("hi\\n", "%s/explicit.txt")\n' "$TMP" >"$TMP/explicit.lua"
run "$BIN" run "$TMP/explicit.lua"
expect_code 0 "explicit write without --out"
checks=$((checks + 1))
[ "$(cat "$TMP/explicit.txt" 2>/dev/null)" = "hi" ] || fail_check "report.write without --out wrote nothing"

# --set: applies to every scenario; a name that is not a parameter or lever is a usage error.
run "$BIN" run scenarios/wuwei_hte.lua --set hte_renewal_rate=1 --format csv
expect_code 0 "--set a parameter"
expect_out "hte_count,2022,baseline,69," "--set changes the baseline"   # 69.1 家 in CSV: a whole count (64 without --set)
run "$BIN" run scenarios/wuwei_hte.lua --set gdp_grwth=0.07
expect_code 2 "--set unknown name"
expect_err "no parameter or lever named 'gdp_grwth'; did you mean 'gdp_growth'?" "--set suggestion"
run "$BIN" run scenarios/wuwei_hte.lua --set hte_count=5
expect_code 2 "--set a stock"
expect_err "'hte_count' is a stock, not a parameter or lever" "--set a stock is refused"
run "$BIN" run scenarios/wuwei_hte.lua --set extra_hte=abc
expect_code 2 "--set non-number"
# Declared bounds: a setting outside them is a usage error naming the lever, its bounds and why
# (it once ran into NaN from 2022).
run "$BIN" run scenarios/wuwei_hte.lua --set extra_hte=-100
expect_code 2 "--set a lever below its bounds"
expect_err "extra_hte = -100 is outside the bounds of lever 'extra_hte': [0, 100] 家/年 (a number of certifications a year: never negative" "--set outside the bounds names them"
run "$BIN" run scenarios/wuwei_combined.lua --set hte_renewal_rate=1.2
expect_code 2 "--set a rate above 1"
run "$BIN" run scenarios/wuwei_hte.lua 150
expect_code 2 "a script's lever argument above its bounds"
expect_err "EXTRA_PER_YEAR: extra_hte = 150 is outside the bounds of lever 'extra_hte': [0, 100]" "the argument's bounds named"
# The assumptions list shows the value in force, marked, beside the default.
run "$BIN" run scenarios/wuwei_combined.lua --set hte_exit_rate=0.03
expect_code 0 "--set shown in the assumptions"
expect_out "hte_exit_rate = 0.03 (--set; default 0.02)" "the --set value in the assumptions list"
expect_out "extra_hte (家/年) = 0 (default); 10 from 2022 in hte+10, both" "scenario settings in the assumptions list"
# Goal seek says which assumptions --set changed, and what binds the cheapest mix: the pool.
run "$BIN" run scenarios/wuwei_goalseek.lua --set hte_extra_pool_share=0.3
expect_out "hte_extra_pool_share = 0.3 (--set; default 0.2)" "goal seek names the --set assumption"
run "$BIN" run scenarios/wuwei_goalseek.lua
expect_out "what binds: extra_hte = 10 is more than the model can take up: hte_extra_unmet up to 1.731 家/年 in 2022–2025" "goal seek names the binding limit"

# Goal seek: the setting it finds meets the target when run forward.
cat >"$TMP/seek.lua" <<'LUA'
local S = tuiyan.scenario
local base = S.new{ name = "b", model = require("tuiyan.models.wuwei").build() }
local r = tuiyan.goalseek.seek{ scenario = base, lever = "extra_hte", indicator = "hte_count", year = 2025,
  target = 100, lo = 0, hi = 100, tol = 1e-9 }
local v = base:run{ { "extra_hte", r.value } }:get("hte_count", 2025)
print(r.reachable, v >= 100, v - 100 < 1e-6)
LUA
run "$BIN" run "$TMP/seek.lua"
expect_out "true	true	true" "goal seek result meets the target within tolerance"

# Deterministic under other LANG/TZ (real locales: require_locales fails when they are missing).
. "$ROOT/tests/cli/locales.sh"
require_locales
LANG=zh_CN.UTF-8 TZ=Asia/Shanghai "$BIN" run scenarios/wuwei_combined.lua --format json >"$TMP/a.json"
LC_ALL=C TZ=UTC "$BIN" run scenarios/wuwei_combined.lua --format json >"$TMP/b.json"
expect_same "$TMP/a.json" "$TMP/b.json" "combined JSON independent of LANG/TZ"

# --set that nothing uses is an error, never a silent no-op.
run "$BIN" run scenarios/wuwei_progress.lua --set hte_renewal_rate=0.3
expect_code 2 "--set in a script that builds no scenario"
expect_err "--set hte_renewal_rate: this script built no scenario, so nothing used it" "says so"
run "$BIN" progress --set hte_renewal_rate=0.3
expect_code 2 "--set for progress"
expect_err "progress does not take --set" "says so"
run "$BIN" run scenarios/wuwei_uncertainty.lua --set gdp_growth=0.06 --samples 200
expect_code 0 "--set used through a Monte Carlo run"

finish
