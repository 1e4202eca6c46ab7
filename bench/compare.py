"""compare.py — the last step of `make bench`: checks that every peer computed the same numbers
as tuiyan (per indicator and year, the mean within 1e-9 and the standard deviation within 1e-6,
relative), prints the table of times and ratios, and writes build/bench.json.

    python3 bench/compare.py DIR OUT.json
DIR holds tuiyan.json and <peer>.json (bench/run.sh: medians of CPU seconds, median_s, and of
wall seconds, median_wall_s), scaling.jsonl, memory.json, and mem_<row>.txt: the peak resident
kB (GNU time) of a process that ran that row's job once.

What the table compares, and how:
  - the job: every row but the last two runs the same one, the peers' job: evaluate the drawn
    samples over every year and reduce each indicator-year to a mean and an sd;
  - CPU s and wall s: medians over the repeated runs inside one process, CPU seconds of the
    process (all its threads) and wall seconds, never mixed;
  - ratio: the row's CPU median over tuiyan's, except the 2-thread row, whose ratio is its wall
    median over the 1-thread full analysis's wall median (CPU time does not show a speed-up);
  - peak MB: the max RSS of one separate process that ran that row's job once."""
import json
import os
import sys

PEERS = [("c", "hand-written C, scalar (-O2)"),
         ("c_vec", "hand-written C, vectorised (-O3 -march=native)"),
         ("lua", "plain Lua 5.4"), ("luajit", "LuaJIT 2.1"), ("numpy", "numpy (vectorised)")]

# Issue 13's targets: tuiyan's CPU time over the peer's, at most this.
TARGETS = [("c_vec", "C vectorised", 1.0), ("c", "C scalar", 0.7), ("luajit", "LuaJIT", 0.5),
           ("numpy", "numpy", 0.5)]


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def peak_mb(d, name):
    try:
        with open(os.path.join(d, "mem_%s.txt" % name)) as f:
            return round(int(f.read().split()[-1]) / 1024, 1)
    except (OSError, ValueError, IndexError):
        return None


def agreement(ref, other):
    """Largest relative differences of means and sds, scaled so a zero sd compares absolutely."""
    worst_mean = worst_sd = 0.0
    for k, ind in enumerate(ref["indicators"]):
        j = other["indicators"].index(ind)
        for y in range(len(ref["mean"][k])):
            m = max(abs(ref["mean"][k][y]), abs(other["mean"][j][y]))
            dm = abs(ref["mean"][k][y] - other["mean"][j][y]) / m if m > 0 else 0.0
            scale = max(abs(ref["sd"][k][y]), abs(other["sd"][j][y]), 1e-9 * m)
            ds = abs(ref["sd"][k][y] - other["sd"][j][y]) / scale if scale > 0 else 0.0
            worst_mean, worst_sd = max(worst_mean, dm), max(worst_sd, ds)
    return worst_mean, worst_sd


def timing(t):
    """The figures of one timed job: CPU and wall medians and minimums."""
    wall = t.get("wall_times") or []
    return {"median_s": t["median_s"], "min_s": min(t["times"]),
            "median_wall_s": t.get("median_wall_s"), "min_wall_s": min(wall) if wall else None}


def main():
    d, out = sys.argv[1], sys.argv[2]
    tj = load(os.path.join(d, "tuiyan.json"))
    if tj is None:
        sys.exit("bench: tuiyan's results are missing")
    meta = open(os.path.join(d, "meta.txt")).read().split()
    samples, years = int(meta[1]), int(meta[5]) - int(meta[3]) + 1
    reps = len(tj["tuiyan"]["times"])
    job = "evaluate the drawn samples, reduce to means and sds"
    peers = {"tuiyan": dict(timing(tj["tuiyan"]), peak_mb=peak_mb(d, "tuiyan"), job=job),
             "tuiyan_full": dict(timing(tj["tuiyan_full"]), peak_mb=peak_mb(d, "tuiyan_full"),
                                 job="draw, evaluate, means, sds, quantiles, P(target): what an analyst runs"),
             "tuiyan_full_2threads": dict(timing(tj["tuiyan_full_2threads"]),
                                          peak_mb=peak_mb(d, "tuiyan_full_2threads"),
                                          job="the full analysis on two threads (identical results)")}
    base = peers["tuiyan"]["median_s"]
    failed = []
    rows = [("tuiyan", "tuiyan", "reference")]
    for key, label in PEERS:
        pj = load(os.path.join(d, key + ".json"))
        if pj is None:
            peers[key] = {"median_s": None, "skipped": True}
            rows.append((key, label, "skipped (not installed)"))
            continue
        dm, ds = agreement(tj, pj)
        ok = dm <= 1e-9 and ds <= 1e-6
        if not ok:
            failed.append(key)
        peers[key] = dict(timing(pj), peak_mb=peak_mb(d, key), job=job, agrees=ok, max_rel_diff_mean=dm,
                          max_rel_diff_sd=ds)
        rows.append((key, label, "agrees (mean %.0e, sd %.0e)" % (dm, ds) if ok
                     else "DISAGREES (mean %.1e, sd %.1e)" % (dm, ds)))
    rows.append(("tuiyan_full", "tuiyan full analysis", "draws + quantiles + P(target)"))
    rows.append(("tuiyan_full_2threads", "tuiyan full analysis, 2 threads", "identical output"))

    # ratios: CPU over tuiyan's CPU; the 2-thread row wall over the 1-thread wall
    for key, p in peers.items():
        if p.get("median_s") is None:
            continue
        if key == "tuiyan_full_2threads":
            one = peers["tuiyan_full"]["median_wall_s"]
            p["ratio"] = round(p["median_wall_s"] / one, 3) if one and p.get("median_wall_s") else None
            p["ratio_of"] = "wall seconds over the 1-thread full analysis's wall seconds"
        else:
            p["ratio"] = round(p["median_s"] / base, 3)
            p["ratio_of"] = "CPU seconds over tuiyan's CPU seconds (the peers' job)"

    scaling = {}
    try:
        with open(os.path.join(d, "scaling.jsonl")) as f:
            for line in f:
                if line.strip():
                    s = json.loads(line)
                    scaling[s["kind"]] = s
    except OSError:
        pass
    mem = load(os.path.join(d, "memory.json"))
    sc_out = {}
    if "base" in scaling:
        b = scaling["base"]["median_s"]
        sc_out["base"] = scaling["base"]
        for kind, factor in (("samples", 10), ("years", 2), ("elements", 2)):
            if kind in scaling:
                s = dict(scaling[kind])
                s["ratio"] = round(s["median_s"] / b, 3)
                s["ideal"] = factor
                sc_out[kind + ("_x10" if kind == "samples" else "_x2")] = s
    if mem:
        # GNU time's figure for the whole process when we have it; getrusage's otherwise.
        sc_out["full_analysis_x10_samples"] = mem["samples"]
        sc_out["peak_mb_full_analysis_x10_samples"] = peak_mb(d, "tuiyan_full_x10") or mem["peak_mb"]
        sc_out["memory_run"] = mem

    print()
    print("Wuwei standard model, %d samples x %d years, 15 indicators; medians of %d runs in one process"
          % (samples, years, reps))
    print("(%d CPUs, load average %.1f while measuring)" % (os.cpu_count(), os.getloadavg()[0]))
    print()
    fmt = "%-47s %8s %8s %8s %8s  %s"
    print(fmt % ("peer (the peers' job unless said)", "CPU s", "wall s", "ratio", "peak MB", "check"))
    for key, label, note in rows:
        p = peers.get(key, {})
        cpu, wall, ratio, pk = p.get("median_s"), p.get("median_wall_s"), p.get("ratio"), p.get("peak_mb")
        print(fmt % (label, "%.4f" % cpu if cpu else "-", "%.4f" % wall if wall else "-",
                     ("%.2fx" % ratio + ("w" if key == "tuiyan_full_2threads" else "")) if ratio else "-",
                     "%.1f" % pk if pk else "-", note))
    print("  CPU s: CPU seconds of the process (all threads); wall s: wall seconds; never mixed.")
    print("  ratio: CPU s over tuiyan's CPU s; w: the 2-thread row's wall s over the 1-thread full analysis's wall s.")
    print("  peak MB: max RSS (GNU time) of one separate process running that row's job once (for the peers and")
    print("  tuiyan: read or draw the samples, evaluate, means and sds).")
    print()
    lines, targets = [], []
    for key, name, limit in TARGETS:
        t = peers.get(key, {}).get("median_s")
        if not t:
            lines.append("tuiyan / %s: skipped (target <= %.1f)" % (name, limit))
            targets.append({"peer": key, "target_max": limit, "ratio": None, "met": None})
            continue
        r = base / t
        met = r <= limit
        lines.append("tuiyan / %s = %.2f (target <= %.1f: %s)" % (name, r, limit, "met" if met else "NOT met"))
        targets.append({"peer": key, "target_max": limit, "ratio": round(r, 3), "met": met})
    lua = peers.get("lua", {}).get("median_s")
    if lua:
        lines.append("plain Lua 5.4 / tuiyan = %.1f" % (lua / base))
    full, full2 = peers["tuiyan_full"], peers["tuiyan_full_2threads"]
    lines.append("full analysis at %d samples: %.3f s CPU, %.3f s wall; on 2 threads %.2fx the wall time"
                 % (samples, full["median_s"], full["median_wall_s"], full2["ratio"] or 0))
    for key, label in (("samples_x10", "samples x10"), ("years_x2", "years x2"), ("elements_x2", "elements x2")):
        if key in sc_out:
            lines.append("%s: %.2fx the CPU time of the full analysis (linear: %dx)"
                         % (label, sc_out[key]["ratio"], sc_out[key]["ideal"]))
    if "peak_mb_full_analysis_x10_samples" in sc_out:
        lines.append("peak memory of the full analysis at %d samples (its own process, once): %.1f MB"
                     % (sc_out["full_analysis_x10_samples"], sc_out["peak_mb_full_analysis_x10_samples"]))
    for line in lines:
        print("  " + line)

    def over(a, b):
        return round(a / b, 3) if a and b else None
    result = {"model": "wuwei (stdlib/tuiyan/models/wuwei.lua), baseline, 2021-2035, %d uncertain parameters, "
                       "15 indicators tracked in every year" % int(meta[7]),
              "samples": samples, "years": years, "elements": tj.get("elements"), "reps": reps,
              "columns": {"median_s": "CPU seconds (process, all threads), median",
                          "median_wall_s": "wall seconds, median",
                          "ratio": "median_s over tuiyan's median_s; tuiyan_full_2threads: median_wall_s over "
                                   "tuiyan_full's median_wall_s",
                          "peak_mb": "max RSS (GNU time) of one process running the row's job once"},
              "peers": peers,
              "ratios": {"tuiyan_over_c_scalar": over(base, peers.get("c", {}).get("median_s")),
                         "tuiyan_over_c_vec": over(base, peers.get("c_vec", {}).get("median_s")),
                         "tuiyan_over_luajit": over(base, peers.get("luajit", {}).get("median_s")),
                         "tuiyan_over_numpy": over(base, peers.get("numpy", {}).get("median_s")),
                         "lua_over_tuiyan": over(lua, base),
                         "full_2threads_over_1thread_wall": full2["ratio"]},
              "targets": targets,
              "scaling": sc_out, "cpus": os.cpu_count(),
              "load_average": os.getloadavg()}
    with open(out, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)
    print()
    print("wrote " + out)
    if failed:
        sys.exit("bench: %s computed different numbers from tuiyan" % ", ".join(failed))


if __name__ == "__main__":
    main()
