"""compare.py — the last step of `make bench`: checks that every peer computed the same numbers
as tuiyan (per indicator and year, the mean within 1e-9 and the standard deviation within 1e-6,
relative), prints the table of times and ratios, and writes build/bench.json.

    python3 bench/compare.py DIR OUT.json
DIR holds tuiyan.json and <peer>.json (bench/run.sh), scaling.jsonl and memory.json, and
mem_<peer>.txt (peak resident kB from GNU time, when it was available)."""
import json
import os
import sys

PEERS = [("c", "hand-written C (-O2)"), ("lua", "plain Lua 5.4"), ("luajit", "LuaJIT 2.1"),
         ("numpy", "numpy (vectorised)")]


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def peak_mb(d, peer):
    try:
        with open(os.path.join(d, "mem_%s.txt" % peer)) as f:
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


def main():
    d, out = sys.argv[1], sys.argv[2]
    tj = load(os.path.join(d, "tuiyan.json"))
    if tj is None:
        sys.exit("bench: tuiyan's results are missing")
    meta = open(os.path.join(d, "meta.txt")).read().split()
    samples, years = int(meta[1]), int(meta[5]) - int(meta[3]) + 1
    base = tj["tuiyan"]["median_s"]
    peers = {"tuiyan": {"median_s": base, "min_s": min(tj["tuiyan"]["times"]),
                        "peak_mb": peak_mb(d, "tuiyan"), "job": "evaluate the drawn samples, means and sds"},
             "tuiyan_full": {"median_s": tj["tuiyan_full"]["median_s"], "min_s": min(tj["tuiyan_full"]["times"]),
                             "peak_mb": peak_mb(d, "tuiyan"),
                             "job": "draw, evaluate, means, sds, quantiles, P(target): what an analyst runs"},
             "tuiyan_full_2threads": {"median_s": tj["tuiyan_full_2threads"]["median_s"],
                                      "min_s": min(tj["tuiyan_full_2threads"]["times"]),
                                      "job": "the same on two threads (identical results)"}}
    failed = []
    rows = [("tuiyan", "tuiyan (this run's job)", base, min(tj["tuiyan"]["times"]), "reference")]
    for key, label in PEERS:
        pj = load(os.path.join(d, key + ".json"))
        if pj is None:
            peers[key] = {"median_s": None, "skipped": True}
            rows.append((key, label, None, None, "skipped (not installed)"))
            continue
        dm, ds = agreement(tj, pj)
        ok = dm <= 1e-9 and ds <= 1e-6
        if not ok:
            failed.append(key)
        peers[key] = {"median_s": pj["median_s"], "min_s": min(pj["times"]), "peak_mb": peak_mb(d, key),
                      "agrees": ok, "max_rel_diff_mean": dm, "max_rel_diff_sd": ds}
        rows.append((key, label, pj["median_s"], min(pj["times"]),
                     "agrees (mean %.0e, sd %.0e)" % (dm, ds) if ok else "DISAGREES (mean %.1e, sd %.1e)" % (dm, ds)))
    rows.append(("tuiyan_full", "tuiyan full analysis", peers["tuiyan_full"]["median_s"],
                 peers["tuiyan_full"]["min_s"], "draws + quantiles + P(target)"))
    rows.append(("tuiyan_full_2threads", "tuiyan full, 2 threads", peers["tuiyan_full_2threads"]["median_s"],
                 peers["tuiyan_full_2threads"]["min_s"], "identical output; wall time"))

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
        sc_out["peak_mb_1e6_samples"] = peak_mb(d, "tuiyan_1e6") or mem["peak_mb"]
        sc_out["memory_run"] = mem

    print()
    print("Wuwei standard model, %d samples x %d years, 15 indicators; CPU seconds, medians of repeated runs"
          % (samples, years))
    print("(%d CPUs, load average %.1f while measuring)" % (os.cpu_count(), os.getloadavg()[0]))
    print()
    print("%-26s %10s %10s %9s %9s  %s" % ("peer", "median s", "min s", "ratio", "peak MB", "check"))
    for key, label, med, mn, note in rows:
        ratio = "%.2fx" % (med / base) if med else "-"
        pk = peers.get(key, {}).get("peak_mb")
        print("%-26s %10s %10s %9s %9s  %s" % (label, "%.4f" % med if med else "-", "%.4f" % mn if mn else "-",
                                             ratio, "%.1f" % pk if pk else "-", note))
    print()
    targets = []
    c, lua, jit, npy = (peers[k].get("median_s") for k in ("c", "lua", "luajit", "numpy"))
    if c:
        targets.append("tuiyan / C = %.2f (target <= 1.5)" % (base / c))
    if lua:
        targets.append("Lua / tuiyan = %.0f (target >= 50)" % (lua / base))
    if jit:
        targets.append("LuaJIT / tuiyan = %.2f (target > 1)" % (jit / base))
    if npy:
        targets.append("numpy / tuiyan = %.2f (target > 1)" % (npy / base))
    targets.append("full analysis at %d samples: %.3f s (target < 0.5 s)" % (samples, peers["tuiyan_full"]["median_s"]))
    for key, label in (("samples_x10", "samples x10"), ("years_x2", "years x2"), ("elements_x2", "elements x2")):
        if key in sc_out:
            targets.append("%s: %.2fx the time (linear: %dx)" % (label, sc_out[key]["ratio"], sc_out[key]["ideal"]))
    if "peak_mb_1e6_samples" in sc_out:
        targets.append("peak memory at 1,000,000 samples: %.1f MB (target < 500)" % sc_out["peak_mb_1e6_samples"])
    for t in targets:
        print("  " + t)
    result = {"model": "wuwei (stdlib/tuiyan/models/wuwei.lua), baseline, 2021-2035, %d uncertain parameters, "
                       "15 indicators tracked in every year" % int(meta[7]),
              "samples": samples, "years": years, "elements": tj.get("elements"), "peers": peers,
              "ratios": {"tuiyan_over_c": round(base / c, 3) if c else None,
                         "lua_over_tuiyan": round(lua / base, 1) if lua else None,
                         "luajit_over_tuiyan": round(jit / base, 2) if jit else None,
                         "numpy_over_tuiyan": round(npy / base, 2) if npy else None},
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
