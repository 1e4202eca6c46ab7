#!/usr/bin/env python3
"""gen_peer_cases.py DIR — deterministic plans and peers files for rank targets among peers
(docs/targets.md "Ranking among peers"), for test_progress_reference.sh to run through tuiyan and
tests/progress_reference.py --peers and compare.

Each case is DIR/caseNN.csv (a plan: one region, several rank rows) and DIR/caseNN_peers.csv
(the region itself and 1-6 other regions). The cases vary what the rules turn on: direction
(up/down), trend (cagr/linear/wls), a declared base year or none, target years passed and open,
N larger than the number of peers, ties with the region, a peer missing a year the region has,
a peer without the row at all, a peer with one value, and values that are ranks' opposites.
Fixed seed: the same files every run.
"""
import os
import random
import sys

YEARS = range(2019, 2024)


def value(rng, level, year, growth):
    return round(level * (1 + growth) ** (year - 2019), 2)


def main(out):
    os.makedirs(out, exist_ok=True)
    rng = random.Random(20261205)
    for case in range(30):
        region = "本县"
        npeers = rng.randint(1, 6)
        peers = [f"县{chr(0x7532 + i)}" for i in range(npeers)]   # 县甲, 县申...: distinct names
        base_year = rng.choice([None, 2019, 2020, 2021])
        rows, peer_rows = [], []
        for k in range(3):
            rid = f"r{k}"
            direction = rng.choice(["up", "down"])
            trend = rng.choice(["cagr", "linear", "wls"])
            n = rng.randint(1, 7)
            year = rng.choice([2021, 2022, 2023, 2024, 2025])
            level = rng.uniform(1, 10)

            def series(lv, g, gaps):
                return {y: value(rng, lv, y, g) for y in YEARS if y not in gaps}

            own = series(level, rng.uniform(-0.1, 0.3), set(rng.sample(list(YEARS), rng.choice([0, 0, 0, 1, 2]))))
            rows.append((rid, direction, trend, own, f"前{n}位", year))
            peer_rows.append((region, rid, own))
            for p in peers:
                kind = rng.random()
                if kind < 0.03:
                    continue                                     # this peer lacks the row
                if kind < 0.10:
                    s = dict(own)                                # ties with the region everywhere
                elif kind < 0.13:
                    y = rng.choice(list(YEARS))
                    s = {y: round(rng.uniform(1, 10), 2)}        # one value: no trend
                else:
                    gaps = set(rng.sample(list(YEARS), rng.choice([0] * 12 + [1])))
                    s = series(level * rng.uniform(0.5, 1.5), rng.uniform(-0.1, 0.3), gaps)
                peer_rows.append((p, rid, s))
        with open(os.path.join(out, f"case{case:02d}.csv"), "w", encoding="utf-8") as f:
            if base_year:
                f.write(f"# base_year: {base_year}\n")
            f.write("id,name,unit,direction,trend," + ",".join(f"actual_{y}" for y in YEARS)
                    + ",target_2021,target_2022,target_2023,target_2024,target_2025\n")
            for rid, direction, trend, own, cell, year in rows:
                acts = ",".join("" if y not in own else f"{own[y]}" for y in YEARS)
                tg = ",".join(cell if y == year else "" for y in range(2021, 2026))
                f.write(f"{rid},指标{rid},%,{direction},{trend},{acts},{tg}\n")
        # The region's own row in the peers file too, in a shuffled order of regions.
        rng.shuffle(peer_rows)
        with open(os.path.join(out, f"case{case:02d}_peers.csv"), "w", encoding="utf-8") as f:
            f.write("region,id," + ",".join(f"actual_{y}" for y in YEARS) + "\n")
            for name, rid, s in peer_rows:
                f.write(f"{name},{rid}," + ",".join("" if y not in s else f"{s[y]}" for y in YEARS) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
