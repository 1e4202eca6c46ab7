"""register_rows.py — `make bench`, the register row (issue 16): SYNTHETIC registers of 100,000 and
1,000,000 firm-years (tools/gen_register.py, seed 1) checked against both criteria sets, hte and
tsme, by tuiyan (bench/register_bench.lua: the C core over whole columns) and by numpy
(bench/peer_register.py: the same check as array expressions), on the same numbers. Prints, per
size: tuiyan's load time, the medians of CPU and wall seconds of one check of both sets, each
process's peak resident MB (GNU time; tuiyan's includes the loaded register and the CSV read),
the ratio numpy / tuiyan; checks that both found the same firms qualifying, the same counts per
criterion and the same sums of shortfalls (1e-9 relative), and adds a "register" section to
OUT.json. Then both sets checked and the register priced under the Wuwei policy (register pay's
rules; the peer from firm and county ids this script reads from the CSV): the medians of CPU and
wall seconds of both, the ratio, and the payments' totals compared (counts exactly, sums to 1e-9
relative). A measurement: nothing fails on a slow time; a disagreement or a failed run exits 1.

    python3 bench/register_rows.py BIN DIR OUT.json   (BENCH_REGISTER_ROWS="100000 1000000",
                                                        BENCH_REGISTER_REPS=5)"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(args, label, dirname):
    """stdout (one line of JSON), peak resident MB (GNU time) and the exit code of one run."""
    tfile = os.path.join(dirname, "time_%s.txt" % label)
    p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", tfile] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    try:
        kb = int(open(tfile).read().split()[-1])
    except (OSError, ValueError, IndexError):
        kb = None
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        doc = None
    if p.returncode != 0:
        sys.stderr.write(p.stderr[-2000:])
    return doc, (round(kb / 1024, 1) if kb else None), p.returncode


def same(a, b):
    """The two summaries agree: counts exactly, shortfall sums to 1e-9 relative."""
    for name in ("hte", "tsme"):
        x, y = a[name], b[name]
        for k in ("n", "qualifies", "candidates"):
            if x[k] != y[k]:
                return "%s %s: %s vs %s" % (name, k, x[k], y[k])
        for cx, cy in zip(x["criteria"], y["criteria"]):
            for k in ("id", "met", "not_met", "unknown"):
                if cx[k] != cy[k]:
                    return "%s %s %s: %s vs %s" % (name, cx["id"], k, cx[k], cy[k])
            s = max(abs(cx["shortfall"]), abs(cy["shortfall"]), 1e-300)
            if abs(cx["shortfall"] - cy["shortfall"]) / s > 1e-9:
                return "%s %s shortfall: %r vs %r" % (name, cx["id"], cx["shortfall"], cy["shortfall"])
    return None


def write_ids(csv_path, npz_path):
    """Each row's firm (统一社会信用代码) and county as integers in order of first appearance."""
    import csv as csvmod
    import numpy as np
    firms, counties, f, c = {}, {}, [], []
    with open(csv_path, encoding="utf-8", newline="") as fh:
        rows = csvmod.reader(line for line in fh if not line.startswith("#"))
        head = next(rows)
        ci, ki = head.index("credit_code"), head.index("county")
        for row in rows:
            f.append(firms.setdefault(row[ci], len(firms)))
            c.append(counties.setdefault(row[ki], len(counties)))
    np.savez(npz_path, firm=np.array(f, dtype=np.int64), county=np.array(c, dtype=np.int64))


def same_pay(a, b):
    x, y = a.get("pay"), b.get("pay")
    if x is None or y is None:
        return "no payments from %s" % ("tuiyan" if x is None else "numpy")
    for k in ("paid", "unknown"):
        if x[k] != y[k]:
            return "pay %s: %s vs %s" % (k, x[k], y[k])
    for i, (rx, ry) in enumerate(zip(x["rules"], y["rules"])):
        if rx["paid"] != ry["paid"]:
            return "pay rule %d paid: %s vs %s" % (i + 1, rx["paid"], ry["paid"])
        if abs(rx["total"] - ry["total"]) > 1e-9 * max(abs(rx["total"]), 1):
            return "pay rule %d total: %r vs %r" % (i + 1, rx["total"], ry["total"])
    return None


def main():
    binary, dirname, out = sys.argv[1], sys.argv[2], sys.argv[3]
    sizes = [int(n) for n in os.environ.get("BENCH_REGISTER_ROWS", "100000 1000000").split()]
    reps = os.environ.get("BENCH_REGISTER_REPS", "5")
    results, failed = [], False
    for rows in sizes:
        csv = os.path.join(dirname, "register_%d.csv" % rows)
        npz = os.path.join(dirname, "register_%d.npz" % rows)
        # about 2.9 firm-years a firm over 2022-2024: enough firms, cut at `rows`
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "gen_register.py"), "--firms",
                        str(rows // 2 + 10), "--max-rows", str(rows), "--seed", "1", "--out", csv, "--npz", npz],
                       check=True)
        ids = os.path.join(dirname, "register_%d_ids.npz" % rows)
        write_ids(csv, ids)
        t, t_mb, t_rc = timed([binary, "run", os.path.join(ROOT, "bench", "register_bench.lua"), csv, reps],
                              "register_tuiyan_%d" % rows, dirname)
        p, p_mb, p_rc = timed([sys.executable, os.path.join(ROOT, "bench", "peer_register.py"), npz, reps, ids],
                              "register_numpy_%d" % rows, dirname)
        entry = {"rows": rows, "bytes": os.path.getsize(csv), "tuiyan": t, "tuiyan_peak_mb": t_mb,
                 "numpy": p, "numpy_peak_mb": p_mb}
        if t_rc or p_rc or not t or not p:
            entry["error"] = "a run failed (tuiyan exit %s, numpy exit %s)" % (t_rc, p_rc)
        else:
            entry["disagreement"] = same(t, p) or same_pay(t, p)
        failed = failed or "error" in entry or entry.get("disagreement") is not None
        results.append(entry)
        os.remove(csv)
        os.remove(npz)
        os.remove(ids)
    print()
    print("Registers: firm-years checked against both criteria sets (hte + tsme), SYNTHETIC, seed 1")
    print("%10s %8s %10s %10s %10s %10s %10s %8s %s" % ("rows", "load s", "tuiyan s", "wall s", "peak MB",
                                                       "numpy s", "peak MB", "ratio", "agree"))
    for e in results:
        if "error" in e:
            print("%10d  %s" % (e["rows"], e["error"]))
            continue
        t, p = e["tuiyan"], e["numpy"]
        print("%10d %8.2f %10.3f %10.3f %10s %10.3f %10s %7.1fx %s" % (
            e["rows"], t["load_s"], t["median_s"], t["median_wall_s"], e["tuiyan_peak_mb"], p["median_s"],
            e["numpy_peak_mb"], p["median_s"] / t["median_s"] if t["median_s"] > 0 else float("nan"),
            "yes" if e["disagreement"] is None else "NO: " + e["disagreement"]))
    print("Registers: both criteria sets checked and every firm-year priced under the Wuwei policy (R7a, R8)")
    print("%10s %10s %10s %10s %10s %8s %12s" % ("rows", "tuiyan s", "wall s", "numpy s", "wall s", "ratio", "total 万元"))
    for e in results:
        if "error" in e:
            continue
        t, p = e["tuiyan"], e["numpy"]
        print("%10d %10.3f %10.3f %10.3f %10.3f %7.1fx %12.0f" % (
            e["rows"], t["pay_median_s"], t["pay_median_wall_s"], p["pay_median_s"], p["pay_median_wall_s"],
            p["pay_median_s"] / t["pay_median_s"] if t["pay_median_s"] > 0 else float("nan"), t["pay"]["total"]))
    ok = [e for e in results if "error" not in e]
    if len(ok) >= 2:
        a, b = ok[0], ok[-1]
        print("  %dx the rows: tuiyan's check %.1fx the time, its peak memory %.1fx (linear: %dx)" % (
            b["rows"] // a["rows"], b["tuiyan"]["median_s"] / a["tuiyan"]["median_s"],
            (b["tuiyan_peak_mb"] or 0) / (a["tuiyan_peak_mb"] or 1), b["rows"] // a["rows"]))
    try:
        with open(out, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError):
        doc = {}
    doc["register"] = results
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2)
    print("added register to " + out)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
