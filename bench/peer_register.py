"""peer_register.py — the numpy peer of the register row of `make bench`: the same check tuiyan's
core makes (stdlib/tuiyan/criteria/hte.lua and tsme.lua, written here by hand as numpy array
expressions), over the same columns (tools/gen_register.py --npz: the register's numbers read back
from their text), timed the same way: both criteria sets, every firm's value, threshold, met and
shortfall per criterion, qualifies, and the 后备 order and ranks within each year; medians of CPU
seconds (time.process_time) and wall seconds over REPS runs. Then both sets checked and the
register priced under the Wuwei policy as stdlib/tuiyan/policy/wuwei_firms.lua prices it (R7a 20
once per firm at its earliest year meeting every hte criterion without a certificate, paid the
next year; R8's steps on rd_3, paid in the R&D year), totals by rule, county and payment year.
IDS.npz (bench/register_rows.py, from the CSV) gives each row's firm and county as integers, made
before the clock starts (tuiyan hashes the 18-character codes inside its time). Prints one line
of JSON with the summaries bench/register_rows.py compares with tuiyan's.

    python3 bench/peer_register.py COLUMNS.npz REPS [IDS.npz]"""
import json
import statistics
import sys
import time

import numpy as np


def whole_ratio_shortfall(num, den, t, meets):
    k = np.maximum(np.ceil(t * den - num), 0)
    down = (k > 0) & meets((num + k - 1) / den, t)
    k = np.where(down, k - 1, k)
    up = ~meets((num + k) / den, t)
    return np.where(up, k + 1, k)


def criterion(value, thr, op, shortfall, ratio, required=True, flag=None):
    """met (1/0/-1), shortfall, gap contribution (0 when met), counted as unmet."""
    known = ~np.isnan(value) & ~np.isnan(thr)
    with np.errstate(invalid="ignore"):
        ok = {">=": value >= thr, ">": value > thr, "<=": value <= thr}[op] & known
    if flag is not None:
        ok = ok | (flag == 1)
    met = np.where(ok, 1, np.where(known, 0, -1)).astype(np.int8)
    sf = np.where(met == 1, 0.0, np.where(met == 0, shortfall, np.nan))
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.abs(thr - value) / np.abs(thr) if ratio else np.abs(sf) / np.abs(thr)
    gap = np.where(met == 0, np.minimum(rel, 1.0), np.where(met == -1, 1.0, 0.0))
    unmet = (met == 0) | ((met == -1) & required)
    if not required:
        gap = np.where(met == -1, 0.0, gap)
    return {"met": met, "shortfall": sf, "gap": gap, "unmet": unmet, "value": value, "threshold": thr}


def ratio(num, den):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def check_hte(c):
    n = len(c["year"])
    out = []
    # registered >= 365 days before 31 December of the application year
    dec31 = ((c["year"].astype("int64") - 1970 + 1).astype("datetime64[Y]").astype("datetime64[D]")
             - np.timedelta64(1, "D")).astype("int64").astype(float)
    days = dec31 - c["registered"]
    out.append(("registered", criterion(days, np.full(n, 365.0), ">=", 365 - days, False)))
    ip = c["ip_invention"] + c["ip_utility"] + c["ip_design"] + c["ip_software"]
    out.append(("ip", criterion(ip, np.full(n, 1.0), ">=", np.ceil(1 - ip), False)))
    st, staff = c["st_staff"], c["staff"]
    v = ratio(st, staff)
    ge = lambda a, t: a >= t
    with np.errstate(invalid="ignore"):
        sf = whole_ratio_shortfall(st, staff, 0.10, ge)
    out.append(("st_staff", criterion(v, np.full(n, 0.10), ">=", sf, True)))
    # R&D over the years operated (a year with neither revenue nor R&D is skipped)
    num = np.zeros(n)
    den = np.zeros(n)
    seen = np.zeros(n, dtype=bool)
    for k in (1, 2, 3):
        r, d = c["rd_%d" % k], c["revenue_%d" % k]
        skip = np.isnan(r) & np.isnan(d)
        num = np.where(skip, num, num + r)
        den = np.where(skip, den, den + d)
        seen |= ~skip
    num = np.where(seen, num, np.nan)
    den = np.where(seen, den, np.nan)
    rev3 = c["revenue_3"]
    with np.errstate(invalid="ignore"):
        thr = np.where(np.isnan(rev3), np.nan, np.where(rev3 <= 5000, 0.05, np.where(rev3 <= 20000, 0.04, 0.03)))
    out.append(("rd_ratio", criterion(ratio(num, den), thr, ">=", thr * den - num, True)))
    rds = np.stack([c["rd_1"], c["rd_2"], c["rd_3"]])
    allnan = np.all(np.isnan(rds), axis=0)
    rd_all = np.where(allnan, np.nan, np.nansum(rds, axis=0))
    dom = c["rd_domestic"]
    out.append(("rd_domestic", criterion(ratio(dom, rd_all), np.full(n, 0.6), ">=", 0.6 * rd_all - dom, True)))
    hi = c["hitech_revenue"]
    out.append(("hitech_revenue", criterion(ratio(hi, rev3), np.full(n, 0.6), ">=", 0.6 * rev3 - hi, True)))
    score = c["score"]
    out.append(("score", criterion(score, np.full(n, 70.0), ">", 71 - score, False, required=False)))
    return out


def check_tsme(c):
    n = len(c["year"])
    out = []
    for cid, col, cap in (("staff", "staff", 500.0), ("revenue", "revenue_3", 20000.0), ("assets", "assets", 20000.0)):
        v = c[col]
        out.append((cid, criterion(v, np.full(n, cap), "<=", v - cap, False)))
    s = c["tsme_score"]
    out.append(("score", criterion(s, np.full(n, 60.0), ">=", np.ceil(60 - s), False, flag=c["hte_certified"])))
    return out


def rank(year, crits):
    """qualifies, and the 后备 order and competition ranks within each year."""
    unmet = sum(cr["unmet"].astype(np.int32) for _, cr in crits)
    gap = sum(cr["gap"] for _, cr in crits)
    qualifies = unmet == 0
    cand = np.flatnonzero(~qualifies)
    order = cand[np.lexsort((cand, gap[cand], unmet[cand], year[cand]))]
    y, u, g = year[order], unmet[order], gap[order]
    m = len(order)
    pos = np.arange(m)
    new_year = np.ones(m, dtype=bool)
    new_year[1:] = y[1:] != y[:-1]
    start = np.maximum.accumulate(np.where(new_year, pos, 0))
    new_key = new_year.copy()
    new_key[1:] |= (u[1:] != u[:-1]) | (g[1:] != g[:-1])
    first = np.maximum.accumulate(np.where(new_key, pos, 0))
    ranks = np.zeros(len(year), dtype=np.int64)
    ranks[order] = first - start + 1
    return qualifies, order, ranks


def summary(crits, qualifies, order):
    out = {"n": int(len(qualifies)), "qualifies": int(qualifies.sum()), "candidates": int(len(order)), "criteria": []}
    for cid, cr in crits:
        met = cr["met"]
        out["criteria"].append({"id": cid, "met": int((met == 1).sum()), "not_met": int((met == 0).sum()),
                                "unknown": int((met == -1).sum()),
                                "shortfall": float(np.sum(cr["shortfall"][met == 0]))})
    return out


R8_STEPS = ((10000, 100.0), (2000, 50.0), (1000, 20.0), (500, 10.0))


def pay(c, ids, hte_qualifies):
    """Per rule the amount of every row (0 not paid, NaN unknown) and the totals by (county, year)."""
    year = c["year"]
    n = len(year)
    firm, county = ids["firm"], ids["county"]
    elig = np.flatnonzero(hte_qualifies & (c["hte_certified"] != 1))
    order = elig[np.lexsort((year[elig], firm[elig]))]
    first = np.ones(len(order), dtype=bool)
    first[1:] = firm[order][1:] != firm[order][:-1]
    r7a = np.zeros(n)
    r7a[order[first]] = 20.0
    rd = c["rd_3"]
    with np.errstate(invalid="ignore"):
        r8 = np.select([rd >= t for t, _ in R8_STEPS], [a for _, a in R8_STEPS], 0.0)
    r8[np.isnan(rd)] = np.nan
    y0 = int(year.min()) - 1
    ny = int(year.max()) + 1 - y0 + 1
    ncounty = int(county.max()) + 1 if n else 0
    out = []
    for amount, shift in ((r7a, 1), (r8, -1)):
        paid = amount > 0
        cell = county[paid] * ny + (year[paid].astype(np.int64) + shift - y0)
        sums = np.bincount(cell, weights=amount[paid], minlength=ncounty * ny)
        out.append({"amount": amount, "sums": sums, "paid": int(paid.sum()), "unknown": int(np.isnan(amount).sum())})
    return out


def pay_summary(rules):
    tot = [float(r["sums"].sum()) for r in rules]
    return {"total": float(sum(tot)), "paid": sum(r["paid"] for r in rules), "unknown": sum(r["unknown"] for r in rules),
            "rules": [{"total": t, "paid": r["paid"]} for t, r in zip(tot, rules)]}


def main():
    cols = dict(np.load(sys.argv[1]))
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    ids = dict(np.load(sys.argv[3])) if len(sys.argv) > 3 else None
    cpu, wall = [], []
    result = None
    for _ in range(reps):
        c0, w0 = time.process_time(), time.perf_counter()
        res = {}
        for name, fn in (("hte", check_hte), ("tsme", check_tsme)):
            crits = fn(cols)
            q, order, ranks = rank(cols["year"], crits)
            res[name] = (crits, q, order)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
        result = res
    doc = {"rows": int(len(cols["year"])), "median_s": statistics.median(cpu), "median_wall_s": statistics.median(wall),
           "hte": summary(*result["hte"]), "tsme": summary(*result["tsme"])}
    if ids is not None:
        pcpu, pwall, paid = [], [], None
        for _ in range(reps):
            c0, w0 = time.process_time(), time.perf_counter()
            hte = check_hte(cols)
            q, _, _ = rank(cols["year"], hte)
            tsme = check_tsme(cols)
            rank(cols["year"], tsme)
            paid = pay(cols, ids, q)
            pcpu.append(time.process_time() - c0)
            pwall.append(time.perf_counter() - w0)
        doc.update({"pay_median_s": statistics.median(pcpu), "pay_median_wall_s": statistics.median(pwall),
                    "pay": pay_summary(paid)})
    print(json.dumps(doc))


if __name__ == "__main__":
    main()
