#!/bin/sh
# test_html.sh BIN BUILD — HTML reports (progress, scenarios, uncertainty with its fans and tornado,
# county rankings): self-contained, every SVG well-formed, every indicator present and charted;
# rendered in headless Chromium (installed here when absent and we are root; without it the
# test fails: a skipped rendering check would pass unnoticed) with no console errors, and a
# screenshot kept in BUILD/screenshots/.
. tests/cli/lib.sh
BUILD=${2:-build}
case "$BUILD" in /*) SHOTS="$BUILD/screenshots" ;; *) SHOTS="$ROOT/$BUILD/screenshots" ;; esac
mkdir -p "$SHOTS"
names=$(grep -v "^#" stdlib/data/wuwei_2021_2025.csv | tail -n +2 | cut -d, -f2)

cat >"$TMP/reports.lua" <<'LUA'
local out = arg[1]
local plan = assert(tuiyan.plan.load())
plan:set_actual("hte_count", 2022, 71)   -- illustrative actuals, so the charts have lines
plan:set_actual("hte_count", 2023, 80)
tuiyan.report.write(plan:progress{ as_of = 2023 }, out .. "/progress.html", "html")
local sc = require("tuiyan.scenarios.wuwei").build()
local cmp = tuiyan.compare.compare{ scenarios = sc.list, years = { 2022, 2025 }, plan = tuiyan.plan.load(),
  policy = require("tuiyan.policy.wuwei").policy(), title = "Wuwei scenarios" }
tuiyan.report.write(cmp, out .. "/comparison.html", "html")
LUA
run "$BIN" run "$TMP/reports.lua" "$TMP"
expect_code 0 "reports written"
for r in progress comparison; do
    checks=$((checks + 1))
    # shellcheck disable=SC2086
    python3 tests/cli/html_check.py "$TMP/$r.html" $names >"$TMP/check_$r.txt" || {
        fail_check "$r.html: $(cat "$TMP/check_$r.txt")"; }
done

# Charts as standalone SVG files for slides: one per indicator, each well-formed.
run "$BIN" run examples/charts_for_slides.lua --out "$TMP/slides" --quiet
expect_code 0 "charts for slides"
checks=$((checks + 1))
n=$(ls "$TMP/slides"/*.svg 2>/dev/null | wc -l)
[ "$n" -eq 30 ] || fail_check "expected 30 SVG files (15 progress + 15 scenario charts), found $n"
checks=$((checks + 1))
python3 -c "
import glob, sys, xml.etree.ElementTree as ET
for f in sorted(glob.glob(sys.argv[1] + '/*.svg')): ET.parse(f)
" "$TMP/slides" || fail_check "an SVG file is not well-formed"
# The uncertainty report: a fan per indicator of the probability table (bands of both scenarios),
# the tornado with two bars per parameter that moves the output, every SVG well-formed.
run "$BIN" run scenarios/wuwei_uncertainty.lua --format html --out "$TMP/unc" --quiet
expect_code 0 "uncertainty report"
cp "$TMP/unc/wuwei_uncertainty.html" "$TMP/uncertainty.html" 2>/dev/null
run "$BIN" run scenarios/wuwei_uncertainty.lua --format json
expect_code 0 "uncertainty json"
cp "$TMP/out" "$TMP/uncertainty.json"
checks=$((checks + 1))
# shellcheck disable=SC2086
python3 tests/cli/html_check.py "$TMP/uncertainty.html" $names >"$TMP/check_uncertainty.txt" ||
    fail_check "uncertainty.html: $(cat "$TMP/check_uncertainty.txt")"
checks=$((checks + 1))
python3 - "$TMP/uncertainty.html" "$TMP/uncertainty.json" >"$TMP/unc_charts.txt" 2>&1 <<'PY' ||
import json, re, sys, xml.etree.ElementTree as ET
NS = "{http://www.w3.org/2000/svg}"
text = open(sys.argv[1], encoding="utf-8").read()
data = json.load(open(sys.argv[2], encoding="utf-8"))
charts = [ET.fromstring(s) for s in re.findall(r"<svg\b.*?</svg>", text, re.S)]
titles = [c.find(NS + "title").text for c in charts]
problems = []
prob = data["probabilities"]
for ind in prob["indicators"]:
    fans = [c for c, t in zip(charts, titles) if t.startswith(ind["name"] + " (")]
    if len(fans) != 1:
        problems.append(f"{ind['name']}: {len(fans)} charts titled with it")
        continue
    bands = [p for p in fans[0].iter(NS + "polygon") if p.get("fill-opacity")]
    varies = any(s["quantiles"]["p5"] != s["quantiles"]["p95"] for s in ind["scenarios"])
    if varies and len(bands) not in (2, 4):
        problems.append(f"{ind['name']}: {len(bands)} bands (2 per distinct scenario expected)")
    legend = [t.text for t in fans[0].iter(NS + "text")]
    for s in prob["scenarios"]:
        if not any(l and s["name"] in l.split(" = ") for l in legend):
            problems.append(f"{ind['name']}: scenario {s['name']} not in the legend")
t = data["tornado"]
tornado = [c for c, x in zip(charts, titles) if x.startswith("龙卷风图") and t["name"] in x]
moving = [p for p in t["parameters"] if p["y_low"] != t["base"] or p["y_high"] != t["base"]]
if len(tornado) != 1:
    problems.append(f"{len(tornado)} tornado charts")
else:
    bars = [r for r in tornado[0].iter(NS + "rect") if r.find(NS + "title") is not None]
    if len(bars) != 2 * len(moving):
        problems.append(f"tornado: {len(bars)} bars for {len(moving)} parameters that move the output")
    labels = [x.text for x in tornado[0].iter(NS + "text")]
    if [l for l in labels if l in {p["name"] for p in moving}] != [p["name"] for p in moving]:
        problems.append("tornado: the parameters are not in the order of their swing")
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY
    fail_check "uncertainty charts: $(cat "$TMP/unc_charts.txt")"

# County rankings: the regions example as one HTML report, the rankings as bars, best first.
run "$BIN" run examples/regions_wuwei.lua --format html --out "$TMP/reg" --quiet
expect_code 0 "regions report"
cp "$TMP/reg/regions_wuwei.html" "$TMP/regions.html" 2>/dev/null
checks=$((checks + 1))
python3 tests/cli/html_check.py "$TMP/regions.html" 凉州区 民勤县 古浪县 天祝藏族自治县 >"$TMP/check_regions.txt" ||
    fail_check "regions.html: $(cat "$TMP/check_regions.txt")"
checks=$((checks + 1))
python3 - "$TMP/regions.html" >"$TMP/reg_charts.txt" 2>&1 <<'PY' ||
import re, sys, xml.etree.ElementTree as ET
NS = "{http://www.w3.org/2000/svg}"
text = open(sys.argv[1], encoding="utf-8").read()
assert text.count("<!DOCTYPE html>") == 1, "not one HTML document"
charts = {c.find(NS + "title").text: c for c in map(ET.fromstring, re.findall(r"<svg\b.*?</svg>", text, re.S))}
def bars(title):
    c = charts[title]
    return [(r.find(NS + "title").text, float(r.get("width"))) for r in c.iter(NS + "rect")]
hte = bars("高新技术企业 (家) 2021")
assert [t for t, _ in hte] == ["1  凉州区: 38", "2  民勤县: 9", "3  古浪县: 6", "3  天祝藏族自治县: 6"], hte
assert hte[0][1] > hte[1][1] > hte[2][1] == hte[3][1], hte
comp = bars("综合指数 composite index 2021 (0–100)")
assert [t.split(":")[0] for t, _ in comp] == ["1  凉州区", "2  民勤县", "3  天祝藏族自治县", "4  古浪县"], comp
PY
    fail_check "regions charts: $(cat "$TMP/reg_charts.txt")"

run "$BIN" progress --format html --out "$TMP/cli_html"
expect_code 0 "tuiyan progress --format html --out"
checks=$((checks + 1))
[ -s "$TMP/cli_html/progress.html" ] || fail_check "progress.html not written by the CLI"

# Rendering in a real browser.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "installing chromium for the rendering test"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null 2>&1 ||
        { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null 2>&1; }
fi
if command -v chromium >/dev/null 2>&1; then
    for r in progress comparison uncertainty regions; do
        rm -rf "$TMP/profile"
        timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
            --disable-background-networking --disable-component-update --disable-sync \
            --user-data-dir="$TMP/profile" --enable-logging=stderr --v=0 --window-size=1280,2000 \
            --screenshot="$SHOTS/$r.png" "file://$TMP/$r.html" >"$TMP/chromium_$r.log" 2>&1
        checks=$((checks + 1))
        [ -s "$SHOTS/$r.png" ] || fail_check "$r: no screenshot"
        checks=$((checks + 1))
        if grep -E "CONSOLE|Uncaught|Failed to load resource|net::ERR_FILE" "$TMP/chromium_$r.log" >"$TMP/console_$r.txt"; then
            fail_check "$r: console errors: $(head -n 3 "$TMP/console_$r.txt")"
        fi
    done
    echo "screenshots: $SHOTS"
else
    fail_check "chromium is not installed and cannot be installed here (not root): rendering not tested; run: apt-get install chromium fonts-noto-cjk"
fi
finish
