#!/usr/bin/env python3
"""progress_reference.py — an independent implementation of progress against a target
(DOMAIN.md §1-2 and docs/targets.md, "targets as written"), written from the documents, not from
the C core, so a CLI test can compare

    tuiyan progress plan.csv --as-of 2022 --format json
    python3 tests/progress_reference.py plan.csv --as-of 2022

number by number (within 1e-9). Plain Python 3, standard library only. docs/targets.md wins
where it and DOMAIN differ.

Output (with null for every undefined quantity, targets in ascending year order):
  {"as_of": Y, "title": S|null, "base_year": Y|null,
   "indicators": [{"id", "name", "unit", "direction", "measure",
     "base": {"year", "value", "how"} | null, "latest": {"year", "value"} | null,
     "targets": [{"year", "text", "shape", "op", "value", "stretch", "window", "ref", "resolved",
                  "required_rate", "required_change", "actual_rate", "projected", "progress",
                  "completion", "time_share", "schedule_gap", "status", "status_why"}]}]}
The strings "how", "resolved" and "status_why" are for people; tests compare only their presence.
`--no-text` leaves them out (for a plain structural comparison with tests/cli/compare_json.py).

Plan CSV: optional leading lines `# title: TEXT` and `# base_year: YYYY` (other `#` lines before
the header are ignored as comments); columns id,name,unit required; optional category, direction,
measure, trend, aggregate, owner, note, on_track, behind, base_year, flow_of; actual_YYYY,
target_YYYY, target_YYYY_note. Unknown columns are an error.

DECISIONS where the documents leave room (the lead reconciles these with the C implementation):
 D1  Comparison op: a written word/sign wins; otherwise the row's direction (>= up, <= down) —
     for every shape that has a threshold, windows, points, growth and multiples included (so
     `+15%` on a down row means "grow at most 15 %", `新增30` on a down row "at most 30 new").
     Benchmarks always carry a written op. Rank: always "<=" with d = -1 whatever the row's
     direction. Milestones: op, value and every quantity null.
 D2  Range: floor = the less demanding number (min for up, max for down), stretch = the other,
     whatever order they are written in; op from the direction.
 D3  Series: only actuals in years <= as_of exist. A flow row's series is its flows (typed, or
     level(y) - level(y-1) of its flow_of row when both levels exist). Base of a series: the
     declared base year (row's base_year, else the plan's) if the series has a value there
     ("declared"), else its earliest value (how says "earliest", and if a year was declared,
     that it had no actual). Latest: the last value at or before as_of and not before the base.
     A level row's one-year window (`+30`, `新增30`) is judged on the row's flow series (same
     base rule applied to the flows). The indicator's base/latest are those of the row's own
     series (flows for a flow row).
 D4  Passed target (T <= as_of), judged on the value of year T only: quantities are computed
     with the latest replaced by (T, x_T) — time_share, completion, actual_rate, schedule_gap;
     required_rate, required_change, projected and progress are null. T <= base year: all
     null. no_data: every quantity null.
 D5  Open target: required_change/required_rate are computed even when t = b (no_trend);
     time_share, completion, actual_rate, projected, progress, schedule_gap are null when t = b.
     Hold targets (d(V - x_b) <= 0): completion and progress null, other quantities computed.
     An early exceeded/achieved keeps its quantities. schedule_gap = completion - time_share.
 D6  Growth: x(T-1) is the actual when it exists (year <= as_of). A passed growth target whose
     x(T-1) is missing cannot be resolved (no_data); an open one projects x(T-1) from the row's
     (b, t) by its trend (unresolvable when t = b or there is no actual). A benchmark likewise:
     the other row's actual of T for a passed target (missing: no_data), its projection to T by
     its own trend and base for an open one.
 D7  Points/multiples: x(base) is the declared base year's actual (<= as_of) or, undeclared,
     the earliest actual; none: no_data. On a flow row they apply to its flows.
 D8  Multi-year windows (F..T, F < T), with x_b taken as 0 (a window starts from nothing):
     total = sum of the window's flows; for a level row level(T) - level(F-1) (the window is
     known from those two levels alone, a missing level inside it does not matter). Passed:
     total missing -> no_data, else met/missed; completion = total/N, time_share = 1.
     Open: flows so far = 0 when as_of < F, else (flow row) every year F..as_of must have a
     flow, (level row) level(as_of) - level(F-1) must exist — otherwise no_data. The rest are
     projected year by year from the row's flow series (its base and latest, D3) by the row's
     trend; no flow at all -> no_data; one flow -> no_trend. projected = so far + projected
     rest, progress = projected/N, completion = so far/N, time_share = (window years <= as_of)
     / window years (0 before the window starts — rule 3 taken literally, even with no_trend),
     required_change = (N - so far)/(window years > as_of), required_rate null, actual_rate =
     the flow series' rate. Hold (d*N <= 0, e.g. a down row): on_track when the projected
     total meets N, else behind, completion/progress null. Regressing: d(x_t - x_b) < 0 on the
     flow series.
 D9  Rank: projections = max(1, floor(p + 0.5)) (half a position rounds to the worse rank);
     progress uses the rounded projection. No peers in a plan file (see D15).
 D15 Peers (`--peers FILE [--region NAME]`, docs/targets.md "Ranking among peers"): a CSV with
     region, id and actual_YYYY / YYYY / YYYY年 columns (empty = no value); the row of --region is
     left out. A rank target whose id some peer has is judged on the rank series: in each year
     the region has a value and every peer has one (<= as_of), 1 + the peers strictly better
     (larger for up, smaller for down). Every region is projected to T by the row's trend from
     the plan's declared base year (else its earliest value) to its latest value <= as_of; the
     projected rank (1 + peers whose projection is strictly better) is the projection, and is
     null when the region or a peer has no value or one value. needed = the N-th best of the
     peers' values at T (actuals when T <= as_of, else projections), null with fewer than N
     peers or a peer's value unknown. Adds rank = {regions, year, rank, own_value, needed} and
     the top-level region and peers.
 D10 Milestones: done in year D = the column year of a yes-word (是/yes/完成/已完成/done/y), or
     the year of a date (YYYY-MM-DD) in a column; only columns <= as_of and D <= as_of count.
     achieved when D <= T; else T <= as_of: overdue if some report (any non-missing cell)
     is in a year >= T, else no_data; T > as_of: pending if anything was reported, else
     no_data. A row with a milestone target reads all its actuals as milestone words; base,
     latest and every quantity are null.
 D11 An explicit op on a shape whose op the direction would give otherwise (e.g. `>=100` on a
     down row) is kept as written; d (for progress, hold, regressing) still comes from the row.
 D12 `text` is the cell with surrounding blanks removed. Default --as-of: the latest year with a
     non-missing actual cell in the plan.
 D14 Growth words in a `%` row: `增长p%`/`下降p%` are growth; `提高/提升/增加/降低/减少 p%` are
     refused as ambiguous (the document names only `提高2%`; other verbs decided here).
     Decreases (`下降`, `降低`, `减少`) negate the delta/percentage; `以上`/`以内` after them flip.
 D13 A plain `+N` is a one-year window, never a level. `完成` alone is a milestone; `完成100`
     is the level 100. `x2` is a multiple; a benchmark needs an op word or sign before the id.
 Other errors (exit 3): an unreadable cell, a unit that is not the row's, a window whose last
 year is not the target's year, a benchmark/flow_of to an unknown row or to itself, a flow_of
 row with typed actuals or measure=level, a flow_of to a flow_of row.
"""

import argparse
import csv
import io
import json
import math
import re
import sys

DEFAULT_ON_TRACK = 0.95
DEFAULT_BEHIND = 0.10

FIXED_COLUMNS = {"id", "name", "unit", "category", "direction", "measure", "trend",
                 "aggregate", "owner", "note", "on_track", "behind", "base_year", "flow_of"}
MISSING_TOKENS = {"", "-", "--", "\u2014", "\u2014\u2014", "\u2013", "N/A", "n/a", "NA",
                  "\u65e0", "/", "..."}
NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\Z")
FULL_WIDTH = {ord("\uff10") + i: str(i) for i in range(10)}
FULL_WIDTH.update({0xFF0E: ".", 0x2212: "-", 0xFF0D: "-"})


class PlanError(Exception):
    pass


def parse_number(text, unit, where):
    """A cell as a float, or None when it holds a missing-value token."""
    s = text.strip(" \t")
    if s in MISSING_TOKENS:
        return None
    s = s.translate(FULL_WIDTH)
    if unit == "%" and s.endswith("%"):
        s = s[:-1]
    if not NUMBER_RE.match(s):
        raise PlanError(f"{where}: expected a number, found {text!r}")
    value = float(s)
    if not math.isfinite(value):
        raise PlanError(f"{where}: number out of range: {text!r}")
    return value


def year_of(column, prefix, suffix=""):
    if not (column.startswith(prefix) and column.endswith(suffix)):
        return None
    rest = column[len(prefix):len(column) - len(suffix)]
    if len(rest) == 4 and rest.isdigit():
        return int(rest)
    return None


# ---------------------------------------------------------------------------------------------
# Target cells (docs/targets.md, "Details of the cell grammar").
#
# A cell is first normalised — full-width digits and signs to ASCII, traditional characters to
# simplified (TRADITIONAL), surrounding blanks removed — and the words before a number that add
# nothing (fillers) are dropped; what is left must be exactly one of the forms below, each one
# regular expression. Blanks may stand between any two words or numbers. The text as written is
# what the report shows ("text").

# Traditional -> simplified for the characters of the grammar's words and of common units only
# (个 户 项 亿元 万元 吨 亩 千瓦时 条 间 张 辆 场 门 册 台, 提昇 = 提升); not a general converter.
TRADITIONAL = str.maketrans("達確爭實現內於過兩長減進個點驗獲掛創啟啓動蓋昇億萬戶項噸畝時條間張輛場門冊臺",
                            "达确争实现内于过两长减进个点验获挂创启启动盖升亿万户项吨亩时条间张辆场门册台")
CELL_WIDTH = dict(FULL_WIDTH)
CELL_WIDTH.update({0xFF05: "%", 0xFF0B: "+", 0xFF1E: ">", 0xFF1C: "<", 0xFF1D: "=",
                   0xFF08: "(", 0xFF09: ")"})
BLANKS = " \t\r\n\u3000"
_ = "[ \t\r\n\u3000]*"                       # blanks between two tokens

# A number: digits with at most one decimal point (never the first point of a range's ".."),
# an optional exponent; NUM may start with a minus, UNUM may not. A "+" is never part of a
# number in a cell: a leading "+" is an increase.
UNUM = r"(?:[0-9]+(?:\.(?!\.)[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
NUM = "-?" + UNUM
ID_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
FILLERS = ["达到", "达", "完成", "确保", "力争", "实现"]
OP_PREFIXES = [("不低于", ">="), ("不少于", ">="), ("不小于", ">="),
               ("不高于", "<="), ("不超过", "<="), ("不多于", "<="), ("不大于", "<="),
               ("控制在", "<="),
               ("突破", ">"), ("超过", ">"), ("高于", ">"), ("多于", ">"), ("大于", ">"),
               ("低于", "<"), ("少于", "<"), ("小于", "<"),
               (">=", ">="), ("≥", ">="), ("<=", "<="), ("≤", "<="), (">", ">"), ("<", "<")]
OP_SUFFIXES = {"以上": ">=", "以内": "<=", "以下": "<="}
MILESTONE_WORDS = {"完成", "通过验收", "成功验收", "建成", "建成投用", "获批", "投入使用", "挂牌",
                   "创立", "启动", "全覆盖"}
MULTIPLE_WORDS = {"倍增": 2.0, "翻番": 2.0, "翻一番": 2.0, "翻两番": 4.0, "翻二番": 4.0,
                  "翻三番": 8.0}
UP_VERBS = ("增长", "提高", "提升", "增加")
DOWN_VERBS = ("下降", "降低", "减少")
GROWTH_VERBS = ("增长", "下降")               # growth with % even in a % row (D14)
FLIP = {">=": "<=", ">": "<", "<=": ">=", "<": ">"}

OP = "(" + "|".join(re.escape(w) for w, _op in sorted(OP_PREFIXES, key=lambda p: -len(p[0]))) + ")"
SUF = "(" + "|".join(OP_SUFFIXES) + ")"
YEAR_SEP = r"(?:\.\.|[-~～—–至到])"
YEARS = (r"(?:@" + _ + "(" + UNUM + ")" + _ + "年?" + _ + YEAR_SEP + _ + "(" + UNUM + ")" + _ + "年?"
         r"|\(" + _ + "(" + UNUM + ")" + _ + "年?" + _ + YEAR_SEP + _ + "(" + UNUM + ")" + _ + r"年?" + _
         + r"\))")
RANGE_SEP = r"(?:\.\.(?!\.)|[-~～—–至到]|[，,、]?" + _ + "力争)"
PP = "[pP][pP]"
ACCEPTED = ("accepted forms: 100, >=100, >600, <=0.5, <0.5, 100..120, 3-5, +30, "
            "+300@2023..2025, +1.5pp, +15%, x2, >row_id, rank<=3, done; 突破600, 100以上, "
            "不低于100, 0.5以内, 不高于0.5, 确保100力争120, 新增30, 新增300(2023-2025), "
            "提高1.5个百分点, 增长15%, 倍增, 翻一番, 高于row_id, 前3位, 第2, 完成, 通过验收")


def normalise_cell(text):
    return text.translate(CELL_WIDTH).translate(TRADITIONAL).strip(BLANKS)


def unit_pattern(unit):
    """The unit a number may carry in this row: % in a % row, else the row's own unit (in
    either script); None when the row has no unit word ("" or "1")."""
    if unit == "%":
        return "%"
    if unit in ("", "1"):
        return None
    return re.escape(normalise_cell(unit))


def to_number(text):
    if len(text) > 64:
        raise PlanError(f"number too long: {text!r}")
    value = float(text)
    if not math.isfinite(value):
        raise PlanError(f"number out of range: {text!r}")
    return value


def op_of(word):
    return dict(OP_PREFIXES)[word] if word else None


def combine(pre, suffix_word):
    """A comparison before the number and one after it: the same way (突破600以上 stays >) or
    an error (不低于100以下)."""
    if suffix_word is None:
        return pre
    suf = OP_SUFFIXES[suffix_word]
    if pre is None:
        return suf
    if (pre in (">=", ">")) != (suf == ">="):
        raise PlanError(f"{suffix_word} contradicts the comparison before the number")
    return pre


def fm(pattern, s):
    return re.fullmatch(pattern, s)


def direction_op(direction):
    return ">=" if direction == "up" else "<="


def parse_target(text, year, row):
    """One target cell as a dict (shape, op, value, stretch, window, ref, extra), or None for an
    empty or missing cell. Raises PlanError for a cell it cannot read."""
    raw = text.strip(" \t")
    s = normalise_cell(raw)
    if raw in MISSING_TOKENS or text.strip(BLANKS) in MISSING_TOKENS:
        return None
    unit = row["unit"]
    dop = direction_op(row["direction"])
    U = unit_pattern(unit)
    UNIT = "(?:" + U + ")?" if U else ""
    t = {"text": raw, "shape": None, "op": None, "value": None, "stretch": None, "window": None,
         "ref": None, "year": year}

    def done(shape, op=None, value=None, **extra):
        t.update(shape=shape, op=op, value=value)
        t.update(extra)
        return t

    # fillers (达到, 确保...) add nothing; a milestone word may follow them
    body = s
    while True:
        if body in MILESTONE_WORDS or body.lower() == "done":
            return done("milestone")
        filler = next((w for w in FILLERS if body.startswith(w)), None)
        if filler is None:
            break
        body = body[len(filler):].lstrip(BLANKS)
    # rank
    m = (fm("(?i:rank)" + _ + "(?:<=|≤)" + _ + "(" + NUM + ")", body)
         or fm("(?:(?:排名|进入|位居|位列)" + _ + ")?前" + _ + "(" + NUM + ")" + _ + "[位名]?" + _
               + "(?:以内)?", body)
         or fm("(?:(?:排名|进入|位居|位列)" + _ + ")?第" + _ + "(" + NUM + ")" + _ + "[位名]?", body))
    if m:
        n = to_number(m.group(1))
        if n < 1 or n != math.floor(n):
            raise PlanError("a rank is a whole number from 1")
        return done("rank", "<=", n)
    # multiple
    if body in MULTIPLE_WORDS:
        return done("multiple", dop, None, factor=MULTIPLE_WORDS[body])
    m = fm("[xX×](" + UNUM + ")", body)
    if m:
        k = to_number(m.group(1))
        if not k > 0:
            raise PlanError("a multiple must be greater than 0")
        return done("multiple", dop, None, factor=k)
    # window: 新增 / 新培育
    m = fm("(?:新增|新培育)" + _ + OP + "?" + _ + "(" + NUM + ")" + _ + UNIT + _ + SUF + "?" + _
           + YEARS + "?" + _ + SUF + "?", body)
    if m:
        pre, n, s1 = op_of(m.group(1)), to_number(m.group(2)), m.group(3)
        s2 = m.group(8)
        if n < 0:
            raise PlanError("新增 needs a number of at least 0")
        if s1 and s2:
            raise PlanError(f"cannot read {raw!r}; " + ACCEPTED)
        op = combine(pre, s1 or s2) or dop
        first, last = years_of(m, 4, year)
        return window(t, n, first, last, op, year)
    # change: verb [op] N (个百分点 | 百分点 | pp | %) [suffix]
    m = fm("(?:同比" + _ + ")?(" + "|".join(UP_VERBS + DOWN_VERBS) + ")" + _ + OP + "?" + _
           + "(" + NUM + ")" + _ + "(个百分点|百分点|" + PP + "|%)" + _ + SUF + "?", body)
    if m:
        verb, pre, number, what = m.group(1), op_of(m.group(2)), m.group(3), m.group(4)
        down = verb in DOWN_VERBS
        if down and number.startswith("-"):
            raise PlanError(f"{verb} needs a number without a sign")
        op = combine(pre, m.group(5))
        if down and op:
            op = FLIP[op]
        sign = -1.0 if down else 1.0
        if what != "%":
            return done("points", op or dop, None, delta=sign * to_number(number))
        if unit == "%" and verb not in GROWTH_VERBS:
            raise PlanError(f"{raw!r} in a % row: points or growth? write {number}个百分点 "
                            f"(points) or 增长{number}% (growth)")
        return done("growth", op or dop, None, pct=sign * to_number(number))
    # [op] "+" N then pp (points), % (growth) or [unit] [window] (window)
    m = fm(OP + "?" + _ + r"\+" + _ + "(" + NUM + ")" + _ + "(?:(" + PP + ")|(%)|" + UNIT + _
           + YEARS + "?)", body)
    if m:
        op, n = op_of(m.group(1)) or dop, to_number(m.group(2))
        if m.group(3):
            return done("points", op, None, delta=n)
        if m.group(4):
            return done("growth", op, None, pct=n)
        if n < 0:
            raise PlanError("a window total (+N) needs a number of at least 0")
        first, last = years_of(m, 5, year)
        return window(t, n, first, last, op, year)
    # benchmark: op then another row's id
    m = fm(OP + _ + "([A-Za-z_][A-Za-z0-9_]*)", body)
    if m:
        ref = m.group(2)
        if len(ref) > 63 or ref.lower() in ("inf", "infinity", "nan"):
            raise PlanError(f"{ref!r} is not a row id")
        return done("benchmark", op_of(m.group(1)), None, ref=ref)
    # level: [op] N [unit] [suffix]
    m = fm(OP + "?" + _ + "(" + NUM + ")" + _ + UNIT + _ + SUF + "?", body)
    if m:
        op = combine(op_of(m.group(1)), m.group(3))
        return done("level", op or dop, to_number(m.group(2)))
    # range: N [unit] sep N [unit], two different numbers
    m = fm("(" + NUM + ")" + _ + UNIT + _ + RANGE_SEP + _ + "(" + NUM + ")" + _ + UNIT, body)
    if m:
        a, b = to_number(m.group(1)), to_number(m.group(2))
        if a == b:
            raise PlanError("a range needs two different numbers")
        lo, hi = min(a, b), max(a, b)
        floor, stretch = (lo, hi) if row["direction"] == "up" else (hi, lo)
        return done("range", dop, floor, stretch=stretch)
    m = re.search("(" + NUM + ")" + _ + "([^\x00-\x7f]+)", body)
    if m:
        word = re.split("以上|以内|以下|力争|左右|至|到", m.group(2))[0]
        if word and word != "%" and word != normalise_cell(unit):
            raise PlanError(f"unit {word!r} after the number is not the row's unit {unit!r}")
    raise PlanError(f"cannot read {raw!r}; " + ACCEPTED)


def years_of(m, g, year):
    """The window's (first, last) from groups g..g+3 of m (the @ form, then the bracketed one),
    or the target's own year twice when no window is written."""
    ys = [m.group(g + k) for k in range(4)]
    if ys[0] is None and ys[2] is None:
        return year, year
    first, last = (ys[0], ys[1]) if ys[0] is not None else (ys[2], ys[3])
    out = []
    for y in (first, last):
        v = to_number(y)
        if v != math.floor(v) or not 1000 <= v <= 9999:
            raise PlanError("a window's years are written like (2023-2025)")
        out.append(int(v))
    return out[0], out[1]


def window(t, n, first, last, op, year):
    if last != year:
        raise PlanError(f"the window {first}-{last} must end in the target's year {year}")
    if first > last:
        raise PlanError(f"the window {first}-{last} runs backwards")
    t.update(shape="window", op=op, value=n, first=first)
    if first < last:
        t["window"] = [first, last]
    return t


# ---------------------------------------------------------------------------------------------
# Reading the plan

YES_WORDS = {"是", "yes", "y", "完成", "已完成", "done", "true"}
NO_WORDS = {"否", "no", "n", "未完成", "false"}
DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z")


def read_plan(path):
    """(meta, indicators): meta has title and base_year; indicators in file order."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        text = f.read()
    lines = text.splitlines(keepends=True)
    meta = {"title": None, "base_year": None}
    skip = 0
    for line in lines:
        s = line.strip()
        if not s.startswith("#"):
            break
        skip += 1
        m = re.fullmatch(r"#\s*(\w+)\s*:\s*(.*)", s)
        if m and m.group(1) == "title":
            meta["title"] = m.group(2).strip()
        elif m and m.group(1) == "base_year":
            if not re.fullmatch(r"\d{4}", m.group(2).strip()):
                raise PlanError(f"{path}:{skip}: base_year must be a year, found {m.group(2)!r}")
            meta["base_year"] = int(m.group(2).strip())
    rows = list(csv.reader(io.StringIO("".join(lines[skip:]), newline="")))
    if not rows:
        raise PlanError(f"{path}: empty file")
    header = rows[0]
    hline = skip + 1
    for col in header:
        if col not in FIXED_COLUMNS and year_of(col, "actual_") is None \
                and year_of(col, "target_") is None and year_of(col, "target_", "_note") is None:
            raise PlanError(f"{path}:{hline}: unknown column {col!r}")
    for need in ("id", "name", "unit"):
        if need not in header:
            raise PlanError(f"{path}: missing required column {need!r}")
    indicators = []
    seen = set()
    for line, row in enumerate(rows[1:], start=hline + 1):
        if not row:
            continue
        if len(row) != len(header):
            raise PlanError(f"{path}:{line}: expected {len(header)} fields, found {len(row)}")
        cells = dict(zip(header, row))
        if cells["id"] in seen:
            raise PlanError(f"{path}:{line}: duplicate id {cells['id']!r}")
        seen.add(cells["id"])
        ind = {"id": cells["id"], "name": cells["name"], "unit": cells["unit"],
               "direction": cells.get("direction") or "up",
               "measure": cells.get("measure") or "",
               "trend": cells.get("trend") or "cagr",
               "flow_of": cells.get("flow_of") or None,
               "base_year": None,
               "on_track": DEFAULT_ON_TRACK, "behind": DEFAULT_BEHIND,
               "actual": {}, "marks": {}, "targets": [], "line": line}
        where = f"{path}:{line}"
        if ind["direction"] not in ("up", "down"):
            raise PlanError(f"{where}: direction must be up or down")
        if ind["trend"] not in ("cagr", "linear", "wls"):
            raise PlanError(f"{where}: trend must be cagr, linear or wls")
        if ind["measure"] not in ("", "level", "flow"):
            raise PlanError(f"{where}: measure must be level or flow")
        if ind["flow_of"]:
            if ind["measure"] == "level":
                raise PlanError(f"{where}: a flow_of row is a flow (measure=flow)")
            ind["measure"] = "flow"
        ind["measure"] = ind["measure"] or "level"
        by = (cells.get("base_year") or "").strip()
        if by:
            if not re.fullmatch(r"\d{4}", by):
                raise PlanError(f"{where}: base_year must be a year, found {by!r}")
            ind["base_year"] = int(by)
        for col in ("on_track", "behind"):
            v = parse_number(cells.get(col, ""), "", f"{where}: {col}")
            if v is not None:
                ind[col] = v
        for col, text in cells.items():
            y = year_of(col, "target_")
            if y is not None:
                try:
                    t = parse_target(text, y, ind)
                except PlanError as e:
                    col_no = header.index(col) + 1
                    raise PlanError(f"{path}:{line}:{col_no}: {col}: {e}") from None
                if t is not None:
                    ind["targets"].append(t)
        ind["targets"].sort(key=lambda t: t["year"])
        milestone = any(t["shape"] == "milestone" for t in ind["targets"])
        ind["milestone"] = milestone
        for col, text in cells.items():
            y = year_of(col, "actual_")
            if y is None:
                continue
            s = text.strip(" \t")
            if s in MISSING_TOKENS:
                continue
            if ind["flow_of"]:
                raise PlanError(f"{where}: {col}: a flow_of row's actuals are derived from "
                                f"{ind['flow_of']!r}, not typed")
            if milestone:
                low = s.lower()
                if low in YES_WORDS:
                    ind["marks"][y] = ("yes", y)
                elif low in NO_WORDS:
                    ind["marks"][y] = ("no", y)
                elif DATE_RE.match(s):
                    ind["marks"][y] = ("yes", int(s[:4]))
                else:
                    raise PlanError(f"{where}: {col}: expected 是/否, yes/no or a date, found {s!r}")
            else:
                ind["actual"][y] = parse_number(text, ind["unit"], f"{where}: {col}")
        indicators.append(ind)
    by_id = {ind["id"]: ind for ind in indicators}
    for ind in indicators:
        where = f"{path}:{ind['line']}"
        if ind["flow_of"]:
            other = by_id.get(ind["flow_of"])
            if other is None or other is ind:
                raise PlanError(f"{where}: flow_of {ind['flow_of']!r} is not another row")
            if other["flow_of"] or other["measure"] == "flow":
                raise PlanError(f"{where}: flow_of {ind['flow_of']!r} must be a level row")
        for t in ind["targets"]:
            if t["shape"] == "benchmark" and (t["ref"] not in by_id or t["ref"] == ind["id"]):
                raise PlanError(f"{where}: target_{t['year']}: {t['ref']!r} is not another row")
    return meta, indicators


# ---------------------------------------------------------------------------------------------
# Arithmetic

def finite_or_none(compute):
    """compute() as a float, or None if it is undefined, overflows or is not finite."""
    try:
        value = compute()
    except (OverflowError, ZeroDivisionError, ValueError):
        return None
    if value is None or isinstance(value, complex) or not math.isfinite(value):
        return None
    return value


def wls_projection(points, b, T):
    """exp of the weighted least-squares line of ln(x) on (year - b), weights year - b + 1,
    evaluated at T; None unless there are >= 3 points, all positive."""
    if len(points) < 3 or any(x <= 0 for _, x in points):
        return None
    s0 = s1 = s2 = sz = s1z = 0.0
    for year, x in points:
        u = year - b
        w = u + 1.0
        z = math.log(x)
        s0 += w
        s1 += w * u
        s2 += w * u * u
        sz += w * z
        s1z += w * u * z
    slope = (s0 * s1z - s1 * sz) / (s0 * s2 - s1 * s1)
    intercept = (sz - slope * s1) / s0
    return finite_or_none(lambda: math.exp(intercept + slope * (T - b)))


def actual_rate(S, b, t):
    xb, xt = S[b], S[t]
    if t != b and xb > 0 and xt > 0:
        return finite_or_none(lambda: (xt / xb) ** (1.0 / (t - b)) - 1.0)
    return None


def project(trend, S, b, t, T):
    """The series S projected from its base b and latest t to year T (None when t = b)."""
    if t is None or t == b:
        return None
    xb, xt = S[b], S[t]
    linear = finite_or_none(lambda: xt + (xt - xb) * (T - t) / (t - b))
    if trend == "wls":
        points = sorted((y, x) for y, x in S.items() if b <= y <= t)
        p = wls_projection(points, b, T)
        if p is not None:
            return p
    if trend == "linear":
        return linear
    rate = actual_rate(S, b, t)
    return linear if rate is None else finite_or_none(lambda: xt * (1.0 + rate) ** (T - t))


def met(x, op, v):
    return {">=": x >= v, ">": x > v, "<=": x <= v, "<": x < v}[op]


def fmt(x):
    return "null" if x is None else f"{x:.6g}"


# ---------------------------------------------------------------------------------------------
# Series and bases

class Plan:
    def __init__(self, meta, indicators, as_of, peers=None):
        self.peers = peers or []          # [(region, {id: {year: value}})] (D15)
        self.meta = meta
        self.inds = indicators
        self.by_id = {i["id"]: i for i in indicators}
        self.as_of = as_of

    def own(self, ind):
        """The row's values as of the as-of year (flows for a flow row)."""
        A = self.as_of
        if ind["flow_of"]:
            return flows_of(self.own(self.by_id[ind["flow_of"]]))
        return {y: x for y, x in ind["actual"].items() if y <= A}

    def peers_of(self, ind_id):
        """The peers' series of ind_id (<= as_of), None for a peer without the row; [] when no
        peer has the row (the target is then judged on published ranks)."""
        rows = [r.get(ind_id) for _, r in self.peers]
        if all(x is None for x in rows):
            return []
        return [None if x is None else {y: v for y, v in x.items() if y <= self.as_of}
                for x in rows]

    def flows(self, ind):
        """The row's flow series."""
        return self.own(ind) if ind["measure"] == "flow" else flows_of(self.own(ind))

    def declared(self, ind):
        return ind["base_year"] if ind["base_year"] is not None else self.meta["base_year"]

    def base(self, ind, S):
        """(b, how, declared_ok): b None when S is empty."""
        dec = self.declared(ind)
        if dec is not None and dec in S:
            return dec, f"declared base year {dec}", True
        if not S:
            return None, "no actual", False
        b = min(S)
        if dec is not None:
            return b, f"declared base year {dec} has no actual: earliest actual {b}", False
        return b, f"earliest actual {b} (no base year declared)", False

    def latest(self, ind, S):
        b = self.base(ind, S)[0]
        if b is None:
            return None
        return max(y for y in S if y >= b)


def flows_of(L):
    return {y: L[y] - L[y - 1] for y in L if y - 1 in L}


# ---------------------------------------------------------------------------------------------
# Judging one target

QUANTITIES = ("required_rate", "required_change", "actual_rate", "projected", "progress",
              "completion", "time_share", "schedule_gap")


def blank(row, status, why):
    row.update(dict.fromkeys(QUANTITIES), status=status, status_why=why)
    return row


def rounded_rank(p):
    return None if p is None else max(1.0, float(math.floor(p + 0.5)))


def judge_generic(plan, ind, S, tgt, V, row, early, projected=False):
    """Rules 1 and 2 of docs/targets.md on series S with threshold V (None: unresolved).
    projected: False to project S by the row's trend, else the projection to use (D15)."""
    A, T, op = plan.as_of, tgt["year"], tgt["op"]
    rank = tgt["shape"] == "rank"
    d = -1 if rank else (1 if ind["direction"] == "up" else -1)
    stretch = tgt.get("stretch")
    b, _, _ = plan.base(ind, S)
    if T <= A:
        if T not in S:
            return blank(row, "no_data", f"no value for {T}; another year never stands in")
        if V is None:
            return blank(row, "no_data", "the threshold cannot be resolved: " + row["resolved"])
        xT = S[T]
        row.update(dict.fromkeys(QUANTITIES))
        if b is not None and T > b:
            xb = S[b]
            hold = d * (V - xb) <= 0
            row["time_share"] = 1.0
            if not hold:
                row["completion"] = finite_or_none(lambda: (xT - xb) / (V - xb))
            row["actual_rate"] = actual_rate(S, b, T)
            if row["completion"] is not None:
                row["schedule_gap"] = row["completion"] - 1.0
        if stretch is not None and met(xT, op, stretch):
            row.update(status="exceeded", status_why=f"{T}: {fmt(xT)} meets the stretch")
        elif met(xT, op, V):
            row.update(status="achieved", status_why=f"{T}: {fmt(xT)} {op} {fmt(V)}")
        else:
            row.update(status="missed", status_why=f"{T}: {fmt(xT)} does not meet {fmt(V)}")
        return row
    if b is None:
        return blank(row, "no_data", "no actual at or before the as-of year")
    if V is None:
        return blank(row, "no_data", "the threshold cannot be resolved: " + row["resolved"])
    t = plan.latest(ind, S)
    xb, xt = S[b], S[t]
    hold = d * (V - xb) <= 0
    q = dict.fromkeys(QUANTITIES)
    q["required_change"] = finite_or_none(lambda: (V - xt) / (T - t))
    q["required_rate"] = (finite_or_none(lambda: (V / xt) ** (1.0 / (T - t)) - 1.0)
                          if xt > 0 and V > 0 else None)
    if t != b:
        q["time_share"] = finite_or_none(lambda: (t - b) / (T - b))
        if not hold:
            q["completion"] = finite_or_none(lambda: (xt - xb) / (V - xb))
        q["actual_rate"] = actual_rate(S, b, t)
        p = project(ind["trend"], S, b, t, T) if projected is False else projected
        q["projected"] = rounded_rank(p) if rank else p
        if q["projected"] is not None and not hold:
            q["progress"] = finite_or_none(lambda: (q["projected"] - xb) / (V - xb))
        if q["completion"] is not None and q["time_share"] is not None:
            q["schedule_gap"] = q["completion"] - q["time_share"]
    row.update(q)
    if early and stretch is not None and met(xt, op, stretch):
        return dict(row, status="exceeded", status_why=f"{t}: {fmt(xt)} already meets the stretch")
    if early and met(xt, op, V):
        return dict(row, status="achieved", status_why=f"{t}: {fmt(xt)} already meets {fmt(V)}")
    if t == b:
        return dict(row, status="no_trend", status_why="one actual: no trend")
    if hold:
        ok = q["projected"] is not None and met(q["projected"], op, V)
        return dict(row, status="on_track" if ok else "behind",
                    status_why="hold target: the projection " + ("meets" if ok else "misses") + " V")
    return dict(row, **classify(ind, q["progress"], d * (xt - xb) < 0))


def classify(ind, P, regressing):
    if P is not None and P >= ind["on_track"]:
        return {"status": "on_track", "status_why": f"progress {fmt(P)}"}
    if P is not None and P >= ind["behind"]:
        return {"status": "behind", "status_why": f"progress {fmt(P)}"}
    if regressing:
        return {"status": "regressing", "status_why": "moving away from the target"}
    return {"status": "stalled", "status_why": f"progress {fmt(P)}"}


def judge_ranked(plan, ind, tgt, row):
    """D15: a rank target among peers."""
    A, T, N = plan.as_of, tgt["year"], tgt["value"]
    up = ind["direction"] == "up"
    better = (lambda x, y: x > y) if up else (lambda x, y: x < y)
    own = plan.own(ind)
    peers = plan.peers_of(ind["id"])
    ranks = {}
    for y in sorted(own):
        if all(p is not None and y in p for p in peers):
            ranks[y] = 1 + sum(better(p[y], own[y]) for p in peers)

    def projection(S):
        b = plan.base(ind, S)[0] if S else None
        if b is None:
            return None
        t = plan.latest(ind, S)
        return None if t == b else project(ind["trend"], S, b, t, T)

    if T <= A:
        own_T = own.get(T)
        at_T = [None if p is None else p.get(T) for p in peers]
        proj_rank = None
    else:
        own_T = projection(own)
        at_T = [None if p is None else projection(p) for p in peers]
        proj_rank = (None if own_T is None or any(v is None for v in at_T)
                     else float(1 + sum(better(v, own_T) for v in at_T)))
    needed = None
    if all(v is not None for v in at_T) and N <= len(at_T):
        needed = sorted(at_T, reverse=up)[int(N) - 1]
    row["value"], row["resolved"] = N, "as written"
    out = judge_generic(plan, ind, ranks, tgt, N, row, early=True, projected=proj_rank)
    last = max(ranks) if ranks else None
    out["rank"] = {"regions": len(peers) + 1, "year": last,
                   "rank": ranks[last] if last is not None else None,
                   "own_value": own_T, "needed": needed}
    return out


def judge_window(plan, ind, tgt, row):
    """Rule 3: a window of several years F..T, total of flows against N."""
    A, T, N, op = plan.as_of, tgt["year"], tgt["value"], tgt["op"]
    F = tgt["first"]
    d = 1 if ind["direction"] == "up" else -1
    level_row = ind["measure"] == "level"
    L = plan.own(ind) if level_row else None
    FS = plan.flows(ind)
    n = T - F + 1
    hold = d * N <= 0
    row["resolved"] = f"N = {fmt(N)} over {F}-{T}"

    def total_to(y):
        if level_row:
            return L[y] - L[F - 1] if y in L and F - 1 in L else None
        if all(k in FS for k in range(F, y + 1)):
            return math.fsum(FS[k] for k in range(F, y + 1))
        return None

    if T <= A:
        total = total_to(T)
        if total is None:
            return blank(row, "no_data", f"the flows of {F}-{T} are not all known")
        row.update(dict.fromkeys(QUANTITIES))
        row["time_share"] = 1.0
        if not hold:
            row["completion"] = finite_or_none(lambda: total / N)
            if row["completion"] is not None:
                row["schedule_gap"] = row["completion"] - 1.0
        ok = met(total, op, N)
        row.update(status="achieved" if ok else "missed",
                   status_why=f"{F}-{T} flows add up to {fmt(total)}")
        return row
    if A < F:
        so_far = 0.0
    else:
        so_far = total_to(A)
        if so_far is None:
            return blank(row, "no_data", f"a year of {F}-{A} has no flow")
    bf, _, _ = plan.base(ind, FS)
    if bf is None:
        return blank(row, "no_data", "no flow to project from")
    tf = plan.latest(ind, FS)
    past = max(0, min(A, T) - F + 1)
    remaining = n - past
    q = dict.fromkeys(QUANTITIES)
    q["time_share"] = past / n
    if not hold:
        q["completion"] = finite_or_none(lambda: so_far / N)
    q["required_change"] = finite_or_none(lambda: (N - so_far) / remaining)
    q["actual_rate"] = actual_rate(FS, bf, tf)
    if tf != bf:
        parts = [project(ind["trend"], FS, bf, tf, y) for y in range(max(F, A + 1), T + 1)]
        if all(p is not None for p in parts):
            q["projected"] = finite_or_none(lambda: so_far + math.fsum(parts))
        if q["projected"] is not None and not hold:
            q["progress"] = finite_or_none(lambda: q["projected"] / N)
    if q["completion"] is not None:
        q["schedule_gap"] = q["completion"] - q["time_share"]
    row.update(q)
    if tf == bf:
        return dict(row, status="no_trend", status_why="one flow: no trend")
    if hold:
        ok = q["projected"] is not None and met(q["projected"], op, N)
        return dict(row, status="on_track" if ok else "behind",
                    status_why="hold window: the projected total " + ("meets" if ok else "misses") + " N")
    return dict(row, **classify(ind, q["progress"], d * (FS[tf] - FS[bf]) < 0))


def judge_milestone(plan, ind, tgt, row):
    A, T = plan.as_of, tgt["year"]
    row["resolved"] = "milestone"
    marks = {y: m for y, m in ind["marks"].items() if y <= A}
    done_years = [dy for kind, dy in marks.values() if kind == "yes" and dy <= A]
    row.update(dict.fromkeys(QUANTITIES))
    D = min(done_years) if done_years else None
    if D is not None and D <= T:
        return dict(row, status="achieved", status_why=f"done in {D}")
    if T <= A:
        if any(y >= T for y in marks):
            return dict(row, status="overdue", status_why=f"not done by {T}")
        return dict(row, status="no_data", status_why=f"nothing reported for {T} or later")
    if marks:
        return dict(row, status="pending", status_why="not done yet")
    return dict(row, status="no_data", status_why="nothing reported")


def resolve(plan, ind, S, tgt):
    """(V, how) for the generic shapes; V None when it cannot be resolved."""
    shape, T, A = tgt["shape"], tgt["year"], plan.as_of
    if shape in ("level", "range", "rank"):
        return tgt["value"], "as written"
    if shape == "window":
        return tgt["value"], f"N = {fmt(tgt['value'])} in {T}"
    if shape in ("points", "multiple"):
        b, how, declared_ok = plan.base(ind, S)
        if b is None:
            return None, "no base actual"
        if plan.declared(ind) is not None and not declared_ok:
            return None, f"declared base year {plan.declared(ind)} has no actual"
        xb = S[b]
        if shape == "points":
            return xb + tgt["delta"], f"base {b} actual {fmt(xb)} + {fmt(tgt['delta'])}"
        return tgt["factor"] * xb, f"{fmt(tgt['factor'])} × base {b} actual {fmt(xb)}"
    if shape == "growth":
        k = 1.0 + tgt["pct"] / 100.0
        if T - 1 in S:
            return k * S[T - 1], f"{fmt(k)} × {T - 1} actual {fmt(S[T - 1])}"
        if T <= A:
            return None, f"no actual for {T - 1}"
        b = plan.base(ind, S)[0]
        p = project(ind["trend"], S, b, plan.latest(ind, S), T - 1) if b is not None else None
        if p is None:
            return None, f"{T - 1} has no actual and cannot be projected"
        return k * p, f"{fmt(k)} × projected {T - 1} value {fmt(p)}"
    if shape == "benchmark":
        other = plan.by_id[tgt["ref"]]
        S2 = plan.own(other)
        if T in S2:
            return S2[T], f"{tgt['ref']} actual {T} {fmt(S2[T])}"
        if T <= A:
            return None, f"{tgt['ref']} has no actual for {T}"
        b2 = plan.base(other, S2)[0]
        p = project(other["trend"], S2, b2, plan.latest(other, S2), T) if b2 is not None else None
        if p is None:
            return None, f"{tgt['ref']} cannot be projected to {T}"
        return p, f"{tgt['ref']} projected {T} value {fmt(p)}"
    raise AssertionError(shape)


def target_report(plan, ind, tgt):
    row = {"year": tgt["year"], "text": tgt["text"], "shape": tgt["shape"], "op": tgt["op"],
           "value": None, "stretch": tgt.get("stretch"), "window": tgt.get("window"),
           "ref": tgt.get("ref"), "resolved": None}
    if tgt["shape"] == "milestone":
        return judge_milestone(plan, ind, tgt, row)
    if tgt["shape"] == "window" and tgt.get("window"):
        row["value"] = tgt["value"]
        return judge_window(plan, ind, tgt, row)
    if tgt["shape"] == "rank" and plan.peers_of(ind["id"]):
        return judge_ranked(plan, ind, tgt, row)
    flow_based = ind["measure"] == "flow" or tgt["shape"] == "window"
    S = plan.flows(ind) if flow_based else plan.own(ind)
    V, how = resolve(plan, ind, S, tgt)
    row["value"], row["resolved"] = V, how
    return judge_generic(plan, ind, S, tgt, V, row, early=not flow_based and tgt["shape"] in
                         ("level", "range", "points", "multiple", "rank"))


def indicator_report(plan, ind, with_text):
    base = latest = None
    if not ind["milestone"]:
        S = plan.own(ind)
        b, how, _ = plan.base(ind, S)
        if b is not None:
            t = plan.latest(ind, S)
            base = {"year": b, "value": S[b], "how": how}
            latest = {"year": t, "value": S[t]}
    targets = [target_report(plan, ind, t) for t in ind["targets"]]
    if not with_text:
        if base:
            del base["how"]
        for t in targets:
            del t["resolved"], t["status_why"]
    return {"id": ind["id"], "name": ind["name"], "unit": ind["unit"],
            "direction": ind["direction"], "measure": ind["measure"],
            "base": base, "latest": latest, "targets": targets}


def read_peers(path, region):
    """D15: [(region, {id: {year: value}})] in the file's order, without `region`."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    head = rows[0]
    years = {}
    for c, h in enumerate(head):
        m = re.fullmatch(r"(?:actual_)?(\d{4})年?", h)
        if m:
            years[c] = int(m.group(1))
        elif h not in ("region", "id"):
            raise PlanError(f"{path}: unknown peers column {h!r}")
    rc, ic = head.index("region"), head.index("id")
    out = {}
    for r in rows[1:]:
        series = out.setdefault(r[rc], {}).setdefault(r[ic], {})
        for c, y in years.items():
            if r[c].strip():
                series[y] = float(r[c])
    if region is not None and region not in out:
        raise PlanError(f"{path}: region {region!r} is not among the peers")
    return [(k, v) for k, v in out.items() if k != region]


def report(meta, indicators, as_of, with_text=True, peers=None, region=None):
    plan = Plan(meta, indicators, as_of, peers)
    out = {"as_of": as_of, "title": meta["title"], "base_year": meta["base_year"]}
    if peers is not None:
        out["region"] = region
        out["peers"] = [name for name, _ in peers]
    out["indicators"] = [indicator_report(plan, ind, with_text) for ind in indicators]
    return out


def main(argv):
    ap = argparse.ArgumentParser(description="Reference progress report (docs/targets.md) as JSON.")
    ap.add_argument("plan", help="plan CSV (id,name,unit,...,actual_YYYY,target_YYYY)")
    ap.add_argument("--as-of", type=int, default=None,
                    help="as-of year (default: the latest year with an actual in the plan)")
    ap.add_argument("--no-text", action="store_true",
                    help="leave out the free-text fields how, resolved and status_why")
    ap.add_argument("--peers", help="peers CSV (region,id,actual_YYYY...): rank targets among them")
    ap.add_argument("--region", help="this plan's region in the peers file (left out)")
    args = ap.parse_args(argv)
    try:
        meta, indicators = read_plan(args.plan)
        peers = read_peers(args.peers, args.region) if args.peers else None
    except (OSError, PlanError, UnicodeDecodeError, csv.Error) as e:
        print(f"progress_reference: {e}", file=sys.stderr)
        return 3
    as_of = args.as_of
    if as_of is None:
        as_of = max((y for ind in indicators for y in list(ind["actual"]) + list(ind["marks"])),
                    default=0)
    out = report(meta, indicators, as_of, with_text=not args.no_text, peers=peers, region=args.region)
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1, allow_nan=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
