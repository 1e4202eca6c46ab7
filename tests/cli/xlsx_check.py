#!/usr/bin/python3
"""xlsx_check.py KIND BOOK.xlsx RESULT.json [SOFFICE.csv] — checks a workbook tuiyan wrote against
the JSON of the same results (full precision), with openpyxl (Debian python3-openpyxl: its
absence is a failure, never a skip). KIND: progress, compare, mc, county. Exit 1 listing every
problem. libxlsxwriter writes numbers with 16 significant digits, so cells are compared with
the JSON to a relative 1e-15 (and exactly where the JSON number has 16 digits or fewer).
The status colours are read from the HTML report's CSS (stdlib/tuiyan/html.lua) here, not
from tuiyan. With SOFFICE.csv (LibreOffice's own CSV of the progress book, as it displays the
cells), the shown numbers must be the JSON's rounded to the number format's decimals."""
import csv, json, math, re, sys

try:
    import openpyxl
except ImportError:
    print("xlsx_check: python3-openpyxl is missing (apt-get install python3-openpyxl)")
    sys.exit(1)

kind, book, result = sys.argv[1], sys.argv[2], sys.argv[3]
wb = openpyxl.load_workbook(book)
data = json.load(open(result, encoding="utf-8"))
problems = []


def problem(msg):
    problems.append(msg)


def same(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, str) or isinstance(b, str):
        return False
    return a == b or abs(a - b) <= 1e-15 * max(abs(a), abs(b))


UNIT_FORMAT = {"家": "#,##0", "个": "#,##0", "项": "#,##0", "万元": "#,##0.00", "亿元": "#,##0.00", "%": "0.00"}
css = open("stdlib/tuiyan/html.lua", encoding="utf-8").read()
CLASS_BG = {c: bg.upper() for c, bg in re.findall(r"\.(st-[\w]+) \{ background: #([0-9a-fA-F]{6});", css)}
STATUS_CLASS = dict(re.findall(r"(\w+) = \"(st-[\w]+)\"", css.split("M.STATUS_CLASS", 1)[1].split("}", 1)[0]))


def sheet(name):
    if name not in wb.sheetnames:
        problem(f"no sheet {name!r} (sheets: {wb.sheetnames})")
        return None
    ws = wb[name]
    if ws.freeze_panes != "A3":
        problem(f"{name}: frozen at {ws.freeze_panes}, want A3 (title, then the header)")
    for n in wb.sheetnames:
        if len(n) > 31 or re.search(r"[\[\]:*?/\\]", n):
            problem(f"bad sheet name {n!r}")
    return ws


def table(ws):
    """header titles (row 2) -> column index; then the data rows as lists of cells."""
    head = [c.value for c in ws[2]]
    rows = []
    for r in ws.iter_rows(min_row=3):
        if r[0].value is None:
            break
        rows.append(r)
    return {h: i for i, h in enumerate(head) if h is not None}, rows


def col(head, prefix):
    for h, i in head.items():
        if h.startswith(prefix):
            return i
    problem(f"no column starting {prefix!r} in {list(head)}")
    return 0


def check_cell(cell, want, fmt, what):
    if not same(cell.value, want):
        problem(f"{what}: cell {cell.coordinate} = {cell.value!r}, JSON {want!r}")
    if want is not None and fmt is not None and cell.number_format != fmt:
        problem(f"{what}: cell {cell.coordinate} format {cell.number_format!r}, want {fmt!r}")


if kind == "progress":
    ws = sheet("进展 progress")
    head, rows = table(ws)
    byid = {}
    for r in rows:
        byid[(r[col(head, "id")].value, r[col(head, "目标年")].value)] = r
    n = 0
    for ind in data["indicators"]:
        ufmt = UNIT_FORMAT.get(ind["unit"], "#,##0.00##")
        for t in ind["targets"]:
            r = byid.get((ind["id"], t["year"]))
            if r is None:
                problem(f"no row for {ind['id']} {t['year']}")
                continue
            n += 1
            what = f"{ind['id']} {t['year']}"
            check_cell(r[col(head, "基期值")], ind["base"] and ind["base"]["value"], ufmt, what + " base")
            check_cell(r[col(head, "最新值")], ind["latest"] and ind["latest"]["value"], ufmt, what + " latest")
            check_cell(r[col(head, "目标值")], t["value"], ufmt, what + " threshold")
            check_cell(r[col(head, "年需增")], t["required_change"], ufmt, what + " required_change")
            check_cell(r[col(head, "预计")], t["projected"], ufmt, what + " projected")
            for key, title in (("required_rate", "需增速"), ("actual_rate", "实际增速"), ("progress", "进度 P"),
                               ("completion", "任务进度"), ("time_share", "时间进度")):
                check_cell(r[col(head, title)], t[key], "0.0%", f"{what} {key}")
            check_cell(r[col(head, "序时差")], t["schedule_gap"], "+0.0%;-0.0%;0.0%", what + " schedule_gap")
            st = r[col(head, "状态")]
            want_bg = CLASS_BG[STATUS_CLASS.get(t["status"], "st-none")]
            got_bg = (st.fill.fgColor.rgb or "")[-6:].upper()
            if st.fill.fill_type != "solid" or got_bg != want_bg:
                problem(f"{what}: status {t['status']} filled {st.fill.fill_type} #{got_bg}, want #{want_bg}")
            if not str(st.value).startswith(t["status"]):
                problem(f"{what}: status cell {st.value!r}, want {t['status']}")
    if n < 20:
        problem(f"only {n} targets compared")
    if len(sys.argv) > 4:   # LibreOffice's CSV of the same book, as displayed
        shown = list(csv.reader(open(sys.argv[4], encoding="utf-8")))
        hi = {h: i for i, h in enumerate(shown[1])}
        checked = 0
        for line in shown[2:]:
            if not line or not line[0] or (line[0], line[hi["目标年 target year"]]) not in {
                    (i["id"], str(t["year"])) for i in data["indicators"] for t in i["targets"]}:
                continue
            ind = next(i for i in data["indicators"] if i["id"] == line[0])
            t = next(x for x in ind["targets"] if str(x["year"]) == line[hi["目标年 target year"]])
            for key, title, pct in (("required_change", "年需增 req/yr", False), ("required_rate", "需增速 req rate", True),
                                    ("projected", "预计 projected", False)):
                text, want = line[hi[title]], t[key]
                if want is None:
                    if text != "":
                        problem(f"soffice {line[0]} {key}: {text!r}, want empty")
                    continue
                m = re.fullmatch(r"(-?[\d,]*\.?(\d*))(%?)", text)
                if not m:
                    problem(f"soffice {line[0]} {key}: {text!r} is not a number")
                    continue
                got, dec = float(m.group(1).replace(",", "")), len(m.group(2))
                w = want * 100 if pct else want
                if abs(got - w) > 0.5 * 10 ** -dec + 1e-9:
                    problem(f"soffice {line[0]} {t['year']} {key}: shows {text}, JSON {want}")
                checked += 1
        if checked < 20:
            problem(f"soffice: only {checked} numbers compared")
elif kind == "compare":
    ws = sheet("情景对比 comparison")
    sheet("假设 assumptions")
    head, rows = table(ws)
    n = 0
    for ind, r in zip(data["indicators"], rows):
        if r[col(head, "id")].value != ind["id"] or r[col(head, "年")].value != ind["year"]:
            problem(f"row {r[0].row}: {r[0].value} is not {ind['id']} {ind['year']}")
            continue
        for s in ind["scenarios"]:
            check_cell(r[head[s["scenario"]]], s["value"], UNIT_FORMAT.get(ind["unit"]), f"{ind['id']} {s['scenario']}")
            n += 1
    if n < 50:
        problem(f"only {n} values compared")
elif kind == "mc":
    ws = sheet("概率 probabilities")
    sheet("假设 assumptions")
    sheet("tornado")
    head, rows = table(ws)
    cells = {(r[0].value, r[col(head, "年")].value, r[col(head, "情景")].value): r for r in rows}
    n = 0
    for ind in data["probabilities"]["indicators"]:
        for s in ind["scenarios"]:
            r = cells.get((ind["id"], ind["year"], s["scenario"]))
            if r is None:
                problem(f"no row {ind['id']} {ind['year']} {s['scenario']}")
                continue
            what = f"{ind['id']} {ind['year']} {s['scenario']}"
            check_cell(r[col(head, "P(达标)")], s["p_meet"], "0.0%", what + " p_meet")
            check_cell(r[col(head, "均值")], s["mean"], UNIT_FORMAT.get(ind["unit"]), what + " mean")
            n += 1
    if n < 50:
        problem(f"only {n} rows compared")
elif kind == "county":
    ws = sheet("aggregate")
    sheet("ranking")
    sheet("composite")
    head, rows = table(ws)
    city = col(head, "武威")
    n = 0
    for jr, r in zip(data["aggregate"]["rows"], rows):
        check_cell(r[city], jr["city"], UNIT_FORMAT.get(jr["unit"]), f"aggregate {jr['id']}")
        n += 1
    if n < 10:
        problem(f"only {n} rows compared")
else:
    problem(f"unknown kind {kind}")

for p in problems[:40]:
    print(p)
sys.exit(1 if problems else 0)
