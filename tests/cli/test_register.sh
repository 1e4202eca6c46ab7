#!/bin/sh
# test_register.sh BIN — tuiyan register check through the command line: the hand-built register
# (its verdicts are checked in tests/lua/test_register.lua; here the shape of what is printed and
# written), the JSON shape of docs/registers.md, every format written with --out, the same bytes
# twice, a workbook, a GB18030 file and Chinese headers giving the same JSON as the CSV, the
# SYNTHETIC generator deterministic and equal to the example register, and each bad file with
# exit 3 at its cell (tests/data/registers/bad/EXPECT), usage errors with exit 2.
. tests/cli/lib.sh
. tests/cli/locales.sh

DATA="$ROOT/tests/data/registers"
cd "$TMP" || exit 1

run "$BIN" register check "$DATA/hand_hte.csv"
expect_code 0 "register check on the hand-built register"
expect_out "高新技术企业认定条件 — $DATA/hand_hte.csv" "the title names the criteria and the register"
expect_out "高企后备" "the 后备 list follows the firms"
expect_out "S&T staff 8.18%, needs 10.00%: 2 人 more" "a shortfall in people"
expect_out "R&D over three years 4.91%, needs 5.00%: 10.00 万元 more" "a shortfall in 万元"
cp "$TMP/out" first.txt
run "$BIN" register check "$DATA/hand_hte.csv"
expect_same first.txt "$TMP/out" "two runs print the same bytes"

run "$BIN" register check "$DATA/hand_hte.csv" --format json
expect_code 0 "register check --format json"
cp "$TMP/out" hte.json
checks=$((checks + 1))
python3 - hte.json <<'EOF' || fail_check "the JSON shape of docs/registers.md"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["criteria"] == "hte", d["criteria"]
firms = d["firms"]
assert len(firms) == 30
assert [f["name"][:3] for f in firms] == ["F%02d" % k for k in range(1, 31)], "file order"
for f in firms:
    for key in ("credit_code", "name", "qualifies", "criteria"):
        assert key in f, key
    assert [c["id"] for c in f["criteria"]] == ["registered", "ip", "st_staff", "rd_ratio", "rd_domestic",
                                                "hitech_revenue", "score"]
    for c in f["criteria"]:
        for key in ("id", "met", "value", "threshold", "shortfall", "unit"):
            assert key in c, (f["name"], key)
f11 = firms[10]["criteria"][2]
assert f11["met"] is False and f11["shortfall"] == 2 and f11["unit"] == "share" and f11["threshold"] == 0.1, f11
assert firms[21]["criteria"][6]["met"] is None and firms[21]["qualifies"] is True   # F22: no score
assert sum(f["qualifies"] for f in firms) == 15
EOF

run "$BIN" register check "$DATA/hand_tsme.csv" --criteria tsme --format json
expect_code 0 "register check --criteria tsme"
expect_out '"criteria": "tsme"' "the tsme criteria were used"

# The same bytes whatever the locale (a decimal comma), the time zone and Lua's hash seed.
require_locales
for f in json text; do
    "$BIN" register check "$DATA/hand_hte.csv" --format $f >c_$f.out 2>&1
    LC_ALL=de_DE.UTF-8 TZ=Asia/Shanghai "$BIN" register check "$DATA/hand_hte.csv" --format $f >de_$f.out 2>&1
    expect_same c_$f.out de_$f.out "--format $f under de_DE.UTF-8 and Asia/Shanghai"
    LC_ALL=zh_CN.UTF-8 TZ=America/New_York "$BIN" register check "$DATA/hand_hte.csv" --format $f >zh_$f.out 2>&1
    expect_same c_$f.out zh_$f.out "--format $f under zh_CN.UTF-8 and America/New_York"
done

# Every format into --out; each file once, atomically; twice the same bytes.
for f in text csv json md html xlsx; do
    run "$BIN" register check "$DATA/hand_hte.csv" --format "$f" --out o1 --quiet
    expect_code 0 "--format $f --out"
    run "$BIN" register check "$DATA/hand_hte.csv" --format "$f" --out o2 --quiet
done
for f in register_hte.txt register_hte_firms.csv register_hte_candidates.csv register_hte.json register_hte.md \
         register_hte.html register_hte.xlsx; do
    checks=$((checks + 1))
    [ -s "o1/$f" ] || fail_check "--out wrote $f"
    expect_same "o1/$f" "o2/$f" "$f the same bytes twice"
done
checks=$((checks + 1))
head -n 1 o1/register_hte_candidates.csv | grep -q "year,rank,credit_code,name,county,unmet,gap,lacks" ||
    fail_check "the candidates CSV header"
checks=$((checks + 1))
python3 - o1/register_hte.xlsx <<'EOF' || fail_check "the workbook holds both tables"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
assert wb.sheetnames == ["firms", "candidates"], wb.sheetnames
ws = wb["candidates"]
assert ws.max_row >= 17, ws.max_row     # title, header, 15 candidates
EOF

checks=$((checks + 1))
python3 - o1/register_hte.html <<'EOF' || fail_check "the HTML report: self-contained, both tables, every 后备 firm"
import re, sys
from html.parser import HTMLParser
text = open(sys.argv[1], encoding="utf-8").read()
assert "<script" not in text and not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", text), "outside resource"
class Tags(HTMLParser):
    def __init__(self):
        super().__init__(); self.stack = []; self.tables = 0; self.cells = {}
    def handle_starttag(self, tag, attrs):
        if tag not in ("meta", "br", "col", "link"): self.stack.append(tag)
        if tag == "table": self.tables += 1
    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, "unbalanced </%s> after %s" % (tag, self.stack[-3:])
        self.stack.pop()
    def handle_data(self, d):
        if "table" in self.stack: self.cells.setdefault(self.tables, []).append(d)
t = Tags(); t.feed(text)
assert not t.stack and t.tables == 2, (t.stack, t.tables)
firms, candidates = "".join(t.cells[1]), "".join(t.cells[2])
assert "F01 基准企业" in firms and "F01 基准企业" not in candidates, "F01 qualifies"
for lacks in ("high-tech product revenue 59.98%, needs 60.00%: 1.00 万元 more", "F27 两项不足"):
    assert lacks in candidates, lacks
EOF

# The same register as a workbook (Chinese headers, numbers and dates as Excel holds them), in
# GB18030 and with amounts in 元: the same check.
checks=$((checks + 1))
python3 - "$DATA/hand_hte.csv" <<'EOF' || fail_check "writing the workbook and GB18030 twins"
import csv, datetime, sys, openpyxl
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
title, rows = lines[0], list(csv.reader(lines[1:]))
alias = {"credit_code": "统一社会信用代码", "name": "企业名称", "county": "县区", "year": "申报年度",
         "registered": "注册日期", "staff": "职工总数", "st_staff": "科技人员数", "revenue_1": "销售收入_1",
         "revenue_2": "销售收入_2", "revenue_3": "销售收入_3", "rd_1": "研发费用_1", "rd_2": "研发费用_2",
         "rd_3": "研发费用_3", "rd_domestic": "境内研发费用", "hitech_revenue": "高新技术产品收入",
         "ip_core": "核心知识产权", "score": "创新能力得分", "applied": "申报日期"}
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "培育库"
ws.append([title])
ws.append([alias[h] for h in rows[0]])
for r in rows[1:]:
    out = []
    for h, v in zip(rows[0], r):
        if v == "" or h in ("credit_code", "name", "county"):
            out.append(v if v != "" else None)
        elif h in ("registered", "applied"):
            out.append(datetime.date.fromisoformat(v))
        else:
            out.append(float(v) if "." in v else int(v))
    ws.append(out)
for row in ws.iter_rows(min_row=3):
    for c in row:
        if isinstance(c.value, datetime.datetime):
            c.number_format = "yyyy-mm-dd"
wb.save("hand.xlsx")
open("hand_gbk.csv", "wb").write("\n".join(lines).encode("gb18030") + b"\n")
EOF
run "$BIN" register check hand.xlsx --format json
expect_code 0 "the register as a workbook"
python3 -c "
import json, sys
a, b = json.load(open('hte.json')), json.load(open('$TMP/out'))
assert a['firms'] == b['firms'], 'firms differ'
" 2>"$TMP/pyerr" || fail_check "the workbook gives the CSV's firms: $(cat "$TMP/pyerr" | tail -1)"
checks=$((checks + 1))
run "$BIN" register check hand_gbk.csv --format json
expect_code 0 "the register in GB18030"
expect_err "read as GB18030" "the GB18030 notice"
python3 -c "
import json
a, b = json.load(open('hte.json')), json.load(open('$TMP/out'))
assert a['firms'] == b['firms']
" || fail_check "GB18030 gives the UTF-8 file's firms"
checks=$((checks + 1))

# A workbook's bad cell is placed as book.xlsx:Sheet!A3; merged cells in the table are refused.
checks=$((checks + 1))
python3 - <<'EOF' || fail_check "writing the bad workbooks"
import openpyxl
for name, code, merge in (("bad_code.xlsx", "91620600MA7000002Q", None), ("merged.xlsx", "91620600MA7000002P", "C3:C4")):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "培育库"
    ws.append(["统一社会信用代码", "企业名称", "县区", "申报年度", "职工总数"])
    ws.append(["91620600MA7000001L", "甲", "凉州区", 2024, 100])
    ws.append([code, "乙", "凉州区", 2024, 100])
    ws.append(["91620600MA7000003T", "丙", None, 2024, 100])
    if merge:
        ws.merge_cells(merge)
    wb.save(name)
EOF
run "$BIN" register check bad_code.xlsx --criteria tsme
expect_code 3 "a bad code in a workbook"
expect_err "bad_code.xlsx:培育库!A3: 统一社会信用代码: \"91620600MA7000002Q\": its check character is 'Q'" "placed at its sheet and cell"
run "$BIN" register check merged.xlsx --criteria tsme
expect_code 3 "merged cells in a workbook's table"
expect_err "merged.xlsx:培育库!C3: cells C3:C4 are merged" "the merge is named"

# The SYNTHETIC generator: deterministic, and the example register is its output.
python3 "$ROOT/tools/gen_register.py" --firms 60 --years 2022-2024 --seed 7 --out gen1.csv
python3 "$ROOT/tools/gen_register.py" --firms 60 --years 2022-2024 --seed 7 --out gen2.csv
expect_same gen1.csv gen2.csv "the generator gives the same bytes for the same seed"
expect_same gen1.csv "$ROOT/examples/data/registers/wuwei_SYNTHETIC.csv" "the example register is the generator's output"
python3 "$ROOT/tools/gen_register.py" --firms 60 --years 2022-2024 --seed 8 --out gen3.csv
checks=$((checks + 1))
cmp -s gen1.csv gen3.csv && fail_check "another seed gives another register"
checks=$((checks + 1))
grep -q "^# title: SYNTHETIC" gen1.csv || fail_check "the generated register says SYNTHETIC in its title"
run "$BIN" register check "$ROOT/examples/data/registers/wuwei_SYNTHETIC.csv"
expect_code 0 "register check on the example register"
expect_out "SYNTHETIC register" "the report carries the SYNTHETIC title"

# Bad files: exit 3 at the cell, nothing written.
while IFS='|' read -r file want; do
    [ -n "$file" ] || continue
    run "$BIN" register check "$DATA/bad/$file" --out bad_out
    expect_code 3 "bad register $file"
    expect_err "$DATA/bad/$file:$want" "bad register $file: the place and the reason"
    checks=$((checks + 1))
    [ -e bad_out ] && [ -n "$(ls bad_out)" ] && fail_check "bad register $file: something was written"
done <"$DATA/bad/EXPECT"
run "$BIN" register check "$DATA/hand_tsme.csv"
expect_code 3 "a register without the columns the criteria need"
expect_err 'criterion registered needs column "registered", which the register does not have' "names the column"

# Usage errors.
run "$BIN" register check "$DATA/hand_hte.csv" --criteria nonesuch
expect_code 2 "an unknown --criteria"
expect_err "--criteria must be hte or tsme" "names the choices"
run "$BIN" register check nonesuch.csv
expect_code 2 "a missing register file"
run "$BIN" register check "$DATA/hand_hte.csv" --format csv
expect_code 2 "csv without --out"
run "$BIN" register
expect_code 2 "register without a command"
run "$BIN" register list "$DATA/hand_hte.csv"
expect_code 2 "an unknown register command"

finish
