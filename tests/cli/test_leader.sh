#!/bin/sh
# test_leader.sh BIN BUILD — what a bureau leader and an analyst at a terminal see first.
# HTML (tests/cli/leader_check.py, an HTML parser): every report (progress, comparison,
# uncertainty) opens with the leader's page, before any chart; the progress page names the
# behind/regressing/missed targets in urgency order (recomputed from the JSON) and the main table
# follows it; the uncertainty report's P(达标) table comes before its first chart, its cells
# coloured by value; ✓/✗ coloured; the comparison's total cost by scenario; the footer's date,
# version and data sources with their SHA-256, exact under SOURCE_DATE_EPOCH.
# Terminal: COLUMNS=80 keeps every line within 80 display columns (_tuiyan.text.width: Chinese
# is 2), --wide does not; colour escapes on a pseudo-terminal, none through a pipe, with NO_COLOR,
# TERM=dumb or --out.
. tests/cli/lib.sh
export SOURCE_DATE_EPOCH=1700000000   # 2023-11-14 UTC
unset COLUMNS NO_COLOR
DAY=2023-11-14
VERSION=$("$BIN" --version | awk '{print $2}')
PLAN=examples/plans/illustrative_targets.csv
plan_sha=$(sha256sum "$PLAN" | cut -d' ' -f1)
wuwei_sha=$(sha256sum stdlib/data/wuwei_2021_2025.csv | cut -d' ' -f1)
EMBEDDED="embedded Wuwei plan 内置武威计划 (stdlib/data/wuwei_2021_2025.csv)"

expect_json() {  # file label sha [extra json members]
    printf '{"date": "%s", "version": "%s", "sources": [["%s", "%s"]]%s}\n' "$DAY" "$VERSION" "$2" "$3" "$4" >"$1"
}

leader() {  # kind html expect.json description
    checks=$((checks + 1))
    python3 tests/cli/leader_check.py "$1" "$2" "$3" >"$TMP/leader.txt" 2>&1 ||
        fail_check "$4: $(cat "$TMP/leader.txt")"
}

# Progress: a plan with missed, behind, on-track and achieved targets, and the embedded plan.
run "$BIN" progress "$PLAN" --format json
expect_code 0 "progress json"
cp "$TMP/out" "$TMP/p.json"
run "$BIN" progress "$PLAN" --format html --out "$TMP/p" --quiet
expect_code 0 "progress html"
expect_json "$TMP/p_expect.json" "$PLAN" "$plan_sha" ", \"progress\": \"$TMP/p.json\""
leader progress "$TMP/p/progress.html" "$TMP/p_expect.json" "progress report ($PLAN)"
checks=$((checks + 1))
grep -qF "<footer><p>生成 generated $DAY · tuiyan $VERSION</p><p>数据 data: $PLAN · SHA-256 <code>$plan_sha</code></p></footer>" \
    "$TMP/p/progress.html" || fail_check "progress footer, exactly: $(grep -o '<footer>.*' "$TMP/p/progress.html")"

run "$BIN" progress --format json
cp "$TMP/out" "$TMP/d.json"
run "$BIN" progress --format html --out "$TMP/d" --quiet
expect_code 0 "default progress html"
expect_json "$TMP/d_expect.json" "$EMBEDDED" "$wuwei_sha" ", \"progress\": \"$TMP/d.json\""
leader progress "$TMP/d/progress.html" "$TMP/d_expect.json" "progress report (embedded plan)"

# Byte-identical under SOURCE_DATE_EPOCH; another epoch, another date.
run "$BIN" progress "$PLAN" --format html
cp "$TMP/out" "$TMP/p2.html"
expect_same "$TMP/p/progress.html" "$TMP/p2.html" "progress html on a second run"
SOURCE_DATE_EPOCH=1600000000 "$BIN" progress "$PLAN" --format html >"$TMP/p3.html"
checks=$((checks + 1))
grep -qF "generated 2020-09-13 ·" "$TMP/p3.html" || fail_check "SOURCE_DATE_EPOCH=1600000000 is not 2020-09-13 in the footer"

# Comparison: ✓/✗ coloured, the total cost by scenario on the leader's page (from the JSON).
cat >"$TMP/cmp.lua" <<'LUA'
local sc = require("tuiyan.scenarios.wuwei").build()
local cmp = tuiyan.compare.compare{ scenarios = sc.list, years = { 2022, 2025 }, plan = tuiyan.plan.load(),
  policy = require("tuiyan.policy.wuwei").policy(), title = "Wuwei scenarios" }
tuiyan.report.emit(cmp, "comparison")
LUA
run "$BIN" run "$TMP/cmp.lua" --format json
expect_code 0 "comparison json"
cp "$TMP/out" "$TMP/cmp.json"
run "$BIN" run "$TMP/cmp.lua" --format html --out "$TMP/c" --quiet
expect_code 0 "comparison html"
costs=$(python3 - "$TMP/cmp.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
years = [str(y) for y in range(2022, 2027)]   # the cost table's years: 2022 to 2025 + 1
print(json.dumps([[c["scenario"], f"{sum(c['total'].get(y) or 0 for y in years):,.2f}"] for c in d["costs"]]))
PY
)
expect_json "$TMP/c_expect.json" "$EMBEDDED" "$wuwei_sha" ", \"costs\": $costs"
leader comparison "$TMP/c/comparison.html" "$TMP/c_expect.json" "comparison report"

# Uncertainty: P(达标) first and coloured, charts after.
run "$BIN" run scenarios/wuwei_uncertainty.lua --samples 1000 --format html --out "$TMP/u" --quiet
expect_code 0 "uncertainty html"
expect_json "$TMP/u_expect.json" "$EMBEDDED" "$wuwei_sha"
leader uncertainty "$TMP/u/wuwei_uncertainty.html" "$TMP/u_expect.json" "uncertainty report"

# The terminal: widths by tuiyan's own display width (Chinese = 2 columns).
cat >"$TMP/width.lua" <<'LUA'
local width, max, lines = require("_tuiyan.text").width, 0, 0
for line in io.lines(arg[1]) do
  lines = lines + 1
  if width(line) > max then max = width(line) end
end
print(max, lines)
LUA
widest() { "$BIN" run "$TMP/width.lua" "$1" | cut -f1; }
for cmd in "progress" "progress $PLAN" "run scenarios/wuwei_combined.lua" "run scenarios/wuwei_uncertainty.lua --samples 500" \
    "run scenarios/wuwei_goalseek.lua"; do
    # shellcheck disable=SC2086
    COLUMNS=80 "$BIN" $cmd >"$TMP/narrow.txt" 2>"$TMP/err"
    checks=$((checks + 1))
    w=$(widest "$TMP/narrow.txt")
    [ "$w" -le 80 ] 2>/dev/null || fail_check "COLUMNS=80 tuiyan $cmd: a line $w columns wide"
done
COLUMNS=80 "$BIN" progress --wide >"$TMP/wide.txt"
checks=$((checks + 1))
w=$(widest "$TMP/wide.txt")
[ "$w" -gt 80 ] 2>/dev/null || fail_check "COLUMNS=80 tuiyan progress --wide is only $w columns wide"
"$BIN" progress >"$TMP/piped.txt"
expect_same "$TMP/wide.txt" "$TMP/piped.txt" "--wide = the piped table without COLUMNS"
COLUMNS=80 "$BIN" progress "$PLAN" >"$TMP/narrow.txt"
checks=$((checks + 1))
grep -q "^Not shown, to fit 80 columns: .*--wide shows every" "$TMP/narrow.txt" ||
    grep -q "^Not shown, to fit 80 columns:" "$TMP/narrow.txt" ||
    fail_check "the narrow table does not say which columns it left out"
checks=$((checks + 1))
if grep -q "$(printf '\033')" "$TMP/piped.txt" "$TMP/narrow.txt"; then fail_check "colour escapes through a pipe"; fi

# Colour on a pseudo-terminal only.
python3 - "$BIN" "$PLAN" "$TMP" >"$TMP/pty.txt" 2>&1 <<'PY' || fail_check "terminal colour: $(cat "$TMP/pty.txt")"
import os, pty, sys, select
BIN, PLAN, TMP = sys.argv[1:4]
def on_pty(args, env):
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(BIN, [BIN] + args, env)
    out = b""
    while True:
        try:
            r, _, _ = select.select([fd], [], [], 20)
            if not r:
                break
            b = os.read(fd, 65536)
        except OSError:
            break
        if not b:
            break
        out += b
    os.waitpid(pid, 0)
    return out
base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS")}
base["TERM"] = "xterm"
problems = []
out = on_pty(["progress", PLAN], base)
if b"\x1b[1;31mmissed" not in out or b"\x1b[33mbehind" not in out or b"\x1b[32machieved" not in out:
    problems.append("no coloured statuses on a terminal: " + repr(out[:300]))
for what, env, args in (("NO_COLOR=1", dict(base, NO_COLOR="1"), ["progress", PLAN]),
                        ("TERM=dumb", dict(base, TERM="dumb"), ["progress", PLAN]),
                        ("--out", base, ["progress", PLAN, "--out", TMP + "/ttyout", "--quiet"])):
    o = on_pty(args, env)
    if b"\x1b[" in o:
        problems.append(f"colour escapes with {what}")
if os.path.exists(TMP + "/ttyout/progress.txt") and b"\x1b[" in open(TMP + "/ttyout/progress.txt", "rb").read():
    problems.append("colour escapes in the --out file")
out = on_pty(["run", "scenarios/wuwei_combined.lua"], dict(base, COLUMNS="250"))
if b"\x1b[32m\xe2\x9c\x93" not in out or b"\x1b[31m\xe2\x9c\x97" not in out:
    problems.append("✓/✗ not coloured on a terminal")
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY
checks=$((checks + 1))
finish
