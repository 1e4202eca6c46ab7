#!/usr/bin/python3
"""gen_register.py — a SYNTHETIC enterprise register (docs/registers.md): firm-years with plausible
distributions, deterministic from a seed (Python's own random.Random: the same seed gives the same
bytes on every machine). Not real firms: every name says SYNTHETIC, and so does the file's title.

    python3 tools/gen_register.py --firms N [--years 2022-2024] [--seed 1] [--counties wuwei]
                                  [--out register.csv] [--npz columns.npz]

Each firm is followed over the application years (a firm founded later enters later; about 4 % a
year leave): revenue grows from year to year, R&D follows revenue at the firm's own intensity, so a
multi-year register shows firms crossing the thresholds. The distributions (all assumptions,
chosen to look like a county's 高企培育库, not estimated from data):
  latest revenue   lognormal, median 3,000 万元 (σ 1.3): most under 5,000 万, a few above 2 亿
  growth           normal, mean 10 %, sd 15 % a year
  R&D intensity    lognormal, median 3.5 % of revenue (σ 0.5), the firm's own, ±15 % a year
  R&D in China     all of it for 95 % of firms, else 40–95 %
  staff            revenue / 40 万元 a person (lognormal σ 0.5), at least 5
  S&T staff        normal share, mean 12 %, sd 5 %, within 1–60 %
  high-tech share  uniform 30–95 % of the latest revenue
  assets           revenue × lognormal (median 0.9, σ 0.4)
  IP               Poisson: inventions 0.8, utility models 3, designs 0.5, software 2
  scores           innovation N(72, 8); 科技型中小企业 N(68, 10), 0–100, whole points
  founded          uniform 1995 .. the first year; 6 % of firms less than two years before
--pipeline writes a register made from KNOWN pipeline rates (docs/registers.md "From the pool to the
plan"), for tests to recover them: --firms N firms in the first year, a share --certified of them
holding a certificate issued in one of the three years up to it (equally likely); then each year
  a certified firm leaves with probability --hte-exit; one whose certificate is due (issued three
  years before) and stays is renewed with probability --renewal (a new certificate that year),
  else its certificate lapses and it stays in the pool;
  a pool firm leaves with probability --pool-exit, else is certified with probability --promotion
  (of all pool firms: the two are exclusive shares of the pool, as in the standard model);
  Poisson(--entry) new firms join the pool.
The rates do not depend on the firm's figures (so the chance of certification is flat in the
shortfall by construction). The file gains hte_certified and hte_year.
--npz writes the same numbers (read back from their text, as tuiyan reads them) for bench/
peer_register.py, with dates as days since 1970-01-01."""
import argparse
import datetime
import math
import random
import sys

CODE_SET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]
COUNTIES = {"wuwei": [("凉州区", "620602", 0.6), ("民勤县", "620621", 0.15), ("古浪县", "620622", 0.15),
                      ("天祝藏族自治县", "620623", 0.1)]}
COLUMNS = ["credit_code", "name", "county", "year", "registered", "staff", "st_staff", "revenue_1", "revenue_2",
           "revenue_3", "rd_1", "rd_2", "rd_3", "rd_domestic", "hitech_revenue", "assets", "ip_invention",
           "ip_utility", "ip_design", "ip_software", "score", "tsme_score", "hte_certified"]
EPOCH = datetime.date(1970, 1, 1)


def check_char(first17):
    s = sum(CODE_SET.index(c) * w for c, w in zip(first17, WEIGHTS))
    c = 31 - s % 31
    return CODE_SET[0 if c == 31 else c]


def amount(x):
    """万元 to 2 decimals (100 元), as a register holds it."""
    s = "%.2f" % x
    return s.rstrip("0").rstrip(".") if "." in s else s


def poisson(rng, lam):
    # Knuth's method: fine for the small means used here
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def clip(x, lo, hi):
    return lo if x < lo else hi if x > hi else x


def firm(rng, k, counties, first_year):
    r = rng.random()
    acc = 0.0
    for name, admin, w in counties:
        acc += w
        if r <= acc:
            break
    body = "".join(rng.choice(CODE_SET) for _ in range(7))
    first17 = "91" + admin + "MA" + body
    young = rng.random() < 0.06
    start = datetime.date(first_year - 2, 1, 1) if young else datetime.date(1995, 1, 1)
    end = datetime.date(first_year - 1, 12, 31) if not young else datetime.date(first_year, 6, 30)
    founded = start + datetime.timedelta(days=rng.randrange((end - start).days + 1))
    return {
        "code": first17 + check_char(first17), "county": name, "founded": founded,
        "name": "SYNTHETIC 企业%06d" % k,
        "revenue": math.exp(rng.gauss(math.log(3000), 1.3)),
        "intensity": math.exp(rng.gauss(math.log(0.035), 0.5)),
        "domestic": 1.0 if rng.random() < 0.95 else rng.uniform(0.4, 0.95),
        "per_head": math.exp(rng.gauss(math.log(40), 0.5)),
        "st_share": clip(rng.gauss(0.12, 0.05), 0.01, 0.6),
        "hitech": rng.uniform(0.3, 0.95),
        "assets": math.exp(rng.gauss(math.log(0.9), 0.4)),
        "ip": [poisson(rng, 0.8), poisson(rng, 3), poisson(rng, 0.5), poisson(rng, 2)],
        "score": int(clip(round(rng.gauss(72, 8)), 0, 100)),
        "tsme": int(clip(round(rng.gauss(68, 10)), 0, 100)),
        "certified": rng.random() < 0.1,
    }


def rows(rng, f, years):
    """The firm's rows: three accounting years before each application year it is in the pool."""
    rev = [f["revenue"]]
    for _ in range(len(years) + 2):
        rev.append(rev[-1] * (1 + rng.gauss(0.10, 0.15)))
    out = []
    for j, year in enumerate(years):
        if f["founded"] > datetime.date(year, 6, 30):
            continue   # not yet founded (one founded this spring applies, and is too young)
        if rng.random() < 0.04 and out:
            break   # left the pool
        out.append(row_of(rng, f, rev, j, year))
    return out


def row_of(rng, f, rev, j, year):
    """The firm's row for one application year, j years after its first (rev: its revenue path)."""
    r = [max(rev[j + t], 1.0) for t in range(3)]
    rd = [x * f["intensity"] * (1 + rng.uniform(-0.15, 0.15)) for x in r]
    operated = [year - 3 + t >= f["founded"].year for t in range(3)]
    staff = max(5, int(round(r[2] / f["per_head"])))
    st = int(round(staff * f["st_share"]))
    txt_rev = [amount(x) if ok else "" for x, ok in zip(r, operated)]
    txt_rd = [amount(x) if ok else "" for x, ok in zip(rd, operated)]
    dom = sum(x for x, ok in zip(rd, operated) if ok) * f["domestic"]
    row = [f["code"], f["name"], f["county"], str(year), f["founded"].isoformat(), str(staff), str(st)]
    row += txt_rev + txt_rd
    row += [amount(dom), amount(r[2] * f["hitech"]), amount(r[2] * f["assets"])]
    ip = [max(0, n + j) if n else 0 for n in f["ip"]]
    row += [str(n) for n in ip]
    row += [str(f["score"]), str(f["tsme"]), "是" if f["certified"] else "否"]
    return row


PIPELINE = {"entry": 12.0, "promotion": 0.15, "pool_exit": 0.05, "renewal": 0.8, "hte_exit": 0.03, "certified": 0.3}


def pipeline(rng, a, years, counties):
    """Firm-years of a pool moved on by known rates (the --pipeline text above), year by year."""
    seen, firms, out = set(), [], []

    def join(year, certified, hte_year):
        f = firm(rng, len(seen) + 1, counties, year)
        while f["code"] in seen:
            f = firm(rng, len(seen) + 1, counties, year)
        seen.add(f["code"])
        rev = [f["revenue"]]
        for _ in range(len(years) + 2):
            rev.append(rev[-1] * (1 + rng.gauss(0.10, 0.15)))
        firms.append({"f": f, "rev": rev, "first": year, "cert": certified, "hte_year": hte_year})

    for _ in range(a.firms):
        c = rng.random() < a.certified
        join(years[0], c, years[0] - rng.randrange(3) if c else None)
    for year in years:
        for s in firms:
            row = row_of(rng, s["f"], s["rev"], year - s["first"], year)
            row[-1] = "是" if s["cert"] else "否"
            out.append(row + [str(s["hte_year"]) if s["cert"] else ""])
        if year == years[-1]:
            break
        kept = []
        for s in firms:
            u = rng.random()
            if s["cert"]:
                if u < a.hte_exit:
                    continue
                if s["hte_year"] == year + 1 - 3:
                    if rng.random() < a.renewal:
                        s["hte_year"] = year + 1
                    else:
                        s["cert"], s["hte_year"] = False, None
            else:
                if u < a.pool_exit:
                    continue
                if u < a.pool_exit + a.promotion:
                    s["cert"], s["hte_year"] = True, year + 1
            kept.append(s)
        firms[:] = kept
        for _ in range(poisson(rng, a.entry)):
            join(year + 1, False, None)
    return out


def main():
    ap = argparse.ArgumentParser(description="a SYNTHETIC enterprise register")
    ap.add_argument("--firms", type=int, required=True)
    ap.add_argument("--years", default="2022-2024")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--counties", default="wuwei", choices=sorted(COUNTIES))
    ap.add_argument("--out", default="-")
    ap.add_argument("--npz")
    ap.add_argument("--max-rows", type=int, default=0, help="stop after this many firm-years")
    ap.add_argument("--pipeline", action="store_true", help="a pool moved on by known rates (see above)")
    for k, v in PIPELINE.items():
        ap.add_argument("--" + k.replace("_", "-"), type=float, default=v)
    a = ap.parse_args()
    y0, y1 = (int(x) for x in a.years.split("-"))
    years = list(range(y0, y1 + 1))
    rng = random.Random(a.seed)
    title = ("# title: SYNTHETIC register — not real firms (tools/gen_register.py --firms %d --years %s --seed %d)"
             % (a.firms, a.years, a.seed))
    lines = [title, ",".join(COLUMNS)]
    table = []
    if a.pipeline:
        lines[0] = title.replace("--firms", "--pipeline --firms") + (
            "; known rates: entry %g a year, promotion %g, pool exit %g, renewal %g, high-tech exit %g"
            % (a.entry, a.promotion, a.pool_exit, a.renewal, a.hte_exit))
        lines[1] += ",hte_year"
        table = pipeline(rng, a, years, COUNTIES[a.counties])
        lines += [",".join(row) for row in table]
    seen = set()
    for k in range(1, 0 if a.pipeline else a.firms + 1):
        f = firm(rng, k, COUNTIES[a.counties], y0)
        while f["code"] in seen:
            f = firm(rng, k, COUNTIES[a.counties], y0)
        seen.add(f["code"])
        for row in rows(rng, f, years):
            table.append(row)
            lines.append(",".join(row))
            if a.max_rows and len(table) >= a.max_rows:
                break
        if a.max_rows and len(table) >= a.max_rows:
            break
    text = "\n".join(lines) + "\n"
    if a.out == "-":
        sys.stdout.write(text)
    else:
        with open(a.out, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    if a.npz:
        import numpy as np
        cols = {}
        for c, name in enumerate(COLUMNS):
            if name in ("credit_code", "name", "county"):
                continue
            vals = [row[c] for row in table]
            if name == "registered":
                cols[name] = np.array([(datetime.date.fromisoformat(v) - EPOCH).days for v in vals], dtype=float)
            elif name == "hte_certified":
                cols[name] = np.array([1.0 if v == "是" else 0.0 for v in vals])
            else:
                cols[name] = np.array([float(v) if v != "" else np.nan for v in vals])
        np.savez(a.npz, **cols)


if __name__ == "__main__":
    main()
