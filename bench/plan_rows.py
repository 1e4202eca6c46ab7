"""plan_rows.py — `make bench`, reading large plans (RELIABILITY §B: 1,000,000 rows in time linear
in rows): writes plans of 100,000 and 1,000,000 rows (id, name, unit, direction, three actuals, a
target), times `tuiyan check` and `tuiyan progress --format csv` on each with GNU time (wall
seconds, peak resident MB), prints a table and adds a "plan_rows" section to OUT.json (written by
bench/compare.py before this runs). A measurement: nothing fails on a slow time; a run that does
not exit 0 is recorded as failed and makes this script exit 1.

    python3 bench/plan_rows.py BIN DIR OUT.json     (BENCH_PLAN_ROWS="100000 1000000")"""
import json
import os
import subprocess
import sys


def write_plan(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        f.write("id,name,unit,direction,actual_2021,actual_2022,actual_2023,target_2025\n")
        for i in range(1, rows + 1):
            up = i % 3 != 0
            base = 100 + i % 50
            f.write("ind_%07d,指标%d,家,%s,%d,%.1f,%.2f,%d\n"
                    % (i, i, "up" if up else "down", base, base + 1.5, base + 2.25, 150 if up else 80))


def timed(args, label, dirname):
    """Wall seconds and peak resident MB of one run (GNU time), and whether it exited 0."""
    tfile = os.path.join(dirname, "time_%s.txt" % label)
    with open(os.devnull, "w") as null:
        rc = subprocess.call(["/usr/bin/time", "-f", "%e %M", "-o", tfile] + args, stdout=null, stderr=null)
    try:
        wall, kb = open(tfile).read().split()[-2:]
        return {"seconds": float(wall), "peak_mb": round(int(kb) / 1024, 1), "exit": rc}
    except (OSError, ValueError):
        return {"seconds": None, "peak_mb": None, "exit": rc}


def main():
    binary, dirname, out = sys.argv[1], sys.argv[2], sys.argv[3]
    sizes = [int(n) for n in os.environ.get("BENCH_PLAN_ROWS", "100000 1000000").split()]
    results = []
    for rows in sizes:
        path = os.path.join(dirname, "plan_%d.csv" % rows)
        write_plan(path, rows)
        entry = {"rows": rows, "bytes": os.path.getsize(path)}
        entry["check"] = timed([binary, "check", "--quiet", path], "check_%d" % rows, dirname)
        entry["progress_csv"] = timed([binary, "progress", path, "--format", "csv"], "progress_%d" % rows, dirname)
        results.append(entry)
        os.remove(path)
    print()
    print("Reading large plans (wall seconds, peak resident MB; GNU time)")
    print("%10s %10s %14s %14s" % ("rows", "MB", "check", "progress csv"))
    failed = False
    for e in results:
        cells = []
        for job in ("check", "progress_csv"):
            r = e[job]
            failed = failed or r["exit"] != 0
            cells.append("%6.1f s %5.0f MB" % (r["seconds"], r["peak_mb"]) if r["seconds"] is not None
                         else "failed (exit %d)" % r["exit"])
        print("%10d %10.1f %14s %14s" % (e["rows"], e["bytes"] / 1e6, cells[0], cells[1]))
    if len(results) >= 2 and all(e["check"]["seconds"] for e in results):
        a, b = results[0], results[-1]
        print("  check: %dx the rows, %.1fx the time (linear: %dx)"
              % (b["rows"] // a["rows"], b["check"]["seconds"] / a["check"]["seconds"], b["rows"] // a["rows"]))
    try:
        with open(out, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError):
        doc = {}
    doc["plan_rows"] = results
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2)
    print("added plan_rows to " + out)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
