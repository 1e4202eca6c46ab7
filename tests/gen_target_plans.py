#!/usr/bin/env python3
"""gen_target_plans.py OUT_DIR [--seed N] — plans for comparing tuiyan with
tests/progress_reference.py on every target shape of docs/targets.md.

Writes a handful of CSV plans into OUT_DIR (created if needed) with a few hundred indicators:
every shape (level, level strict, range, one-year window, window of several years, points,
growth, multiple, benchmark, rank, milestone) × direction (up, down) × missing-actual pattern
(complete, a gap in the target year, a gap before it, only one actual, none), each target cell
in one of its Chinese or ASCII forms, with benchmark rows, flow rows, flow_of pairs, level rows
with windows, and declared (with and without an actual) and undeclared base years, plan-wide
and per row. Actuals span 2019-2025 and targets 2022-2025, so running the comparison as of
2021..2025 puts every target before, in and after its year.

The output is fully determined by the seed (default 20251111). Standard library only.
"""
import argparse
import csv
import os
import random

YEARS = list(range(2019, 2026))
PATTERNS = ("complete", "gap_target", "gap_before", "one", "none")
DIRECTIONS = ("up", "down")
TRENDS = ("cagr", "linear", "wls")
FULL = str.maketrans("0123456789.", "０１２３４５６７８９．")


def num(v, digits=2):
    s = f"{v:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.count = 0

    def new_id(self, prefix):
        self.count += 1
        return f"{prefix}_{self.count:03d}"

    def series(self, direction, start=None, integer=False, lo=5, hi=200):
        """A full 2019..2025 series drifting in the row's direction (sometimes against it)."""
        r = self.r
        x = start if start is not None else r.uniform(lo, hi)
        g = r.uniform(-0.04, 0.15) if direction == "up" else r.uniform(-0.15, 0.04)
        if r.random() < 0.15:
            g = -g
        out = {}
        for y in YEARS:
            v = round(x) if integer else round(x, 2)
            out[y] = v
            x = x * (1 + g + r.uniform(-0.03, 0.03))
        return out

    def apply(self, actual, pattern, T):
        """Remove actuals by the missing-actual pattern relative to target year T."""
        a = dict(actual)
        if pattern == "gap_target":
            a.pop(T, None)
        elif pattern == "gap_before":
            a.pop(T - 1, None)
            if self.r.random() < 0.5:
                a.pop(T - 2, None)
        elif pattern == "one":
            keep = self.r.choice([y for y in a if y <= T])
            a = {keep: a[keep]}
        elif pattern == "none":
            a = {}
        return a

    def base_year(self):
        return self.r.choice(["", "", "", "2019", "2020", "2021", "2018"])

    def trend(self):
        return self.r.choice(TRENDS)


def level_cell(g, d, v, unit, strict):
    r = g.r
    s = num(v)
    if d == "up":
        forms = ([">" + s, "突破" + s, "超过" + s, "大于" + s] if strict else
                 [s, ">=" + s, s + "以上", "不低于" + s, "达到" + s + unit, "不少于" + s,
                  s.translate(FULL)])
    else:
        forms = (["<" + s, "低于" + s] if strict else
                 [s, "<=" + s, s + "以内", "不高于" + s, "控制在" + s + "以内", s + "以下",
                  "不超过" + s, "不大于" + s])
    return r.choice(forms)


def plan_rows(g):
    """Yield (file, row dict)."""
    r = g.r
    units = ["家", "亿元", "%", "件", "个"]
    bench_ids = {}
    # benchmark rows, one per direction, complete or with a gap
    for d in DIRECTIONS:
        for k in range(2):
            bid = g.new_id(f"bench_{d}")
            act = g.series(d, lo=5, hi=20)
            if k == 1:
                act.pop(2023)
                act.pop(2024)
            bench_ids.setdefault(d, []).append(bid)
            yield "relative.csv", {"id": bid, "name": f"全省平均{bid}", "unit": "%",
                                   "direction": d, "trend": g.trend(), "actual": act,
                                   "targets": {}}
    for d in DIRECTIONS:
        for pattern in PATTERNS:
            for rep in range(2):
                # level, level strict, range
                for shape in ("level", "strict", "range"):
                    unit = r.choice(units)
                    act = g.series(d)
                    T = r.choice([2022, 2023, 2024, 2025])
                    xb = act[2019]
                    factor = (1 + r.uniform(-0.1, 0.2)) if d == "up" else (1 - r.uniform(-0.1, 0.2))
                    V = round(xb * factor ** (T - 2019), 2)
                    if shape == "range":
                        lo, hi = sorted((V, round(V * r.uniform(1.05, 1.3), 2)))
                        a, b = (lo, hi) if d == "up" else (hi, lo)
                        cell = r.choice(["{a}-{b}", "{a}~{b}", "{a}..{b}", "确保{a}力争{b}",
                                         "{a}—{b}{u}"]).format(a=num(a), b=num(b), u=unit)
                    else:
                        cell = level_cell(g, d, V, unit, shape == "strict")
                    targets = {T: cell}
                    if rep == 1 and T < 2025:
                        targets[2025] = level_cell(g, d, round(V * (1.1 if d == "up" else 0.9), 2),
                                                   unit, False)
                    yield "levels.csv", {"id": g.new_id(shape), "name": f"{shape}指标",
                                         "unit": unit, "direction": d, "trend": g.trend(),
                                         "base_year": g.base_year(),
                                         "actual": g.apply(act, pattern, T), "targets": targets}
                # points, growth, multiple, benchmark (relative.csv has # base_year: 2020)
                for shape in ("points", "growth", "multiple", "benchmark"):
                    T = r.choice([2022, 2023, 2024, 2025])
                    unit = "%" if shape in ("points", "benchmark") else r.choice(units)
                    act = g.series(d, lo=1, hi=30) if unit == "%" else g.series(d)
                    if shape == "points":
                        delta = num(r.uniform(0.2, 3), 1)
                        cell = (r.choice(["+{x}pp", "提高{x}个百分点", "提升{x}个百分点"]) if d == "up"
                                else r.choice(["下降{x}个百分点", "降低{x}pp"])).format(x=delta)
                    elif shape == "growth":
                        p = num(r.uniform(2, 20), 1)
                        cell = r.choice(["+{p}%", "增长{p}%", "同比增长{p}%"] +
                                        (["增长{p}%以上"] if d == "up" else ["下降{p}%", "下降{p}%以上"]))
                        cell = cell.format(p=p)
                    elif shape == "multiple":
                        cell = (r.choice(["x2", "x1.5", "×2", "倍增", "翻番", "翻一番", "翻两番"]) if d == "up"
                                else r.choice(["x0.5", "x0.8"]))
                    else:
                        ref = r.choice(bench_ids[d])
                        ops = ([">", ">=", "高于", "不低于"] if d == "up"
                               else ["<", "<=", "低于", "不高于"])
                        cell = r.choice(ops) + ref
                    yield "relative.csv", {"id": g.new_id(shape), "name": f"{shape}指标",
                                           "unit": unit, "direction": d, "trend": g.trend(),
                                           "base_year": g.base_year(),
                                           "actual": g.apply(act, pattern, T), "targets": {T: cell}}
                # windows: on flow rows, on level rows, one year and several
                for shape in ("window1", "windowN"):
                    T = r.choice([2023, 2024, 2025]) if shape == "windowN" else r.choice([2022, 2023, 2024, 2025])
                    on_level = r.random() < 0.4
                    unit = r.choice(["家", "个", "件"])
                    if on_level:
                        act = g.series(d, integer=True, lo=50, hi=400)
                        yearly = max(1, abs(act[2025] - act[2019]) // 6)
                    else:
                        act = g.series(d, integer=True, lo=3, hi=60)
                        yearly = max(1, sum(act.values()) // 7)
                    n = max(1, round(yearly * r.uniform(0.6, 1.5)))
                    if shape == "window1":
                        cell = r.choice(["+{n}", "新增{n}", "新增{n}{u}"] +
                                        (["新增{n}以上"] if d == "up" else []))
                    else:
                        F = T - 2
                        n *= 3
                        cell = r.choice(["+{n}@{F}..{T}", "新增{n}({F}-{T})", "新增{n}（{F}—{T}）"])
                        cell = cell.replace("{F}", str(F)).replace("{T}", str(T))
                    cell = cell.format(n=n, u=unit)
                    yield "flows.csv", {"id": g.new_id(shape), "name": f"{shape}指标", "unit": unit,
                                        "direction": d, "measure": "level" if on_level else "flow",
                                        "trend": g.trend(), "base_year": g.base_year(),
                                        "actual": g.apply(act, pattern, T), "targets": {T: cell}}
                # flow_of pair: a level row and its flow row
                T = r.choice([2022, 2023, 2024, 2025])
                lvl = g.new_id("total")
                act = g.series(d, integer=True, lo=100, hi=600)
                yearly = max(1, abs(act[2025] - act[2019]) // 6)
                yield "flows.csv", {"id": lvl, "name": "总量", "unit": "家", "direction": d,
                                    "measure": "level", "trend": g.trend(),
                                    "base_year": g.base_year(),
                                    "actual": g.apply(act, pattern, T),
                                    "targets": {2025: level_cell(g, d, act[2019] + 6 * yearly *
                                                                 (1 if d == "up" else -1), "家", False)}}
                fcell = r.choice(["{n}", "{n}以上", "新增{n}", "+{n}", "{n}-{m}",
                                  "+{k}@{F}..{T}"] if T >= 2023 else ["{n}", "新增{n}", "+{n}"])
                n = max(1, round(yearly * r.uniform(0.6, 1.5)))
                fcell = fcell.format(n=n, m=n + 5, k=3 * n, F=T - 2, T=T)
                if d == "down" and fcell.endswith("以上"):
                    fcell = fcell[:-2]
                yield "flows.csv", {"id": g.new_id("new"), "name": "新增", "unit": "家",
                                    "direction": d, "measure": "flow", "trend": g.trend(),
                                    "flow_of": lvl, "base_year": "", "actual": {},
                                    "targets": {T: fcell}}
                # rank and milestone
                T = r.choice([2022, 2023, 2024, 2025])
                start = r.randint(3, 15)
                rank_act = {}
                x = float(start)
                step = r.uniform(-1.5, 0.7)
                for y in YEARS:
                    rank_act[y] = max(1, int(round(x)))
                    x += step + r.uniform(-0.5, 0.5)
                N = r.randint(1, 6)
                cell = r.choice(["rank<={n}", "前{n}位", "前{n}", "前{n}名", "第{n}", "第{n}位", "位居第{n}位", "进入前{n}位以内"]).format(n=N)
                yield "rank_milestone.csv", {"id": g.new_id("rank"), "name": "排名", "unit": "位",
                                             "direction": d, "trend": g.trend(),
                                             "base_year": g.base_year(),
                                             "actual": g.apply(rank_act, pattern, T),
                                             "targets": {T: cell}}
                done = r.choice([2021, 2022, 2023, 2024, 2025, None])
                marks = {}
                for y in YEARS[1:]:
                    if done is not None and y >= done:
                        marks[y] = (r.choice(["是", "yes", "完成"]) if y > done or r.random() < 0.5
                                    else f"{y}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}")
                    else:
                        marks[y] = r.choice(["否", "no", "未完成"])
                cell = r.choice(["done", "完成", "通过验收", "建成", "获批", "建成投用", "力争挂牌"])
                yield "rank_milestone.csv", {"id": g.new_id("milestone"), "name": "里程碑",
                                             "unit": "项", "direction": d, "trend": "cagr",
                                             "base_year": "", "actual": g.apply(marks, pattern, T),
                                             "targets": {T: cell}}


HEADS = {
    "levels.csv": ["# title: 生成的水平与区间目标"],
    "relative.csv": ["# title: 生成的相对目标", "# base_year: 2020"],
    "flows.csv": ["# base_year: 2020"],
    "rank_milestone.csv": [],
}


def write(out_dir, seed):
    g = Gen(seed)
    files = {}
    for name, row in plan_rows(g):
        files.setdefault(name, []).append(row)
    os.makedirs(out_dir, exist_ok=True)
    total = 0
    for name, rows in files.items():
        tyears = sorted({y for row in rows for y in row["targets"]})
        cols = ["id", "name", "unit", "direction", "measure", "trend", "base_year", "flow_of",
                "on_track", "behind"]
        cols += [f"actual_{y}" for y in YEARS] + [f"target_{y}" for y in tyears]
        with open(os.path.join(out_dir, name), "w", encoding="utf-8", newline="") as f:
            for line in HEADS.get(name, []):
                f.write(line + "\n")
            w = csv.writer(f, lineterminator="\n")
            w.writerow(cols)
            for row in rows:
                custom = g.r.random() < 0.1
                cells = {"id": row["id"], "name": row["name"], "unit": row["unit"],
                         "direction": row["direction"], "measure": row.get("measure", ""),
                         "trend": row["trend"], "base_year": row.get("base_year", ""),
                         "flow_of": row.get("flow_of", ""),
                         "on_track": "0.9" if custom else "", "behind": "0.2" if custom else ""}
                for y in YEARS:
                    v = row["actual"].get(y)
                    cells[f"actual_{y}"] = "" if v is None else (v if isinstance(v, str) else num(v))
                for y in tyears:
                    cells[f"target_{y}"] = row["targets"].get(y, "")
                w.writerow([cells[c] for c in cols])
        total += len(rows)
    return files, total


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--seed", type=int, default=20251111)
    args = ap.parse_args()
    files, total = write(args.out_dir, args.seed)
    print(f"{total} indicators in {len(files)} plans: " + ", ".join(sorted(files)))


if __name__ == "__main__":
    main()
