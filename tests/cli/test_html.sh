#!/bin/sh
# test_html.sh BIN BUILD — HTML reports: self-contained, every SVG well-formed, every indicator
# present; rendered in headless Chromium (installed here when absent and we are root, else skipped
# with a visible notice) with no console errors, and a screenshot kept in BUILD/screenshots/.
. tests/cli/lib.sh
BUILD=${2:-build}
SHOTS="$ROOT/$BUILD/screenshots"
mkdir -p "$SHOTS"
names=$(tail -n +2 stdlib/data/wuwei_2021_2025.csv | cut -d, -f2)

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
    for r in progress comparison; do
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
    echo "SKIPPED: chromium is not installed and cannot be installed here (not root); rendering not tested"
fi
finish
