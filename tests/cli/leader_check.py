#!/usr/bin/env python3
"""leader_check.py KIND REPORT.html [EXPECT.json] — the leader's page of an HTML report, parsed
with html.parser (not by searching the text):

  every KIND: the first <section> is class "leader" and comes before any chart (<svg>); the footer
  has "generated YYYY-MM-DD", "tuiyan VERSION" and each data source with a 64-hex SHA-256;
  with EXPECT (JSON {"date", "version", "sources": [[label, sha256], ...]}) exactly those.
  progress: the leader's list ("ol.urgent") names the behind/stalled/regressing/missed targets in
    urgency order, recomputed here from `tuiyan progress --format json` (EXPECT's "progress"):
    missed/overdue first by 1 - completion, then by 1 - P, then the higher required rate; and
    the main table's rows are in that same order for those targets.
  uncertainty: the P(达标) table comes before the first chart, every P cell carries the class of
    its value (p-high >= 80 %, p-mid 50-80 %, p-low < 50 %), least likely first.
  comparison: every ✓ is inside class met-yes and every ✗ inside met-no; the leader's page has
    each scenario's total cost.
Prints what is wrong; exits 1 if anything is."""
import json, re, sys
from html.parser import HTMLParser

kind, path = sys.argv[1], sys.argv[2]
expect = json.load(open(sys.argv[3], encoding="utf-8")) if len(sys.argv) > 3 else {}
text = open(path, encoding="utf-8").read()
errors = []


class Doc(HTMLParser):
    """Keeps the order of sections, charts and tables, the text of each element by path."""
    def __init__(self):
        super().__init__()
        self.stack = []        # (tag, attrs)
        self.events = []       # ("section", class) | ("svg",) | ("table", class) in document order
        self.sections = []     # {"class", "text", "li": [...], "rows": [[cell texts]], "pcells": [(class, text)]}
        self.footer = ""
        self.marks = []        # (mark, enclosing classes)
        self.cur_li = None
        self.cur_cell = None

    def classes(self):
        out = []
        for _, a in self.stack:
            out += (a.get("class") or "").split()
        return out

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.stack.append((tag, a))
        if tag == "section":
            self.sections.append({"class": a.get("class"), "text": "", "li": [], "rows": [], "pcells": []})
            self.events.append(("section", a.get("class")))
        elif tag == "svg":
            self.events.append(("svg",))
        elif tag == "table":
            self.events.append(("table", a.get("class")))
        elif tag == "li" and self.sections:
            self.cur_li = ""
        elif tag == "tr" and self.sections:
            self.sections[-1]["rows"].append([])
        elif tag in ("td", "th") and self.sections:
            self.cur_cell = {"class": a.get("class") or "", "text": ""}

    def handle_endtag(self, tag):
        if tag == "p" and any(t == "footer" for t, _ in self.stack):
            self.footer += "\n"
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break
        if tag == "li" and self.cur_li is not None:
            self.sections[-1]["li"].append(self.cur_li)
            self.cur_li = None
        elif tag in ("td", "th") and self.cur_cell is not None:
            sec = self.sections[-1]
            if sec["rows"]:
                sec["rows"][-1].append(self.cur_cell["text"])
            if tag == "td" and "num" in self.cur_cell["class"].split() and "%" in self.cur_cell["text"]:
                sec["pcells"].append((self.cur_cell["class"], self.cur_cell["text"]))
            self.cur_cell = None

    def handle_data(self, data):
        if any(t == "footer" for t, _ in self.stack):
            self.footer += data
        if self.sections and not any(t in ("style", "svg") for t, _ in self.stack):
            self.sections[-1]["text"] += data
        if self.cur_li is not None:
            self.cur_li += data
        if self.cur_cell is not None:
            self.cur_cell["text"] += data
        for m in ("✓", "✗"):
            if m in data and not any(t == "svg" for t, _ in self.stack):
                self.marks += [(m, self.classes())] * data.count(m)


d = Doc()
d.feed(text)

# The leader's page first, before any chart.
if not d.sections or d.sections[0]["class"] != "leader":
    errors.append("the first section is not the leader's page (class leader)")
first_svg = next((i for i, e in enumerate(d.events) if e[0] == "svg"), None)
first_leader = next((i for i, e in enumerate(d.events) if e == ("section", "leader")), None)
if first_leader is None or (first_svg is not None and first_svg < first_leader):
    errors.append("a chart comes before the leader's page")

# Footer.
m = re.search(r"generated (\d{4}-\d{2}-\d{2})", d.footer)
if not m:
    errors.append(f"footer: no generated date: {d.footer!r}")
elif "date" in expect and m.group(1) != expect["date"]:
    errors.append(f"footer: generated {m.group(1)}, expected {expect['date']}")
v = re.search(r"tuiyan (\S+)", d.footer)
if not v or ("version" in expect and v.group(1) != expect["version"]):
    errors.append(f"footer: version {v and v.group(1)!r}, expected {expect.get('version')!r}")
hashes = re.findall(r"data: (.*?) · SHA-256 ([0-9a-f]{64})", d.footer)
if not hashes:
    errors.append(f"footer: no data source with its SHA-256: {d.footer!r}")
if "sources" in expect and [list(h) for h in hashes] != expect["sources"]:
    errors.append(f"footer: sources {hashes}, expected {expect['sources']}")

URGENT = {"missed": 1, "overdue": 1, "regressing": 2, "stalled": 2, "behind": 2}
if kind == "progress":
    data = json.load(open(expect["progress"], encoding="utf-8"))
    items = []
    for k, ind in enumerate(data["indicators"]):
        for t in ind["targets"]:
            g = URGENT.get(t["status"])
            if g is None:
                continue
            if g == 1:
                short = 1 - (t["completion"] or 0)
            else:
                short = 1 - (t["progress"] or 0)
            rate = t["required_rate"] if t["required_rate"] is not None else float("-inf")
            items.append(((g, -short, -rate, len(items)), ind["name"], t["year"]))
    items.sort()
    want = [(n, y) for _, n, y in items]
    lis = d.sections[0]["li"] if d.sections else []
    got = []
    for li in lis:
        mm = re.match(r"\s*(.+?) (\d{4}) 目标", li)
        got.append((mm.group(1), int(mm.group(2))) if mm else (li, None))
    if got != want:
        errors.append(f"leader's list {got}, expected in urgency order {want}")
    # The main table: the urgent targets in the same order, first.
    table = next((s for s in d.sections if s["rows"] and "指标进展" in s["text"]), None)
    if table is None:
        errors.append("no main progress table")
    else:
        rows = [(re.sub(r" \[\d+\]$", "", r[0]), int(r[4])) for r in table["rows"][1:] if len(r) > 4 and r[4].isdigit()]
        if rows[:len(want)] != want:
            errors.append(f"main table starts {rows[:len(want)]}, expected {want}")
elif kind == "uncertainty":
    first_table = next((i for i, e in enumerate(d.events) if e[0] == "table"), None)
    if first_table is None or first_svg is None or first_table > first_svg:
        errors.append("the P(达标) table does not come before the first chart")
    pcells = d.sections[0]["pcells"] if d.sections else []
    if not pcells:
        errors.append("no P(达标) cells on the leader's page")
    ps = []
    for cls, txt in pcells:
        p = float(txt.strip().rstrip("%")) / 100
        want = "p-high" if p >= 0.8 else "p-mid" if p >= 0.5 else "p-low"
        if want not in cls.split():
            errors.append(f"P cell {txt}: class {cls!r}, expected {want}")
    first = [float(r[3].strip().rstrip("%")) for r in d.sections[0]["rows"][1:]] if d.sections else []
    if first != sorted(first):
        errors.append(f"P(达标) of the first scenario not least likely first: {first}")
    main = d.sections[1]["pcells"] if len(d.sections) > 1 else []
    pmain = [c for c in main if re.match(r"^\s*\d+\.\d%\s*$", c[1])]
    if not pmain or any(not ({"p-high", "p-mid", "p-low"} & set(c.split())) for c, _ in pmain):
        errors.append("the quantile table's P(达标) cells are not coloured")
elif kind == "comparison":
    if not d.marks:
        errors.append("no ✓/✗ in the report")
    for mark, cls in d.marks:
        want = "met-yes" if mark == "✓" else "met-no"
        if want not in cls:
            errors.append(f"a {mark} outside class {want} (in {cls})")
            break
    for name, cost in expect.get("costs", []):
        rows = d.sections[0]["rows"] if d.sections else []
        if not any(r and r[0] == name and r[-1] == cost for r in rows):
            errors.append(f"leader's page: no total cost {cost} for {name}: {rows}")
for e in errors:
    print(e)
sys.exit(1 if errors else 0)
