"""peer_wuwei.py — the standard Wuwei model (stdlib/tuiyan/models/wuwei.lua, baseline levers)
vectorised with numpy, the way a numpy programmer would write it: every quantity an array over
all samples, a Python loop over the years only. Reads the samples tuiyan drew (DIR/inputs.f64,
DIR/meta.txt), times the evaluation and the reduction to per indicator-year means and standard
deviations in CPU and wall seconds, and writes DIR/numpy.json for bench/compare.py. REPS 0: the
job once, untimed, one line on stdout and no file (bench/run.sh measures that process's peak memory).

    python3 bench/peer_wuwei.py DIR REPS
"""
import json
import sys
import time

import numpy as np

DEFAULTS = dict(
    hte_2021=59, prov_2021=44, sme_2021=122, rd_intensity_2020=0.62, ent_rd_share_2020=61.34,
    city_fiscal_share_2021=0.56, turnover_2021=14.1, hv_patents_per_10k_2021=0.58,
    new_product_share_2020=3.19, industrial_rd_ratio_2020=0.85, rd_personnel_2020=7.95,
    extra_hte=0, hte_moved_in=0, fiscal_raise_pct=0,
    gdp_2021=560, gdp_growth=0.055, city_budget_2021=60, county_budget_2021=200, budget_growth=0.04,
    county_fiscal_share_2021=0.3, rd_intensity_2021_change=0,
    sme_new=30, sme_exit_rate=0.08, sme_promotion_rate=0.06, prov_new_direct=6, prov_exit_rate=0.03,
    prov_promotion_rate=0.12, hte_direct=6, hte_renewal_rate=0.75, hte_exit_rate=0.02,
    hte_first_cohort_share=1 / 3, hte_extra_pool_share=0.2, hte_extra_cost_per_firm=15,
    hte_moved_in_share_new=1 / 3, hte_moved_in_share_1y=1 / 3, hte_rd_additionality=0.5,
    ent_rd_share_2021_change=0, new_product_share_2021_change=0, industrial_rd_ratio_2021_change=0,
    rd_personnel_2021_change=0, innovation_index_2021_change=0, industrial_rd_active_2021_change=0,
    hte_rd_per_firm=0.025, fiscal_rd_fraction=0.5, rd_leverage=1.0,
    turnover_rd_elasticity=1.2, new_product_elasticity=0.8, personnel_elasticity=0.7, population=145,
    patents_per_rd=6, patent_lapse_rate=0.05,
    sci_progress_2021=55.35, innovation_index_2020=42.92, industrial_rd_active_2020=36,
)

INDICATORS = ["sci_progress_contribution", "innovation_index", "enterprise_rd_share", "rd_intensity",
              "city_fiscal_st_share", "county_fiscal_st_share", "industrial_rd_revenue_ratio",
              "industrial_rd_active_share", "rd_personnel_per_10k", "hv_patents_per_10k",
              "new_product_sales_share", "tech_contract_turnover", "hte_count", "prov_st_enterprises",
              "tech_smes"]


def simulate(p, n, ny):
    """Yields, for each year, the 15 indicators as arrays (or scalars) over the samples."""
    rd_total_2021 = p["gdp_2021"] * (p["rd_intensity_2020"] + p["rd_intensity_2021_change"]) * 0.01
    ent_rd_2021 = rd_total_2021 * (p["ent_rd_share_2020"] + p["ent_rd_share_2021_change"]) * 0.01
    base_city = p["city_budget_2021"] * p["city_fiscal_share_2021"]
    base_county = p["county_budget_2021"] * p["county_fiscal_share_2021"]
    gf = np.ones(n)
    bf = np.ones(n)
    sme = np.full(n, float(p["sme_2021"]))
    prov = np.full(n, float(p["prov_2021"]))
    hte = np.full(n, float(p["hte_2021"]))
    hv = np.full(n, p["hv_patents_per_10k_2021"] * p["population"])
    prev_extra = np.zeros(n)
    prev_rd_total = rd_total_2021
    # certificates by cohort (issued this year, a year and two years before); firms moved in
    ex = p["hte_exit_rate"]
    c0 = hte * p["hte_first_cohort_share"]
    c1 = c0
    c2 = hte - 2 * c0
    moved = np.zeros(n)
    share_old = 1 - p["hte_moved_in_share_new"] - p["hte_moved_in_share_1y"]
    for e in range(ny):
        if e > 0:
            gf = gf * (1 + p["gdp_growth"])
            bf = bf * (1 + p["budget_growth"])
        gdp = p["gdp_2021"] * gf
        city_budget = p["city_budget_2021"] * bf
        county_budget = p["county_budget_2021"] * bf
        raise_ = 1 + (p["fiscal_raise_pct"] if e >= 1 else 0) * 0.01
        city_fst = city_budget * p["city_fiscal_share_2021"] * raise_ * 0.01
        county_fst = county_budget * p["county_fiscal_share_2021"] * raise_ * 0.01
        extra = city_fst + county_fst - (base_city * bf + base_county * bf) * 0.01

        sme_promotions = sme * p["sme_promotion_rate"]
        prov_promotions = prov * p["prov_promotion_rate"]
        if e > 0:
            # extra certifications come out of the pool, at most a share of it
            extra_made = np.minimum(p["extra_hte"], prov * p["hte_extra_pool_share"])
            certified = prov_promotions + p["hte_direct"] + extra_made
            arr, due = p["hte_moved_in"], c2
            lapsed = (1 - ex) * (1 - p["hte_renewal_rate"]) * due
            c0, c1, c2 = (certified + (1 - ex) * p["hte_renewal_rate"] * due + p["hte_moved_in_share_new"] * arr,
                          c0 * (1 - ex) + p["hte_moved_in_share_1y"] * arr, c1 * (1 - ex) + share_old * arr)
            new_sme = sme + p["sme_new"] - sme * p["sme_exit_rate"] - sme_promotions
            new_prov = (prov + sme_promotions + p["prov_new_direct"] - prov * p["prov_exit_rate"] - prov_promotions
                        - extra_made)
            hte = hte + certified + arr - lapsed - hte * ex
            moved = moved + arr - moved * ex
            hv = hv + prev_rd_total * p["patents_per_rd"] - hv * p["patent_lapse_rate"]
            sme, prov = new_sme, new_prov

        hte_firms = p["hte_2021"] + p["hte_rd_additionality"] * (hte - p["hte_2021"] - moved) + moved
        ent_rd = (ent_rd_2021 - p["hte_2021"] * p["hte_rd_per_firm"]) * gf + hte_firms * p["hte_rd_per_firm"] \
            + p["rd_leverage"] * prev_extra
        public_rd = (rd_total_2021 - ent_rd_2021) * gf + p["fiscal_rd_fraction"] * extra
        rd_total = ent_rd + public_rd
        rd_ratio = rd_total / rd_total_2021
        yield [p["sci_progress_2021"], p["innovation_index_2020"] + p["innovation_index_2021_change"], ent_rd / rd_total * 100, rd_total / gdp * 100,
               city_fst / city_budget * 100, county_fst / county_budget * 100,
               (p["industrial_rd_ratio_2020"] + p["industrial_rd_ratio_2021_change"]) * (ent_rd / ent_rd_2021) / gf,
               p["industrial_rd_active_2020"] + p["industrial_rd_active_2021_change"],
               (p["rd_personnel_2020"] + p["rd_personnel_2021_change"]) * np.power(rd_ratio, p["personnel_elasticity"]),
               hv / p["population"],
               (p["new_product_share_2020"] + p["new_product_share_2021_change"]) * np.power(ent_rd / ent_rd_2021, p["new_product_elasticity"]),
               p["turnover_2021"] * np.power(rd_ratio, p["turnover_rd_elasticity"]),
               hte, prov, sme]
        prev_extra, prev_rd_total = extra, rd_total


def main():
    d, reps = sys.argv[1], int(sys.argv[2])
    words = open(d + "/meta.txt").read().split()
    n, first, last, npar = int(words[1]), int(words[3]), int(words[5]), int(words[7])
    names = words[8:8 + npar]
    ny = last - first + 1
    data = np.fromfile(d + "/inputs.f64", dtype=np.float64).reshape(npar, n)
    p = dict(DEFAULTS)
    for k, name in enumerate(names):
        p[name] = data[k]
    once = reps < 1              # the job once, for its peak memory
    times, walls = [], []
    for _ in range(max(reps, 1)):
        w0 = time.perf_counter()   # wall seconds
        t0 = time.process_time()   # CPU seconds, as every peer
        mean = [[0.0] * ny for _ in INDICATORS]
        sd = [[0.0] * ny for _ in INDICATORS]
        for e, values in enumerate(simulate(p, n, ny)):
            for k, v in enumerate(values):
                if np.ndim(v) == 0:
                    mean[k][e], sd[k][e] = float(v), 0.0
                else:
                    mean[k][e], sd[k][e] = float(v.mean()), float(v.std(ddof=1))
        times.append(time.process_time() - t0)
        walls.append(time.perf_counter() - w0)
    if once:
        print("numpy: %d samples x %d years once (checksum %.6g)" % (n, ny, sum(map(sum, mean))))
        return
    out = {"peer": "numpy", "median_s": sorted(times)[len(times) // 2],
           "median_wall_s": sorted(walls)[len(walls) // 2], "times": times, "wall_times": walls,
           "indicators": INDICATORS, "mean": mean, "sd": sd}
    with open(d + "/numpy.json", "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
