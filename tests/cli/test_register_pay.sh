#!/bin/sh
# test_register_pay.sh BIN — tuiyan register pay through the command line on the hand-built
# register tests/data/registers/hand_pay.csv (its amounts are worked by hand in
# tests/lua/test_register_pay.lua; the figures below are the same hand sums: 360 万元 in all,
# R7a 100, R8 260): what is printed, the JSON shape, every format written with --out the same
# bytes twice, the workbook read back with openpyxl, the leader's page first in HTML, a reform
# file (examples/reforms/wuwei_r7a30.lua: +55 万元 by hand), nothing written when a run fails,
# and each bad input with its exit code.
. tests/cli/lib.sh

DATA="$ROOT/tests/data/registers"
REFORM="$ROOT/examples/reforms/wuwei_r7a30.lua"
cd "$TMP" || exit 1

run "$BIN" register pay "$DATA/hand_pay.csv"
expect_code 0 "register pay on the hand-built register"
expect_out "补助合计（按政策条款、支付年度） by rule and payment year" "the totals by rule come first"
expect_out "合计 total      100.00  260.00      12        360.00" "the county table's total row: R7a 100, R8 260, 360"
expect_out "not priced from a register: R8b" "the rules a register cannot price are listed"
expect_out "ASSUMPTION: " "assumptions are labelled"
cp "$TMP/out" first.txt
run "$BIN" register pay "$DATA/hand_pay.csv"
expect_same first.txt "$TMP/out" "two runs print the same bytes"

run "$BIN" register pay "$DATA/hand_pay.csv" --format json
expect_code 0 "register pay --format json"
cp "$TMP/out" pay.json
checks=$((checks + 1))
/usr/bin/python3 - pay.json <<'EOF' || fail_check "the JSON: totals, rules and firms as worked by hand"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["policy"] == "wuwei" and d["reform"] is None
assert [r["id"] for r in d["rules"]] == ["R7a", "R8"]
t = d["totals"]
assert t["amount"] == 360 and t["payments"] == 12 and t["unknown"] == 1, t
assert sum(c["amount"] for c in t["cells"]) == 360
assert sum(c["amount"] for c in t["cells"] if c["rule"] == "R7a") == 100
assert sum(f["total"] for f in d["firms"]) == 360
assert len(d["firms"]) == 9, len(d["firms"])
p02 = d["firms"][1]
assert p02["name"].startswith("P02") and p02["total"] == 30
assert p02["payments"] == [{"rule": "R7a", "amount": 20, "lo": 20, "hi": 20, "paid_year": 2025},
                           {"rule": "R8", "amount": 10, "lo": 10, "hi": 10, "paid_year": 2023}], p02["payments"]
p07 = [f for f in d["firms"] if f["name"].startswith("P07")][0]
assert p07["payments"] == [{"rule": "R8", "amount": None, "lo": None, "hi": None, "paid_year": 2023}], p07
EOF

# Every format into --out; each file once, atomically; twice the same bytes.
for f in text csv json md html xlsx; do
    run "$BIN" register pay "$DATA/hand_pay.csv" --format "$f" --out o1 --quiet
    expect_code 0 "--format $f --out"
    run "$BIN" register pay "$DATA/hand_pay.csv" --format "$f" --out o2 --quiet
done
for f in register_pay.txt register_pay_by_rule.csv register_pay_by_county.csv register_pay_firms.csv \
         register_pay.json register_pay.md register_pay.html register_pay.xlsx; do
    checks=$((checks + 1))
    [ -s "o1/$f" ] || fail_check "--out wrote $f"
    expect_same "o1/$f" "o2/$f" "$f the same bytes twice"
done
checks=$((checks + 1))
ls o1 | grep -qv '^register_pay' && fail_check "--out holds only the results (no temporary files): $(ls o1)"
checks=$((checks + 1))
head -n 1 o1/register_pay_firms.csv | grep -q "line,credit_code,name,county,year,R7a,R7a_year,R8,R8_year,total" ||
    fail_check "the subsidy table's CSV header: $(head -n 1 o1/register_pay_firms.csv)"

checks=$((checks + 1))
/usr/bin/python3 - o1/register_pay.xlsx <<'EOF' || fail_check "the workbook: three sheets, the subsidy table sums to 360"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
assert wb.sheetnames == ["by_rule", "by_county", "firms"], wb.sheetnames
ws = wb["firms"]
head = None
for row in ws.iter_rows(values_only=True):
    if head is None:
        if "合计（万元）" in row:
            head = list(row)
            total, name = head.index("合计（万元）"), head.index("企业名称")
            got = []
        continue
    if row[name]:
        got.append((row[name], row[total]))
assert head, "no header row"
assert sum(v for _, v in got) == 360, got
assert ("P05 已有证书研发1亿", 100) in got, got
EOF

checks=$((checks + 1))
/usr/bin/python3 - o1/register_pay.html <<'EOF' || fail_check "the HTML: the leader's page first, the largest recipient first, self-contained"
import re, sys
from html.parser import HTMLParser
text = open(sys.argv[1], encoding="utf-8").read()
assert "<script" not in text and not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", text), "outside resource"
class Doc(HTMLParser):
    def __init__(self):
        super().__init__(); self.sections = []; self.stack = []; self.items = []
    def handle_starttag(self, tag, attrs):
        if tag not in ("meta", "br", "col", "link"): self.stack.append(tag)
        if tag == "section": self.sections.append(dict(attrs).get("class"))
        if tag == "li": self.items.append("")
    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, "unbalanced </%s>" % tag
        self.stack.pop()
    def handle_data(self, d):
        if "li" in self.stack: self.items[-1] += d
d = Doc(); d.feed(text)
assert d.sections[0] == "leader" and len(d.sections) == 4, d.sections
assert "补助总额 360.00 万元, 12 payments" in text
assert d.items[0].startswith("P05 已有证书研发1亿") and d.items[0].endswith("100.00 万元"), d.items[:2]
EOF

# The leader's page first and the footer (generated date, version, the register with its SHA-256),
# as every leader-first report (tests/cli/leader_check.py, its checks for every kind).
checks=$((checks + 1))
/usr/bin/python3 "$ROOT/tests/cli/leader_check.py" register_pay o1/register_pay.html || fail_check "leader_check on the payments' HTML"

# A reform file: R7a 30 (five payments +10) and R8's steps 300 -> 5, 600 -> 10 (P01 +5, P02 −5,
# P03 +5): +55 by hand; winners P01 +15, P04 2023 +10, P06 2024 +10, P08 +10, P02 +5, P03 +5.
run "$BIN" register pay "$DATA/hand_pay.csv" --reform "$REFORM" --format json
expect_code 0 "register pay --reform"
cp "$TMP/out" reform.json
checks=$((checks + 1))
/usr/bin/python3 - reform.json <<'EOF' || fail_check "the reform's JSON: cost change, winners and losers by hand"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["reform"]["name"] == "R7a 30; R8 steps 300/600", d["reform"]
c = d["cost"]
assert (c["before"], c["after"], c["change"]) == (360, 415, 55), c
w = [(x["name"][:3], x["year"], x["change"]) for x in d["winners"]]
assert w == [("P01", 2024, 15), ("P04", 2023, 10), ("P06", 2024, 10), ("P08", 2024, 10), ("P02", 2024, 5),
             ("P03", 2024, 5)], w
assert d["losers"] == []
sub = {(r["rule"], r["county"]): r["change"] for r in c["by_rule"]}
assert sub[("R7a", None)] == 50 and sub[("R8", None)] == 5 and sub[("R8", "凉州区")] == 0, sub
EOF
for f in text csv md html xlsx; do
    run "$BIN" register pay "$DATA/hand_pay.csv" --reform "$REFORM" --format "$f" --out r1 --quiet
    expect_code 0 "--reform --format $f --out"
done
checks=$((checks + 1))
/usr/bin/python3 "$ROOT/tests/cli/leader_check.py" register_reform r1/register_reform.html || fail_check "leader_check on the reform's HTML"
for f in register_reform.txt register_reform_cost.csv register_reform_winners.csv register_reform_losers.csv \
         register_reform.md register_reform.html register_reform.xlsx; do
    checks=$((checks + 1))
    [ -s "r1/$f" ] || fail_check "--reform --out wrote $f"
done

# The example county register (SYNTHETIC): every format written; the JSON's totals are the sums of
# its firms and of its cells, and the assumptions travel with it.
for f in csv json html xlsx; do
    run "$BIN" register pay "$ROOT/examples/data/registers/wuwei_SYNTHETIC.csv" --format "$f" --out ex --quiet
    expect_code 0 "register pay on the example register, --format $f"
done
checks=$((checks + 1))
/usr/bin/python3 - ex/register_pay.json <<'EOF' || fail_check "the example register's JSON adds up"
import json, sys
d = json.load(open(sys.argv[1]))
t = d["totals"]
assert abs(sum(f["total"] for f in d["firms"]) - t["amount"]) < 1e-9
assert abs(sum(c["amount"] for c in t["cells"]) - t["amount"]) < 1e-9
assert "SYNTHETIC" in d["title"]
assert any(a.startswith("ASSUMPTION") for r in d["rules"] for a in r["assumptions"])
EOF

# Bad reform files: exit 3 at the file (line for Lua's syntax), and nothing written to --out.
printf 'return {\n  changes = { R7a = { amount = 30 }\n' >syntax.lua
run "$BIN" register pay "$DATA/hand_pay.csv" --reform syntax.lua --format json --out o3
expect_code 3 "a reform file with a syntax error"
expect_err "syntax.lua:3:" "placed at its line"
checks=$((checks + 1))
[ -e o3 ] && [ -n "$(ls o3)" ] && fail_check "a failed run wrote into --out: $(ls o3)"
printf 'return { changes = { R99 = { amount = 1 } } }\n' >norule.lua
run "$BIN" register pay "$DATA/hand_pay.csv" --reform norule.lua
expect_code 3 "a reform of a rule the policy lacks"
expect_err "norule.lua:1:1: reform: policy wuwei has no rule R99" "the rule is named at the file"
printf 'return { changes = { R7a = { amuont = 30 } } }\n' >field.lua
run "$BIN" register pay "$DATA/hand_pay.csv" --reform field.lua
expect_code 3 "a reform with an unknown schedule field"
expect_err "field.lua:1:1: schedule: unknown field 'amuont'" "the field is named"
printf 'return 42\n' >number.lua
run "$BIN" register pay "$DATA/hand_pay.csv" --reform number.lua
expect_code 3 "a reform file that returns no table"
expect_err "number.lua:1:1: a reform file returns" "the expected shape is said"
printf 'os.exit(7)\n' >globals.lua
run "$BIN" register pay "$DATA/hand_pay.csv" --reform globals.lua
expect_code 3 "a reform file is data: no globals"
run "$BIN" register pay "$DATA/hand_pay.csv" --reform missing.lua
expect_code 2 "a reform file that does not exist"

# A bad register: exit 3 at file:line:col, as register check.
run "$BIN" register pay "$DATA/bad/bad_check_char.csv"
expect_code 3 "a bad 统一社会信用代码"
expect_err "bad_check_char.csv:" "placed at the file"

# Usage errors: exit 2.
run "$BIN" register pay "$DATA/hand_pay.csv" --policy nosuch
expect_code 2 "an unknown policy"
expect_err "no firm-level rules for policy 'nosuch'" "the policy is named"
run "$BIN" register pay "$DATA/hand_pay.csv" --criteria tsme
expect_code 2 "register pay takes no --criteria"
run "$BIN" register check "$DATA/hand_pay.csv" --reform "$REFORM"
expect_code 2 "register check takes no --reform"
run "$BIN" register pay "$DATA/hand_pay.csv" --format csv
expect_code 2 "csv without --out"
run "$BIN" register pay "$DATA/hand_pay.csv" --format xlsx
expect_code 2 "xlsx without --out"
run "$BIN" register pay "$DATA/hand_pay.csv" --format svg
expect_code 2 "svg"
run "$BIN" register pay
expect_code 2 "no register file"
run "$BIN" register pay "$DATA/hand_pay.csv" "$DATA/hand_hte.csv"
expect_code 2 "two register files"

finish
