#!/usr/bin/env python3
"""progress_reference.py — an independent implementation of DOMAIN.md §2 (progress against a
target), written from the formulas, not from the C core, so a CLI test can compare

    tuiyan progress plan.csv --as-of 2022 --format json
    python3 tests/progress_reference.py plan.csv --as-of 2022

number by number (within 1e-9). Plain Python 3, standard library only.

It prints the JSON object of DESIGN.md's CLI contract:
  {"as_of": Y, "indicators": [{"id", "name", "unit", "direction",
     "base": {"year", "value"} | null, "latest": {"year", "value"} | null,
     "targets": [{"year", "value", "required_rate", "required_change", "actual_rate",
                  "projected", "progress", "completion", "time_share", "status"}]}]}
with null for every undefined quantity, targets in ascending year order.

Rules beyond DOMAIN's table, as decided in src/core/progress.h:
  * only actuals in years <= as_of exist; base = the earliest of them, latest = the last;
    none -> base and latest null, every target "no_data" with null quantities;
  * a target whose year T <= latest is judged on the actual at T or the last one before it
    (call its year j): "achieved" or "missed"; required_change and required_rate are null;
    the other quantities are the same formulas with the latest point replaced by (j, x_j);
    no actual at or before T -> "no_data", all quantities null;
  * trend "cagr" projects with the linear formula when actual_rate is null; trend "wls" fits
    ln(value) = a + s*(year - b) by weighted least squares with weight (year - b + 1) over
    the actuals from b to the latest point, when there are at least 3 and all are > 0, and
    projects exp(a + s*(T - b)); otherwise it behaves as "cagr";
  * a result that overflows a double is null.
"""

import argparse
import csv
import json
import math
import re
import sys

DEFAULT_ON_TRACK = 0.95
DEFAULT_BEHIND = 0.10

FIXED_COLUMNS = {"id", "name", "unit", "category", "direction", "measure", "trend",
                 "aggregate", "owner", "note", "on_track", "behind"}
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


def year_of(column, prefix):
    rest = column[len(prefix):]
    if column.startswith(prefix) and len(rest) == 4 and rest.isdigit():
        return int(rest)
    return None


def read_plan(path):
    """The plan CSV as a list of indicator dicts, in file order."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        raise PlanError(f"{path}: empty file")
    header = rows[0]
    for col in header:
        if col not in FIXED_COLUMNS and year_of(col, "actual_") is None \
                and year_of(col, "target_") is None:
            raise PlanError(f"{path}: unknown column {col!r}")
    indicators = []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise PlanError(f"{path}:{line}: expected {len(header)} fields, found {len(row)}")
        cells = dict(zip(header, row))
        unit = cells["unit"]
        ind = {"id": cells["id"], "name": cells["name"], "unit": unit,
               "direction": cells.get("direction") or "up",
               "trend": cells.get("trend") or "cagr",
               "on_track": DEFAULT_ON_TRACK, "behind": DEFAULT_BEHIND,
               "actual": {}, "target": {}}
        for col, text in cells.items():
            where = f"{path}:{line}: {col}"
            if col in ("on_track", "behind"):
                v = parse_number(text, "", where)
                if v is not None:
                    ind[col] = v
            elif year_of(col, "actual_") is not None:
                v = parse_number(text, unit, where)
                if v is not None:
                    ind["actual"][year_of(col, "actual_")] = v
            elif year_of(col, "target_") is not None:
                v = parse_number(text, unit, where)
                if v is not None:
                    ind["target"][year_of(col, "target_")] = v
        if ind["direction"] not in ("up", "down"):
            raise PlanError(f"{path}:{line}: direction must be up or down")
        if ind["trend"] not in ("cagr", "linear", "wls"):
            raise PlanError(f"{path}:{line}: trend must be cagr, linear or wls")
        indicators.append(ind)
    return indicators


def finite_or_none(compute):
    """compute() as a float, or None if it is undefined, overflows or is not finite."""
    try:
        value = compute()
    except (OverflowError, ZeroDivisionError):
        return None
    if value is None or not math.isfinite(value):
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


def evaluate(ind, actual, b, t, T, V, target_open):
    """The quantities of one target with base year b, latest (or judged) year t."""
    xb, xt = actual[b], actual[t]
    q = {}
    q["time_share"] = finite_or_none(lambda: (t - b) / (T - b)) if T != b else None
    q["completion"] = finite_or_none(lambda: (xt - xb) / (V - xb)) if V != xb else None
    if target_open:
        q["required_change"] = finite_or_none(lambda: (V - xt) / (T - t))
        q["required_rate"] = (finite_or_none(lambda: (V / xt) ** (1.0 / (T - t)) - 1.0)
                              if xt > 0 and V > 0 else None)
    else:
        q["required_change"] = q["required_rate"] = None
    if t != b and xb > 0 and xt > 0:
        q["actual_rate"] = finite_or_none(lambda: (xt / xb) ** (1.0 / (t - b)) - 1.0)
    else:
        q["actual_rate"] = None

    projected = None
    if t != b:
        linear = finite_or_none(lambda: xt + (xt - xb) * (T - t) / (t - b))
        rate = q["actual_rate"]
        trend = ind["trend"]
        if trend == "wls":
            points = sorted((y, x) for y, x in actual.items() if b <= y <= t)
            projected = wls_projection(points, b, T)
            if projected is None:
                trend = "cagr"
        if trend == "cagr":
            projected = linear if rate is None else \
                finite_or_none(lambda: xt * (1.0 + rate) ** (T - t))
        elif trend == "linear":
            projected = linear
    q["projected"] = projected
    q["progress"] = (finite_or_none(lambda: (projected - xb) / (V - xb))
                     if projected is not None and V != xb else None)
    return q


def status_of(ind, xb, t, b, xt, V, progress, target_open):
    d = 1 if ind["direction"] == "up" else -1
    if d * (xt - V) >= 0:
        return "achieved"
    if not target_open:
        return "missed"
    if t == b:
        return "no_trend"
    if progress is not None and progress >= ind["on_track"]:
        return "on_track"
    if progress is not None and progress >= ind["behind"]:
        return "behind"
    return "regressing" if d * (xt - xb) < 0 else "stalled"


QUANTITIES = ("required_rate", "required_change", "actual_rate", "projected", "progress",
              "completion", "time_share")


def target_report(ind, actual, T, V):
    row = {"year": T, "value": V}
    years = sorted(actual)
    no_data = dict.fromkeys(QUANTITIES)
    if not years:
        row.update(no_data, status="no_data")
        return row
    b, latest = years[0], years[-1]
    target_open = T > latest
    if target_open:
        t = latest
    else:
        before = [y for y in years if y <= T]
        if not before:
            row.update(no_data, status="no_data")
            return row
        t = before[-1]
    q = evaluate(ind, actual, b, t, T, V, target_open)
    for name in QUANTITIES:
        row[name] = q[name]
    row["status"] = status_of(ind, actual[b], t, b, actual[t], V, q["progress"], target_open)
    return row


def indicator_report(ind, as_of):
    actual = {y: x for y, x in ind["actual"].items() if y <= as_of}
    years = sorted(actual)
    point = (lambda y: {"year": y, "value": actual[y]}) if years else None
    return {
        "id": ind["id"], "name": ind["name"], "unit": ind["unit"],
        "direction": ind["direction"],
        "base": point(years[0]) if years else None,
        "latest": point(years[-1]) if years else None,
        "targets": [target_report(ind, actual, T, ind["target"][T]) for T in sorted(ind["target"])],
    }


def main(argv):
    ap = argparse.ArgumentParser(description="Reference progress report (DOMAIN.md §2) as JSON.")
    ap.add_argument("plan", help="plan CSV (id,name,unit,...,actual_YYYY,target_YYYY)")
    ap.add_argument("--as-of", type=int, default=None,
                    help="as-of year (default: the latest year with an actual in the plan)")
    args = ap.parse_args(argv)
    try:
        indicators = read_plan(args.plan)
    except (OSError, PlanError, UnicodeDecodeError, csv.Error) as e:
        print(f"progress_reference: {e}", file=sys.stderr)
        return 3
    as_of = args.as_of
    if as_of is None:
        as_of = max((y for ind in indicators for y in ind["actual"]), default=0)
    report = {"as_of": as_of, "indicators": [indicator_report(ind, as_of) for ind in indicators]}
    json.dump(report, sys.stdout, ensure_ascii=False, indent=1, allow_nan=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
